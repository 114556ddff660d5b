"""Background work is enqueued only once the transaction that asked for it commits.

A worker that picks up `find_duplicates(claim_id)` before the claim's row is committed
would find nothing (or, with a rolled-back transaction, a claim that never existed). These
tests read the real broker the test settings use — kombu's in-process memory transport on
SQLite, Redis when REDIS_URL is set — not a mock of `delay()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from claims import services
from claims.models import Claim
from factcheck.celery import app

FIND_DUPLICATES = "claims.tasks.find_duplicates"
QUEUES = ("default", "fetch")


@dataclass(frozen=True)
class Sent:
    """A task message as it sits on the broker."""

    queue: str
    task: str
    args: list[Any]


def drain(task: str = FIND_DUPLICATES) -> list[Sent]:
    """Take every message off our queues and return those of `task` (the queues end up empty).

    Other tasks the same writes queue (e.g. the watch engine's events) are tested where they live."""
    sent = []
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in QUEUES:
            while (message := channel.basic_get(queue, no_ack=True)) is not None:
                args, _kwargs, _embed = message.decode()
                if message.headers["task"] == task:
                    sent.append(Sent(queue=queue, task=message.headers["task"], args=list(args)))
    return sent


@pytest.fixture
def broker():
    """Empty queues before the test (earlier tests may have enqueued) and after it."""
    drain()
    yield drain
    drain()


def create_claim(user, text: str = "Russia says it has no plans to invade Ukraine.") -> Claim:
    return services.claim_create(user=user, text=text, language="en", claimant="The Russian government")


def test_broker_helper_sees_a_real_message(broker):
    """The check below can fail: a message sent directly is found by `drain()`."""
    from claims.tasks import find_duplicates

    find_duplicates.delay(424242)
    assert broker() == [Sent(queue="default", task=FIND_DUPLICATES, args=[424242])]
    assert broker() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rolled_back_transaction_enqueues_nothing(reviewer, broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        create_claim(reviewer)
        raise RuntimeError("the request failed after the claim was saved")
    assert Claim.objects.count() == 0
    assert broker() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rolled_back_savepoint_enqueues_nothing_while_the_outer_transaction_commits(reviewer, broker):
    with transaction.atomic():
        kept = create_claim(reviewer, "NATO forces must leave the alliance's eastern members.")
        with pytest.raises(RuntimeError), transaction.atomic():
            create_claim(reviewer, "The talks in Geneva ended an hour early.")
            raise RuntimeError
    assert list(Claim.objects.values_list("pk", flat=True)) == [kept.pk]
    assert broker() == [Sent(queue="default", task=FIND_DUPLICATES, args=[kept.pk])]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_committed_claim_create_enqueues_find_duplicates_once_after_commit(reviewer, broker):
    with transaction.atomic():
        claim = create_claim(reviewer)
        assert broker() == [], "enqueued before the claim's row was committed"
    assert broker() == [Sent(queue="default", task=FIND_DUPLICATES, args=[claim.pk])]


@pytest.mark.django_db
def test_on_commit_callback_is_the_only_way_the_task_is_sent(reviewer, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claim = create_claim(reviewer)
    assert len(callbacks) == 2  # find_duplicates and the claim.created event
    assert broker() == []
    for callback in callbacks:
        callback()
    assert broker() == [Sent(queue="default", task=FIND_DUPLICATES, args=[claim.pk])]


@pytest.mark.django_db
def test_refused_claim_create_enqueues_nothing(outsider, broker, django_capture_on_commit_callbacks):
    from claims.exceptions import TransitionForbidden

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(TransitionForbidden):
        create_claim(outsider)
    assert callbacks == []
    assert broker() == []


def test_services_never_import_the_tasks():
    """Tasks call services; services name the tasks they start (claims/services/_queue.py)."""
    import ast
    from pathlib import Path

    import claims.services

    for path in Path(claims.services.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = {f"{node.module}.{alias.name}" for alias in node.names}
                assert node.module != "claims.tasks" and "claims.tasks" not in names, path.name
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith("claims.tasks") for alias in node.names), path.name
