"""The local index search: the walk-then-GIN search on PostgreSQL returns exactly what one
query per term returns, in the same order; its rare-term statement uses the GIN index; and
its query count does not grow with the number of terms (bench/results/scale.md)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from claims.discovery.providers import local
from claims.discovery.providers.local import search_index, search_index_per_term
from claims.models import Article

# SQLite runs the per-term search itself: there is nothing to compare there.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

DAY = dt.datetime(2023, 5, 10, 12, tzinfo=dt.UTC)
COMMON = ["harbour", "ferry", "council"]  # in most articles
RARE = ["lighthouse", "Ingeborg"]  # in a few
# Terms in the order a claim's search would give them: a name, common words, a stop word only.
TERMS = ["Ingeborg", "harbour", "ferries", "lighthouse", "council", "the", "Absent"]


@pytest.fixture
def index() -> list[Article]:
    """Articles spread over three years around DAY, some undated; common words in most,
    rare ones in few, with ties on published_at so the id breaks them."""
    rng = random.Random(17)
    rows = []
    for n in range(240):
        words = [w for w in COMMON if rng.random() < 0.7]
        words += [w for w in RARE if rng.random() < 0.04]
        when = None if n % 23 == 0 else DAY + dt.timedelta(days=rng.randint(-900, 900), hours=n % 3)
        if n % 31 == 0 and when is not None:
            when = DAY  # a tie
        rows.append(
            Article(
                url=f"https://coast.example/{n}",
                title=f"Coastal report {n}",
                text=" ".join(["The", *words, "report."]),
                language="en",
                published_at=when,
            )
        )
    Article.objects.bulk_create(rows)
    if connection.vendor == "postgresql":
        # bulk_create fires the trigger that fills search_vector; the planner needs statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_article")
    return rows


@pytest.fixture(params=["one step", "small steps"])
def walk(request, monkeypatch):
    """The default walk reads the whole test index in one step; small steps make the search
    read on, stop and hand the rare terms to the GIN index."""
    if request.param == "small steps":
        monkeypatch.setattr(local, "WALK_ROWS", 12)
        monkeypatch.setattr(local, "WALK_MORE", 6)
        monkeypatch.setattr(local, "WALK_BUDGET", 40)
        monkeypatch.setattr(local, "PER_TERM", 9)
    return request.param


@pytest.mark.parametrize("around", [DAY.date(), None], ids=["around a date", "no date"])
@pytest.mark.parametrize("limit", [400, 15])
def test_the_search_returns_what_one_query_per_term_returns(index, walk, around, limit):
    found = [a.pk for a in search_index(TERMS, around=around, limit=limit)]
    expected = [a.pk for a in search_index_per_term(TERMS, around=around, limit=limit)]
    assert found == expected
    assert found, "the test index must match something"


def test_a_queryset_narrows_the_search(index, walk):
    odd = Article.objects.filter(id__in=[a.pk for a in index[1::2]])
    found = [a.pk for a in search_index(TERMS, queryset=odd, around=DAY.date())]
    assert found == [a.pk for a in search_index_per_term(TERMS, queryset=odd, around=DAY.date())]
    assert set(found) <= {a.pk for a in index[1::2]}


def test_the_query_count_does_not_grow_with_the_terms(index, walk):
    """A query per term made 60 queries for a claim with 30 search words."""
    counts = []
    for terms in (TERMS[:2], TERMS * 1, [*TERMS, "pier", "quay", "tide", "gull", "wharf", "buoy"]):
        with CaptureQueriesContext(connection) as ctx:
            search_index(terms, around=DAY.date())
        counts.append(len(ctx.captured_queries))
    # compile + undated walk + dated walk steps + GIN (BEGIN, SET, union, SET, COMMIT) + fetch
    limit = 12 if walk == "small steps" else 9
    assert max(counts) <= limit, counts


def test_rare_terms_are_looked_up_in_the_gin_index(index, monkeypatch):
    """The statement for the terms the walk could not finish: a bitmap scan of the GIN
    index, never the date index walked backwards (25 s a claim at 2M articles) nor a
    sequential scan, nor the date range's bitmap ANDed in (half the date index read)."""
    monkeypatch.setattr(local, "WALK_ROWS", 10)
    monkeypatch.setattr(local, "WALK_BUDGET", 10)
    with CaptureQueriesContext(connection) as ctx:
        search_index(["lighthouse", "Ingeborg"], around=DAY.date())
    unions = [q["sql"] for q in ctx.captured_queries if 'search_vector" @@' in q["sql"] and "ARRAY(" not in q["sql"]]
    assert unions, [q["sql"] for q in ctx.captured_queries]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
        cursor.execute("EXPLAIN " + unions[-1])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on claims_article_search_gin" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert "published_at" not in "\n".join(line for line in plan.splitlines() if "Index Scan" in line), plan


def test_the_walk_reads_the_date_index_newest_first(index):
    """The walk's statement can be served by the date index scanned backwards, with no sort
    of the whole window (on 240 rows the planner rightly prefers a sort, hence the settings:
    they show the index path exists, as it does not with `published_at IS NULL OR …`)."""
    with CaptureQueriesContext(connection) as ctx:
        search_index(["harbour"], around=DAY.date())
    walks = [q["sql"] for q in ctx.captured_queries if "ARRAY(" in q["sql"] and "BETWEEN" in q["sql"]]
    assert walks
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + walks[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan Backward using claims_article_published_at" in plan, plan


def test_the_planner_settings_do_not_outlive_the_search(index, monkeypatch):
    monkeypatch.setattr(local, "WALK_ROWS", 10)
    monkeypatch.setattr(local, "WALK_BUDGET", 10)
    search_index(["lighthouse"], around=DAY.date())
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
