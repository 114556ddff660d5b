"""The duplicate finder uses other desks' reviews: a new claim that matches only another
desk's wording of an existing claim (the imported review's claim reviewed) is suggested as
its duplicate, with that review as the reason, in the admin and the API; tips and imports
find the claim the same way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from claims import services
from claims.discovery import duplicates_external
from claims.models import DuplicateSuggestion, ExternalReview
from claims.services import imports
from claims.services import tips as tip_services
from tests.factories import ClaimFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401

pytestmark = pytest.mark.django_db

# Written for these tests. The desk worded its claim its own way; another desk's review of
# it words the claim as readers repeat it.
DESK_WORDING = "Mayor boasts about cheaper commuting"
THEIR_WORDING = "Bompengene i Bergen falt med 40 prosent i 2025"
NEW_CLAIM = "Bompengene i Bergen gikk ned med 40 prosent i fjor"


@pytest.fixture
def checked(db):
    claim = ClaimFactory(text=DESK_WORDING, language="en", claim_reviewed="")
    review = ExternalReview.objects.create(
        claim=claim,
        publisher="Sjekkdesken",
        url="https://sjekk.example.org/bompenger",
        claim_reviewed=THEIR_WORDING,
        rating_text="Helt feil",
        date=dt.date(2026, 3, 1),
        language="nb",
    )
    return claim, review


def test_a_claim_matching_only_another_desks_wording_is_found_with_the_review(checked):
    claim, review = checked
    new = ClaimFactory(text=NEW_CLAIM, language="nb", claim_reviewed="")
    found = duplicates_external.find_duplicates(new)
    assert [(m.claim, m.review) for m in found] == [(claim, review)]
    assert found[0].score >= duplicates_external.duplicates.THRESHOLD
    # The review's own claim is never its own duplicate; unrelated claims are not found.
    assert duplicates_external.find_duplicates(claim) == []
    other = ClaimFactory(text="Ifølge SSB flyttet 3000 personer til Tromsø i august", language="nb")
    assert duplicates_external.find_duplicates(other) == []


def test_a_better_direct_match_wins_and_carries_no_review(checked):
    claim, review = checked
    same = ClaimFactory(text=NEW_CLAIM, language="nb", claim_reviewed="")
    new = ClaimFactory(text=NEW_CLAIM + ".", language="nb", claim_reviewed="")
    found = {m.claim.pk: m for m in duplicates_external.find_duplicates(new)}
    assert found[same.pk].review is None
    assert found[claim.pk].review == review


def test_refresh_stores_the_review_as_the_reason_shown_in_admin_and_api(checked, client, reviewer):
    claim, review = checked
    new = ClaimFactory(text=NEW_CLAIM, language="nb", claim_reviewed="")
    assert services.duplicates_refresh(claim_id=new.pk) == 1
    suggestion = DuplicateSuggestion.objects.get(claim=new)
    assert suggestion.candidate == claim and suggestion.via_review == review
    assert services.duplicates_refresh(claim_id=new.pk) == 1  # idempotent
    assert DuplicateSuggestion.objects.count() == 1

    client.force_login(reviewer)
    page = client.get(reverse("admin:claims_claim_change", args=[new.pk])).content.decode()
    assert "Found through Sjekkdesken's wording of it: “Bompengene i Bergen falt med 40 prosent i 2025”" in page
    assert 'href="https://sjekk.example.org/bompenger"' in page
    assert "already checked by Sjekkdesken: Helt feil" in page

    similar = client_for(reviewer).get(f"{API}/claims/{new.pk}/similar/").json()
    assert [s["claim"]["id"] for s in similar] == [claim.pk]
    assert similar[0]["via_review"] == {
        "id": review.pk,
        "summary": "already checked by Sjekkdesken: Helt feil",
        "publisher": "Sjekkdesken",
        "url": "https://sjekk.example.org/bompenger",
        "claim_reviewed": THEIR_WORDING,
        "rating_text": "Helt feil",
        "language": "nb",
    }


def test_a_direct_duplicate_has_no_review_in_the_api(reviewer):
    older = ClaimFactory(text=NEW_CLAIM, language="nb", claim_reviewed="")
    newer = ClaimFactory(text=NEW_CLAIM + "!", language="nb", claim_reviewed="")
    services.duplicates_refresh(claim_id=newer.pk)
    similar = client_for(reviewer).get(f"{API}/claims/{newer.pk}/similar/").json()
    assert [(s["claim"]["id"], s["via_review"]) for s in similar] == [(older.pk, None)]


def test_a_tip_finds_the_claim_through_the_review(checked):
    claim, _review = checked
    assert tip_services.tip_best_claim(text=NEW_CLAIM, language="nb")[0] == claim


def test_an_import_attaches_to_the_claim_through_the_review_and_says_so(checked, editor):
    claim, _review = checked
    feed = (
        '{"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://annen.example.org/sjekk/7",'
        f' "claimReviewed": "{NEW_CLAIM}", "author": {{"@type": "Organization", "name": "Annen desk"}},'
        ' "reviewRating": {"@type": "Rating", "alternateName": "Feil"}}'
    ).encode()
    job = imports.import_job_create(user=editor, content=feed, filename="one.json")
    job = imports.import_job_run(job_id=job.pk)
    assert job.report[0]["claim"] == claim.pk
    assert "through Sjekkdesken's wording" in job.report[0]["reason"]
