"""Cases 1 and 2: the API's claim list against PostgreSQL building the same page, and its growth.

The raw variant is the physical limit: one psycopg query that selects the page, joins
claimant, tags, appearances with sources, review and rating, and returns the whole JSON
document (envelope included) as text, the way `/api/v1/claims/` serves it to an anonymous
client (published fact-checks, newest change first, count capped like the API's).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connections

from bench.harness import CaseResult, Context, Scale, Variant, count_queries, get, measure, with_query_counts

LIVE = ("published", "updated")
COUNT_CAP = 10_000
BASE = "http://testserver/api/v1/claims/"

# The page in one statement, as lean as the page allows: the page's rows with only the
# columns shown, claimant, review and rating joined once (the rating object built once and
# used twice), tags and appearances aggregated per claim, the capped count. The desk's
# variant (token clients) selects every state and adds the assignee.
PAGE_SQL = """
WITH page AS (
    SELECT c.id, c.slug, c.text, c.claim_reviewed, c.language, c.claimant_id, c.claim_date, c.location,
           c.status, c.priority, c.assignee_id, c.created_at, c.updated_at, c.published_at, c.version
    FROM claims_claim c
    WHERE c.status = ANY(%(statuses)s)
    ORDER BY c.updated_at DESC, c.id DESC
    LIMIT %(limit)s OFFSET %(offset)s
), total AS (
    SELECT count(*) AS n FROM (SELECT 1 FROM claims_claim WHERE status = ANY(%(statuses)s) LIMIT %(cap_plus)s) capped
)
SELECT json_build_object(
    'count', LEAST(total.n, %(cap)s),
    'count_capped', total.n > %(cap)s,
    'count_estimated', false,
    'next', CASE WHEN total.n > %(offset)s + %(limit)s
        THEN %(base)s || '?page=' || (%(page)s + 1) || '&page_size=' || %(limit)s END,
    'previous', NULL,
    'results', coalesce((
        SELECT json_agg(json_build_object(
            'id', p.id,
            'url', %(base)s || p.id || '/',
            'slug', p.slug,
            'text', p.text,
            'claim_reviewed', p.claim_reviewed,
            'language', p.language,
            'claimant', CASE WHEN cl.id IS NOT NULL
                THEN json_build_object('id', cl.id, 'name', cl.name, 'kind', cl.kind) END,
            'claim_date', p.claim_date,
            'location', p.location,
            'status', p.status,
            'priority', p.priority,
            'assignee', CASE WHEN %(desk)s AND u.id IS NOT NULL
                THEN json_build_object('id', u.id, 'username', u.username) END,
            'tags', (SELECT coalesce(json_agg(json_build_object('id', t.id, 'slug', t.slug, 'name', t.name)
                                              ORDER BY t.name), '[]')
                     FROM claims_claim_tags ct JOIN claims_tag t ON t.id = ct.tag_id WHERE ct.claim_id = p.id),
            'appearances', (SELECT coalesce(json_agg(json_build_object(
                                'id', a.id,
                                'source', json_build_object('id', s.id, 'url', s.url, 'title', s.title,
                                    'outlet', s.outlet, 'author', s.author, 'published_at', s.published_at,
                                    'language', s.language),
                                'quote', a.quote, 'appeared_on', a.appeared_on,
                                'is_first_appearance', a.is_first_appearance)
                              ORDER BY a.is_first_appearance DESC, a.appeared_on, a.id), '[]')
                            FROM claims_appearance a JOIN claims_source s ON s.id = a.source_id
                            WHERE a.claim_id = p.id),
            'rating', rj.rating,
            'review', CASE WHEN rv.id IS NOT NULL THEN json_build_object('id', rv.id, 'headline', rv.headline,
                           'rating', rj.rating, 'published_url', rv.published_url, 'published_at', rv.published_at) END,
            'created_at', p.created_at,
            'updated_at', p.updated_at,
            'published_at', p.published_at,
            'version', p.version,
            'history', %(base)s || p.id || '/history/',
            'claimreview', %(base)s || p.id || '/claimreview/'
        ) ORDER BY p.updated_at DESC, p.id DESC)
        FROM page p
        LEFT JOIN claims_claimant cl ON cl.id = p.claimant_id
        LEFT JOIN auth_user u ON u.id = p.assignee_id AND %(desk)s
        LEFT JOIN claims_review rv ON rv.claim_id = p.id
        LEFT JOIN claims_rating r ON r.id = rv.rating_id
        CROSS JOIN LATERAL (SELECT CASE WHEN r.id IS NOT NULL THEN json_build_object(
            'id', r.id, 'slug', r.slug, 'label_en', r.label_en, 'label_nb', r.label_nb,
            'rating_value', r.rating_value, 'best_rating', r.best_rating, 'worst_rating', r.worst_rating) END
            AS rating) rj
    ), '[]')
)::text
FROM total
"""


def raw_page(*, page: int = 1, page_size: int = 50, desk: bool = False) -> str:
    """The page as PostgreSQL builds it: one query, JSON text out, nothing parsed in Python."""
    from claims import workflow

    wrapper = connections["default"]
    wrapper.ensure_connection()
    params = {
        "statuses": list(workflow.ClaimStatus.values) if desk else list(LIVE),
        "limit": page_size,
        "offset": (page - 1) * page_size,
        "page": page,
        "base": BASE,
        "cap": COUNT_CAP,
        "cap_plus": COUNT_CAP + 1,
        "desk": desk,
    }
    with wrapper.connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, params)
        return cursor.fetchone()[0]


def _get(client: Any, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} -> {response.status_code}: {response.content[:300]!r}")
    return response.content


def _normalise(value: Any) -> Any:
    """Timestamps compared as instants (DRF writes local time, PostgreSQL UTC)."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, str) and len(value) >= 20 and value[4] == "-" and value[10] == "T":
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def same_page(raw: str, api: bytes) -> tuple[bool, str]:
    a, b = _normalise(json.loads(raw)), _normalise(json.loads(api))
    if a == b:
        return True, "identical"
    if [r["id"] for r in a["results"]] != [r["id"] for r in b["results"]]:
        return False, "different claims on the page"
    for ra, rb in zip(a["results"], b["results"], strict=True):
        for key in set(ra) | set(rb):
            if ra.get(key) != rb.get(key):
                return False, f"claim {ra['id']}: {key} differs"
    return False, "envelope differs"


