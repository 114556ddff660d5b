"""Case 10: a million claims (issue 17, target 2): the desk's everyday requests at the largest
scale against the same requests at the smallest, interleaved.

    .venv/bin/python bench/run.py --scale 20k,1m --articles 20000 --cases million --name million

The 1M-claim data set takes about 10 minutes to load, so only an explicit
`--scale` brings it in; the default run (20k, 200k) measures the same requests at 200k.
Both data sets come from the same generator; `--articles` keeps the article index the same
(and small) in both, since no request here reads it.

The requests, each at both scales:

- page 1 of `GET /api/v1/claims/?page_size=50`, anonymous and with an editor's API token;
- `?q=` with one common word and with two common words, anonymous and with the token.
  "prosent" stands in 15% of the generated claims' texts (the corpus's statistics claims:
  "… 7 prosent mindre …") and "kroner" in 11%; both together in 1.5% — common enough that
  neither the GIN index alone (thousands of matches to sort) nor the date index alone
  (a long walk to find 50) is obviously cheap;
- the admin changelist, unfiltered, as a reviewer (session);
- a deep page (one past the 10,000th row), with the editor's token (the desk sees every
  claim; the 20k set has fewer than 10,000 published): page mode must refuse it with 400
  and a message pointing at cursor mode; cursor mode serves the page that starts past the
  10,000th row, and the one three quarters into the set, by keyset — each within 2× page 1.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from bench.cases.admin import REAL, _page
from bench.cases.api import LIVE, _get, token_client
from bench.harness import CaseResult, Context, Scale, Variant, get, measure, with_query_counts

PAGE = "/api/v1/claims/?page_size=50"
ONE_WORD = "prosent"
TWO_WORDS = "prosent kroner"
DEEP_ROW = 10_000  # the page-number cap (claims/api/pagination.py COUNT_CAP)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def _cursor_after(scale: Scale, row: int) -> str:
    """The cursor a desk's sync client holds after reading `row` claims (oldest change first)."""
    from claims.api.pagination import encode_cursor
    from claims.models import Claim

    scale.activate()
    updated_at, pk = Claim.objects.order_by("updated_at", "id").values_list("updated_at", "id")[row - 1]
    return encode_cursor(updated_at, pk)


def _deep_page_refusal(client: Any) -> tuple[int, str]:
    """The status and message of page-number mode's first page past the cap."""
    page = DEEP_ROW // 50 + 1  # rows 10,001–10,050
    response = client.get(f"{PAGE}&page={page}")
    try:
        message = " ".join(json.loads(response.content).get("page", [])) if response.status_code == 400 else ""
    except (ValueError, AttributeError):
        message = ""
    return response.status_code, message


def _hits(scale: Scale, query: str, *, live: bool) -> int:
    from claims.models import Claim
    from claims.search import search_claims

    scale.activate()
    qs = Claim.objects.filter(status__in=LIVE) if live else Claim.objects.all()
    return search_claims(qs, query).count()


def _reported(client: Any, query: str) -> str:
    """The count page 1 of a search reports, and whether it is an estimate."""
    body = json.loads(_get(client, f"{PAGE}&q={query}"))
    return f"{body['count']}{'+' if body['count_capped'] else ''}{' estimated' if body['count_estimated'] else ''}"


def _requests(ctx: Context, scale: Scale) -> list[tuple[str, Any]]:
    anon, token = ctx.client(scale), token_client(ctx, scale)
    reviewer = ctx.client(scale, "bench-reviewer")
    return [
        ("API list page 1, anonymous", lambda: _get(anon, PAGE)),
        ("API list page 1, editor's token", lambda: _get(token, PAGE)),
        (f"?q={ONE_WORD} (one common word), anonymous", lambda: _get(anon, f"{PAGE}&q={ONE_WORD}")),
        (f"?q={ONE_WORD}, editor's token", lambda: _get(token, f"{PAGE}&q={ONE_WORD}")),
        (f"?q={TWO_WORDS} (two common words), anonymous", lambda: _get(anon, f"{PAGE}&q={TWO_WORDS}")),
        (f"?q={TWO_WORDS}, editor's token", lambda: _get(token, f"{PAGE}&q={TWO_WORDS}")),
        ("admin changelist, unfiltered", lambda: _page(reviewer, REAL, {})),
    ]


