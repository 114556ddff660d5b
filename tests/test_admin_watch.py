"""The workplace's bell, notification list, mark-read and notification settings."""

from __future__ import annotations

import re

import pytest

from claims.models import Notification, NotificationEvent, NotificationPreference
from tests.factories import ClaimFactory


def note(user, n: int, *, read: bool = False, claim=None) -> Notification:
    from django.utils import timezone

    claim = claim or ClaimFactory()
    return Notification.objects.create(
        user=user,
        event=NotificationEvent.COMMENT,
        claim=claim,
        message=f"Note {n} for {user.username}",
        url=f"/admin/claims/claim/{claim.pk}/change/",
        event_key=f"test:{n}",
        read_at=timezone.now() if read else None,
    )


def bell_count(html: str) -> int:
    match = re.search(r'id="fc-bell".*?<span class="fc-bell-count">(\d+)</span>', html, re.S)
    assert match, "no bell in the header"
    return int(match.group(1))


@pytest.mark.django_db
def test_the_bell_counts_my_unread_notifications_only(client, reviewer, reviewer2):
    for n in range(3):
        note(reviewer, n)
    note(reviewer, 9, read=True)
    note(reviewer2, 10)
    client.force_login(reviewer)
    assert bell_count(client.get("/admin/").content.decode()) == 3
    client.force_login(reviewer2)
    assert bell_count(client.get("/admin/claims/claim/").content.decode()) == 1


@pytest.mark.django_db
def test_the_bell_is_drawn_not_an_emoji_and_hidden_from_screen_readers(client, reviewer):
    client.force_login(reviewer)
    html = client.get("/admin/").content.decode()
    bell = re.search(r'<a [^>]*id="fc-bell".*?</a>', html, re.S).group(0)
    assert '<svg class="fc-bell-icon"' in bell and 'aria-hidden="true"' in bell
    assert "\U0001f514" not in bell and "&#128276;" not in bell  # no font needed for the icon
    assert 'aria-label="0 unread notifications"' in bell


@pytest.mark.django_db
def test_the_list_shows_only_my_notifications_and_opening_one_marks_it_read(client, reviewer, reviewer2):
    mine = note(reviewer, 1)
    theirs = note(reviewer2, 2)
    client.force_login(reviewer)
    html = client.get("/admin/claims/notification/").content.decode()
    assert mine.message in html and theirs.message not in html
    response = client.get(f"/admin/claims/notification/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == mine.url
    mine.refresh_from_db()
    assert mine.read
    # someone else's notification: not found, and left unread
    assert client.get(f"/admin/claims/notification/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert not theirs.read


@pytest.mark.django_db
def test_mark_all_read_is_post_only(client, reviewer, reviewer2):
    for n in range(2):
        note(reviewer, n)
    other = note(reviewer2, 5)
    client.force_login(reviewer)
    assert client.get("/admin/claims/notification/read-all/").status_code == 405
    assert client.post("/admin/claims/notification/read-all/").status_code == 302
    assert not Notification.objects.filter(user=reviewer, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert not other.read
    assert bell_count(client.get("/admin/").content.decode()) == 0


@pytest.mark.django_db
def test_mark_read_action_touches_only_my_rows(client, reviewer, reviewer2):
    mine, theirs = note(reviewer, 1), note(reviewer2, 2)
    client.force_login(reviewer)
    client.post("/admin/claims/notification/", {"action": "mark_read", "_selected_action": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read and not theirs.read


@pytest.mark.django_db
def test_settings_page_saves_my_choices(client, reviewer):
    client.force_login(reviewer)
    page = client.get("/admin/claims/notification/settings/")
    assert page.status_code == 200
    data = dict.fromkeys(NotificationEvent.values, "in_app")
    data[NotificationEvent.ASSIGNED] = "digest"
    assert client.post("/admin/claims/notification/settings/", data).status_code == 302
    assert NotificationPreference.objects.get(user=reviewer, event=NotificationEvent.ASSIGNED).delivery == "digest"
    bad = client.post("/admin/claims/notification/settings/", {**data, "assigned": "pigeon"})
    assert bad.status_code == 200
    assert NotificationPreference.objects.get(user=reviewer, event=NotificationEvent.ASSIGNED).delivery == "digest"
