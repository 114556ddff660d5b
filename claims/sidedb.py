"""Statements on a second database connection while the calling thread goes on computing.

A harvest's analysis task spent about a third of its time waiting for PostgreSQL to answer
one large read (the candidate-tracking pools), with Python work that does not need the
answer (scoring the next articles' sentences, matching them against the live fact-checks)
queued behind it; its page-fetching task waits for each page's UPDATE before it fetches the
next page. `side_call` runs such a statement on one helper thread per process with its own
connection, so PostgreSQL (on another core) and the worker's Python overlap (issue 17).
Calls run one at a time, in the order they were made.

What runs there must stand alone: a read, or a write that commits by itself (autocommit),
since the helper's connection is outside the caller's transaction and sees what was
committed when the call runs. It runs inline instead, as a completed future, wherever a
second connection would be wrong or unavailable: not on PostgreSQL (SQLite's writers and
readers share one file lock, and nothing runs there at a harvest's scale), inside a
transaction (the other connection could not see its uncommitted writes), or with a
connection pool too small to lend a second one. Each worker process holds at most one more
connection than before (docs/deployment.md).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import connections

T = TypeVar("T")

# One helper thread per process: one call at a time keeps it one extra connection. Per pid,
# because a thread started before a fork (Celery's prefork pool) does not exist in the child.
_EXECUTORS: dict[int, ThreadPoolExecutor] = {}
_lock = threading.Lock()


# How long (s) a thread may hold the GIL while another waits for it. Python's 5 ms default
# let the worker's Python keep the helper from taking PostgreSQL's answer for up to 5 ms at
# each of a read's round trips; at 1 ms one worker harvested 6% more articles a second
# (bench/harvest_scale.py, alternating runs). Set for the process when it starts the helper.
SWITCH_INTERVAL = 0.001


def _executor() -> ThreadPoolExecutor:
    pid = os.getpid()
    with _lock:
        if pid not in _EXECUTORS:
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
            _EXECUTORS[pid] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="side-db")
        return _EXECUTORS[pid]


def can_overlap(using: str = "default") -> bool:
    """Whether a call for the calling thread may run on a second connection now."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    pool = (connection.settings_dict.get("OPTIONS") or {}).get("pool")
    # A pool of one connection would make the helper wait for the caller's own connection.
    return not (isinstance(pool, dict) and int(pool.get("max_size") or 0) < 2)


def side_call(fn: Callable[..., T], *args: Any, using: str = "default", **kwargs: Any) -> Future[T]:
    """`fn(*args, **kwargs)` on the helper thread's connection (or inline, see the module's
    docstring: a read, or a write that commits by itself); its result or exception comes out
    of the future's `result()`."""
    if not can_overlap(using):
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # raised by result(), where a side call's would be
            future.set_exception(exc)
        return future
    return _executor().submit(_run, fn, args, kwargs)


# A connection used this recently is taken as alive; one idle longer is checked first.
CHECK_AFTER_IDLE = 1.0  # seconds
_last_call = {"at": 0.0}  # on the helper thread only


def _run(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    # As Django does around each request and Celery around each task: a connection that
    # failed, outlived CONN_MAX_AGE or (CONN_HEALTH_CHECKS) no longer answers is replaced;
    # and a pooled one is given back after. Except that a connection used less than
    # CHECK_AFTER_IDLE ago is not checked again: the check is a round trip, and a harvest
    # makes a call every few milliseconds.
    if time.monotonic() - _last_call["at"] > CHECK_AFTER_IDLE:
        _tidy(check=True)
    try:
        return fn(*args, **kwargs)
    finally:
        _last_call["at"] = time.monotonic()
        _tidy(check=False)


def _tidy(*, check: bool) -> None:
    for connection in connections.all(initialized_only=True):
        if check:
            connection.close_if_unusable_or_obsolete()  # the next use checks it first
            continue
        if connection.connection is None:
            continue
        obsolete = connection.close_at is not None and time.monotonic() >= connection.close_at
        if connection.errors_occurred or obsolete:
            connection.close_if_unusable_or_obsolete()


def close_connections() -> None:
    """Close the helper thread's connections, if it has any (tests do, before their database
    is flushed or dropped; a worker's end closes them with its process)."""
    executor = _EXECUTORS.get(os.getpid())
    if executor is not None:
        executor.submit(connections.close_all).result()
