"""The benchmark cases, by the names `bench/run.py --cases` takes."""

from __future__ import annotations

from collections.abc import Callable

from bench.cases.admin import run_admin
from bench.cases.api import run_api, run_growth
from bench.cases.search import run_search
from bench.harness import CaseResult, Context


def _later(key: str, title: str) -> Callable[[Context], CaseResult]:
    def run(ctx: Context) -> CaseResult:
        result = CaseResult(key, title)
        result.notes.append("Not wired yet.")
        return result

    return run


REGISTRY: dict[str, Callable[[Context], CaseResult]] = {
    "api": run_api,
    "growth": run_growth,
    "search": run_search,
    "admin": run_admin,
    "discovery": _later("5", "Discovery pipeline"),
    "celery": _later("6", "Celery tasks"),
}
