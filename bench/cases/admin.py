"""Case 4: the admin claim changelist, first page, as a reviewer, at both scales.

Each scenario requests the real changelist (claims/admin/) at the small and the large
scale, interleaved, next to Django's default changelist for the same columns, filters and
search (bench/naive.py), so the growth of both is measured under the same noise.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from bench.harness import CaseResult, Context, Variant, get, measure, with_query_counts

REAL = "/admin/claims/claim/"
DEFAULT = "/bench/default-admin/claims/claim/"
# (scenario, query for the real admin, query for the default admin)
SCENARIOS = [
    ("unfiltered", {}, {}),
    (
        "filters: published, Norwegian, rated false",
        {"status__exact": "published", "lang": "nb", "rating": "false"},
        {"status__exact": "published", "language__exact": "nb"},
    ),
    ("search “invadere Ukraina”", {"q": "invadere Ukraina"}, {"q": "invadere Ukraina"}),
    (
        "filter + search: in research, “strømprisen”",
        {"status__exact": "in_research", "q": "strømprisen"},
        {"status__exact": "in_research", "q": "strømprisen"},
    ),
]


def _page(client: Any, path: str, params: dict[str, str]) -> bytes:
    url = f"{path}?{urlencode(params)}" if params else path
    response = client.get(url)
    if response.status_code != 200 or (
        b'id="result_list"' not in response.content and b"0 claims" not in response.content
    ):
        raise RuntimeError(f"GET {url} -> {response.status_code}")
    return response.content


def run_admin(ctx: Context) -> CaseResult:
    result = CaseResult("4", "Admin claim changelist, first page, as a reviewer, with filters and search")
    small, large = ctx.smallest, ctx.largest
    if small is large:
        result.notes.append("Needs two scales (e.g. --scale 20k,200k) for the growth ratio.")
    for scenario, real_params, default_params in SCENARIOS:
        real: list[Variant] = []
        default: list[Variant] = []
        for scale in dict.fromkeys([small, large]):
            client = ctx.client(scale, "bench-reviewer")
            real.append(Variant(f"changelist@{scale.label}", lambda c=client, p=real_params: _page(c, REAL, p), scale))
            default.append(
                Variant(f"default admin@{scale.label}", lambda c=client, p=default_params: _page(c, DEFAULT, p), scale)
            )
        # Each implementation is interleaved across the scales on its own: the default
        # changelist's full scans would otherwise evict the pages the tuned one just used,
        # and the growth of each is what the case compares.
        timings = with_query_counts(real, measure(real, repeat=ctx.repeat))
        timings += with_query_counts(default, measure(default, repeat=max(3, ctx.repeat // 2)))
        result.table(f"{scenario}", timings, baseline=f"changelist@{small.label}")
        if small is not large:
            grows = get(timings, f"changelist@{large.label}").median / get(timings, f"changelist@{small.label}").median
            result.check(f"changelist {large.label} ≤ 2× {small.label}: {scenario}", grows, 2.0,
                         scale=f"{large.label}/{small.label}")  # fmt: skip
            default_grows = (
                get(timings, f"default admin@{large.label}").median
                / get(timings, f"default admin@{small.label}").median
            )
            result.extra[scenario] = {
                "changelist_growth": round(grows, 2),
                "default_admin_growth": round(default_grows, 2),
            }
            result.notes.append(
                f"{scenario}: changelist grows {grows:.2f}×, Django's default changelist {default_grows:.2f}×"
            )
    return result
