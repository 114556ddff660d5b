"""Case 3: full-text search over claims, Norwegian and English, against raw SQL on the same index.

The product path is `claims.search.search_claims` (the trigger-maintained, GIN-indexed
`search_vector` of migration 0003, matched with a stemmed prefix tsquery in the Norwegian,
English and simple configurations) evaluated for the first 50 hits, newest change first.
The raw variant sends PostgreSQL the same tsquery, already built, and the same ORDER BY
and LIMIT, and fetches the same columns: what the index itself costs.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

from bench.harness import CaseResult, Context, Variant, get, measure, with_query_counts

QUERIES = [
    ("nb", "invadere Ukraina"),
    ("nb", "strømprisen Europa"),
    ("nb", "vaksinen bivirkninger"),
    ("nb", "sykepleierne slutte"),
    ("en", "invade Ukraine"),
    ("en", "electricity Europe"),
    ("en", "vaccine side effects"),
    ("en", "nurses quitting"),
]
COLUMNS = (
    "id, text, claim_reviewed, language, claim_date, location, status, priority, slug, created_at, updated_at, "
    "published_at, version, assignee_id, created_by_id, duplicate_of_id, claimant_id"
)
RAW_SQL = (
    f"SELECT {COLUMNS} FROM claims_claim WHERE search_vector @@ %s::tsquery ORDER BY updated_at DESC, id DESC LIMIT 50"
)


def _orm_queryset(query: str) -> Any:
    from claims.models import Claim
    from claims.search import search_claims

    return search_claims(Claim.objects.defer("search_vector", "search_extra"), query)


def built_tsquery(query: str) -> str:
    """The tsquery `claims.search` builds for this query, as text (computed once, outside the timing)."""
    from claims.search import prefix_tsquery, search_terms

    sql, params = prefix_tsquery(search_terms(query))
    with connections["default"].cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", params)
        return cursor.fetchone()[0]


def raw_search(tsquery: str) -> list[tuple]:
    wrapper = connections["default"]
    wrapper.ensure_connection()
    with wrapper.connection.cursor() as cursor:
        cursor.execute(RAW_SQL, [tsquery])
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
        pairs: list[tuple[str, str, str]] = []
        plans: list[str] = []
        desk = ctx.client(scale, "bench-reviewer")
        for lang, query in QUERIES:
            scale.activate()
            tsquery = built_tsquery(query)
            hits = _orm_queryset(query).count()
            orm_ids = [c.pk for c in _orm_queryset(query)[:50]]
            raw_ids = [row[0] for row in raw_search(tsquery)]
            if orm_ids != raw_ids:
                result.notes.append(f"{scale.label}: WARNING “{query}”: raw SQL returns other claims than the ORM")
            plans.append(f"“{query}” ({lang}, {hits} hits): {_plan_kind(explain(query))}")
            orm_name, raw_name = f"search_claims “{query}”", f"raw SQL “{query}”"
            variants += [
                Variant(orm_name, lambda q=query: list(_orm_queryset(q)[:50]), scale),
                Variant(raw_name, lambda t=tsquery: raw_search(t), scale),
            ]
            pairs.append((orm_name, raw_name, query))
        api_name = "/api/v1/claims/?q=… (reviewer, 50 per page, all queries)"

        def api_all(client: Any = desk) -> None:
            for _lang, query in QUERIES:
                response = client.get("/api/v1/claims/", {"q": query, "page_size": 50})
                assert response.status_code == 200, response.content[:200]

        timings = measure(variants, repeat=ctx.repeat)
        api_timing = measure([Variant(api_name, api_all, scale)], repeat=max(3, ctx.repeat // 3))[0]
        api_timing.samples_ms = [t / len(QUERIES) for t in api_timing.samples_ms]
        api_timing.name = "/api/v1/claims/?q=… (reviewer, per query, mean of the 8)"
        with_query_counts(variants[:2], timings)
        result.table(f"{scale.label}: first 50 hits, newest first ({Claim.objects.count()} claims)",
                     [*timings, api_timing], baseline=None)  # fmt: skip
        ratios = [get(timings, o).median / get(timings, r).median for o, r, _q in pairs]
        worst = max(ratios)
        worst_query = pairs[ratios.index(worst)][2]
        result.check(f"search_claims ≤ 1.5× raw SQL (worst query: “{worst_query}”)", worst, 1.5, scale=scale.label)
        slowest = max(get(timings, o).median for o, _r, _q in pairs)
        result.check("search median ≤ 20 ms (slowest query)", slowest, 20, unit=" ms", scale=scale.label)
        result.extra[f"ratios/{scale.label}"] = {q: round(r, 2) for (_o, _r, q), r in zip(pairs, ratios, strict=True)}
        result.notes.append(f"{scale.label} plans: " + "; ".join(plans))
    return result
