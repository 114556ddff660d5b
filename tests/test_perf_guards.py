"""Guards for the tuning the benchmark suite (bench/, issue 5) asked for.

These keep what made the numbers: a fixed number of queries per API list page and per
admin changelist whatever the page size or row count, long columns left out of list
queries, the compiled list serializer producing exactly DRF's output, and full-text
search going through the GIN index (checked with EXPLAIN on PostgreSQL; run with
DATABASE_URL=postgres://…). The timings themselves live in bench/, not here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.request import Request
from rest_framework.serializers import ListSerializer

from claims import selectors
from claims.api import fast
from claims.api.fast import CompiledListSerializer, compile_serializer
from claims.api.serializers import ClaimDetailSerializer, ClaimSerializer
from claims.models import Claim, Rating, Tag
from claims.search import search_claims
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    ReviewFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

API_LIST = "/api/v1/claims/"
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def make_claims(n: int, *, status: str = "published", offset: int = 0) -> list[Claim]:
    """Claims shaped like the desk's: claimant, tags, 0–3 appearances, and a verdict on most."""
    tags = [Tag.objects.get_or_create(name=f"Tag {i}", slug=f"tag-{i}")[0] for i in range(3)]
    ratings = list(Rating.objects.order_by("order"))
    claims = []
    for i in range(offset, offset + n):
        claim = ClaimFactory(
            status=status,
            claimant=None if i % 7 == 0 else ClaimantFactory(),
            published_at=timezone.now() if status == "published" else None,
            language="nb" if i % 2 else "en",
        )
        claim.tags.set(tags[: i % 4])
        for k in range(i % 4):
            AppearanceFactory(
                claim=claim,
                source=SourceFactory(text="Extracted article text. " * 50),
                is_first_appearance=k == 0,
                appeared_on=dt.date(2022, 1, 20 + k),
            )
        if i % 5:
            # Every fifth claim has no verdict; every third verdict has no rating yet.
            ReviewFactory(claim=claim, rating=None if i % 3 == 0 else ratings[i % len(ratings)])
        claims.append(claim)
    return claims


def claims_plan_without_scans(qs: Any) -> str:
    """PostgreSQL's plan for this queryset's SQL with sequential and plain index scans off.

    With a test database's few dozen rows a sequential scan (or walking the updated_at
    index) is cheaper; switched off, the plan shows whether the GIN index *can* serve it."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")


def count_queries(client: Any, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


# --- The API list ---------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [10, 50, 100])
def test_api_list_is_three_queries_whatever_the_page_size(client, page_size):
    make_claims(12)
    n, sql = count_queries(client, f"{API_LIST}?page_size={page_size}")
    # The page with its capped count, the tags, the appearances with their sources.
    assert n <= 3, sql


def test_api_list_queries_do_not_grow_with_rows(client):
    make_claims(4)
    few, _ = count_queries(client, f"{API_LIST}?page_size=100")
    make_claims(30, offset=4)
    many, sql = count_queries(client, f"{API_LIST}?page_size=100")
    assert many == few <= 3, sql


@pytest.mark.parametrize("page_size", [10, 50, 100])
def test_api_list_with_a_token_is_five_queries_whatever_the_page_size(page_size, editor):
    """The token with its user (1), the user's permissions in one UNION (1), the list (3)."""
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    make_claims(12)
    make_claims(4, status="in_research", offset=12)
    _token, secret = AuthToken.objects.create(editor)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    n, sql = count_queries(token, f"{API_LIST}?page_size={page_size}")
    assert n <= 5, sql
    assert token.get(API_LIST).json()["count"] == 16  # the desk's page: drafts too


def test_api_list_queries_for_a_signed_in_reviewer_and_in_cursor_mode(client, reviewer):
    make_claims(8, status="in_research")
    client.force_login(reviewer)
    baseline, _ = count_queries(client, f"{API_LIST}?page_size=5")
    # Session, user and permission lookups come on top; the list itself stays at three.
    n, sql = count_queries(client, f"{API_LIST}?page_size=50")
    assert n == baseline, sql
    n_cursor, sql = count_queries(client, f"{API_LIST}?cursor=&page_size=50")
    assert n_cursor <= baseline, sql


