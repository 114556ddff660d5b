"""Identical tips arriving at the same moment are still one row with two requests.

The lookup of an identical tip and the insert are in one transaction, but with no row
yet there is nothing to lock, so two receivers could both find nothing and both insert.
tip_receive takes a PostgreSQL advisory lock on the tip's text and URL keys first. The
race needs real concurrent connections, so these tests run on PostgreSQL only; the insert
is slowed down so that, without the lock, both receivers would be past their lookup
before either commits.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from claims.models import Tip
from claims.services import tips as tip_services

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs concurrent PostgreSQL connections"),
]


def _receive_together(monkeypatch, calls: list[dict[str, str]]) -> list[tip_services.TipReceipt]:
    """tip_receive from one thread per call, released together; the insert takes 0.3 s."""
    create = Tip.objects.create

    def slow_create(**kwargs):
        time.sleep(0.3)
        return create(**kwargs)

    monkeypatch.setattr(Tip.objects, "create", slow_create)
    barrier = threading.Barrier(len(calls))
    receipts: list[tip_services.TipReceipt | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            receipts[i] = tip_services.tip_receive(**calls[i])
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return [r for r in receipts if r is not None]


def test_identical_tips_at_the_same_moment_are_one_row(monkeypatch):
    text = "The harbour tunnel cost three times the budget, a councillor said."
    calls = [
        {"text": text, "language": "en"},
        {"text": "  the HARBOUR tunnel cost three times the budget a councillor said!", "language": "en"},
        {"text": text.upper(), "language": "en"},
    ]
    receipts = _receive_together(monkeypatch, calls)
    assert len(receipts) == 3
    assert Tip.objects.count() == 1
    assert Tip.objects.get().requests == 3
    assert sorted(r.merged for r in receipts) == [False, True, True]
    assert {r.tip.pk for r in receipts} == {Tip.objects.get().pk}


def test_same_url_with_similar_text_at_the_same_moment_is_one_row(monkeypatch):
    url = "https://clips.example.org/v/4711"
    calls = [
        {"text": "The harbour tunnel cost three times its budget", "url": url, "language": "en"},
        {"text": "Harbour tunnel cost 3 times the budget?", "url": url, "language": "en"},
    ]
    receipts = _receive_together(monkeypatch, calls)
    assert len(receipts) == 2
    assert Tip.objects.count() == 1
    assert Tip.objects.get().requests == 2


def test_different_tips_at_the_same_moment_are_two_rows(monkeypatch):
    calls = [
        {"text": "The harbour tunnel cost three times the budget.", "language": "en"},
        {"text": "The ferry fares went up by half this spring.", "language": "en"},
    ]
    _receive_together(monkeypatch, calls)
    assert Tip.objects.count() == 2
