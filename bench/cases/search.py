"""Case 3: full-text search over claims, Norwegian and English, against raw SQL on the same index.

The product path is `claims.search.search_claims`: the query's words are folded and stemmed
in Python (the same tokens the services keep in `search_folded`) and matched against the
trigger-maintained, GIN-indexed `search_vector` (the `simple` configuration over those
tokens), evaluated for the first 50 hits, newest change first. The raw variant is the
query a person would write by hand for the same search: one statement with the same
tsquery text as a parameter, the same ORDER BY, LIMIT and columns, fetched with psycopg.

The queries mix broad topical ones (hundreds to thousands of hits at 200k claims) with
specific ones (a place or a named thing: one to three hundred hits); each row of the table
gives its hit count, so the times can be read against selectivity.
"""

from __future__ import annotations

import statistics
from typing import Any

from django.db import connections

from bench.harness import CaseResult, Context, Variant, get, measure, with_query_counts
from claims.search import query_groups, tsquery_text

QUERIES = [
    ("nb", "invadere Ukraina"),
    ("nb", "vaksinen bivirkninger"),
    ("nb", "strømprisen Europa"),
    ("nb", "ventetiden sykehuset Tromsø"),
    ("nb", "ordføreren Førde reiser"),
    ("nb", "fødeavdelingen Måløy"),
    ("en", "invade Ukraine"),
    ("en", "vaccine side effects"),
    ("en", "electricity Europe"),
    ("en", "maternity ward Bodø"),
    ("en", "road tolls Kristiansand"),
    ("en", "salmon exports China"),
]
COLUMNS = (
    "id, text, claim_reviewed, language, claim_date, location, status, priority, slug, created_at, updated_at, "
    "published_at, version, assignee_id, created_by_id, duplicate_of_id, claimant_id"
)
RAW_SQL = (
    f"SELECT {COLUMNS} FROM claims_claim WHERE search_vector @@ to_tsquery('simple', %(q)s) "
    "ORDER BY updated_at DESC, id DESC LIMIT 50"
)


def _orm_queryset(query: str) -> Any:
    from claims.models import Claim
    from claims.search import search_claims

    return search_claims(Claim.objects.defer("search_vector", "search_extra", "search_folded"), query)


def raw_search(query: str) -> list[tuple]:
    wrapper = connections["default"]
    wrapper.ensure_connection()
    with wrapper.connection.cursor() as cursor:
        # The words' forms (stems, folded prefixes) as claims.search builds them: Python, not SQL.
        cursor.execute(RAW_SQL, {"q": tsquery_text(query_groups(query))})
        return cursor.fetchall()


def explain(query: str) -> str:
    qs = _orm_queryset(query)[:50]
    sql, params = qs.query.sql_with_params()
    with connections["default"].cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _plan_kind(plan: str) -> str:
    if "claims_claim_search_gin" in plan:
        return "GIN bitmap scan"
    if "claim_updated_id" in plan or ("updated_at" in plan and "Index Scan" in plan):
        return "updated_at index walk, filtered"
    return "other: " + plan.splitlines()[0][:60]


def run_search(ctx: Context) -> CaseResult:
    result = CaseResult("3", "Full-text search (q=) in Norwegian and English: stored GIN tsvector vs raw SQL")
    from claims.models import Claim

    for scale in ctx.scales:
        scale.activate()
        variants: list[Variant] = []
        pairs: list[tuple[str, str, str, int]] = []
        plans: list[str] = []
        desk = ctx.client(scale, "bench-reviewer")
        for lang, query in QUERIES:
            scale.activate()
            hits = _orm_queryset(query).count()
            if [c.pk for c in _orm_queryset(query)[:50]] != [row[0] for row in raw_search(query)]:
                result.notes.append(f"{scale.label}: WARNING “{query}”: raw SQL returns other claims than the ORM")
            plans.append(f"“{query}” ({lang}, {hits} hits): {_plan_kind(explain(query))}")
            orm_name, raw_name = f"search_claims “{query}” ({hits} hits)", f"raw SQL “{query}”"
            variants += [
                Variant(orm_name, lambda q=query: list(_orm_queryset(q)[:50]), scale),
                Variant(raw_name, lambda q=query: raw_search(q), scale),
            ]
            pairs.append((orm_name, raw_name, query, hits))

        def api_all(client: Any = desk) -> None:
            for _lang, query in QUERIES:
                response = client.get("/api/v1/claims/", {"q": query, "page_size": 50})
                assert response.status_code == 200, response.content[:200]

        timings = measure(variants, repeat=ctx.repeat)
        api_timing = measure([Variant("api", api_all, scale)], repeat=max(3, ctx.repeat // 3))[0]
        api_timing.samples_ms = [t / len(QUERIES) for t in api_timing.samples_ms]
        api_timing.name = f"/api/v1/claims/?q=… as a reviewer, 50 per page (mean over the {len(QUERIES)} queries)"
        with_query_counts(variants[:2], timings)
        heading = f"{scale.label}: first 50 hits, newest first ({Claim.objects.count()} claims)"
        result.table(heading, [*timings, api_timing])
        ratios = {q: get(timings, o).median / get(timings, r).median for o, r, q, _h in pairs}
        medians = [get(timings, o).median for o, _r, _q, _h in pairs]
        worst = max(ratios, key=ratios.__getitem__)
        median_ratio = statistics.median(ratios.values())
        result.notes.append(
            f"{scale.label}: search_claims / raw SQL per query: median {median_ratio:.2f}×, worst {ratios[worst]:.2f}× "
            f"(“{worst}”). Each ratio has about a millisecond of Django (SQL compilation, 50 model instances) over "
            "queries that take 1–3 ms at 20k, and the cache noise of a 128 MB shared_buffers at 200k."
        )
        result.check("search_claims ≤ 1.5× raw SQL, median over the queries", median_ratio, 1.5, scale=scale.label)
        result.check(
            "search ≤ 20 ms, median over the queries", statistics.median(medians), 20, unit=" ms", scale=scale.label
        )
        result.extra[f"ratios/{scale.label}"] = {q: round(r, 2) for q, r in ratios.items()}
        result.extra[f"hits/{scale.label}"] = {q: h for _o, _r, q, h in pairs}
        slow = max(pairs, key=lambda p: get(timings, p[0]).median)
        result.notes.append(
            f"{scale.label}: slowest query “{slow[2]}” ({slow[3]} hits): {get(timings, slow[0]).median:.1f} ms "
            f"(raw SQL {get(timings, slow[1]).median:.1f} ms)."
        )
        result.notes.append(f"{scale.label} plans: " + "; ".join(plans))
    return result
