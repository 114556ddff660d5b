"""ClaimReview JSON-LD built from a published claim (claims.claimreview)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import RequestFactory
from django.utils import timezone

from claims import selectors, services
from claims.api.serializers import ClaimDetailSerializer
from claims.claimreview import build_claimreview
from claims.models import Claimant
from tests.factories import SourceFactory, rating


def loaded_for(user, claim):
    """The claim as the API detail loads it (the prefetches build_claimreview expects)."""
    return ClaimDetailSerializer.load(selectors.claims_visible_to(user=user), desk=True).get(pk=claim.pk)


def _publish(*, reviewer, editor, verdict: str = "false", language: str = "en", claimant=None, appearances=()):
    claim = services.claim_create(
        user=reviewer,
        text="Russia has no plans whatsoever to attack Ukraine.",
        claim_reviewed="Russia has no plans to invade Ukraine",
        language=language,
        claimant=claimant,
        claim_date=dt.date(2022, 1, 21),
        appearances=appearances,
    )
    services.claim_transition(claim=claim, user=reviewer, to="triaged")
    services.claim_transition(claim=claim, user=reviewer, to="in_research")
    services.review_save(
        claim=claim,
        user=reviewer,
        rating=rating(verdict),
        rationale="Troops kept arriving at the border.",
        evidence=[SourceFactory()],
    )
    services.claim_transition(claim=claim, user=reviewer, to="in_review")
    services.claim_transition(claim=claim, user=editor, to="published")
    return claim


@pytest.fixture
def org_claimant(db):
    return services.claimant_for_name(
        name="Government of Russia", kind=Claimant.Kind.ORGANIZATION, job_title="ignored", wikidata_id="Q1"
    )


@pytest.mark.django_db
def test_full_claimreview_for_a_published_claim(reviewer, editor, django_assert_num_queries):
    blinken = services.claimant_for_name(
        name="Antony Blinken",
        job_title="US Secretary of State",
        wikidata_id="Q4773585",
        same_as_url="https://www.state.gov/biographies/antony-j-blinken/",
    )
    claim = _publish(
        reviewer=reviewer,
        editor=editor,
        claimant=blinken,
        appearances=[
            services.AppearanceInput(url="https://news.example/later", appeared_on=dt.date(2022, 1, 22)),
            services.AppearanceInput(
                url="https://news.example/first", appeared_on=dt.date(2022, 1, 21), is_first_appearance=True
            ),
        ],
    )
    loaded = loaded_for(editor, claim)
    with django_assert_num_queries(0):
        data = build_claimreview(loaded)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "Russia has no plans to invade Ukraine"
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    }
    item = data["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {
        "@type": "Person",
        "name": "Antony Blinken",
        "jobTitle": "US Secretary of State",
        "sameAs": ["https://www.wikidata.org/wiki/Q4773585", "https://www.state.gov/biographies/antony-j-blinken/"],
    }
    assert item["datePublished"] == "2022-01-21"
    assert [a["url"] for a in item["appearance"]] == ["https://news.example/first", "https://news.example/later"]
    assert item["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://news.example/first",
        "datePublished": "2022-01-21",
    }
    assert data["author"] == {
        "@type": "Organization",
        "name": "Faktisk Demo Desk",
        "url": "https://factcheck.example.org",
    }
    assert data["datePublished"] == timezone.localdate(loaded.review.published_at).isoformat()
    # The publish service records the public URL on the review.
    assert data["url"] == f"http://127.0.0.1:8000/factchecks/{claim.slug}/"
    assert data["inLanguage"] == "en"
    json.dumps(data)  # serialisable as is


@pytest.mark.django_db
def test_label_follows_claim_language_and_off_scale_rating_has_no_numbers(reviewer, editor, org_claimant):
    claim = _publish(reviewer=reviewer, editor=editor, verdict="misleading", language="nb", claimant=org_claimant)
    data = build_claimreview(loaded_for(editor, claim))
    assert data["reviewRating"] == {"@type": "Rating", "alternateName": "Villedende"}
    assert data["inLanguage"] == "nb"
    # Organisations carry no jobTitle in schema.org.
    assert data["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Government of Russia",
        "sameAs": ["https://www.wikidata.org/wiki/Q1"],
    }
    assert "appearance" not in data["itemReviewed"]
    assert "firstAppearance" not in data["itemReviewed"]


@pytest.mark.django_db
def test_url_falls_back_to_the_public_page_from_the_request(reviewer, editor, settings):
    settings.ALLOWED_HOSTS = ["desk.example"]
    claim = _publish(reviewer=reviewer, editor=editor)
    claim.review.published_url = ""
    claim.review.save()
    request = RequestFactory().get("/", HTTP_HOST="desk.example")
    data = build_claimreview(loaded_for(editor, claim), request=request)
    assert data["url"] == f"http://desk.example/factchecks/{claim.slug}/"
    assert "author" not in data["itemReviewed"]
