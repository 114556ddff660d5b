"""Desk events: what happened, told once the transaction commits, to notifications and webhooks.

A service that changes something others should hear about calls `event_emit` inside its
transaction: the event is a `DeskEvent` row written with the change (an outbox), so it
exists exactly when the change committed. After the commit one Celery task
(`claims.tasks_watch.process_event`) turns it into notifications and webhook messages. Each
event carries a key made here, so a redelivered task finds its own work done instead of
doing it twice; a task lost on the way (a broker crash) is re-sent by `events_sweep`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.models import DeskEvent
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
    with transaction.atomic():
        event, created = DeskEvent.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "claim_id": claim_id,
                "actor_id": person.pk if person is not None else None,
                "data": data or {},
            },
        )
    if created:
        enqueue_on_commit(PROCESS_EVENT_TASK, event_id=event.pk)
    return key


def events_lost(*, now: dt.datetime | None = None) -> list[int]:
    """Events committed long enough ago that their task should have run, still unprocessed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.EVENT_REQUEUE_SECONDS)
    return list(
        DeskEvent.objects.filter(processed_at__isnull=True, created_at__lt=cutoff)
        .order_by("id")
        .values_list("pk", flat=True)[:1000]
    )
