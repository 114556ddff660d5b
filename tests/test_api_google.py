"""The Google Fact Check Tools API (v1alpha1) face: shapes, paging, filters, auth, validation,
what pages do to the desk's claims — and Google's own Python client against a live server."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import googleapiclient
import httplib2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims import services
from claims.models import Appearance, Claim, Claimant, ClaimReviewPage, Review
from tests.factories import ClaimFactory, ReviewFactory, UserFactory, rating

SEARCH = "/v1alpha1/claims:search"
PAGES = "/v1alpha1/pages"
DESK_SITE = "factcheck.example.org"  # host of FACTCHECK_ORGANIZATION_URL's default


def token_for(user: Any) -> str:
    return AuthToken.objects.create(user=user)[1]


def client_for(user: Any = None, *, scheme: str = "Bearer") -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"{scheme} {token_for(user)}")
    return client


def published(
    text: str, *, language: str = "en", days_ago: int = 1, url: str = "", slug_rating: str = "false", **claim: Any
) -> Claim:
    """A fact-check the desk published `days_ago` days ago."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    claim.setdefault("claim_reviewed", "")
    fact_check = ClaimFactory(text=text, language=language, status="published", published_at=when, **claim)
    ReviewFactory(
        claim=fact_check,
        rating=rating(slug_rating),
        published_at=when,
        published_url=url or f"https://{DESK_SITE}/checks/{fact_check.slug}",
    )
    return fact_check


def markup(**overrides: Any) -> dict[str, Any]:
    data = {
        "claimReviewed": "The Kremlin says no invasion of Ukraine is being planned",
        "claimDate": "2022-01-21",
        "claimLocation": "Geneva",
        "claimFirstAppearance": "https://news.example/geneva-talks-day-one",
        "claimAppearances": ["https://tv.example/clips/4711"],
        "claimAuthor": {
            "name": "Russian foreign ministry",
            "jobTitle": "Ministry",
            "sameAs": "https://www.wikidata.org/wiki/Q1370348",
        },
        "rating": {"textualRating": "False", "ratingExplanation": "Troops kept massing at the border after the talks."},
        "url": f"https://{DESK_SITE}/checks/geneva-denial",
    }
    data.update(overrides)
    return data


