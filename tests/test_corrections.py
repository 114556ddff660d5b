"""Corrections, not silent edits: a published verdict changes only with a public note.

Services, the API contract (`POST /api/v1/claims/{id}/corrections/`, 409 on a plain PATCH),
the admin's "Publish an update / correction" step, and what the public sees (page and
ClaimReview JSON-LD).
"""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from claims import services
from claims.exceptions import PreconditionFailed, ServiceError, TransitionForbidden
from claims.models import Claim, Correction, Review
from claims.workflow import ClaimStatus
from tests.factories import rating
from tests.test_admin import change_form_data, change_url
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(reviewed_claim, editor):
    services.claim_transition(claim=reviewed_claim, user=editor, to=ClaimStatus.PUBLISHED)
    return Claim.objects.select_related("review__rating").get(pk=reviewed_claim.pk)


# --- Services ------------------------------------------------------------------------------


def test_correction_applies_the_change_and_publishes_the_note(live, editor):
    correction = services.claim_correct(
        claim=live, user=editor, note="The date of the summit was wrong.", rating=rating("true"), headline="New"
    )
    fresh = Claim.objects.select_related("review__rating").get(pk=live.pk)
    assert fresh.status == ClaimStatus.UPDATED
    assert fresh.review.rating.slug == "true" and fresh.review.headline == "New"
    assert correction.note == "The date of the summit was wrong." and correction.author == editor
    assert set(correction.changes) == {"rating", "headline"}
    # Another correction of an updated claim: still allowed, still noted.
    services.claim_correct(claim=fresh, user=editor, note="Added a source.")
    assert Correction.objects.filter(claim=live).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"note": "  "}, "note"),
        ({"note": "Fix", "headline": " "}, "headline"),
        ({"note": "Fix", "rationale": ""}, "rationale"),
    ],
)
def test_empty_note_headline_or_rationale_is_refused(live, editor, kwargs, field):
    before = Review.objects.get(claim=live)
    with pytest.raises(ServiceError) as info:
        services.claim_correct(claim=live, user=editor, **kwargs)
    assert field in info.value.fields
    after = Review.objects.get(claim=live)
    assert (after.headline, after.rationale) == (before.headline, before.rationale)
    assert not Correction.objects.exists() and Claim.objects.get(pk=live.pk).status == ClaimStatus.PUBLISHED


def test_only_editors_correct_and_only_live_claims(live, reviewer, editor, claim):
    with pytest.raises(TransitionForbidden):
        services.claim_correct(claim=live, user=reviewer, note="Sneaky")
    with pytest.raises(PreconditionFailed):
        services.claim_correct(claim=claim, user=editor, note="Not published yet")


def test_plain_edits_of_a_live_verdict_are_refused(live, editor):
    for change in ({"rationale": ""}, {"headline": "Other"}, {"rating": rating("true")}, {"clear_rating": True}):
        with pytest.raises(PreconditionFailed, match="correction"):
            services.review_save(claim=live, user=editor, **change)
    # Unchanged values (a form posting everything back) and new evidence are fine.
    review = Review.objects.get(claim=live)
    services.review_save(claim=live, user=editor, rationale=review.rationale.replace("\n", "\r\n"))


def test_clearing_a_rating_is_explicit(editor, reviewer):
    claim = services.claim_create(user=reviewer, text="A claim to draft.", language="en")
    services.review_save(claim=claim, user=reviewer, rating=rating("false"))
    services.review_save(claim=claim, user=reviewer, rating=None)  # None keeps the rating
    assert Review.objects.get(claim=claim).rating.slug == "false"
    services.review_save(claim=claim, user=reviewer, clear_rating=True)
    assert Review.objects.get(claim=claim).rating is None
    with pytest.raises(ServiceError):
        services.review_save(claim=claim, user=reviewer, rating=rating("true"), clear_rating=True)


def test_transition_to_updated_points_at_corrections(live, editor):
    with pytest.raises(PreconditionFailed, match="corrections"):
        services.claim_transition(claim=live, user=editor, to=ClaimStatus.UPDATED)