@postgres_only
@pytest.mark.postgres
def test_cursor_mode_starts_its_index_walk_at_the_cursor(client, reviewer):
    """The keyset condition must bound the (updated_at, id) index scan: written as an OR
    alone it was a filter, and PostgreSQL read every row before the cursor (3 s three
    quarters into a million claims, 151x page 1; bench/ case 10)."""
    make_claims(6, status="in_research")
    client.force_login(reviewer)
    first = client.get(f"{API_LIST}?cursor=&page_size=2").json()
    _, sql = count_queries(client, first["next"])
    page = next(s for s in sql if s.startswith("SELECT") and 'FROM "claims_claim"' in s and "LIMIT" in s)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
        # Off: the sequential scan a few test rows favour, and the bitmap OR that could serve
        # the old condition at this size; left is the index scan a large table gets.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute(f"EXPLAIN {page}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")
    assert re.search(r"Index Cond: \(.*updated_at >= ", plan), plan


@postgres_only
@pytest.mark.postgres
def test_a_search_matching_many_is_not_counted(client, monkeypatch):
    """Above ESTIMATE_ABOVE estimated matches a search's page carries no COUNT: one EXPLAIN
    (planning only) instead, so four queries, none of which reads every match."""
    from claims.api import pagination

    make_claims(6)
    Claim.objects.update(text="Strømprisen steg med 40 prosent.")
    Claim.objects.update(search_folded=" prosent strom strompris pris ")  # what the services keep
    exact, sql = count_queries(client, f"{API_LIST}?page_size=5&q=prosent")
    assert exact == 4 and any("COUNT(" in s for s in sql), sql
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 0)
    estimated, sql = count_queries(client, f"{API_LIST}?page_size=5&q=prosent")
    assert estimated == 4, sql
    assert not any("COUNT(" in s.upper() for s in sql), sql
    assert sql[0].startswith("EXPLAIN (FORMAT JSON)"), sql


def test_api_list_leaves_long_columns_out(client):
    make_claims(6)
    _, sql = count_queries(client, API_LIST)
    selected = " ".join(s.split(" FROM ")[0] for s in sql)
    for column in (
        '"search_vector"',
        '"search_extra"',
        '"search_folded"',
        '"claims_review"."rationale"',
        '"claims_source"."text"',
    ):
        assert column not in selected, column
    assert '"claims_claimant"."description"' not in selected


def _request(user: Any = None) -> Request:
    request = Request(RequestFactory().get(API_LIST))
    request.user = user or AnonymousUser()
    return request


@pytest.mark.parametrize("desk", [False, True])
def test_compiled_list_serializer_matches_drf(desk, reviewer):
    make_claims(10)
    make_claims(3, status="in_review", offset=10)
    user = reviewer if desk else None
    visible = selectors.claims_visible_to(user=user or AnonymousUser())
    page = list(ClaimSerializer.load(visible, desk=desk).order_by("-updated_at", "-id"))
    context = {"request": _request(user), "desk": desk}
    with translation.override("nb"), timezone.override("Europe/Oslo"):
        stock = json.dumps(ListSerializer(child=ClaimSerializer(), context=context).to_representation(page))
        for _ in range(2):  # the first page builds the class's blueprint, the second reuses it
            compiled = ClaimSerializer(page, many=True, context=context)
            assert isinstance(compiled, CompiledListSerializer)
            assert json.dumps(compiled.data) == stock
        assert fast._BLUEPRINTS[ClaimSerializer] is not None  # the fast path is the one in use
        detail = ClaimDetailSerializer(context=context)
        assert compile_serializer(detail)(page[1]) == ClaimDetailSerializer(page[1], context=context).data
    rows = json.loads(stock)
    assert all("tags" in row and "appearances" in row for row in rows)
    assert any(row["tags"] for row in rows) and any(row["appearances"] for row in rows)