def page_body(*markups: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data = {
        "pageUrl": f"https://{DESK_SITE}/checks/geneva-denial",
        "publishDate": "2022-01-24",
        "claimReviewAuthor": {"name": "The desk", "imageUrl": f"https://{DESK_SITE}/logo.png"},
        "claimReviewMarkups": list(markups) or [markup()],
    }
    data.update(overrides)
    return data


def create_page(client: APIClient, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post(PAGES, body or page_body(), format="json")
    assert response.status_code == 200, response.content
    return response.json()


def page_id(page: dict[str, Any]) -> int:
    return int(page["name"].split("/")[1])


def db_counts() -> tuple[int, int, int, int]:
    return (ClaimReviewPage.objects.count(), Claim.objects.count(), Review.objects.count(), Appearance.objects.count())


# --- claims:search -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_returns_google_shape_for_published_claims_only(settings):
    settings.FACTCHECK_ORGANIZATION_NAME = "Geneva Watch"
    settings.FACTCHECK_ORGANIZATION_URL = "https://www.geneva-watch.example/about"
    claimant = Claimant.objects.create(name="Russian foreign ministry")
    shown = published("Russia denies plans to invade Ukraine", claimant=claimant, claim_date=dt.date(2022, 1, 21))
    shown.review.headline = "No plans? The troop build-up says otherwise"
    shown.review.save()
    ClaimFactory(text="Russia denies an unpublished thing", status="in_review")

    response = APIClient().get(SEARCH, {"query": "denies"})

    assert response.status_code == 200
    body = response.json()
    assert "nextPageToken" not in body
    assert body["claims"] == [
        {
            "text": "Russia denies plans to invade Ukraine",
            "claimant": "Russian foreign ministry",
            "claimDate": "2022-01-21T00:00:00Z",
            "claimReview": [
                {
                    "publisher": {"name": "Geneva Watch", "site": "www.geneva-watch.example"},
                    "url": shown.review.published_url,
                    "title": "No plans? The troop build-up says otherwise",
                    "reviewDate": shown.review.published_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "textualRating": "False",
                    "languageCode": "en",
                }
            ],
        }
    ]


@pytest.mark.django_db
def test_search_rating_label_follows_claim_language_and_language_filter():
    published("Russland nekter for invasjonsplaner", language="nb")
    published("Russia denies invasion plans", language="en-GB")

    norwegian = APIClient().get(SEARCH, {"query": "invasjonsplaner", "languageCode": "no"}).json()["claims"]
    assert [c["claimReview"][0]["textualRating"] for c in norwegian] == ["Usant"]
    assert norwegian[0]["claimReview"][0]["languageCode"] == "nb"
    english = APIClient().get(SEARCH, {"query": "invasion", "languageCode": "en-US"}).json()["claims"]
    assert [c["text"] for c in english] == ["Russia denies invasion plans"]
    assert APIClient().get(SEARCH, {"query": "invasion", "languageCode": "de"}).json()["claims"] == []


@pytest.mark.django_db
def test_search_needs_query_or_site_and_validates_parameters():
    for params in ({}, {"query": "  "}, {"languageCode": "en"}):
        response = APIClient().get(SEARCH, params)
        assert response.status_code == 400
        assert "query" in response.json()
        assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
    bad = [
        {"query": "x", "languageCode": "english!"},
        {"query": "x", "pageSize": "101"},
        {"query": "x", "pageSize": "-1"},
        {"query": "x", "pageSize": "ten"},
        {"query": "x", "maxAgeDays": "-3"},
        {"query": "x", "offset": "-1"},
        {"reviewPublisherSiteFilter": "not a host"},
        {"query": "x", "pageToken": "garbage"},
    ]
    for params in bad:
        response = APIClient().get(SEARCH, params)
        assert response.status_code == 400, params
        field = next(iter(set(params) - {"query"}), "query")
        assert field in response.json(), (params, response.json())


@pytest.mark.django_db
def test_search_accepts_google_system_parameters_and_key():
    published("Russia denies invasion plans")
    response = APIClient().get(
        SEARCH, {"query": "invasion", "key": "AIza-anything", "alt": "json", "prettyPrint": "false"}
    )
    assert response.status_code == 200
    assert len(response.json()["claims"]) == 1


@pytest.mark.django_db
def test_search_publisher_site_filter():
    on_desk = published("Claim on the desk's own site")
    partner = published("Claim on a partner site", url="https://checks.partner.example:8443/a/1")
    published("Claim on a lookalike site", url="https://notpartner.example/a/2")

    def texts(site: str) -> set[str]:
        response = APIClient().get(SEARCH, {"reviewPublisherSiteFilter": site})
        assert response.status_code == 200, response.content
        return {c["text"] for c in response.json()["claims"]}

    assert len(texts(DESK_SITE)) == 3  # the desk publishes them all
    assert len(texts("example.org")) == 3  # a parent domain of the desk's site
    assert texts("partner.example") == {partner.text}
    assert texts("https://Checks.Partner.example/whatever") == {partner.text}
    assert texts("elsewhere.example") == set()
    assert on_desk.text in texts("factcheck.example.org")


@pytest.mark.django_db
def test_search_max_age_days_uses_newer_of_claim_and_review_date():
    recent_review = published("Old claim, fresh check", days_ago=2, claim_date=dt.date(2019, 5, 1))
    recent_claim = published(
        "Fresh claim, old check record", days_ago=400, claim_date=timezone.localdate() - dt.timedelta(days=1)
    )
    published("Old claim, old check", days_ago=400, claim_date=dt.date(2019, 5, 1))

    response = APIClient().get(SEARCH, {"query": "claim", "maxAgeDays": 7})

    assert {c["text"] for c in response.json()["claims"]} == {recent_review.text, recent_claim.text}


@pytest.mark.django_db
def test_search_query_without_words_finds_nothing():
    published("Russia denies invasion plans")
    assert APIClient().get(SEARCH, {"query": "?!"}).json()["claims"] == []


@pytest.mark.django_db
def test_search_paging_with_tokens_and_offset():
    made = [published(f"Geneva claim number {n}", days_ago=n + 1) for n in range(5)]
    newest_first = [c.text for c in made]

    seen: list[str] = []
    params: dict[str, Any] = {"query": "geneva", "pageSize": 2}
    for _page in range(5):
        body = APIClient().get(SEARCH, params).json()
        seen += [c["text"] for c in body["claims"]]
        if "nextPageToken" not in body:
            break
        params = {"query": "geneva", "pageSize": 2, "pageToken": body["nextPageToken"]}
    assert seen == newest_first

    by_offset = APIClient().get(SEARCH, {"query": "geneva", "offset": 3}).json()
    assert [c["text"] for c in by_offset["claims"]] == newest_first[3:]
    assert "nextPageToken" not in by_offset
    assert len(APIClient().get(SEARCH, {"query": "geneva", "pageSize": 0}).json()["claims"]) == 5

    token = APIClient().get(SEARCH, {"query": "geneva", "pageSize": 2}).json()["nextPageToken"]
    other = APIClient().get(SEARCH, {"query": "claim", "pageSize": 2, "pageToken": token})
    assert other.status_code == 400
    assert "pageToken" in other.json()
    tampered = APIClient().get(SEARCH, {"query": "geneva", "pageToken": token[:-2] + "xx"})
    assert tampered.status_code == 400


@pytest.mark.django_db
def test_search_uses_one_query_whatever_the_page_size(django_assert_num_queries):
    for n in range(3):
        published(f"Geneva claim {n}", claimant=Claimant.objects.create(name=f"Minister {n}"))
    with django_assert_num_queries(1):
        assert len(APIClient().get(SEARCH, {"query": "geneva", "pageSize": 2}).json()["claims"]) == 2
    for n in range(3, 30):
        published(f"Geneva claim {n}", claimant=Claimant.objects.create(name=f"Minister {n}"))
    with django_assert_num_queries(1):
        assert len(APIClient().get(SEARCH, {"query": "geneva", "pageSize": 25}).json()["claims"]) == 25


# --- pages: authentication and permissions ---------------------------------------------------------


@pytest.mark.django_db
def test_pages_need_a_desk_account_and_writes_need_an_editor(reviewer, editor, outsider, desk_admin):
    anonymous = APIClient().get(PAGES)
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == 'Bearer realm="api"'
    assert anonymous.json()["error"]["status"] == "UNAUTHENTICATED"
    assert APIClient().post(PAGES, page_body(), format="json").status_code == 401
    assert client_for(outsider).get(PAGES).status_code == 403
    assert client_for(reviewer).get(PAGES).status_code == 200
    refused = client_for(reviewer).post(PAGES, page_body(), format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["status"] == "PERMISSION_DENIED"
    assert ClaimReviewPage.objects.count() == 0

    page = create_page(client_for(editor))
    detail = f"{PAGES}/{page_id(page)}"
    assert client_for(reviewer).get(detail).status_code == 200
    assert client_for(reviewer).put(detail, page_body(), format="json").status_code == 403
    assert client_for(reviewer).patch(detail, {"publishDate": "2022-02-01"}, format="json").status_code == 403
    assert client_for(reviewer).delete(detail).status_code == 403
    assert APIClient().delete(detail).status_code == 401
    assert client_for(desk_admin).get(detail).status_code == 200
    assert ClaimReviewPage.objects.count() == 1


@pytest.mark.django_db
def test_token_scheme_and_bad_tokens(editor):
    assert client_for(editor, scheme="Token").get(PAGES).status_code == 200
    assert client_for(editor, scheme="bearer").get(PAGES).status_code == 200
    for header in ("Bearer", "Bearer not-a-token", "Bearer a b", "Bearer " + "f" * 64):
        response = APIClient().get(PAGES, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
    expired = AuthToken.objects.create(user=editor, expiry=dt.timedelta(seconds=-1))[1]
    assert APIClient().get(PAGES, HTTP_AUTHORIZATION=f"Bearer {expired}").status_code == 401


# --- pages: what they do to the desk's claims ---------------------------------------------------------


@pytest.mark.django_db
def test_create_page_makes_published_claims_with_verdicts(editor):
    second = markup(
        claimReviewed="Nato promised in the 1990s never to expand eastwards",
        claimDate="2022-01-20T18:30:00+03:00",
        claimFirstAppearance="",
        claimAppearances=[],
        claimAuthor={"name": "Russian foreign ministry"},
        rating={"ratingValue": 2},
        url="",
    )
    page = create_page(client_for(editor), page_body(markup(), second))

    stored = ClaimReviewPage.objects.get()
    assert page["name"] == f"pages/{stored.pk}"
    assert page["versionId"] == "1"
    assert (stored.page_url, stored.publish_date, stored.author_name, stored.created_by) == (
        f"https://{DESK_SITE}/checks/geneva-denial",
        dt.date(2022, 1, 24),
        "The desk",
        editor,
    )
    first, other = (r.claim for r in stored.reviews.order_by("id"))
    assert first.status == other.status == "published"
    assert timezone.localdate(first.published_at) == dt.date(2022, 1, 24)
    assert first.review.rating.slug == "false"
    assert first.review.rationale == "Troops kept massing at the border after the talks."
    assert first.review.published_url == f"https://{DESK_SITE}/checks/geneva-denial"
    assert (first.review.author, first.review.approver) == (editor, editor)
    assert first.text == first.claim_reviewed == "The Kremlin says no invasion of Ukraine is being planned"
    assert (first.claim_date, first.location, first.language) == (dt.date(2022, 1, 21), "Geneva", "en")
    assert first.claimant.name == "Russian foreign ministry"
    assert first.claimant.same_as_url == "https://www.wikidata.org/wiki/Q1370348"
    assert other.claimant == first.claimant  # found by name, not duplicated
    assert {(a.source.url, a.is_first_appearance) for a in first.appearances.all()} == {
        ("https://news.example/geneva-talks-day-one", True),
        ("https://tv.example/clips/4711", False),
    }
    assert other.claim_date == dt.date(2022, 1, 20)  # the timestamp's own calendar day
    assert other.review.rating.slug == "mostly-false"  # ratingValue 2 on the 1-5 scale
    assert other.review.published_url == stored.page_url  # defaults to the page
    history = first.history.earliest("history_date")
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+",
        editor,
        services.MARKUP_CHANGE_REASON,
    )

    assert page["claimReviewMarkups"][0] == {
        "claimReviewed": "The Kremlin says no invasion of Ukraine is being planned",
        "claimDate": "2022-01-21",
        "claimLocation": "Geneva",
        "claimFirstAppearance": "https://news.example/geneva-talks-day-one",
        "claimAppearances": ["https://tv.example/clips/4711"],
        "claimAuthor": {
            "name": "Russian foreign ministry",
            "jobTitle": "Ministry",
            "sameAs": "https://www.wikidata.org/wiki/Q1370348",
        },
        "rating": {
            "textualRating": "False",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
            "ratingExplanation": "Troops kept massing at the border after the talks.",
        },
        "url": f"https://{DESK_SITE}/checks/geneva-denial",
    }
    assert page["claimReviewAuthor"] == {"name": "The desk", "imageUrl": f"https://{DESK_SITE}/logo.png"}
    assert page["publishDate"] == "2022-01-24"

    found = APIClient().get(SEARCH, {"query": "Kremlin invasion"}).json()["claims"]
    assert [c["claimReview"][0]["reviewDate"] for c in found] == ["2022-01-24T12:00:00Z"]


@pytest.mark.django_db
def test_rating_resolution(editor):
    cases = [
        ({"textualRating": "  usant "}, "false", "nb"),
        ({"textualRating": "STORT SETT SANT"}, "mostly-true", "nb"),
        ({"textualRating": "misleading"}, "misleading", "en"),
        ({"textualRating": "mostly-false"}, "mostly-false", "en"),  # slug: no language hint
        ({"textualRating": "Pants on fire", "ratingValue": 1}, "false", "en"),
        ({"ratingValue": 9, "bestRating": 10, "worstRating": 0}, "true", "en"),  # 0.9 -> 5 of 5
        ({"ratingValue": 5, "bestRating": 10, "worstRating": 0}, "mixed", "en"),
        ({"ratingValue": 1, "bestRating": 1, "worstRating": 5}, "true", "en"),  # a reversed scale
    ]
    for index, (given, slug, language) in enumerate(cases):
        page = create_page(
            client_for(editor),
            page_body(markup(rating=given), pageUrl=f"https://{DESK_SITE}/checks/{index}"),
        )
        review = Review.objects.get(page_id=page_id(page))
        assert (review.rating.slug, review.claim.language) == (slug, language), given


@pytest.mark.django_db
def test_unknown_rating_is_refused_with_the_scale(editor):
    response = client_for(editor).post(
        PAGES, page_body(markup(rating={"textualRating": "Pants on fire"})), format="json"
    )
    assert response.status_code == 400
    message = response.json()["claimReviewMarkups"]["0"]["rating"]["textualRating"][0]
    assert "Mostly false" in message
    assert response.json()["error"]["message"].startswith("claimReviewMarkups[0].rating.textualRating:")
    for rating_data in ({}, {"ratingValue": 7}, {"ratingValue": 3, "bestRating": 2, "worstRating": 2}):
        response = client_for(editor).post(PAGES, page_body(markup(rating=rating_data)), format="json")
        assert response.status_code == 400, rating_data
    assert db_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        (page_body(colour="red"), "colour"),
        (page_body(markup(claimAuthor={"name": "X", "twitter": "@x"})), "claimReviewMarkups"),
        (page_body(markup(rating={"textualRating": "False", "score": 1})), "claimReviewMarkups"),
        (page_body(markup(claimReviewed=5)), "claimReviewMarkups"),
        (page_body(markup(claimReviewed="")), "claimReviewMarkups"),
        (page_body(markup(claimReviewed="x" * 5001)), "claimReviewMarkups"),
        (page_body(markup(claimLocation="x" * 201)), "claimReviewMarkups"),
        (page_body(markup(claimAppearances="https://one.example/")), "claimReviewMarkups"),
        (page_body(markup(claimAppearances=["javascript:alert(1)"])), "claimReviewMarkups"),
        (page_body(markup(claimDate="21.01.2022")), "claimReviewMarkups"),
        (page_body(markup(claimDate="2022-02-30")), "claimReviewMarkups"),
        (page_body(markup(url="ftp://files.example/x")), "claimReviewMarkups"),
        (page_body(markup(claimReviewed="bad \ud800 text")), "claimReviewMarkups"),
        (page_body(pageUrl="not a url"), "pageUrl"),
        (page_body(pageUrl=None), "pageUrl"),
        (page_body(publishDate="yesterday"), "publishDate"),
        (page_body(claimReviewMarkups=[]), "claimReviewMarkups"),
        (page_body(claimReviewMarkups=[markup()] * 101), "claimReviewMarkups"),
        (page_body(claimReviewMarkups={"claimReviewed": "x"}), "claimReviewMarkups"),
        (page_body(claimReviewAuthor="The desk"), "claimReviewAuthor"),
        ({"claimReviewMarkups": [markup()]}, "pageUrl"),
        ([page_body()], "non_field_errors"),
    ],
)
def test_invalid_bodies_are_refused_and_nothing_is_written(editor, body, field):
    # Encoded here: the test client's renderer cannot encode a lone surrogate, JSON can ("\ud800").
    response = client_for(editor).post(PAGES, json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert response.json()["error"]["code"] == 400
    assert db_counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_malformed_json_and_duplicate_page_urls(editor):
    broken = client_for(editor).post(PAGES, '{"pageUrl": ', content_type="application/json")
    assert broken.status_code == 400
    assert "detail" in broken.json()
    create_page(client_for(editor))
    again = client_for(editor).post(
        PAGES, page_body(pageUrl=f"https://{DESK_SITE}/checks/geneva-denial?utm_source=x#top"), format="json"
    )
    assert again.status_code == 409
    assert db_counts()[0] == 1


@pytest.mark.django_db
def test_put_replaces_markups_by_position(editor):
    client = client_for(editor)
    page = create_page(client, page_body(markup(), markup(claimReviewed="Second claim on the page")))
    first_claim, second_claim = (r.claim for r in Review.objects.filter(page_id=page_id(page)).order_by("id"))
    detail = f"{PAGES}/{page_id(page)}"

    page["claimReviewMarkups"] = [
        {**page["claimReviewMarkups"][0], "rating": {"textualRating": "Misleading"}, "claimLocation": "Moscow"}
    ]
    page["claimReviewMarkups"][0]["claimAppearances"] = ["https://radio.example/news/9"]
    page["publishDate"] = "2022-01-25"
    response = client.put(detail, page, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["versionId"] == "2"
    assert len(body["claimReviewMarkups"]) == 1
    first_claim.refresh_from_db()
    assert (first_claim.location, first_claim.review.rating.slug, first_claim.version) == ("Moscow", "misleading", 2)
    assert timezone.localdate(first_claim.published_at) == dt.date(2022, 1, 25)
    assert {a.source.url for a in first_claim.appearances.all()} == {
        "https://news.example/geneva-talks-day-one",
        "https://radio.example/news/9",
    }
    assert not Claim.objects.filter(pk=second_claim.pk).exists()  # created by the page, gone with its markup
    assert second_claim.history.latest("history_date").history_type == "-"

    grown = body | {"claimReviewMarkups": [*body["claimReviewMarkups"], markup(claimReviewed="A new third claim")]}
    assert client.put(detail, grown, format="json").status_code == 200
    assert Review.objects.filter(page_id=page_id(page)).count() == 2
    assert Claim.objects.filter(text="A new third claim", status="published").exists()


@pytest.mark.django_db
def test_put_with_stale_version_or_wrong_name_changes_nothing(editor):
    client = client_for(editor)
    page = create_page(client)
    detail = f"{PAGES}/{page_id(page)}"
    assert client.put(detail, page | {"publishDate": "2022-02-02"}, format="json").status_code == 200

    stale = client.put(detail, page | {"publishDate": "2022-03-03"}, format="json")  # still versionId "1"
    assert stale.status_code == 409
    assert stale.json()["error"]["status"] == "ABORTED"
    wrong = client.put(detail, page | {"name": "pages/999", "versionId": "2"}, format="json")
    assert wrong.status_code == 400
    assert "name" in wrong.json()
    stored = ClaimReviewPage.objects.get()
    assert (stored.publish_date, stored.version) == (dt.date(2022, 2, 2), 2)
    assert client.put(f"{PAGES}/987654", page_body(), format="json").status_code == 404


@pytest.mark.django_db
def test_patch_with_update_mask_changes_only_the_named_fields(editor):
    client = client_for(editor)
    page = create_page(client)
    detail = f"{PAGES}/{page_id(page)}"
    claim = Review.objects.get(page_id=page_id(page)).claim

    response = client.patch(
        f"{detail}?updateMask=publishDate,claimReviewAuthor.name",
        {
            "publishDate": "2022-02-14",
            "claimReviewAuthor": {"name": "Night desk"},
            "pageUrl": "https://ignored.example/",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["pageUrl"] == page["pageUrl"]  # not in the mask
    assert body["claimReviewAuthor"] == {"name": "Night desk", "imageUrl": f"https://{DESK_SITE}/logo.png"}
    assert body["claimReviewMarkups"] == page["claimReviewMarkups"]
    claim.refresh_from_db()
    assert timezone.localdate(claim.published_at) == dt.date(2022, 2, 14)
    assert timezone.localdate(claim.review.published_at) == dt.date(2022, 2, 14)

    without_mask = client.patch(detail, {"pageUrl": f"https://{DESK_SITE}/checks/renamed"}, format="json")
    assert without_mask.json()["pageUrl"] == f"https://{DESK_SITE}/checks/renamed"
    assert without_mask.json()["publishDate"] == "2022-02-14"

    assert client.patch(f"{detail}?updateMask=colour", {}, format="json").status_code == 400
    assert client.patch(f"{detail}?updateMask=pageUrl", {}, format="json").status_code == 400
    assert client.patch(f"{detail}?updateMask=claimReviewMarkups", {}, format="json").status_code == 400
    assert client.patch(detail, {"claimReviewMarkups": [{"rating": {}}]}, format="json").status_code == 400
    unchanged = client.patch(detail, {}, format="json")
    assert unchanged.status_code == 200
    assert unchanged.json()["versionId"] == without_mask.json()["versionId"]


@pytest.mark.django_db
def test_delete_removes_claims_the_page_created_and_detaches_the_desks_own(editor, reviewer):
    client = client_for(editor)
    page = create_page(client)
    created = Review.objects.get(page_id=page_id(page)).claim
    desk_claim = published("A claim the desk checked itself", claim_date=dt.date(2022, 1, 21))
    desk_claim.review.page_id = page_id(page)
    desk_claim.review.save()
    detail = f"{PAGES}/{page_id(page)}"
    assert len(client.get(detail).json()["claimReviewMarkups"]) == 2

    response = client.delete(detail)

    assert response.status_code == 200
    assert response.json() == {}
    assert client.get(detail).status_code == 404
    assert client.delete(detail).status_code == 404
    assert not Claim.objects.filter(pk=created.pk).exists()
    desk_claim.review.refresh_from_db()
    assert desk_claim.review.page is None
    assert Claim.objects.get(pk=desk_claim.pk).status == "published"
    assert created.history.latest("history_date").history_user == editor


@pytest.mark.django_db
def test_delete_keeps_a_claim_that_others_point_at(editor):
    client = client_for(editor)
    page = create_page(client)
    created = Review.objects.get(page_id=page_id(page)).claim
    ClaimFactory(duplicate_of=created)
    assert client.delete(f"{PAGES}/{page_id(page)}").status_code == 200
    assert Claim.objects.filter(pk=created.pk, review__page__isnull=True).exists()


@pytest.mark.django_db
def test_list_filters_and_paging(editor, reviewer):
    client = client_for(editor)
    for n in range(3):
        create_page(client, page_body(pageUrl=f"https://{DESK_SITE}/checks/{n}"))
    create_page(client, page_body(pageUrl="https://partner.example/review/1"))

    def urls(**params: Any) -> list[str]:
        response = client_for(reviewer).get(PAGES, params)
        assert response.status_code == 200, response.content
        return [p["pageUrl"] for p in response.json()["claimReviewMarkupPages"]]

    assert urls(url=f"https://{DESK_SITE}/checks/1?utm_campaign=x") == [f"https://{DESK_SITE}/checks/1"]
    assert urls(url="https://nowhere.example/") == []
    assert urls(organization="partner.example") == ["https://partner.example/review/1"]
    assert len(urls(organization=DESK_SITE)) == 4
    assert len(urls()) == 4
    assert client.get(PAGES, {"url": "https://a.example/", "organization": "a.example"}).status_code == 400
    assert client.get(PAGES, {"url": "nope"}).status_code == 400

    first = client.get(PAGES, {"pageSize": 3}).json()
    assert len(first["claimReviewMarkupPages"]) == 3
    rest = client.get(PAGES, {"pageSize": 3, "pageToken": first["nextPageToken"]}).json()
    assert len(rest["claimReviewMarkupPages"]) == 1
    assert "nextPageToken" not in rest
    assert (
        client.get(PAGES, {"organization": "partner.example", "pageToken": first["nextPageToken"]}).status_code == 400
    )


@pytest.mark.django_db
def test_list_uses_fixed_queries_whatever_the_number_of_pages(editor):
    client = client_for(editor)
    create_page(client, page_body(markup(), markup(claimReviewed="Another"), pageUrl="https://a.example/0"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGES, {"pageSize": 50}).status_code == 200
        return len(queries)

    few = count()
    for n in range(1, 8):
        create_page(client, page_body(markup(), markup(claimReviewed=f"Other {n}"), pageUrl=f"https://a.example/{n}"))
    assert count() == few


@pytest.mark.django_db
def test_pages_show_only_published_markup_to_readers_who_cannot_see_drafts(editor):
    page = create_page(client_for(editor))
    Claim.objects.filter(review__page_id=page_id(page)).update(status="retracted")
    reader = UserFactory(username="viewer")
    from django.contrib.auth.models import Permission

    reader.user_permissions.add(Permission.objects.get(codename="view_claimreviewpage"))
    assert client_for(reader).get(f"{PAGES}/{page_id(page)}").json().get("claimReviewMarkups") is None
    assert len(client_for(editor).get(f"{PAGES}/{page_id(page)}").json()["claimReviewMarkups"]) == 1


@pytest.mark.django_db
def test_schema_lists_the_google_operations():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    if schema.status_code == 404:
        pytest.skip("the REST API's schema view is not routed")
    paths = json.loads(schema.content)["paths"]
    assert set(paths["/v1alpha1/claims:search"]) == {"get"}
    assert set(paths["/v1alpha1/pages"]) == {"get", "post"}
    assert set(paths["/v1alpha1/pages/{page_id}"]) == {"get", "put", "patch", "delete"}
    names = {p["name"] for p in paths["/v1alpha1/claims:search"]["get"]["parameters"]}
    assert names >= {"query", "languageCode", "reviewPublisherSiteFilter", "maxAgeDays", "pageSize", "pageToken"}


# --- Google's own client against a live server -----------------------------------------------------------


DISCOVERY = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "factchecktools.v1alpha1.json"


class BearerHttp(httplib2.Http):
    """httplib2 as Google's client uses it, adding `Authorization: Bearer <token>` as OAuth credentials would."""

    def __init__(self, token: str | None) -> None:
        super().__init__(timeout=20)
        self.token = token

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None, **kwargs: Any) -> Any:
        headers = dict(headers or {})
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        return super().request(uri, method, body=body, headers=headers, **kwargs)


def google_client(base_url: str, token: str | None = None) -> Any:
    document = json.loads(DISCOVERY.read_text())
    document["rootUrl"] = document["baseUrl"] = f"{base_url}/"
    document["mtlsRootUrl"] = f"{base_url}/"
    return build_from_document(copy.deepcopy(document), http=BearerHttp(token))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_google_client_searches_and_manages_pages(live_server):
    editor = UserFactory(username="erik-live", role="Editor")
    published("Russia denies it plans to invade Ukraine", claim_date=dt.date(2022, 1, 21))
    published("Russland nekter for invasjonsplaner", language="nb")
    anonymous = google_client(live_server.url)
    service = google_client(live_server.url, token_for(editor))

    found = anonymous.claims().search(query="invade", languageCode="en-US").execute()
    assert [c["text"] for c in found["claims"]] == ["Russia denies it plans to invade Ukraine"]
    assert found["claims"][0]["claimReview"][0]["publisher"]["site"] == DESK_SITE
    paged = anonymous.claims().search(reviewPublisherSiteFilter=DESK_SITE, pageSize=1).execute()
    assert len(paged["claims"]) == 1
    following = (
        anonymous.claims()
        .search(reviewPublisherSiteFilter=DESK_SITE, pageSize=1, pageToken=paged["nextPageToken"])
        .execute()
    )
    assert following["claims"] != paged["claims"]

    created = service.pages().create(body=page_body()).execute()
    name = created["name"]
    assert name.startswith("pages/")
    listed = service.pages().list(url=created["pageUrl"]).execute()
    assert [p["name"] for p in listed["claimReviewMarkupPages"]] == [name]
    fetched = service.pages().get(name=name).execute()
    assert fetched == created

    fetched["claimReviewMarkups"][0]["rating"] = {"textualRating": "Misleading", "ratingExplanation": "Half the story."}
    updated = service.pages().update(name=name, body=fetched).execute()
    assert updated["versionId"] == "2"
    assert updated["claimReviewMarkups"][0]["rating"]["textualRating"] == "Misleading"
    after = anonymous.claims().search(query="Kremlin invasion").execute()
    assert after["claims"][0]["claimReview"][0]["textualRating"] == "Misleading"

    with pytest.raises(HttpError) as stale:
        service.pages().update(name=name, body=fetched).execute()  # versionId 1 again
    assert stale.value.status_code == 409
    with pytest.raises(HttpError) as invalid:
        service.pages().create(
            body=page_body(markup(rating={"textualRating": "Pants on fire"}), pageUrl="https://a.example/")
        ).execute()
    assert invalid.value.status_code == 400
    assert "No rating on the desk's scale" in invalid.value.reason
    with pytest.raises(HttpError) as unauthenticated:
        anonymous.pages().list().execute()
    assert unauthenticated.value.status_code == 401

    assert service.pages().delete(name=name).execute() == {}
    with pytest.raises(HttpError) as gone:
        service.pages().get(name=name).execute()
    assert gone.value.status_code == 404
    assert anonymous.claims().search(query="Kremlin invasion").execute()["claims"] == []


@pytest.mark.django_db
def test_services_refuse_page_writes_to_reviewers(reviewer, editor):
    """The services enforce the rule themselves, whichever face calls them."""
    data = services.MarkupPageInput(
        page_url="https://factcheck.example.org/checks/x",
        markups=(services.MarkupInput(claim_reviewed="Some claim", rating=rating("false")),),
    )
    with pytest.raises(services.TransitionForbidden):
        services.markup_page_save(user=reviewer, data=data)
    page = services.markup_page_save(user=editor, data=data)
    with pytest.raises(services.TransitionForbidden):
        services.markup_page_delete(user=reviewer, page=page)
    with pytest.raises(services.ServiceError):
        services.markup_page_save(user=editor, page=page, data=data, fields={"colour"})
    assert ClaimReviewPage.objects.count() == 1


@pytest.mark.parametrize(
    "path", ["/v1alpha1/pages/-1", "/v1alpha1/pages/abc", "/v1alpha1/pages/1234567890123456789", "/v1alpha1/nothing"]
)
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_unknown_google_paths_are_json_404s(client, path, method):
    """Finding 6: /v1alpha1/pages/-1 was the site's HTML 404; the face answers in Google's JSON."""
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == {"code": 404, "message": "Not found.", "status": "NOT_FOUND"}
