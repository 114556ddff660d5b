"""Desk events: what happened, told once the transaction commits, to notifications and webhooks.

A service that changes something others should hear about calls `event_emit` inside its
transaction. Nothing happens unless the transaction commits; then one Celery task
(`claims.tasks_watch.process_event`) turns the event into notifications and webhook
messages. Each event carries a key made here, so a redelivered task finds its own work
done instead of doing it twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from claims.services._base import User, _person
from claims.services._queue import enqueue_on_commit

PROCESS_EVENT_TASK = "claims.tasks_watch.process_event"

# kind → what it means
EVENT_KINDS = frozenset(
    {
        "claim.created",
        "claim.assigned",
        "claim.transition",
        "review.updated",
        "comment.created",
        "recurrence.found",
        "job.failed",
        "webhook.disabled",
        "tip.received",
    }
)


def event_emit(
    *, kind: str, claim_id: int | None, actor: User = None, data: dict[str, Any] | None = None, key: str = ""
) -> str:
    """Announce an event once the current transaction commits; returns its key.

    `key` names an event that can only happen once (a job's failure), so announcing it
    twice notifies nobody twice; by default every call is a new event.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    key = f"{kind}:{key or uuid.uuid4().hex}"
    person = _person(actor)
    enqueue_on_commit(
        PROCESS_EVENT_TASK,
        key=key,
        kind=kind,
        claim_id=claim_id,
        actor_id=person.pk if person is not None else None,
        data=data or {},
    )
    return key
