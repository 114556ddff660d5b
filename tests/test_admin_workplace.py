"""The workplace's smaller comforts: language switcher, counters, titles, readable audit trail."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from claims import services
from claims.admin.discovery import plain_why
from claims.admin.language import SESSION_KEY
from claims.exceptions import ServiceError
from claims.models import UserPreference
from claims.textcut import cut_at_word
from tests.factories import ClaimantFactory, ClaimFactory, UserFactory
from tests.test_admin import change_form_data, change_url

SWITCH = "/admin/language/"

# --- Language switcher ------------------------------------------------------------------


def test_switcher_is_on_every_admin_page_for_desk_members(client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="fc-language-form"' in page
    assert f'action="{SWITCH}"' in page
    # Each language is named in itself, so a member who cannot read the current one finds theirs.
    assert ">English</option>" in page
    assert ">Norsk (bokmål)</option>" in page


def test_choosing_norwegian_is_stored_and_shown_over_the_browser_language(client, editor):
    client.force_login(editor)
    response = client.post(SWITCH, {"language": "nb", "next": reverse("admin:claims_claim_changelist")})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:claims_claim_changelist")
    assert UserPreference.objects.get(user=editor).language == "nb"

    page = client.get(reverse("admin:claims_claim_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "nb"
    assert 'lang="nb"' in page.content.decode()

    # Back to English.
    client.post(SWITCH, {"language": "en", "next": reverse("admin:index")})
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="nb")
    assert page["Content-Language"] == "en"


def test_the_choice_follows_the_member_to_a_new_sign_in(editor):
    services.user_language_set(user=editor, language="nb")
    other = Client()
    other.force_login(editor)
    page = other.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "nb"
    # Remembered in the session: the next page asks the database nothing about it.
    assert other.session[SESSION_KEY] == [editor.pk, "nb"]


def test_another_members_choice_does_not_leak_through_a_shared_session(client, editor, reviewer):
    services.user_language_set(user=editor, language="nb")
    client.force_login(editor)
    assert client.get(reverse("admin:index"))["Content-Language"] == "nb"
    client.force_login(reviewer)  # same browser, another person
    assert client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"


def test_public_pages_are_not_switched(client, editor):
    services.user_language_set(user=editor, language="nb")
    client.force_login(editor)
    client.get(reverse("admin:index"))
    page = client.get("/tips/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "en"


def test_unknown_language_is_refused_and_nothing_stored(client, editor):
    client.force_login(editor)
    response = client.post(SWITCH, {"language": "xx", "next": reverse("admin:index")}, follow=True)
    assert "Unsupported language" in response.content.decode()
    assert not UserPreference.objects.filter(user=editor).exists()
    with pytest.raises(ServiceError):
        services.user_language_set(user=editor, language="de")


def test_next_may_not_leave_the_site(client, editor):
    client.force_login(editor)
    response = client.post(SWITCH, {"language": "nb", "next": "https://evil.example/"})
    assert response["Location"] == reverse("admin:index")


def test_switcher_needs_a_signed_in_desk_member_and_a_post(client, editor):
    response = client.post(SWITCH, {"language": "nb"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not UserPreference.objects.exists()
    outsider = UserFactory(username="olga", is_staff=False)
    client.force_login(outsider)
    assert client.post(SWITCH, {"language": "nb"}).status_code == 302
    assert not UserPreference.objects.exists()
    client.force_login(editor)
    assert client.get(SWITCH).status_code == 405


def test_switcher_is_csrf_protected(editor):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(SWITCH, {"language": "nb"}).status_code == 403
    assert not UserPreference.objects.exists()


# --- Long texts: a counter, not a silent cut --------------------------------------------


def test_claim_text_has_a_counter_and_no_browser_cut(client, reviewer):
    claim = ClaimFactory(status="in_research", assignee=reviewer)
    client.force_login(reviewer)
    page = client.get(change_url(claim)).content.decode()
    textarea = re.search(r'<textarea[^>]*name="text"[^>]*>', page).group(0)
    assert 'data-fc-maxlength="5000"' in textarea
    assert " maxlength=" not in textarea
    assert "claims/workplace.js" in page


def test_an_overlong_paste_is_refused_with_its_length_and_kept_in_the_form(client, reviewer):
    claim = ClaimFactory(status="in_research", assignee=reviewer)
    client.force_login(reviewer)
    data = change_form_data(client.get(change_url(claim)))
    data["text"] = "word " * 2600  # 13,000 characters
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "at most 5000 characters (it has 12999)" in body or "at most 5000 characters (it has 13000)" in body
    claim.refresh_from_db()
    assert len(claim.text) < 5000


# --- Titles cut between words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short enough", 80, "Short enough"),
        ("Russia denies having any plans to invade Ukraine", 30, "Russia denies having any…"),
        ("Russia denies having any plans", 25, "Russia denies having any…"),
        ("Russia, denies", 10, "Russia…"),
        ("  spaced\n\nout   text  ", 80, "spaced out text"),
        ("https://news.example/a-very-long-path-without-any-spaces-at-all", 20, "https://news.exampl…"),
        ("", 10, ""),
    ],
)
def test_cut_at_word(text, limit, expected):
    assert cut_at_word(text, limit) == expected
    assert len(cut_at_word(text, limit)) <= limit


def test_a_claim_without_summary_is_titled_at_a_word_boundary(db):
    claim = ClaimFactory(claim_reviewed="", text="Norway's electricity support scheme cost more " * 4)
    title = str(claim)
    assert title.endswith("…") and len(title) <= 80
    assert title[:-1].split()[-1] in claim.text.split()


# --- A readable audit trail -------------------------------------------------------------


def test_audit_trail_names_people_and_things_and_shows_local_time(client, reviewer, editor, settings):
    settings.TIME_ZONE = "Europe/Oslo"
    editor.first_name, editor.last_name = "Erik", "Redaktør"
    editor.save()
    claim = ClaimFactory(status="in_research")
    peskov = ClaimantFactory(name="Dmitrij Peskov")
    services.claim_update(claim=claim, user=editor, data={"claimant": peskov, "assignee": reviewer})
    client.force_login(editor)
    content = client.get(reverse("admin:claims_claim_audit", args=[claim.pk])).content.decode()
    assert "Dmitrij Peskov" in content
    # A deleted row would show as "#id"; the claimant is named instead.
    assert not re.search(rf"(?<![\w&])#{peskov.pk}(?!\w)", content)
    assert "Erik Redaktør" in content
    # Local time with its zone, not UTC ISO.
    assert re.search(r"\b(CET|CEST)\b", content)


# --- Plain reasons name things as the claim does ----------------------------------------


def test_same_names_reason_uses_the_claims_spelling(db):
    claim = ClaimFactory(
        language="nb",
        claim_reviewed="",
        text="Russland sier at NATO og Verdens helseorganisasjon møttes i Genève med Lavrov.",
    )
    reasons = plain_why({"entity_terms": ["@russia", "@nato", "@who", "geneva", "lavrov"]}, claim)
    names = next(r for r in reasons if r.startswith("Same names"))
    assert "@" not in names
    for expected in ("Russland", "NATO", "Verdens helseorganisasjon", "Genève", "Lavrov"):
        assert expected in names, names
