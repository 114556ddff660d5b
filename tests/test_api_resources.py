"""Claimants, sources, ratings, reviews and tags through the API, written through the services."""

from __future__ import annotations

import pytest

from claims.models import Claim, Claimant, Rating, Review, Source, Tag
from tests.factories import ClaimantFactory, ClaimFactory, ReviewFactory, SourceFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts, ids, live_claim  # noqa: F401

pytestmark = pytest.mark.django_db


# --- Claimants --------------------------------------------------------------------------------


def test_create_and_edit_claimant(reviewer):
    client = client_for(reviewer)
    response = client.post(
        f"{API}/claimants/",
        {"name": "  Sergej   Lavrov ", "kind": "person", "wikidata_id": "Q9630", "same_as_url": "https://ru.example/"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    claimant = Claimant.objects.get(pk=response.json()["id"])
    assert claimant.name == "Sergej Lavrov" and claimant.wikidata_id == "Q9630"
    assert claimant.history.get().history_user == reviewer
    response = client.patch(f"{API}/claimants/{claimant.pk}/", {"job_title": "Foreign minister"}, format="json")
    assert response.status_code == 200 and response.json()["job_title"] == "Foreign minister"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "sergej lavrov"}, "name"),  # same name, other case
        ({"name": "X", "kind": "alien"}, "kind"),
        ({"name": "X", "wikidata_id": "9630"}, "wikidata_id"),
        ({"name": "X", "same_as_url": "ftp://x.example/"}, "same_as_url"),
        ({"name": 7}, "name"),
        ({"name": "X", "id": 99}, "id"),
        ({}, "name"),
    ],
)
def test_claimant_validation(reviewer, body, field):
    ClaimantFactory(name="Sergej Lavrov")
    response = client_for(reviewer).post(f"{API}/claimants/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Claimant.objects.count() == 1


def test_renaming_a_claimant_updates_claim_search(reviewer):
    claim = ClaimFactory(claimant=ClaimantFactory(name="Unknown official"))
    client = client_for(reviewer)
    client.patch(f"{API}/claimants/{claim.claimant_id}/", {"name": "Dmitrij Peskov"}, format="json")
    assert ids(client.get(f"{API}/claims/?q=Peskov")) == {claim.pk}


def test_claimant_search(reviewer):
    ClaimantFactory(name="Antony Blinken")
    ClaimantFactory(name="Sergej Lavrov")
    names = [c["name"] for c in client_for(reviewer).get(f"{API}/claimants/?q=blink").json()["results"]]
    assert names == ["Antony Blinken"]


# --- Sources ------------------------------------------------------------------------------------


def test_create_source_normalises_and_reuses(reviewer):
    client = client_for(reviewer)
    first = client.post(
        f"{API}/sources/", {"url": "HTTPS://News.Example/talks?utm_source=x#top", "title": "Talks"}, format="json"
    )
    assert first.status_code == 201, first.json()
    assert first.json()["url"] == "https://news.example/talks"
    again = client.post(f"{API}/sources/", {"url": "https://news.example/talks", "outlet": "Example"}, format="json")
    assert again.json()["id"] == first.json()["id"] and again.json()["outlet"] == "Example"
    assert Source.objects.count() == 1
    found = client.get(f"{API}/sources/", {"url": "https://news.example/talks?utm_medium=y"}).json()["results"]
    assert [s["id"] for s in found] == [first.json()["id"]]


def test_source_url_cannot_change_and_must_be_web(reviewer):
    source = SourceFactory()
    client = client_for(reviewer)
    response = client.patch(f"{API}/sources/{source.pk}/", {"url": "https://other.example/"}, format="json")
    assert response.status_code == 400 and "url" in response.json()
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "not a url", "https://"):
        response = client.post(f"{API}/sources/", {"url": bad}, format="json")
        assert response.status_code == 400 and "url" in response.json(), bad
    assert Source.objects.count() == 1


# --- Ratings ---------------------------------------------------------------------------------------