def test_compiled_serializer_keeps_drf_semantics_at_the_edges():
    """Dotted sources through None, skipped fields, and nested serializers with their own output."""
    from types import SimpleNamespace

    from rest_framework import serializers

    class Shouting(serializers.Serializer):
        name = serializers.CharField()

        def to_representation(self, instance: Any) -> Any:
            return {"NAME": instance.name.upper()}

    class Inner(serializers.Serializer):
        label = serializers.CharField()
        when = serializers.DateTimeField()

    class Row(serializers.Serializer):
        id = serializers.IntegerField()
        inner = Inner(allow_null=True)
        inner_label = serializers.CharField(source="inner.label", allow_null=True)
        deep = serializers.CharField(source="missing.attr", required=False)
        loud = Shouting()
        many = Inner(many=True)
        extra = serializers.SerializerMethodField()

        class Meta:
            list_serializer_class = CompiledListSerializer

        def get_extra(self, obj: Any) -> int:
            return obj.id * 2

    when = dt.datetime(2022, 1, 21, 12, tzinfo=dt.UTC)
    rows = [
        SimpleNamespace(id=1, inner=SimpleNamespace(label="a", when=when), missing=None,
                        loud=SimpleNamespace(name="x"), many=[SimpleNamespace(label="b", when=when)]),
        SimpleNamespace(id=2, inner=None, missing=None, loud=SimpleNamespace(name="y"), many=[]),
    ]  # fmt: skip
    with timezone.override("Europe/Oslo"):
        expected = [Row(r).data for r in rows]
        for _ in range(2):
            assert Row(rows, many=True).data == expected
        assert [compile_serializer(Row())(r) for r in rows] == expected
    assert "deep" not in expected[0] and expected[1]["inner_label"] is None


def test_claim_links_are_the_routes(client):
    claim = make_claims(1)[0]
    item = client.get(API_LIST).json()["results"][0]
    assert item["url"].endswith(reverse("api:claim-detail", kwargs={"pk": claim.pk}))
    assert item["history"].endswith(reverse("api:claim-history", kwargs={"pk": claim.pk}))
    assert item["claimreview"].endswith(reverse("api:claim-claimreview", kwargs={"pk": claim.pk}))


# --- The admin changelist -----------------------------------------------------------------

CHANGELIST = "/admin/claims/claim/"
CHANGELIST_VIEWS = [
    "",
    "?status__exact=published&lang=nb&rating=false",
    "?q=Russia",
    "?status__exact=published&q=invade",
    "?queue=mine",
]


@pytest.mark.parametrize("query", CHANGELIST_VIEWS)
def test_admin_changelist_queries_are_bounded_and_do_not_grow(client, reviewer, query):
    make_claims(3)
    client.force_login(reviewer)
    client.get(CHANGELIST + query)  # warm per-process caches (content types, permissions)
    few, _ = count_queries(client, CHANGELIST + query)
    make_claims(40, offset=3)
    many, sql = count_queries(client, CHANGELIST + query)
    assert many == few, sql
    assert many <= 14, sql


def test_admin_changelist_counts_are_capped_and_filters_read_small_tables(client, reviewer):
    make_claims(5)
    client.force_login(reviewer)
    _, sql = count_queries(client, CHANGELIST + "?status__exact=published&lang=en&q=Russia")
    on_claims = [s for s in sql if '"claims_claim"' in s]
    assert not any("DISTINCT" in s.upper() for s in on_claims)
    counts = [s for s in on_claims if "COUNT(" in s.upper()]
    assert counts and all("LIMIT" in s.upper() for s in counts), counts
    if connection.vendor == "postgresql":
        # Full-text search on the stored vector, not icontains (UPPER(text) LIKE …) on the columns.
        searches = [s for s in on_claims if "search_vector" in s]
        assert searches and not any("UPPER(" in s.upper() for s in searches)


def test_admin_count_cap_stays_small():
    """Counting up to 10 000 filtered rows made the 200k changelist 2.7x slower than at 20k (bench/ case 4)."""
    from claims.admin.paginator import EstimatedCountPaginator

    assert EstimatedCountPaginator.cap <= 1_000


# --- Full-text search uses the GIN index ------------------------------------------------------


@postgres_only
@pytest.mark.postgres
@pytest.mark.parametrize("query", ["invade Ukraine", "invadere Ukraina", "strømprisen"])
def test_search_uses_the_gin_index(query):
    make_claims(30)
    ClaimFactory(text="Russland har ingen planer om å invadere Ukraina, og strømprisen er lav.", language="nb")
    assert not Claim.objects.filter(search_vector__isnull=True).exists()  # the trigger filled them
    qs = search_claims(Claim.objects.defer("search_vector", "search_extra", "search_folded"), query)[:50]
    # A per-query SearchVector or an icontains could not be served by the GIN index.
    # bench/ case 3 shows the planner's own choice at 20k and 200k claims.
    plan = claims_plan_without_scans(qs)
    assert "claims_claim_search_gin" in plan, plan
    assert "to_tsvector" not in plan, plan
    assert qs.count() >= 1


