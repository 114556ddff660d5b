"""The watch API: /api/v1/notifications/, /api/v1/webhooks/, /api/v1/recurrences/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Appearance, Notification, NotificationEvent, Recurrence, WebhookMessage, WebhookSubscription
from claims.services import webhooks as hooks
from tests.factories import ArticleFactory, ClaimFactory
from tests.fixtures.web.server import LOOPBACK
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401


def note(user, n: int, *, read: bool = False) -> Notification:
    return Notification.objects.create(
        user=user,
        event=NotificationEvent.COMMENT,
        claim=ClaimFactory(),
        message=f"Note {n}",
        url="/admin/",
        event_key=f"k{n}",
        read_at=timezone.now() if read else None,
    )


@pytest.mark.django_db
def test_notifications_are_the_callers_own_and_can_be_marked_read(reviewer, reviewer2):
    mine = [note(reviewer, 1), note(reviewer, 2), note(reviewer, 3, read=True)]
    theirs = note(reviewer2, 4)
    api = client_for(reviewer)
    body = api.get(f"{API}/notifications/").json()
    assert {r["id"] for r in body["results"]} == {n.pk for n in mine}
    first = body["results"][0]
    assert set(first) == {"id", "event", "claim", "message", "url", "read", "created_at"}
    unread = api.get(f"{API}/notifications/?unread=1").json()["results"]
    assert {r["id"] for r in unread} == {mine[0].pk, mine[1].pk}
    answer = api.post(f"{API}/notifications/{mine[0].pk}/read/")
    assert answer.status_code == 200 and answer.json()["read"] is True
    assert api.post(f"{API}/notifications/{theirs.pk}/read/").status_code == 404
    answer = api.post(f"{API}/notifications/read-all/")
    assert answer.status_code == 200 and answer.json() == {"marked": 1}
    assert api.get(f"{API}/notifications/?unread=1").json()["results"] == []
    theirs.refresh_from_db()
    assert not theirs.read
    assert APIClient().get(f"{API}/notifications/").status_code == 401


def token_client(username: str, group: str) -> APIClient:
    from io import StringIO

    out = StringIO()
    call_command("issue_token", username, "--group", group, stdout=out)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    return api


@pytest.mark.django_db
def test_webhooks_are_for_admin_tokens_only(httpserver, settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    url = httpserver.url_for("/hook")
    admin = token_client("cms-admin", "admin")
    for group in ("reviewer", "editor"):
        refused = token_client(f"bot-{group}", group).post(
            f"{API}/webhooks/", {"url": url, "events": ["claim.published"]}, format="json"
        )
        assert refused.status_code == 403, group
    created = admin.post(f"{API}/webhooks/", {"url": url, "events": ["claim.published"]}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["active"] is True and body["events"] == ["claim.published"]
    assert WebhookSubscription.objects.get(pk=body["id"]).secret == body["secret"]
    # the secret is shown once: not in the list
    listed = admin.get(f"{API}/webhooks/").json()["results"]
    assert [r["id"] for r in listed] == [body["id"]] and "secret" not in listed[0]
    given = admin.post(
        f"{API}/webhooks/",
        {"url": url, "events": ["claim.created"], "secret": "whsec_" + "A" * 44, "active": False},
        format="json",
    )
    assert given.status_code == 201 and given.json()["secret"] == "whsec_" + "A" * 44
    assert given.json()["active"] is False


@pytest.mark.django_db
def test_bad_subscriptions_get_field_errors(settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    admin = token_client("cms-admin", "admin")
    answer = admin.post(
        f"{API}/webhooks/", {"url": "http://10.1.2.3/hook", "events": ["claim.published"]}, format="json"
    )
    assert answer.status_code == 400 and "url" in answer.json()
    answer = admin.post(f"{API}/webhooks/", {"url": "https://example.org/", "events": ["nope"]}, format="json")
    assert answer.status_code == 400 and "events" in answer.json()
    answer = admin.post(f"{API}/webhooks/", {"url": "https://example.org/", "events": []}, format="json")
    assert answer.status_code == 400 and "events" in answer.json()
    answer = admin.post(
        f"{API}/webhooks/", {"url": "https://example.org/", "events": ["claim.created"], "x": 1}, format="json"
    )
    assert answer.status_code == 400 and "x" in answer.json()
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_deliveries_log_one_entry_per_attempt(desk_admin, commit, reviewer, httpserver, settings):
    from werkzeug import Response

    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    settings.WEBHOOK_RETRY_DELAYS = [0]
    answers = [500]
    httpserver.expect_request("/hook").respond_with_handler(
        lambda request: Response("busy" if answers else "ok", status=answers.pop(0) if answers else 204)
    )
    subscription, _secret = hooks.webhook_subscribe(
        user=desk_admin, url=httpserver.url_for("/hook"), events=["claim.created"]
    )
    from claims import services

    commit(lambda: services.claim_create(user=reviewer, text="A claim for the log.", language="en"))
    log = client_for(desk_admin).get(f"{API}/webhooks/{subscription.pk}/deliveries/").json()["results"]
    message = WebhookMessage.objects.get()
    assert [(e["attempt"], e["status_code"], e["ok"]) for e in log] == [(2, 204, True), (1, 500, False)]
    assert {e["message_id"] for e in log} == {message.msg_id}
    assert log[1]["response_excerpt"] == "busy" and log[0]["event"] == "claim.created"
    assert set(log[0]) == {
        "id", "message_id", "event", "attempt", "status_code", "ok", "error", "response_excerpt", "created_at"
    }  # fmt: skip
    assert client_for(reviewer).get(f"{API}/webhooks/{subscription.pk}/deliveries/").status_code == 403


@pytest.mark.django_db
def test_recurrences_list_filter_confirm_and_dismiss(reviewer, editor, outsider):
    claim = ClaimFactory(status="published", published_at=timezone.now())
    other = ClaimFactory(status="published", published_at=timezone.now())
    first = Recurrence.objects.create(
        claim=claim,
        article=ArticleFactory(url="https://news.example/one", title="One"),
        passage="Repeated here.",
        start=10,
        end=24,
        score=0.8,
    )
    second = Recurrence.objects.create(
        claim=other, article=ArticleFactory(), passage="Again.", start=0, end=6, score=0.9
    )
    Recurrence.objects.filter(pk=second.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    api = client_for(reviewer)
    listed = api.get(f"{API}/recurrences/").json()["results"]
    assert [r["id"] for r in listed] == [first.pk, second.pk]
    assert set(listed[0]) == {
        "id", "claim", "article", "article_url", "article_title", "passage", "start", "end", "score", "status",
        "created_at",
    }  # fmt: skip
    assert listed[0]["article_url"] == "https://news.example/one"
    assert [r["id"] for r in api.get(f"{API}/recurrences/?claim={other.pk}").json()["results"]] == [second.pk]
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert [r["id"] for r in api.get(f"{API}/recurrences/", {"since": since}).json()["results"]] == [first.pk]
    assert len(api.get(f"{API}/recurrences/", {"since": "0800-10-31T01:08:08-23:58"}).json()["results"]) == 2
    assert api.get(f"{API}/recurrences/", {"since": "9999-12-31T23:00:00-05:00"}).json()["results"] == []
    for bad in ({"status": "maybe"}, {"since": "yesterday"}, {"since": "2026-02-30T10:00:00Z"}, {"claim": "x"}):
        assert api.get(f"{API}/recurrences/", bad).status_code == 400, bad
    confirmed = api.post(f"{API}/recurrences/{first.pk}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert Appearance.objects.filter(claim=claim, source__url="https://news.example/one").exists()
    dismissed = client_for(editor).post(f"{API}/recurrences/{second.pk}/dismiss/")
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    assert client_for(editor).post(f"{API}/recurrences/{second.pk}/confirm/").status_code == 409
    assert [r["id"] for r in api.get(f"{API}/recurrences/?status=dismissed").json()["results"]] == [second.pk]
    assert client_for(outsider).get(f"{API}/recurrences/").status_code == 403
    assert APIClient().get(f"{API}/recurrences/").status_code == 401