def test_admin_edits_the_rating_scale(desk_admin):
    client = client_for(desk_admin)
    body = {"slug": "satire", "label_en": "Satire", "label_nb": "Satire", "order": 80}
    response = client.post(f"{API}/ratings/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["rating_value"] is None and response.json()["is_active"] is True
    satire = Rating.objects.get(slug="satire")
    assert satire.history.get().history_user == desk_admin
    response = client.patch(f"{API}/ratings/{satire.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200
    assert "satire" not in {r["slug"] for r in client_for().get(f"{API}/ratings/").json()["results"]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "false", "label_en": "Again", "label_nb": "Igjen"}, "slug"),
        ({"slug": "x", "label_en": "X", "label_nb": "X", "rating_value": 9}, "rating_value"),
        ({"slug": "x", "label_en": "X", "label_nb": "X", "rating_value": "3"}, "rating_value"),
        ({"slug": "x y", "label_en": "X", "label_nb": "X"}, "slug"),
        ({"slug": "x", "label_en": "X", "label_nb": "X", "is_active": "yes"}, "is_active"),
    ],
)
def test_rating_validation(desk_admin, body, field):
    before = Rating.objects.count()
    response = client_for(desk_admin).post(f"{API}/ratings/", body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert Rating.objects.count() == before


def test_retired_rating_cannot_be_used(reviewer):
    Rating.objects.filter(slug="mixed").update(is_active=False)
    claim = ClaimFactory(status="in_research")
    response = client_for(reviewer).post(
        f"{API}/reviews/", {"claim": claim.pk, "rating": "mixed", "rationale": "x"}, format="json"
    )
    assert response.status_code == 400
    assert not Review.objects.exists()


# --- Reviews ------------------------------------------------------------------------------------


def test_reviewer_drafts_a_verdict(reviewer):
    claim = ClaimFactory(status="in_research")
    client = client_for(reviewer)
    response = client.post(
        f"{API}/reviews/",
        {
            "claim": claim.pk,
            "rating": "mostly-false",
            "headline": "Troops were massing",
            "rationale": "Satellite pictures show the build-up.",
            "evidence_urls": ["https://images.example/1", "https://images.example/2"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["rating"]["slug"] == "mostly-false" and body["author"]["username"] == "rita"
    assert sorted(s["url"] for s in body["evidence"]) == ["https://images.example/1", "https://images.example/2"]
    # The draft now lets the claim go for review.
    move = client.post(f"{API}/claims/{claim.pk}/transition/", {"to": "in_review"}, format="json")
    assert move.status_code == 200
    # PATCH replaces the evidence list.
    response = client.patch(
        f"{API}/reviews/{body['id']}/", {"evidence_urls": ["https://images.example/3"]}, format="json"
    )
    assert [s["url"] for s in response.json()["evidence"]] == ["https://images.example/3"]
    again = client.post(f"{API}/reviews/", {"claim": claim.pk, "rationale": "Second"}, format="json")
    assert again.status_code == 400 and "claim" in again.json()


def test_only_editors_revise_published_verdicts(reviewer, editor):
    claim = live_claim()
    url = f"{API}/reviews/{claim.review.pk}/"
    assert client_for(reviewer).patch(url, {"headline": "Changed"}, format="json").status_code == 403
    response = client_for(editor).patch(url, {"headline": "Corrected"}, format="json")
    assert response.status_code == 409 and "corrections/" in response.json()["detail"]


def test_review_of_rejected_claim_is_409(reviewer):
    review = ReviewFactory(claim=ClaimFactory(status="rejected"))
    response = client_for(reviewer).patch(f"{API}/reviews/{review.pk}/", {"headline": "x"}, format="json")
    assert response.status_code == 409


def test_review_for_unknown_or_hidden_claim(reviewer, outsider):
    response = client_for(reviewer).post(f"{API}/reviews/", {"claim": 999999, "rationale": "x"}, format="json")
    assert response.status_code == 400 and "claim" in response.json()
    response = client_for(reviewer).post(f"{API}/reviews/", {"claim": True, "rationale": "x"}, format="json")
    assert response.status_code == 400


def test_reviews_filters(reviewer):
    a = ReviewFactory()
    ReviewFactory()
    results = client_for(reviewer).get(f"{API}/reviews/", {"claim": a.claim_id}).json()["results"]
    assert [r["id"] for r in results] == [a.pk]
    assert client_for(reviewer).get(f"{API}/reviews/", {"claim": "abc"}).status_code == 400


# --- Tags -------------------------------------------------------------------------------------------


def test_tags_of_published_claims_are_public():
    public = live_claim()
    public.tags.set([Tag.objects.create(name="Ukraina", slug="ukraina")])
    ClaimFactory().tags.set([Tag.objects.create(name="Secret lead", slug="secret-lead")])
    assert [t["slug"] for t in client_for().get(f"{API}/tags/").json()["results"]] == ["ukraina"]
    assert client_for().get(f"{API}/tags/ukraina/").json()["name"] == "Ukraina"
    assert client_for().get(f"{API}/tags/secret-lead/").status_code == 404
    assert Claim.objects.count() == 2