@postgres_only
@pytest.mark.postgres
def test_search_ranks_no_rows_by_recomputing_vectors():
    """The API's q= filters on the stored column: its SQL never builds a tsvector per row."""
    make_claims(3)
    visible = selectors.claims_visible_to(user=AnonymousUser())
    qs = search_claims(ClaimSerializer.load(visible, desk=False), "invade Ukraine")
    sql, _params = qs.query.sql_with_params()
    assert '"claims_claim"."search_vector" @@' in sql
    assert "to_tsvector" not in sql


@postgres_only
@pytest.mark.postgres
def test_tracking_pools_go_through_the_gin_index_not_the_duplicate_of_index():
    """Candidate tracking's pool branches filter on `duplicate_of IS NULL`. A full index on
    that column let PostgreSQL read nearly every claim through it and test the match row by
    row (a fifth of a harvest batch's branches, ~70 ms each at 20k claims, issue 17): the
    index holds only the duplicates, and the branches use the GIN index."""
    from claims.search import search_claims_sharing

    make_claims(30)
    original = ClaimFactory(text="Russland har ingen planer om å invadere Ukraina.", language="nb")
    ClaimFactory(text="Russland vil ikke invadere Ukraina.", language="nb", duplicate_of=original)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'claims_claim' AND indexdef LIKE %s",
            ["%(duplicate_of_id)%"],
        )
        indexes = cursor.fetchall()
    assert len(indexes) == 1 and "WHERE (duplicate_of_id IS NOT NULL)" in indexes[0][1], indexes
    claims = Claim.objects.filter(duplicate_of__isnull=True).only("id", "text")
    sets = [[["invadere"], ["ukraina"]], [["russland"], ["planer"]]]
    qs = search_claims_sharing(claims, sets)[:50]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
        cursor.execute("SET enable_seqscan = off")  # as _gin_only runs the pools
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert plan.count("claims_claim_search_gin") == 2, plan
    assert "claim_duplicate_of" not in plan, plan
    # Whole tokens: a prefix term makes the GIN index read every posting list it matches.
    assert ":*" not in plan, plan
    assert [c.pk for c in qs] == [original.pk, original.pk]  # each branch finds it; not its duplicate


# --- Discovery's search of the local article index -----------------------------------------------


def test_local_index_search_keeps_the_date_window_indexable():
    """No `published_at IS NULL OR …`: with it PostgreSQL walked the whole date index (case 5)."""
    from claims.discovery.providers.local import search_index

    day = dt.datetime(2022, 1, 21, 12, tzinfo=dt.UTC)
    inside = ArticleFactory(title="Geneva talks end", published_at=day)
    undated = ArticleFactory(title="Geneva background", published_at=None)
    ArticleFactory(title="Geneva, years later", published_at=day + dt.timedelta(days=2000))
    with CaptureQueriesContext(connection) as ctx:
        found = search_index(["Geneva"], around=day.date())
    assert {a.pk for a in found} == {inside.pk, undated.pk}
    assert found[0].pk == undated.pk  # undated first, as before the split
    sql = [q["sql"] for q in ctx.captured_queries]
    # OR as a word: "IS NULL ORDER BY" is fine.
    assert sql and not any(re.search(r'"published_at" IS NULL OR\b', s) for s in sql), sql


