"""claims.sidedb: a read on a second connection, and where it must stay inline."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection

from claims import sidedb
from claims.models import Claim
from tests.factories import ClaimFactory


def _backend_pid() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _read() -> tuple[str, int | None, list[int]]:
    """Where it ran, on which PostgreSQL backend, and which claims it saw."""
    return threading.current_thread().name, _backend_pid(), list(Claim.objects.values_list("pk", flat=True))


def _fail() -> None:
    raise ValueError("the read failed")


@pytest.mark.django_db
def test_inside_a_transaction_the_read_runs_inline_and_sees_its_writes():
    # pytest-django runs this test in a transaction: another connection could not see the claim.
    claim = ClaimFactory()
    future = sidedb.side_call(_read)
    assert future.done()
    name, pid, ids = future.result()
    assert name == threading.current_thread().name
    assert pid == _backend_pid()
    assert claim.pk in ids
    assert not sidedb.can_overlap()
    with pytest.raises(ValueError, match="the read failed"):
        sidedb.side_call(_fail).result()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_read_runs_on_its_own_connection():
    claim = ClaimFactory()
    assert sidedb.can_overlap()
    name, pid, ids = sidedb.side_call(_read).result(timeout=60)
    assert name.startswith("side-db")
    assert pid != _backend_pid()
    assert claim.pk in ids  # committed: the other connection sees it
    # The helper's error comes out of result(), and the helper goes on serving reads.
    with pytest.raises(ValueError, match="the read failed"):
        sidedb.side_call(_fail).result(timeout=60)
    assert sidedb.side_call(_read).result(timeout=60)[1] == pid  # the same connection, kept


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_broken_helper_connection_is_replaced(monkeypatch):
    monkeypatch.setattr(sidedb, "CHECK_AFTER_IDLE", 3600.0)  # taken as alive, however slow the machine
    first = sidedb.side_call(_read).result(timeout=60)[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [first])
    # Used a moment ago, the connection is taken as alive: the call on it fails (the analysis
    # then tries its batch article by article, tests/test_analysis_batch.py), the error
    # closes it, and the next call runs on a new connection.
    with pytest.raises(OperationalError):
        sidedb.side_call(_read).result(timeout=60)
    second = sidedb.side_call(_read).result(timeout=60)[1]
    assert second not in {first, None}
    # Idle for longer than CHECK_AFTER_IDLE, it is checked first (CONN_HEALTH_CHECKS, on for
    # PostgreSQL): a dead one is replaced before the call, which does not fail.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [second])
    monkeypatch.setattr(sidedb, "CHECK_AFTER_IDLE", 0.0)
    assert sidedb.side_call(_read).result(timeout=60)[1] not in {first, second, None}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_pool_of_one_connection_keeps_the_read_inline(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"pool": {"min_size": 1, "max_size": 1}})
    assert not sidedb.can_overlap()
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"pool": {"min_size": 1, "max_size": 2}})
    assert sidedb.can_overlap()


def test_on_sqlite_the_read_runs_inline(settings):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite run checks this")
    assert not sidedb.can_overlap()