def run_million(ctx: Context) -> CaseResult:
    result = CaseResult(
        "10", "Claims at scale (issue 17, target 2): list, search, admin and deep pages, large vs small"
    )
    small, large = ctx.smallest, ctx.largest
    pair = f"{large.label}/{small.label}"
    result.notes.append(f"Load average at the start of the case: {_load()}.")
    if small is large:
        result.notes.append("Needs two scales (e.g. --scale 20k,1m) for the growth ratios.")
    scales = list(dict.fromkeys([small, large]))

    # Each request is interleaved across the scales on its own (like case 4), so one
    # request's cache footprint does not land on another's figure.
    for name, _fn in _requests(ctx, small):
        variants = [Variant(f"{name}@{s.label}", dict(_requests(ctx, s))[name], s) for s in scales]
        timings = with_query_counts(variants, measure(variants, repeat=ctx.repeat))
        result.table(name, timings, baseline=variants[0].name)
        if small is large:
            continue
        a, b = get(timings, variants[0].name), get(timings, variants[1].name)
        result.check(f"{name}: {large.label} ≤ 2× {small.label}", b.median / a.median, 2.0, scale=pair)
        result.check(f"{name}: queries at {large.label} (≤ as at {small.label})", b.queries or 0, a.queries or 0,
                     unit=" queries", scale=pair)  # fmt: skip

    for query in (ONE_WORD, TWO_WORDS):
        counts = ", ".join(
            f"{s.label}: {_hits(s, query, live=True)} published / {_hits(s, query, live=False)} in all "
            f"(the API says {_reported(ctx.client(s), query)} anonymous, {_reported(token_client(ctx, s), query)} "
            "with the token)"
            for s in scales
        )
        result.notes.append(f"“{query}” matches {counts}.")

    # Deep pages: page-number mode refuses them; cursor mode serves them by keyset. With the
    # editor's token, which sees every claim: the 20k set has fewer than 10,000 published.
    # The refusals' "Bad Request" warnings would fill the log.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    for scale in scales:
        scale.activate()
        token = token_client(ctx, scale)
        status, message = _deep_page_refusal(token)
        refused = status == 400 and "cursor" in message
        result.check(f"page-number mode past row {DEEP_ROW:,}: 400 pointing at cursor mode", int(refused), 1,
                     unit=" of 1", scale=scale.label, at_least=True)  # fmt: skip
        result.notes.append(f"{scale.label}: ?page={DEEP_ROW // 50 + 1}&page_size=50 → {status}: “{message}”")

        from claims.models import Claim

        n_claims = Claim.objects.count()
        past_cap, far = _cursor_after(scale, DEEP_ROW), _cursor_after(scale, n_claims * 3 // 4)
        variants = [
            Variant(f"page mode, page 1@{scale.label}", lambda c=token: _get(c, PAGE), scale),
            Variant(
                f"cursor mode, past row {DEEP_ROW:,}@{scale.label}",
                lambda c=token, k=past_cap: _get(c, f"{PAGE}&cursor={k}"),
                scale,
            ),
            Variant(
                f"cursor mode, past row {n_claims * 3 // 4:,} (three quarters in)@{scale.label}",
                lambda c=token, k=far: _get(c, f"{PAGE}&cursor={k}"),
                scale,
            ),
            Variant(
                f"page mode, page {DEEP_ROW // 50 + 1} (refused)@{scale.label}",
                lambda c=token: _deep_page_refusal(c),
                scale,
            ),
        ]
        timings = with_query_counts(variants, measure(variants, repeat=ctx.repeat))
        result.table(f"{scale.label}: deep pages against page 1, editor's token ({n_claims:,} claims)", timings,
                     baseline=variants[0].name)  # fmt: skip
        first = get(timings, variants[0].name).median
        for variant in variants[1:3]:
            label = variant.name.rsplit("@", 1)[0]
            result.check(f"{label} ≤ 2× page 1", get(timings, variant.name).median / first, 2.0, scale=scale.label)
    request_log.setLevel(level)
    result.notes.append(f"Load average at the end of the case: {_load()}.")
    return result