# --- API -----------------------------------------------------------------------------------


def test_api_corrections_contract(live, editor, reviewer):
    url = f"{API}/claims/{live.pk}/corrections/"
    assert client_for(reviewer).post(url, {"note": "x"}, format="json").status_code == 403
    for body in ({"note": ""}, {"note": "Fix", "headline": ""}, {"note": "Fix", "rationale": "  "}, {}):
        response = client_for(editor).post(url, body, format="json")
        assert response.status_code == 400, (body, response.content)
    assert client_for(editor).post(url, {"note": "Fix", "rating": None}, format="json").status_code == 400
    response = client_for(editor).post(
        url, {"note": "The figure was 100 000, not 10 000.", "rationale": "Corrected figure."}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "updated" and body["review"]["rationale"] == "Corrected figure."
    assert [c["note"] for c in body["corrections"]] == ["The figure was 100 000, not 10 000."]
    # The note is public: an anonymous reader sees it too.
    public = client_for(None).get(f"{API}/claims/{live.pk}/").json()
    assert public["corrections"][0]["note"].startswith("The figure") and public["comments"] == []


def test_api_patch_of_a_published_review_is_409(live, editor):
    response = client_for(editor).patch(f"{API}/reviews/{live.review.pk}/", {"rationale": ""}, format="json")
    assert response.status_code == 409 and f"/claims/{live.pk}/corrections/" in response.json()["detail"]
    response = client_for(editor).post(f"{API}/claims/{live.pk}/transition/", {"to": "updated"}, format="json")
    assert response.status_code == 409
    assert Review.objects.get(claim=live).rationale


def test_api_corrections_on_unpublished_claim_is_409(claim, editor):
    response = client_for(editor).post(f"{API}/claims/{claim.pk}/corrections/", {"note": "x"}, format="json")
    assert response.status_code == 409


# --- Admin ---------------------------------------------------------------------------------


def test_admin_correction_step(client, live, editor):
    client.force_login(editor)
    page = client.get(change_url(live))
    assert b"fc-correction-form" in page.content and b"fc-to-updated" in page.content
    url = reverse("admin:claims_claim_correct", args=[live.pk])
    review = live.review
    data = {"note": "", "rating": str(review.rating_id), "headline": review.headline, "rationale": "New text"}
    client.post(url, data)
    assert Review.objects.get(claim=live).rationale != "New text"  # no note: refused
    data["note"] = "Rewrote the rationale after new figures."
    response = client.post(url, data, follow=True)
    assert Review.objects.get(claim=live).rationale == "New text"
    assert "Rewrote the rationale" in response.content.decode()


def test_admin_rating_dash_clears_a_draft_rating(client, reviewer):
    claim = services.claim_create(user=reviewer, text="Draft me.", language="en")
    services.claim_transition(claim=claim, user=reviewer, to="triaged")
    services.review_save(claim=claim, user=reviewer, rating=rating("false"), rationale="Because.")
    client.force_login(reviewer)
    data = change_form_data(client.get(change_url(claim)))
    data["review-0-rating"] = ""
    assert client.post(change_url(claim), data).status_code == 302
    assert Review.objects.get(claim=claim).rating is None


# --- Public --------------------------------------------------------------------------------


def test_public_page_and_claimreview_show_corrections(client, live, editor):
    services.claim_correct(claim=live, user=editor, note="We corrected the number of troops.")
    response = client.get(reverse("factchecks:detail", kwargs={"slug": live.slug}))
    html = response.content.decode()
    assert "We corrected the number of troops." in html and 'id="corrections"' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["correction"][0]["text"] == "We corrected the number of troops."
    assert data["dateModified"] == data["correction"][0]["datePublished"]
    api = client_for(None).get(f"{API}/claims/{live.pk}/claimreview/").json()
    assert api["correction"][0]["@type"] == "CorrectionComment"
