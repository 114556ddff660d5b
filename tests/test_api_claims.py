"""The claims endpoint: list, filters, pagination and sync, create, detail, ETag/If-Match, delete."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from claims import services
from claims.api import pagination
from claims.models import Appearance, Claim, Claimant, Source, Tag
from tests.factories import AppearanceFactory, ClaimantFactory, ClaimFactory, ReviewFactory, rating
from tests.test_api_support import API, client_for, fresh_throttle_counts, ids, live_claim  # noqa: F401

pytestmark = pytest.mark.django_db


# --- Listing and visibility ------------------------------------------------------------------


def test_anonymous_list_shows_published_claims_only(reviewer):
    published = live_claim()
    draft = ClaimFactory(status="in_research")
    response = client_for().get(f"{API}/claims/")
    assert response.status_code == 200
    assert ids(response) == {published.pk}
    item = response.json()["results"][0]
    # Who works on a claim is the desk's business.
    assert item["assignee"] is None
    assert item["rating"]["slug"] == "false"
    assert item["appearances"][0]["source"]["url"].startswith("https://news.example/")
    assert ids(client_for(reviewer).get(f"{API}/claims/")) == {published.pk, draft.pk}


def test_list_item_shape(reviewer):
    claim = live_claim(assignee=reviewer)
    claim.tags.set([Tag.objects.create(name="Ukraina", slug="ukraina")])
    item = client_for(reviewer).get(f"{API}/claims/").json()["results"][0]
    assert item["claimant"]["name"] == claim.claimant.name
    assert item["assignee"] == {"id": reviewer.pk, "username": "rita"}
    assert item["tags"] == [{"id": claim.tags.get().pk, "slug": "ukraina", "name": "Ukraina"}]
    assert item["review"]["rating"]["label_nb"] == "Usant"
    assert item["url"].endswith(f"{API}/claims/{claim.pk}/")
    assert item["history"].endswith(f"{API}/claims/{claim.pk}/history/")
    assert item["claimreview"].endswith(f"{API}/claims/{claim.pk}/claimreview/")
    assert item["version"] == claim.version


@pytest.fixture
def spread(reviewer, editor):
    """Claims that differ in every filtered attribute."""
    ukraine = Tag.objects.create(name="Ukraina", slug="ukraina")
    lavrov = ClaimantFactory(name="Sergej Lavrov")
    a = ClaimFactory(status="new", language="nb", claimant=lavrov, claim_date=dt.date(2022, 1, 21), assignee=reviewer)
    a.tags.set([ukraine])
    b = ClaimFactory(status="in_research", language="en", claim_date=dt.date(2022, 2, 24), assignee=editor)
    c = live_claim(language="en", claim_date=dt.date(2021, 12, 1))
    ReviewFactory(claim=b, rating=rating("mostly-true"))
    return {"a": a, "b": b, "c": c, "lavrov": lavrov}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=new", {"a"}),
        ("status=published", {"c"}),
        ("rating=false", {"c"}),
        ("rating=mostly-true", {"b"}),
        ("language=nb", {"a"}),
        ("claimant=Sergej%20Lavrov", {"a"}),
        ("claimant=sergej%20lavrov", {"a"}),
        ("tag=ukraina", {"a"}),
        ("tag=Ukraina", {"a"}),
        ("assignee=rita", {"a"}),
        ("assignee=me", {"a"}),
        ("assignee=none", {"c"}),
        ("claim_date_after=2022-01-01", {"a", "b"}),
        ("claim_date_before=2022-01-31", {"a", "c"}),
        ("claim_date_after=2022-01-21&claim_date_before=2022-01-21", {"a"}),
        ("status=new&language=en", set()),
    ],
)
def test_filters(spread, reviewer, query, expected):
    response = client_for(reviewer).get(f"{API}/claims/?{query}")
    assert response.status_code == 200, response.json()
    assert ids(response) == {spread[key].pk for key in expected}


def test_filter_by_claimant_id_and_assignee_id(spread, reviewer, editor):
    client = client_for(reviewer)
    assert ids(client.get(f"{API}/claims/?claimant={spread['lavrov'].pk}")) == {spread["a"].pk}
    assert ids(client.get(f"{API}/claims/?assignee={editor.pk}")) == {spread["b"].pk}


def test_updated_since(reviewer):
    old = ClaimFactory(updated_at=timezone.now() - dt.timedelta(days=3))
    new = ClaimFactory()
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = client_for(reviewer).get(f"{API}/claims/", {"updated_since": since})
    assert ids(response) == {new.pk}
    assert old.pk not in ids(response)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=maybe", "status"),
        ("claim_date_after=21.01.2022", "claim_date"),
        ("updated_since=yesterday", "updated_since"),
        ("ordering=text", "ordering"),
        ("page_size=0", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
    ],
)
def test_bad_query_parameters_are_field_errors(reviewer, query, field):
    response = client_for(reviewer).get(f"{API}/claims/?{query}")
    assert response.status_code == 400
    assert any(key.startswith(field) for key in response.json())


def test_ordering(reviewer):
    low = ClaimFactory(priority=1)
    high = ClaimFactory(priority=4)
    mid = ClaimFactory(priority=2)
    results = client_for(reviewer).get(f"{API}/claims/?ordering=-priority").json()["results"]
    assert [r["id"] for r in results] == [high.pk, mid.pk, low.pk]
    # Empty names between commas are no ordering (found by the schema fuzzer as a 500).
    response = client_for(reviewer).get(f"{API}/claims/?ordering=,&status=")
    assert response.status_code == 200 and ids(response) == {low.pk, high.pk, mid.pk}
    results = client_for(reviewer).get(f"{API}/claims/?ordering=,-priority,").json()["results"]
    assert [r["id"] for r in results] == [high.pk, mid.pk, low.pk]


# --- Pagination and incremental sync ----------------------------------------------------------


def test_page_numbers(reviewer):
    claims = [ClaimFactory() for _ in range(5)]
    client = client_for(reviewer)
    first = client.get(f"{API}/claims/?page_size=2").json()
    assert first["count"] == 5 and first["count_capped"] is False
    assert first["previous"] is None and "page=2" in first["next"]
    third = client.get(f"{API}/claims/?page_size=2&page=3").json()
    assert len(third["results"]) == 1 and third["next"] is None
    seen = [r["id"] for p in (1, 2, 3) for r in client.get(f"{API}/claims/?page_size=2&page={p}").json()["results"]]
    assert sorted(seen) == sorted(c.pk for c in claims)
    assert client.get(f"{API}/claims/?page=4&page_size=2").status_code == 404
    assert client.get(f"{API}/claims/?page=zero").status_code == 404


def test_page_size_is_capped_at_100(reviewer):
    Claim.objects.bulk_create([Claim(text=f"Claim {i}", language="en", slug=f"bulk-{i}") for i in range(105)])
    response = client_for(reviewer).get(f"{API}/claims/?page_size=500").json()
    assert len(response["results"]) == 100
    assert response["count"] == 105


def test_count_is_capped(reviewer, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    for _ in range(5):
        ClaimFactory()
    client = client_for(reviewer)
    body = client.get(f"{API}/claims/?page_size=2").json()
    assert body["count"] == 3 and body["count_capped"] is True and body["next"]
    second = client.get(f"{API}/claims/?page_size=2&page=2").json()
    assert len(second["results"]) == 2 and second["next"] is None  # page 3 would start past the cap


def test_pages_past_the_count_cap_point_at_cursor_mode(reviewer, monkeypatch, django_assert_max_num_queries):
    """Page-number mode no longer walks the rows it skips: at a million claims a page near
    the end took 3.5 s (95x page 1). Past the first COUNT_CAP rows it is a 400 that says
    what to do instead, before any query runs."""
    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    for _ in range(6):
        ClaimFactory()
    client = client_for(reviewer)
    assert len(client.get(f"{API}/claims/?page_size=2&page=2").json()["results"]) == 2
    with django_assert_max_num_queries(2):  # the session's user and its permissions, no OFFSET query
        response = client.get(f"{API}/claims/?page_size=2&page=3")
    assert response.status_code == 400
    assert "cursor" in response.json()["page"][0]
    walked = client.get(f"{API}/claims/?pagination=cursor&page_size=5").json()
    assert len(walked["results"]) == 5 and walked["next"]


def test_a_search_matching_many_reports_an_estimated_count(reviewer, monkeypatch):
    """Counting the matches of common words grows with the table (two common words at a
    million claims: 390 ms for the count, 40 ms for the page; bench/ case 10): above
    ESTIMATE_ABOVE matches a search's count is PostgreSQL's estimate, and says so."""
    for i in range(5):
        ClaimFactory(text=f"Strømprisen steg med {i + 10} prosent i fjor.", language="nb")
    ClaimFactory(text="Ferjene går som før.", language="nb")
    client = client_for(reviewer)
    plain = client.get(f"{API}/claims/?page_size=2").json()
    assert plain["count"] == 6 and plain["count_estimated"] is False
    exact = client.get(f"{API}/claims/?page_size=2&q=prosent").json()
    assert exact["count"] == 5 and exact["count_estimated"] is False  # below ESTIMATE_ABOVE

    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 0)
    first = client.get(f"{API}/claims/?page_size=2&q=prosent").json()
    if connection.vendor != "postgresql":  # no planner estimate there: the count stays exact
        assert first["count"] == 5 and first["count_estimated"] is False
        return
    assert first["count_estimated"] is True and first["count"] >= 1 and first["count_capped"] is False
    seen, url = [], f"{API}/claims/?page_size=2&q=prosent"
    while url:  # the next links come from the pages themselves, not from the estimate
        body = client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 5
    assert client.get(f"{API}/claims/?page_size=2&q=prosent&page=9").status_code == 404


def test_cursor_walk_then_resume_with_only_new_changes(reviewer):
    claims = [ClaimFactory() for _ in range(5)]
    client = client_for(reviewer)
    seen, url = [], f"{API}/claims/?pagination=cursor&page_size=2"
    while url:
        body = client.get(url).json()
        assert "count" not in body
        seen += [r["id"] for r in body["results"]]
        url, resume = body["next"], body["next_cursor"]
    # Oldest change first, every claim exactly once.
    assert seen == [c.pk for c in sorted(claims, key=lambda c: (c.updated_at, c.pk))]

    assert client.get(f"{API}/claims/?cursor={resume}").json()["results"] == []
    services.claim_update(claim=claims[0], user=reviewer, data={"location": "Genève"})
    later = client.get(f"{API}/claims/?cursor={resume}").json()
    assert [r["id"] for r in later["results"]] == [claims[0].pk]
    assert later["next_cursor"] != resume


def test_cursor_with_updated_since_and_equal_timestamps(reviewer):
    same = timezone.now()
    batch = [ClaimFactory(updated_at=same) for _ in range(3)]
    ClaimFactory(updated_at=same - dt.timedelta(days=2))
    client = client_for(reviewer)
    since = (same - dt.timedelta(hours=1)).isoformat()
    first = client.get(f"{API}/claims/", {"cursor": "", "page_size": 2, "updated_since": since}).json()
    second = client.get(first["next"]).json()
    assert [r["id"] for r in first["results"] + second["results"]] == sorted(c.pk for c in batch)
    assert second["next"] is None


# --- Query counts ------------------------------------------------------------------------------


@pytest.fixture
def hundred_claims(db):
    tags = [Tag.objects.create(name=f"Topic {i}", slug=f"topic-{i}") for i in range(3)]
    for _ in range(100):
        claim = live_claim()
        claim.tags.set(tags)
        AppearanceFactory(claim=claim)


@pytest.mark.parametrize("size", [10, 50, 100])
def test_list_uses_three_queries_whatever_the_page_size(hundred_claims, django_assert_max_num_queries, size):
    client = client_for()
    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/claims/?page_size={size}")
    body = response.json()
    assert len(body["results"]) == size and body["count"] == 100
    assert all(len(r["tags"]) == 3 and len(r["appearances"]) == 2 and r["rating"] for r in body["results"])
    with django_assert_max_num_queries(3):
        response = client.get(f"{API}/claims/?pagination=cursor&page_size={size}")
    assert len(response.json()["results"]) == size


def test_signed_in_list_query_count_does_not_grow(hundred_claims, reviewer):
    counts = []
    for size in (10, 50, 100):
        # A fresh user object each time, so its permission cache is cold as in a real request.
        client = client_for(type(reviewer).objects.get(pk=reviewer.pk))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{API}/claims/?page_size={size}").status_code == 200
        counts.append(len(captured))
    # Three for the page, plus the user's permissions (loaded once per request).
    assert counts[0] == counts[1] == counts[2] <= 5


# --- Create and validation --------------------------------------------------------------------

GOOD = {
    "text": "Russland har ingen planer om å invadere Ukraina.",
    "language": "nb",
    "claimant": "Sergej Lavrov",
    "claim_date": "2022-01-21",
    "claim_reviewed": "Russland nekter for invasjonsplaner",
    "appearances": [
        {
            "url": "https://news.example/geneva-talks?utm_source=feed",
            "quote": "Vi har ingen slike planer",
            "appeared_on": "2022-01-21",
            "is_first_appearance": True,
        }
    ],
    "tags": ["Ukraina", "Russland"],
    "priority": 3,
}


def test_create_claim(reviewer):
    response = client_for(reviewer).post(f"{API}/claims/", GOOD, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    claim = Claim.objects.get(pk=body["id"])
    assert response["Location"] == body["url"]
    assert response["ETag"] == f'"{claim.pk}-{claim.version}"'
    assert claim.status == "new" and claim.created_by == reviewer and claim.priority == 3
    assert claim.claimant.name == "Sergej Lavrov"
    assert sorted(claim.tags.values_list("name", flat=True)) == ["Russland", "Ukraina"]
    appearance = claim.appearances.get()
    assert appearance.source.url == "https://news.example/geneva-talks"  # tracking parameter dropped
    assert appearance.is_first_appearance and appearance.appeared_on == dt.date(2022, 1, 21)
    assert body["appearances"][0]["quote"] == "Vi har ingen slike planer"
    assert {t["to"] for t in body["available_transitions"]} == {"triaged", "rejected"}
    assert claim.history.get().history_user == reviewer


def test_create_minimal_claim(reviewer):
    response = client_for(reviewer).post(f"{API}/claims/", {"text": "Short claim.", "language": "en"}, format="json")
    assert response.status_code == 201
    assert response.json()["claimant"] is None and response.json()["appearances"] == []


def _with(**changes):
    body = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if value is ...:
            body.pop(key)
        else:
            body[key] = value
    return body


def _appearance(**changes):
    item = dict(GOOD["appearances"][0])
    item.update(changes)
    return [item]


BAD_BODIES = {
    "unknown field": (_with(verdict="false"), "verdict"),
    "read-only field": (_with(status="published"), "status"),
    "missing text": (_with(text=...), "text"),
    "blank text": (_with(text="   "), "text"),
    "text is a number": (_with(text=12345), "text"),
    "text too long": (_with(text="x" * 5001), "text"),
    "claim_reviewed too long": (_with(claim_reviewed="x" * 201), "claim_reviewed"),
    "missing language": (_with(language=...), "language"),
    "language not BCP-47": (_with(language="Norwegian"), "language"),
    "language wrong case": (_with(language="NB"), "language"),
    "claimant is an object": (_with(claimant={"name": "Lavrov"}), "claimant"),
    "bad date": (_with(claim_date="21.01.2022"), "claim_date"),
    "impossible date": (_with(claim_date="2022-02-30"), "claim_date"),
    "date is a number": (_with(claim_date=20220121), "claim_date"),
    "priority as string": (_with(priority="3"), "priority"),
    "priority out of range": (_with(priority=9), "priority"),
    "priority is boolean": (_with(priority=True), "priority"),
    "tags not a list": (_with(tags="Ukraina"), "tags"),
    "tag is a number": (_with(tags=[1]), "tags"),
    "appearances not a list": (_with(appearances={"url": "https://x.example/"}), "appearances"),
    "appearance url ftp": (_with(appearances=_appearance(url="ftp://files.example/a")), "appearances"),
    "appearance url javascript": (_with(appearances=_appearance(url="javascript:alert(1)")), "appearances"),
    "appearance url relative": (_with(appearances=_appearance(url="/news/1")), "appearances"),
    "appearance url missing": (_with(appearances=[{"quote": "no url"}]), "appearances"),
    "appearance unknown field": (_with(appearances=_appearance(views=10)), "appearances"),
    "appearance bad date": (_with(appearances=_appearance(appeared_on="yesterday")), "appearances"),
    "appearance flag as string": (_with(appearances=_appearance(is_first_appearance="yes")), "appearances"),
    "two first appearances": (
        _with(appearances=_appearance() + _appearance(url="https://news.example/other")),
        "appearances",
    ),
    "null byte in text": (_with(text="Nul\x00l"), "text"),
}


def _rows() -> dict[str, int]:
    """How many rows each table a claim create writes to holds."""
    models = (Claim, Claim.history.model, Claimant, Source, Appearance, Tag)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_bodies_are_field_errors_and_write_nothing(reviewer, case):
    body, field = BAD_BODIES[case]
    before = _rows()
    response = client_for(reviewer).post(f"{API}/claims/", body, format="json")
    assert response.status_code == 400, (case, response.json())
    assert field in response.json(), response.json()
    assert _rows() == before


def test_all_problems_are_reported_at_once(reviewer):
    body = {"text": "", "language": "Norsk", "verdict": "false", "appearances": [{"url": "ftp://x.example/"}]}
    response = client_for(reviewer).post(f"{API}/claims/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"text", "language", "verdict", "appearances"}


@pytest.mark.parametrize(
    "raw",
    [b'{"text": "unterminated', b"[1, 2", b'{"text": NaN, "language": "en"}', b"\xff\xfe", b"[" * 100_000],
)
def test_malformed_json_is_400(reviewer, raw):
    response = client_for(reviewer).post(f"{API}/claims/", raw, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Claim.objects.exists()


def test_body_that_is_not_an_object_is_400(reviewer):
    response = client_for(reviewer).post(f"{API}/claims/", [GOOD], format="json")
    assert response.status_code == 400
    assert not Claim.objects.exists()


def test_oversized_body_is_413(reviewer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    body = _with(text="x" * 1000, claim_reviewed="", appearances=_appearance(quote="y" * 1500))
    response = client_for(reviewer).post(f"{API}/claims/", body, format="json")
    assert response.status_code == 413
    assert not Claim.objects.exists()
    assert client_for(reviewer).post(f"{API}/claims/", _with(), format="json").status_code == 201


def test_form_data_is_415(reviewer):
    response = client_for(reviewer).post(f"{API}/claims/", {"text": "x", "language": "en"})
    assert response.status_code == 415


# --- Detail, ETag and If-Match -----------------------------------------------------------------


def test_detail_with_etag(reviewer):
    claim = live_claim(assignee=reviewer)
    response = client_for(reviewer).get(f"{API}/claims/{claim.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{claim.pk}-{claim.version}"'
    body = response.json()
    assert body["review"]["rationale"].startswith("Satellite images")
    assert len(body["review"]["evidence"]) == 1
    assert body["review"]["author"]["username"]
    assert body["appearances"][0]["is_first_appearance"] is True
    assert body["history"].endswith("/history/")
    assert {t["to"] for t in body["available_transitions"]} == set()  # reviewers cannot retract or update
    assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    not_modified = client_for(reviewer).get(f"{API}/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert not_modified.status_code == 304


def test_public_detail_hides_desk_details():
    claim = live_claim()
    body = client_for().get(f"{API}/claims/{claim.pk}/").json()
    assert body["review"]["author"] is None and body["assignee"] is None
    assert body["available_transitions"] == []


def test_unpublished_claim_is_404_to_the_public(outsider):
    claim = ClaimFactory(status="in_review")
    assert client_for().get(f"{API}/claims/{claim.pk}/").status_code == 404
    assert client_for(outsider).get(f"{API}/claims/{claim.pk}/").status_code == 404
    assert client_for().get(f"{API}/claims/{claim.pk + 1000}/").status_code == 404


def _patch(client, claim, body, etag=None):
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.patch(f"{API}/claims/{claim.pk}/", body, format="json", **headers)


def test_patch_with_current_etag(reviewer, editor):
    claim = ClaimFactory()
    client = client_for(reviewer)
    etag = client.get(f"{API}/claims/{claim.pk}/")["ETag"]
    response = _patch(
        client,
        claim,
        {"location": "Genève", "claimant": "Antony Blinken", "tags": ["NATO"], "assignee": "erik", "priority": 4},
        etag,
    )
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert claim.location == "Genève" and claim.claimant.name == "Antony Blinken" and claim.assignee == editor
    assert list(claim.tags.values_list("name", flat=True)) == ["NATO"]
    assert claim.version == 2 and response["ETag"] == f'"{claim.pk}-2"'
    assert response.json()["version"] == 2


def test_patch_without_if_match_is_428_and_changes_nothing(reviewer):
    claim = ClaimFactory(location="Geneva")
    response = _patch(client_for(reviewer), claim, {"location": "Moscow"})
    assert response.status_code == 428
    claim.refresh_from_db()
    assert claim.location == "Geneva" and claim.version == 1
    assert _patch(client_for(reviewer), claim, {"location": "Moscow"}, "*").status_code == 428


@pytest.mark.parametrize("etag", ['"{pk}-0"', '"{pk}-7"', '"999999-1"', "garbage", 'W/"{pk}-0"'])
def test_patch_with_stale_or_foreign_etag_is_412(reviewer, etag):
    claim = ClaimFactory(location="Geneva")
    response = _patch(client_for(reviewer), claim, {"location": "Moscow"}, etag.format(pk=claim.pk))
    assert response.status_code == 412
    claim.refresh_from_db()
    assert claim.location == "Geneva" and claim.version == 1 and claim.history.count() == 1


def test_weak_form_of_current_etag_is_accepted(reviewer):
    # Proxies that compress responses turn strong ETags into weak ones.
    claim = ClaimFactory()
    assert _patch(client_for(reviewer), claim, {"location": "Oslo"}, f'W/"{claim.pk}-1"').status_code == 200


def test_two_editors_with_the_same_etag_one_wins(reviewer, reviewer2):
    claim = ClaimFactory(location="Geneva")
    etag = client_for(reviewer).get(f"{API}/claims/{claim.pk}/")["ETag"]
    first = _patch(client_for(reviewer), claim, {"location": "Moscow"}, etag)
    second = _patch(client_for(reviewer2), claim, {"location": "Kyiv"}, etag)
    assert (first.status_code, second.status_code) == (200, 412)
    claim.refresh_from_db()
    assert claim.location == "Moscow" and claim.version == 2


def test_patch_validation(reviewer, outsider):
    claim = ClaimFactory()
    etag = f'"{claim.pk}-1"'
    client = client_for(reviewer)
    for body, field in [
        ({"status": "published"}, "status"),
        ({"language": "xx-yy-zz"}, "language"),
        ({"text": "x" * 5001}, "text"),
        ({"assignee": "nobody-by-that-name"}, "assignee"),
        ({"claim_date": "soon"}, "claim_date"),
    ]:
        response = _patch(client, claim, body, etag)
        assert response.status_code == 400 and field in response.json(), (body, response.json())
    # The workflow's rule: only desk members can be assigned.
    response = _patch(client, claim, {"assignee": outsider.username}, etag)
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.version == 1 and claim.assignee is None


# --- Delete ---------------------------------------------------------------------------------------


def test_editor_deletes_claim(editor):
    claim = live_claim()
    assert client_for(editor).delete(f"{API}/claims/{claim.pk}/").status_code == 204
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert Claim.history.filter(id=claim.pk, history_type="-").get().history_user == editor


def test_claim_others_point_to_cannot_be_deleted(editor):
    original = ClaimFactory()
    ClaimFactory(duplicate_of=original)
    response = client_for(editor).delete(f"{API}/claims/{original.pk}/")
    assert response.status_code == 409
    assert Claim.objects.filter(pk=original.pk).exists()


# --- Edge cases a fuzzer finds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("claims/?page=99999999999999999999", 400),  # past the count cap: use cursor mode
        ("claims/?page_size=99999999999999999999", 200),
        ("claims/99999999999999999999/", 404),
        ("claims/?claimant=99999999999999999999", 200),
        ("claims/?assignee=99999999999999999999", 200),
        ("reviews/?claim=99999999999999999999999", 200),
        ("reviews/?claim=1.5", 200),
        ("sources/?url=http://%5B::1", 200),
        ("sources/?url=http://x.example:99999/", 200),
        ("claims/?q=%00", 400),
    ],
)
def test_out_of_range_values_are_not_server_errors(reviewer, url, status):
    ClaimFactory()
    assert client_for(reviewer).get(f"{API}/{url}").status_code == status


def test_huge_ids_in_bodies_are_field_errors(reviewer):
    claim = ClaimFactory()
    client = client_for(reviewer)
    etag = f'"{claim.pk}-1"'
    response = client.patch(f"{API}/claims/{claim.pk}/", {"assignee": 2**70}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400 and "assignee" in response.json()
    response = client.post(f"{API}/reviews/", {"claim": 2**70}, format="json")
    assert response.status_code == 400 and "claim" in response.json()


def test_unmatched_api_paths_are_json_404s(reviewer):
    client = client_for(reviewer)
    for url in ("claims/abc/", "claims/-1/", "claims/1/nothing/", "nowhere/"):
        response = client.get(f"{API}/{url}")
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}, url
    # An unsafe method with a session cookie but no CSRF token still gets JSON, not Django's HTML page.
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(reviewer)
    response = browser.delete(f"{API}/claims/abc/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    # A GET that only lacks the trailing slash is redirected, query string kept.
    response = client.get(f"{API}/claims", {"status": "new"})
    assert response.status_code == 301 and response["Location"] == f"{API}/claims/?status=new"


def test_options_describes_the_endpoint(reviewer):
    response = client_for(reviewer).options(f"{API}/claims/1/transition/")
    assert response.status_code == 200
    assert response.json()["renders"] == ["application/json"]
