"""The benchmark cases, by the names `bench/run.py --cases` takes."""

from __future__ import annotations

from collections.abc import Callable

from bench.cases.admin import run_admin
from bench.cases.api import run_api, run_compiled, run_growth
from bench.cases.discovery import run_discovery
from bench.cases.million import run_million
from bench.cases.retrieval import run_retrieval
from bench.cases.search import run_search
from bench.cases.tasks import run_tasks
from bench.harness import CaseResult, Context

REGISTRY: dict[str, Callable[[Context], CaseResult]] = {
    "api": run_api,
    "compiled": run_compiled,
    "growth": run_growth,
    "search": run_search,
    "admin": run_admin,
    "discovery": run_discovery,
    "celery": run_tasks,
    "retrieval": run_retrieval,
    "million": run_million,
}