def test_extraction_takes_the_fast_path_for_pages_that_tag_their_metadata(monkeypatch):
    """One parse, no fallback extractors, no metadata heuristics when the page's tags say it all (case 5)."""
    from pathlib import Path

    import trafilatura

    from claims.discovery import extract as extraction

    calls: list[dict[str, Any]] = []
    real = trafilatura.bare_extraction

    def spy(content: Any, **kwargs: Any) -> Any:
        options = kwargs["options"]
        calls.append({"tree": not isinstance(content, str), "fast": options.fast, "metadata": options.with_metadata})
        return real(content, **kwargs)

    monkeypatch.setattr(extraction.trafilatura, "bare_extraction", spy)
    page = Path(__file__).parent / "fixtures" / "corpus" / "a02-ingen-gjennombrudd-i-geneve.html"
    result = extraction.extract(page.read_text(encoding="utf-8"), url="https://news.example/a02")
    assert result.title and result.published_at and len(result.text) > 200
    assert calls == [calls[0]] and calls[0]["tree"] and calls[0]["fast"] and not calls[0]["metadata"]
    bare = extraction.extract(
        "<html><head><title>Plain page</title></head><body><p>Just text.</p></body></html>", url="https://x.example/"
    )
    assert calls[-1]["metadata"] and bare.title == "Plain page"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_live_set_check_of_each_analysed_batch_reads_only_an_index():
    from claims.services import recurrences

    ClaimFactory.create_batch(3, status="published")
    ClaimFactory.create_batch(3, status="new")
    with CaptureQueriesContext(connection) as ctx:
        recurrences._live_state()
    (query,) = ctx.captured_queries
    with connection.cursor() as cursor:
        # Vacuumed, as autovacuum keeps a live table: an index-only scan needs the visibility map.
        cursor.execute("VACUUM ANALYZE claims_claim")
        # A test table is small enough for a sequential or bitmap scan to be cheapest.
        cursor.execute("SET enable_seqscan = off; SET enable_bitmapscan = off")
        try:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan")
    # COUNT(id) needs the rows themselves (a sequential scan at 20k claims: 8-11 ms a batch,
    # against 1.7 ms from the index).
    assert "Index Only Scan using claim_status_updated" in plan, plan


def test_every_per_word_cache_is_bounded_by_the_word_budget():
    """A word costs ~2.4 KB across the per-word caches (docs/deployment.md): their bounds are a
    memory budget, and a year of real feeds fills them (the bench's reused sentences do not)."""
    import functools

    from claims.discovery import text as tx
    from claims.watch import recurrence_features as rf

    caches = [
        f
        for module in (tx, rf)
        for f in vars(module).values()
        if isinstance(f, functools._lru_cache_wrapper) and f.__module__ == module.__name__
    ]
    assert len(caches) >= 10
    for cache in caches:
        bound = cache.cache_parameters()["maxsize"]
        assert bound is not None and bound <= 2 * tx.WORD_CACHE, cache.__name__
    assert tx.WORD_CACHE <= 8192


def test_discovery_keeps_a_bounded_share_of_articles_features():
    """Discovery runs beside the harvest on the `fetch` queue: what its ranking keeps between
    jobs is held to DISCOVERY_FEATURE_CACHE_MB by an estimate that errs high, whatever the
    articles' length, and to two candidate-set indexes (bench/results/ranking_memory.md)."""
    import tracemalloc

    from claims.discovery import ranking
    from claims.models import Article

    ranking.clear_caches()
    assert ranking._INDEXES.size <= 2
    body = " ".join(f"Stortinget vedtok {n} nye tiltak for skolene i Bergen og Tromsø." for n in range(120))
    articles = [
        Article(id=i, url=f"https://news.example/{i}", title=f"Sak {i}", text=f"{body} Ord{i}x.", language="nb")
        for i in range(1, 61)
    ]
    for article in articles[:20]:  # the word caches and lexicons loaded, as in a running worker
        ranking.features_for(article)
    ranking.clear_caches()
    tracemalloc.start()
    try:
        features = [ranking.features_for(a) for a in articles[20:40]]
        held, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    estimate = sum(ranking._feature_bytes(f) for f in features)
    assert held <= estimate <= 3 * held  # errs high, but not so far as to waste the budget

    budget = ranking._FEATURES.budget
    ranking._FEATURES.budget = 10 * ranking._feature_bytes(features[0])
    try:
        ranking.clear_caches()
        for article in articles:
            ranking.features_for(article)
        assert len(ranking._FEATURES) == 10
        assert ranking._FEATURES.weight <= ranking._FEATURES.budget
        assert ranking._FEATURES.get(ranking._article_key(articles[-1])) is not None  # newest kept
        assert ranking._FEATURES.get(ranking._article_key(articles[0])) is None  # oldest out
    finally:
        ranking._FEATURES.budget = budget
        ranking.clear_caches()


def test_loading_the_project_leaves_the_heavy_libraries_to_the_work_that_needs_them():
    """numpy with scipy (via bm25s), and extruct with lxml and rdflib, cost ~33 MB in every web
    process and in every Celery worker's main process, which never rank, match or import
    reviews: the project's modules import them where they are used (docs/deployment.md)."""
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); import claims.tasks, claims.admin, factcheck.urls; "
        "print(sorted(m for m in ('numpy', 'scipy', 'bm25s', 'extruct', 'rdflib') if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
