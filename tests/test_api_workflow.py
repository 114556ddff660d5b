"""Transitions, the audit trail, ClaimReview JSON-LD and the streaming export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse

from claims import services
from claims.models import Claim
from tests.factories import ClaimantFactory, ClaimFactory, ReviewFactory, SourceFactory, rating
from tests.test_api_support import API, client_for, fresh_throttle_counts, live_claim  # noqa: F401

pytestmark = pytest.mark.django_db


def _move(user, claim, to):
    return client_for(user).post(f"{API}/claims/{claim.pk}/transition/", {"to": to}, format="json")


# --- Transitions -------------------------------------------------------------------------------


def test_transition_moves_the_claim(reviewer):
    claim = ClaimFactory(status="new")
    response = _move(reviewer, claim, "triaged")
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == "triaged" and response.json()["status"] == "triaged"
    assert response["ETag"] == f'"{claim.pk}-{claim.version}"' and claim.version == 2


def test_transition_not_in_the_workflow_is_409(reviewer):
    claim = ClaimFactory(status="new")
    response = _move(reviewer, claim, "published")
    assert response.status_code == 409
    assert "detail" in response.json()
    claim.refresh_from_db()
    assert claim.status == "new"


def test_unknown_state_is_409(reviewer):
    claim = ClaimFactory(status="new")
    assert _move(reviewer, claim, "finished").status_code == 409


def test_missing_or_mistyped_target_is_400(reviewer):
    claim = ClaimFactory(status="new")
    client = client_for(reviewer)
    url = f"{API}/claims/{claim.pk}/transition/"
    assert client.post(url, {}, format="json").status_code == 400
    assert client.post(url, {"to": 3}, format="json").status_code == 400
    assert client.post(url, {"to": "triaged", "why": "x"}, format="json").status_code == 400


def test_unmet_preconditions_are_409_with_reasons(reviewer):
    claim = ClaimFactory(status="in_research")
    response = _move(reviewer, claim, "in_review")
    assert response.status_code == 409
    reasons = response.json()["reasons"]
    assert len(reasons) == 2 and any("rating" in r for r in reasons)


def test_reviewer_may_not_publish(reviewed_claim, reviewer):
    response = _move(reviewer, reviewed_claim, "published")
    assert response.status_code == 403
    reviewed_claim.refresh_from_db()
    assert reviewed_claim.status == "in_review"


def test_editor_publishes_and_four_eyes_rule_holds(reviewed_claim, editor, reviewer):
    response = _move(editor, reviewed_claim, "published")
    assert response.status_code == 200, response.json()
    assert response.json()["review"]["approver"]["username"] == "erik"
    # An editor cannot approve a verdict they drafted themselves.
    own = ReviewFactory(author=editor, claim=ClaimFactory(status="in_review")).claim
    response = _move(editor, own, "published")
    assert response.status_code == 409 and response.json()["reasons"]


# --- History ------------------------------------------------------------------------------------


def test_history_shows_who_changed_what(reviewer, editor):
    claim = services.claim_create(
        user=reviewer,
        text="Russia says it has no plans to invade.",
        language="en",
        appearances=[services.AppearanceInput(url="https://news.example/geneva", quote="no plans")],
    )
    client = client_for(reviewer)
    etag = client.get(f"{API}/claims/{claim.pk}/")["ETag"]
    client.patch(f"{API}/claims/{claim.pk}/", {"location": "Geneva"}, format="json", HTTP_IF_MATCH=etag)
    _move(reviewer, claim, "triaged")
    _move(reviewer, claim, "in_research")
    services.review_save(
        claim=claim, user=reviewer, rating=rating("false"), rationale="Troops.", evidence=[SourceFactory()]
    )

    response = client_for(editor).get(f"{API}/claims/{claim.pk}/history/")
    assert response.status_code == 200
    trail = response.json()
    assert [(e["model"], e["type"]) for e in trail][:2] == [("claim", "+"), ("appearance", "+")]
    created = trail[0]
    assert created["user"] == "rita"
    assert {"field": "text", "old": None, "new": "Russia says it has no plans to invade."} in created["changes"]
    location = next(e for e in trail if any(c["field"] == "location" for c in e["changes"]))
    assert location["type"] == "~" and location["user"] == "rita"
    assert location["changes"] == [{"field": "location", "old": "", "new": "Geneva"}]
    statuses = [c for e in trail for c in e["changes"] if c["field"] == "status"]
    assert statuses == [
        {"field": "status", "old": None, "new": "new"},
        {"field": "status", "old": "new", "new": "triaged"},
        {"field": "status", "old": "triaged", "new": "in_research"},
    ]
    review = next(e for e in trail if e["model"] == "review")
    assert {"field": "rating", "old": None, "new": rating("false").pk} in review["changes"]
    dates = [e["date"] for e in trail]
    assert dates == sorted(dates)


def test_history_is_for_the_desk(outsider):
    claim = live_claim()
    assert client_for().get(f"{API}/claims/{claim.pk}/history/").status_code == 401
    assert client_for(outsider).get(f"{API}/claims/{claim.pk}/history/").status_code == 403
    hidden = ClaimFactory()
    assert client_for(outsider).get(f"{API}/claims/{hidden.pk}/history/").status_code == 404


# --- ClaimReview --------------------------------------------------------------------------------


def test_claimreview_json_ld():
    claim = live_claim(claimant=ClaimantFactory(name="Sergej Lavrov"))
    response = client_for().get(f"{API}/claims/{claim.pk}/claimreview/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    data = json.loads(response.content)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == claim.claim_reviewed
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    }
    assert data["itemReviewed"]["author"]["name"] == "Sergej Lavrov"
    assert data["itemReviewed"]["datePublished"] == "2022-01-21"
    assert data["itemReviewed"]["firstAppearance"]["url"] in [a["url"] for a in data["itemReviewed"]["appearance"]]
    assert data["author"]["@type"] == "Organization"
    assert data["datePublished"] and data["url"].endswith(f"/factchecks/{claim.slug}/")
    as_json = client_for().get(f"{API}/claims/{claim.pk}/claimreview/", HTTP_ACCEPT="application/json")
    assert as_json["Content-Type"].startswith("application/json")


def test_claimreview_of_unpublished_claim(reviewer, outsider):
    claim = ReviewFactory(claim=ClaimFactory(status="in_review")).claim
    assert client_for().get(f"{API}/claims/{claim.pk}/claimreview/").status_code == 404
    assert client_for(outsider).get(f"{API}/claims/{claim.pk}/claimreview/").status_code == 404
    # The desk may preview what will be published.
    assert client_for(reviewer).get(f"{API}/claims/{claim.pk}/claimreview/").status_code == 200


# --- Export -------------------------------------------------------------------------------------


def _lines(response) -> list[str]:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode().splitlines()


def test_export_ndjson_applies_filters(reviewer):
    english = [live_claim(language="en") for _ in range(3)]
    live_claim(language="nb")
    ClaimFactory(language="en", status="new")
    response = client_for().get(f"{API}/claims/export/?format=ndjson&language=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    rows = [json.loads(line) for line in _lines(response)]
    assert sorted(r["id"] for r in rows) == sorted(c.pk for c in english)
    assert all(r["rating"]["slug"] == "false" and r["appearances"] for r in rows)
    # The desk also gets unpublished claims.
    assert len(_lines(client_for(reviewer).get(f"{API}/claims/export/?language=en"))) == 4


def test_export_csv(reviewer):
    claim = live_claim(claim_reviewed='=HYPERLINK("http://evil.example")')
    response = client_for(reviewer).get(f"{API}/claims/export/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="claims.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO("\n".join(_lines(response)))))
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(claim.pk) and row["rating"] == "false" and row["status"] == "published"
    assert row["url"] == f"http://testserver{API}/claims/{claim.pk}/"  # no ?format=csv carried over
    assert row["claimant"] == claim.claimant.name
    # A spreadsheet must not run it as a formula.
    assert row["claim_reviewed"].startswith("'=")


def test_export_streams_in_chunks_with_bounded_queries(reviewer, django_assert_max_num_queries, monkeypatch):
    from claims.api import export

    monkeypatch.setattr(export, "CHUNK_SIZE", 10)
    for _ in range(35):
        live_claim()
    response = client_for(reviewer).get(f"{API}/claims/export/")
    # Four chunks, each one query for the claims and two prefetches.
    with django_assert_max_num_queries(4 * 3):
        lines = _lines(response)
    assert len(lines) == 35


def test_export_bad_format_is_400():
    response = client_for().get(f"{API}/claims/export/?format=xml")
    assert response.status_code == 400 and "format" in response.json()


def test_create_then_read_back_through_every_face(reviewer):
    response = client_for(reviewer).post(
        f"{API}/claims/",
        {"text": "NATO promised not to expand east.", "language": "en", "claimant": "Kremlin"},
        format="json",
    )
    claim = Claim.objects.get(pk=response.json()["id"])
    lines = _lines(client_for(reviewer).get(f"{API}/claims/export/?claimant=Kremlin"))
    assert json.loads(lines[0])["id"] == claim.pk


@pytest.mark.parametrize("body", [{"to": "triaged"}, {"to": "published"}, {"to": 5}, {}])
def test_a_user_without_a_desk_role_is_refused_before_the_body_or_state_is_looked_at(outsider, body):
    """Finding 7: 403 whatever the body and the claim's state (a 409 or 400 would tell them apart)."""
    claim = live_claim()
    response = client_for(outsider).post(f"{API}/claims/{claim.pk}/transition/", body, format="json")
    assert response.status_code == 403, response.content
    claim.refresh_from_db()
    assert claim.status == "published"
