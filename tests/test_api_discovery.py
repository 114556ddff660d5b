"""The discovery endpoints: fetch-related jobs, suggestions and feedback, feeds, articles, duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from claims.models import Claim, DuplicateSuggestion, Feed, FetchJob, RelatedArticle, Source
from tests.factories import ArticleFactory, ClaimFactory, FeedFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts, live_claim  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggested(claim):
    """Three suggestions for `claim`: two suggested, one already marked irrelevant."""
    a = ArticleFactory(
        title="Lavrov denies invasion plans",
        outlet="Atlantic Wire",
        language="en",
        published_at=timezone.make_aware(dt.datetime(2022, 1, 21, 13)),
        text="Lavrov said in Geneva that Russia has no plans to invade Ukraine.",
    )
    b = ArticleFactory(title="Ingen gjennombrudd i Genève", outlet="Fjordposten", language="nb")
    c = ArticleFactory(title="Snow in Oslo", language="en")
    why = {"terms": ["Lavrov", "Ukraine"], "lexical": 0.9, "ngram": 0.5, "entities": 1.0, "recency": 1.0}
    return [
        RelatedArticle.objects.create(
            claim=claim, article=a, score=0.91, rank=1, provider="feed", why=why, snippet="Lavrov said…"
        ),
        RelatedArticle.objects.create(claim=claim, article=b, score=0.74, rank=2, provider="gdelt", why=why),
        RelatedArticle.objects.create(claim=claim, article=c, score=0.2, rank=3, provider="feed", status="irrelevant"),
    ]


# --- fetch-related and jobs ---------------------------------------------------------------


def test_fetch_related_queues_a_job_and_answers_202(reviewer, claim):
    response = client_for(reviewer).post(f"{API}/claims/{claim.pk}/fetch-related/")
    assert response.status_code == 202, response.content
    job = response.json()["job"]
    assert set(job) == {"id", "url", "status"}
    assert job["status"] == "queued"
    assert job["url"].endswith(f"{API}/jobs/{job['id']}/")
    assert response["Location"] == job["url"]
    stored = FetchJob.objects.get(pk=job["id"])
    assert (stored.kind, stored.claim_id, stored.requested_by) == ("discover", claim.pk, reviewer)
    # A job still waiting in the queue is returned rather than doubled.
    again = client_for(reviewer).post(f"{API}/claims/{claim.pk}/fetch-related/")
    assert again.status_code == 202 and again.json()["job"]["id"] == job["id"]
    assert FetchJob.objects.filter(claim=claim).count() == 1


def test_fetch_related_needs_a_desk_member(outsider, reviewer, claim):
    assert client_for().post(f"{API}/claims/{claim.pk}/fetch-related/").status_code == 401
    assert client_for(outsider).post(f"{API}/claims/{claim.pk}/fetch-related/").status_code == 403
    assert client_for(reviewer).post(f"{API}/claims/999999/fetch-related/").status_code == 404
    assert not FetchJob.objects.exists()


def test_job_detail_shape(reviewer, claim):
    job = FetchJob.objects.create(
        kind="discover",
        claim=claim,
        status="partial",
        progress_done=3,
        progress_total=5,
        errors=[{"provider": "wikipedia", "error": "timed out", "permanent": False}],
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    response = client_for(reviewer).get(f"{API}/jobs/{job.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert {"id", "kind", "status", "progress", "errors", "started_at", "finished_at"} <= set(body)
    assert body["progress"] == {"done": 3, "total": 5}
    assert (body["kind"], body["status"], body["claim"]) == ("discover", "partial", claim.pk)
    assert body["errors"][0]["provider"] == "wikipedia"
    listed = client_for(reviewer).get(f"{API}/jobs/?claim={claim.pk}").json()["results"]
    assert [j["id"] for j in listed] == [job.pk]


@pytest.mark.parametrize("value", ["\u00b2", "99999999999999999999"])
def test_job_list_claim_filter_that_is_no_id_matches_nothing(reviewer, claim, value):
    # A superscript digit passes str.isdigit() but not int(); a 20-digit id is beyond the column.
    FetchJob.objects.create(kind="discover", claim=claim)
    response = client_for(reviewer).get(f"{API}/jobs/", {"claim": value})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_jobs_are_for_the_desk_only(outsider, claim):
    job = FetchJob.objects.create(kind="discover", claim=claim)
    assert client_for().get(f"{API}/jobs/{job.pk}/").status_code == 401
    assert client_for(outsider).get(f"{API}/jobs/{job.pk}/").status_code == 403


# --- Related articles and feedback --------------------------------------------------------


def test_related_articles_are_ranked_and_explained(reviewer, claim, suggested):
    response = client_for(reviewer).get(f"{API}/claims/{claim.pk}/related-articles/")
    assert response.status_code == 200
    items = response.json()
    assert [i["id"] for i in items] == [suggested[0].pk, suggested[1].pk]  # irrelevant left out
    first = items[0]
    assert {
        "id",
        "url",
        "title",
        "outlet",
        "published_at",
        "language",
        "score",
        "provider",
        "why",
        "snippet",
        "status",
    } <= set(first)
    assert first["url"] == suggested[0].article.url
    assert (first["title"], first["outlet"], first["language"]) == (
        "Lavrov denies invasion plans",
        "Atlantic Wire",
        "en",
    )
    assert first["score"] == 0.91 and first["provider"] == "feed" and first["status"] == "suggested"
    assert first["why"]["terms"] == ["Lavrov", "Ukraine"]
    assert first["published_at"].startswith("2022-01-21")
    everything = client_for(reviewer).get(f"{API}/claims/{claim.pk}/related-articles/?status=all").json()
    assert len(everything) == 3
    only_irrelevant = client_for(reviewer).get(f"{API}/claims/{claim.pk}/related-articles/?status=irrelevant").json()
    assert [i["id"] for i in only_irrelevant] == [suggested[2].pk]
    assert client_for(reviewer).get(f"{API}/claims/{claim.pk}/related-articles/?status=bogus").status_code == 400


def test_related_articles_are_not_public(outsider, claim, suggested):
    assert client_for().get(f"{API}/claims/{claim.pk}/related-articles/").status_code == 401
    assert client_for(outsider).get(f"{API}/claims/{claim.pk}/related-articles/").status_code == 403


def test_reviewer_marks_a_suggestion(reviewer, claim, suggested):
    url = f"{API}/related-articles/{suggested[1].pk}/"
    response = client_for(reviewer).patch(url, {"status": "irrelevant"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "irrelevant"
    suggested[1].refresh_from_db()
    assert (suggested[1].status, suggested[1].reviewed_by) == ("irrelevant", reviewer)
    listed = client_for(reviewer).get(f"{API}/claims/{claim.pk}/related-articles/").json()
    assert [i["id"] for i in listed] == [suggested[0].pk]
    bad = client_for(reviewer).patch(url, {"status": "maybe"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()


def test_marking_needs_permission(outsider, suggested):
    url = f"{API}/related-articles/{suggested[0].pk}/"
    assert client_for().patch(url, {"status": "relevant"}, format="json").status_code == 401
    assert client_for(outsider).patch(url, {"status": "relevant"}, format="json").status_code == 403
    suggested[0].refresh_from_db()
    assert suggested[0].status == "suggested"


def test_to_evidence_cites_the_article_in_the_verdict(reviewer, claim, suggested):
    response = client_for(reviewer).post(f"{API}/related-articles/{suggested[0].pk}/to-evidence/")
    assert response.status_code == 200, response.content
    body = response.json()
    source = Source.objects.get(pk=body["source"])
    article = suggested[0].article
    assert (source.url, source.title, source.outlet) == (article.url, article.title, "Atlantic Wire")
    assert source.published_at == article.published_at
    assert list(claim.review.evidence.all()) == [source]
    assert body["related"]["status"] == "relevant"


def test_to_evidence_on_a_published_claim_needs_an_editor(reviewer, editor):
    claim = live_claim()
    related = RelatedArticle.objects.create(claim=claim, article=ArticleFactory(), score=0.5, provider="feed")
    url = f"{API}/related-articles/{related.pk}/to-evidence/"
    assert client_for(reviewer).post(url).status_code == 403
    assert client_for(editor).post(url).status_code == 200
    assert claim.review.evidence.filter(url=related.article.url).exists()


# --- Feeds ------------------------------------------------------------------------------


def test_feeds_reviewers_read_editors_manage(reviewer, editor):
    FeedFactory(name="Fjordposten utenriks", url="https://news.example/fjordposten/rss")
    assert client_for(reviewer).get(f"{API}/feeds/").status_code == 200
    new = {"url": "https://news.example/ledger/feed.xml", "name": "The Ledger", "language": "en", "enabled": True}
    assert client_for(reviewer).post(f"{API}/feeds/", new, format="json").status_code == 403
    created = client_for(editor).post(f"{API}/feeds/", new, format="json")
    assert created.status_code == 201, created.content
    assert {k: created.json()[k] for k in new} == new
    feed = Feed.objects.get(url=new["url"])
    changed = client_for(editor).patch(f"{API}/feeds/{feed.pk}/", {"enabled": False}, format="json")
    assert changed.status_code == 200 and changed.json()["enabled"] is False
    names = [f["name"] for f in client_for(reviewer).get(f"{API}/feeds/").json()["results"]]
    assert names == ["Fjordposten utenriks", "The Ledger"]


@pytest.mark.parametrize(
    "payload",
    [
        {"url": "ftp://news.example/feed", "name": "x"},
        {"url": "not a url", "name": "x"},
        {"url": "https://news.example/rss", "name": "x", "language": "Norwegian"},
        {"name": "no url"},
    ],
)
def test_feed_validation(editor, payload):
    response = client_for(editor).post(f"{API}/feeds/", payload, format="json")
    assert response.status_code == 400, response.content
    assert not Feed.objects.exists()


def test_duplicate_feed_url_is_refused(editor):
    FeedFactory(url="https://news.example/rss")
    response = client_for(editor).post(f"{API}/feeds/", {"url": "https://news.example/rss"}, format="json")
    assert response.status_code == 400
    assert Feed.objects.count() == 1


def test_harvest_queues_a_job(editor, reviewer):
    feed = FeedFactory()
    assert client_for(reviewer).post(f"{API}/feeds/{feed.pk}/harvest/").status_code == 403
    response = client_for(editor).post(f"{API}/feeds/{feed.pk}/harvest/")
    assert response.status_code == 202
    job = FetchJob.objects.get(pk=response.json()["job"]["id"])
    assert (job.kind, job.feed_id) == ("harvest", feed.pk)
    feed.enabled = False
    feed.save()
    job.status = "succeeded"
    job.save()
    assert client_for(editor).post(f"{API}/feeds/{feed.pk}/harvest/").status_code == 409


# --- The article index --------------------------------------------------------------------


def test_article_search(reviewer, outsider):
    ArticleFactory(title="Lavrov i Genève", text="Russlands utenriksminister møtte Blinken.", language="nb")
    ArticleFactory(title="Snow in Oslo", text="Heavy snow.", language="en")
    response = client_for(reviewer).get(f"{API}/articles/", {"q": "Lavrov"})
    assert response.status_code == 200
    assert [a["title"] for a in response.json()["results"]] == ["Lavrov i Genève"]
    assert "text" not in response.json()["results"][0]
    assert len(client_for(reviewer).get(f"{API}/articles/").json()["results"]) == 2
    assert client_for().get(f"{API}/articles/").status_code == 401
    assert client_for(outsider).get(f"{API}/articles/").status_code == 403


# --- Duplicates ---------------------------------------------------------------------------


@pytest.fixture
def pair(db):
    older = ClaimFactory(text="Russia has no plans to invade Ukraine.", claim_reviewed="Russia denies invasion plans")
    newer = ClaimFactory(
        text="Russland har ingen planer om å invadere Ukraina.", claim_reviewed="Russland avviser invasjonsplaner"
    )
    suggestion = DuplicateSuggestion.objects.create(claim=newer, candidate=older, score=0.86)
    return older, newer, suggestion


def test_similar_lists_suggestions_from_both_sides(reviewer, pair):
    older, newer, suggestion = pair
    from_newer = client_for(reviewer).get(f"{API}/claims/{newer.pk}/similar/").json()
    assert [(s["id"], s["score"], s["claim"]["id"]) for s in from_newer] == [(suggestion.pk, 0.86, older.pk)]
    assert from_newer[0]["claim"]["url"].endswith(f"{API}/claims/{older.pk}/")
    from_older = client_for(reviewer).get(f"{API}/claims/{older.pk}/similar/").json()
    assert [s["claim"]["id"] for s in from_older] == [newer.pk]
    assert client_for().get(f"{API}/claims/{newer.pk}/similar/").status_code == 401


def test_dismiss_via_api(reviewer, pair):
    _older, newer, suggestion = pair
    response = client_for(reviewer).post(f"{API}/duplicate-suggestions/{suggestion.pk}/dismiss/")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    assert client_for(reviewer).get(f"{API}/claims/{newer.pk}/similar/").json() == []
    settled = client_for(reviewer).get(f"{API}/claims/{newer.pk}/similar/?settled=1").json()
    assert [s["status"] for s in settled] == ["dismissed"]


def test_merge_via_api(reviewer, pair):
    older, newer, suggestion = pair
    response = client_for(reviewer).post(f"{API}/duplicate-suggestions/{suggestion.pk}/merge/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == older.pk
    newer.refresh_from_db()
    assert newer.duplicate_of_id == older.pk
    suggestion.refresh_from_db()
    assert suggestion.status == "merged"
    again = client_for(reviewer).post(f"{API}/duplicate-suggestions/{suggestion.pk}/merge/", {}, format="json")
    assert again.status_code == 409


def test_merge_keeping_the_newer_claim(reviewer, pair):
    older, newer, suggestion = pair
    url = f"{API}/duplicate-suggestions/{suggestion.pk}/merge/"
    response = client_for(reviewer).post(url, {"keep": "claim"}, format="json")
    assert response.status_code == 200 and response.json()["id"] == newer.pk
    assert Claim.objects.get(pk=older.pk).duplicate_of_id == newer.pk


def test_schema_documents_the_discovery_routes(reviewer):
    schema = client_for(reviewer).get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/claims/{id}/fetch-related/",
        "/api/v1/claims/{id}/related-articles/",
        "/api/v1/claims/{id}/similar/",
        "/api/v1/jobs/{id}/",
        "/api/v1/related-articles/{id}/",
        "/api/v1/related-articles/{id}/to-evidence/",
        "/api/v1/feeds/",
        "/api/v1/feeds/{id}/harvest/",
        "/api/v1/articles/",
    ):
        assert path in schema["paths"], path
    accepted = schema["paths"]["/api/v1/claims/{id}/fetch-related/"]["post"]["responses"]
    assert "202" in accepted