def token_client(ctx: Context, scale: Scale, username: str = "bench-editor") -> Any:
    """A test Client that sends an API token (knox) for `username`, as partners' scripts do."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from knox.models import AuthToken

    key = (scale.label, f"token:{username}")
    if key not in ctx._clients:
        scale.activate()
        _token, secret = AuthToken.objects.create(get_user_model().objects.get(username=username))
        ctx._clients[key] = Client(HTTP_AUTHORIZATION=f"Token {secret}")
    return ctx._clients[key]


def _list_variants(ctx: Context, scale: Scale, page_size: int = 50) -> list[Variant]:
    anon = ctx.client(scale)
    suffix = f"@{scale.label}"
    return [
        Variant(f"raw SQL json_agg{suffix}", lambda: raw_page(page_size=page_size), scale),
        Variant(f"/api/v1/claims/{suffix}", lambda: _get(anon, f"/api/v1/claims/?page_size={page_size}"), scale),
        Variant(f"DRF + prefetch, stock paginator{suffix}", lambda: _get(anon, "/bench/prefetched/"), scale),
        Variant(f"naive ModelViewSet{suffix}", lambda: _get(anon, "/bench/naive/"), scale),
    ]


def _with_compiled(on: bool, client: Any, url: str) -> bytes:
    from django.test import override_settings

    with override_settings(API_COMPILED_SERIALIZERS=on):
        return _get(client, url)


def run_api(ctx: Context) -> CaseResult:
    result = CaseResult("1", "API list page of 50 claims (nested claimant, rating, appearances) vs raw SQL")
    for scale in ctx.scales:
        variants = _list_variants(ctx, scale)
        scale.activate()
        api_page = _get(ctx.client(scale), "/api/v1/claims/?page_size=50")
        ok, why = same_page(raw_page(page_size=50), api_page)
        result.notes.append(f"{scale.label}: raw SQL page vs API page: {why}")
        api_rows = _normalise(json.loads(api_page)["results"])
        for path in ("/bench/prefetched/", "/bench/naive/"):
            rows = _normalise(json.loads(_get(ctx.client(scale), path))["results"])
            if rows != api_rows:
                result.notes.append(f"{scale.label}: WARNING {path} does not return the API's rows")
        # The naive viewset is slow; it gets fewer runs so the case stays short.
        timings = with_query_counts(variants, measure(variants, repeat=ctx.repeat))
        timings[0].queries = 1
        result.table(f"{scale.label}: page 1, 50 claims, anonymous client", timings, baseline=variants[0].name)
        raw, api = get(timings, variants[0].name), get(timings, variants[1].name)
        result.check("API list ≤ 3× raw json_agg query", api.median / raw.median, 3.0, scale=scale.label)
        if not ok:
            result.notes.append(f"{scale.label}: WARNING the raw page is not the API's page ({why})")

        # An editor's token: the desk's page (every state, the assignee), authenticated per request.
        token = token_client(ctx, scale)
        url = "/api/v1/claims/?page_size=50"
        ok, why = same_page(raw_page(page_size=50, desk=True), _get(token, url))
        result.notes.append(f"{scale.label}: raw SQL desk page vs API page with an editor's token: {why}")
        desk_variants = [
            Variant(f"raw SQL json_agg, desk page@{scale.label}", lambda: raw_page(page_size=50, desk=True), scale),
            Variant(f"/api/v1/claims/ with an editor's token@{scale.label}", lambda t=token, u=url: _get(t, u), scale),
        ]
        timings = with_query_counts(desk_variants, measure(desk_variants, repeat=ctx.repeat))
        timings[0].queries = 1
        result.table(f"{scale.label}: page 1, 50 claims, token client", timings, baseline=desk_variants[0].name)
        raw, api = get(timings, desk_variants[0].name), get(timings, desk_variants[1].name)
        result.check("token-authenticated API list ≤ 3.5× raw json_agg query", api.median / raw.median, 3.5,
                     scale=scale.label)  # fmt: skip

        anon = ctx.client(scale)
        desk = ctx.client(scale, "bench-reviewer")
        for size in (10, 50, 100):
            url = f"/api/v1/claims/?page_size={size}"
            n_anon, _ = count_queries(Variant("", lambda c=anon, u=url: _get(c, u), scale))
            n_desk, _ = count_queries(Variant("", lambda c=desk, u=url: _get(c, u), scale))
            n_token, _ = count_queries(Variant("", lambda c=token, u=url: _get(c, u), scale))
            result.check(
                f"queries per list request, page_size={size}, anonymous", n_anon, 3, unit=" queries", scale=scale.label
            )
            result.check(
                f"queries per list request, page_size={size}, token", n_token, 5, unit=" queries", scale=scale.label
            )
            result.extra.setdefault("queries", {})[f"{scale.label}/{size}"] = {
                "anonymous": n_anon,
                "token": n_token,
                "reviewer (session)": n_desk,
            }
            if size == 50:
                result.notes.append(
                    f"{scale.label}: a signed-in reviewer (session) makes {n_desk} queries for page_size=50 — "
                    "the session and user lookups come on top of the list's own."
                )
    return result


def run_compiled(ctx: Context) -> CaseResult:
    """claims/api/fast.py on its own: the same request, the same paginator, compiled serializers on and off."""
    result = CaseResult("1b", "API list: compiled serializers (claims/api/fast.py) on vs off, same paginator")
    for scale in ctx.scales:
        anon, token = ctx.client(scale), token_client(ctx, scale)
        url = "/api/v1/claims/?page_size=50"
        scale.activate()
        for client in (anon, token):
            if _with_compiled(True, client, url) != _with_compiled(False, client, url):
                result.notes.append(f"{scale.label}: WARNING the two outputs differ")
        variants = [
            Variant(f"anonymous, compiled off@{scale.label}", lambda c=anon, u=url: _with_compiled(False, c, u), scale),
            Variant(f"anonymous, compiled on@{scale.label}", lambda c=anon, u=url: _with_compiled(True, c, u), scale),
            Variant(f"token, compiled off@{scale.label}", lambda c=token, u=url: _with_compiled(False, c, u), scale),
            Variant(f"token, compiled on@{scale.label}", lambda c=token, u=url: _with_compiled(True, c, u), scale),
        ]
        timings = with_query_counts(variants, measure(variants, repeat=ctx.repeat))
        result.table(f"{scale.label}: page 1, 50 claims", timings, baseline=variants[0].name)
        for who, off, on in (("anonymous", 0, 1), ("token", 2, 3)):
            ratio = get(timings, variants[on].name).median / get(timings, variants[off].name).median
            result.extra.setdefault("compiled_over_drf", {})[f"{scale.label}/{who}"] = round(ratio, 3)
            result.notes.append(f"{scale.label}, {who}: compiled takes {ratio:.2f}× the time of DRF's serialization")
    return result


def _cursor_at_end(scale: Scale, page_size: int) -> str:
    """The cursor a sync client holds just before the newest `page_size` published claims."""
    from claims.api.pagination import encode_cursor
    from claims.models import Claim

    scale.activate()
    rows = list(
        Claim.objects.filter(status__in=LIVE)
        .order_by("-updated_at", "-id")
        .values_list("updated_at", "id")[page_size : page_size + 1]
    )
    return encode_cursor(*rows[0])


def run_growth(ctx: Context) -> CaseResult:
    result = CaseResult("2", "Growth: the API list at 200k vs 20k, and the last page vs the first")
    small, large = ctx.smallest, ctx.largest
    if small is large:
        result.notes.append("Needs two scales (e.g. --scale 20k,200k) for the growth ratio.")
    else:
        a, b = ctx.client(small), ctx.client(large)
        variants = [
            Variant(f"/api/v1/claims/ page 1@{small.label}", lambda: _get(a, "/api/v1/claims/?page_size=50"), small),
            Variant(f"/api/v1/claims/ page 1@{large.label}", lambda: _get(b, "/api/v1/claims/?page_size=50"), large),
            Variant(f"raw SQL page 1@{small.label}", lambda: raw_page(page_size=50), small),
            Variant(f"raw SQL page 1@{large.label}", lambda: raw_page(page_size=50), large),
        ]
        timings = with_query_counts(variants, measure(variants, repeat=ctx.repeat))
        result.table("list page 1 (50 claims) at both scales, interleaved", timings, baseline=variants[0].name)
        ratio = get(timings, variants[1].name).median / get(timings, variants[0].name).median
        result.check(
            f"API list at {large.label} ≤ 1.3× at {small.label}", ratio, 1.3, scale=f"{large.label}/{small.label}"
        )
    # First vs last page, on the largest scale: cursor mode is how a client walks everything.
    client = ctx.client(large)
    end = _cursor_at_end(large, 50)
    from claims.models import Claim

    large.activate()
    n_live = Claim.objects.filter(status__in=LIVE).count()
    # Page mode serves the first COUNT_CAP rows only (a deeper page is a 400 pointing at
    # cursor mode, issue 17): its deepest page is the one to compare with page 1.
    deepest = max(1, -(-min(n_live, COUNT_CAP) // 50))
    variants = [
        Variant("cursor mode, first page", lambda: _get(client, "/api/v1/claims/?cursor=&page_size=50"), large),
        Variant("cursor mode, last page", lambda: _get(client, f"/api/v1/claims/?cursor={end}&page_size=50"), large),
        Variant("page mode, page 1", lambda: _get(client, "/api/v1/claims/?page_size=50"), large),
        Variant(
            f"page mode, page {deepest} (the deepest it serves)",
            lambda: _get(client, f"/api/v1/claims/?page={deepest}&page_size=50"),
            large,
        ),
    ]
    timings = with_query_counts(variants, measure(variants, repeat=ctx.repeat))
    result.table(f"{large.label}: first vs last page ({n_live} published claims)", timings, baseline=variants[0].name)
    ratio = get(timings, variants[1].name).median / get(timings, variants[0].name).median
    result.check("cursor mode: last page ≤ 1.5× first", ratio, 1.5, scale=large.label)
    deep = get(timings, variants[3].name).median / get(timings, variants[2].name).median
    beyond = client.get(f"/api/v1/claims/?page={deepest + 1}&page_size=50")
    refused = beyond.status_code == 400 and "cursor" in beyond.content.decode()
    result.check(
        f"page mode past row {COUNT_CAP}: 400 pointing at cursor mode (1 = yes)",
        int(refused),
        1,
        unit="",
        scale=large.label,
        at_least=True,
    )
    result.notes.append(
        f"Page mode's deepest page (rows up to {COUNT_CAP}) is {deep:.1f}× its first: OFFSET walks the skipped rows, "
        f"so deeper pages are refused (page {deepest + 1}: {beyond.status_code}) and clients read on in cursor mode."
    )
    return result
