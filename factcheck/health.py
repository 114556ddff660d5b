"""Health endpoints for load balancers and process managers, and the queue report for alerting.

`/healthz` says only that the process answers. `/readyz` says whether this instance can do
its work: the database answers, the broker accepts a connection, and every migration is
applied. Both are unauthenticated and cheap, so their bodies carry one status word per check
and nothing else: no versions, host names or error texts for an anonymous caller to read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

# Once every migration is applied in this process's lifetime it stays so until the code
# changes, which restarts the process: remember it and skip loading the migration graph
# (tens of milliseconds) on every probe.
_migrations_applied = False


def check_database() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def check_broker() -> bool:
    from factcheck.celery import app

    with app.connection_for_write() as conn:
        # One short attempt: a probe that waits for retries is a probe that times out.
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True


def check_migrations() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


CHECKS: dict[str, Callable[[], bool]] = {
    "database": check_database,
    "broker": check_broker,
    "migrations": check_migrations,
}


def run_checks() -> dict[str, str]:
    """Each check's word: "ok", or "fail" (the reason goes to the log, not to the caller)."""
    words: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            words[name] = "ok" if check() else "fail"
        except Exception:  # a probe reports; it must not raise
            log.warning("readiness check %s failed", name, exc_info=True)
            words[name] = "fail"
    return words


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    words = run_checks()
    ready = all(word == "ok" for word in words.values())
    return JsonResponse(words, status=200 if ready else 503)


def queue_lengths(names: list[str] | None = None) -> dict[str, int | None]:
    """Messages waiting in each Celery queue (None where the broker cannot tell)."""
    from factcheck.celery import app

    if names is None:
        names = [q.name for q in app.conf.task_queues or []]
    lengths: dict[str, int | None] = {}
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        channel = conn.default_channel
        for name in names:
            try:
                # Not passive: Redis keeps no trace of an empty queue, and a passive declare
                # would call the workers' own queue unknown whenever it is empty.
                lengths[name] = channel.queue_declare(queue=name).message_count
            except Exception:  # a transport that cannot count
                lengths[name] = None
    return lengths
