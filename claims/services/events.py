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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.models import DeskEvent
from claims.services._base import User, _person
from claims.services._queue import enqueue_on_commit

PROCESS_EVENT_TASK = "claims.tasks_watch.process_event"
PROCESS_EVENTS_TASK = "claims.tasks_watch.process_events"

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


@dataclass(frozen=True)
class EventDraft:
    """One event for `events_emit`: the arguments `event_emit` takes."""

    kind: str
    claim_id: int | None
    actor: User = None
    data: dict[str, Any] | None = None
    key: str = ""


def event_emit(
    *, kind: str, claim_id: int | None, actor: User = None, data: dict[str, Any] | None = None, key: str = ""
) -> str:
    """Announce an event once the current transaction commits; returns its key.

    `key` names an event that can only happen once (a job's failure), so announcing it
    twice notifies nobody twice; by default every call is a new event.
    """
    event = _row(EventDraft(kind=kind, claim_id=claim_id, actor=actor, data=data, key=key))
    event_id = _store(event)
    if event_id is not None:
        enqueue_on_commit(PROCESS_EVENT_TASK, event_id=event_id)
    return event.key


def events_emit(*, events: Sequence[EventDraft]) -> list[str]:
    """Announce several events once the current transaction commits; returns their keys, in order.

    What `event_emit` does for each, in one insert and one task for all: an article that
    repeats seven fact-checks was seven `get_or_create`s (six statements each) and seven tasks.
    No transaction of its own: it runs in the caller's, and its one savepoint is the insert's.
    """
    rows = [_row(draft) for draft in events]  # every kind checked before anything is written
    if not rows:
        return []
    using = DeskEvent.objects.db
    try:
        with transaction.atomic(using=using):
            # bulk_create, not claims.models.bulk.insert_returning_ids: on PostgreSQL that sends the
            # attributes unprepared, and psycopg adapts no dict, so `data` could not be sent.
            event_ids = [event.pk for event in DeskEvent.objects.using(using).bulk_create(rows)]
    except IntegrityError:
        # A key is taken already (the event was announced before, or twice in this batch): one by
        # one, as `event_emit` would, so the stored one stays and is processed once; the new ones
        # still go in one task.
        event_ids = [event_id for event_id in map(_store, rows) if event_id is not None]
    if event_ids:
        enqueue_on_commit(PROCESS_EVENTS_TASK, event_ids=event_ids)
    return [row.key for row in rows]


def _row(draft: EventDraft) -> DeskEvent:
    """The unsaved row of an event, its key made; ValueError for an unknown kind."""
    if draft.kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {draft.kind!r}")
    person = _person(draft.actor)
    return DeskEvent(
        key=f"{draft.kind}:{draft.key or uuid.uuid4().hex}",
        kind=draft.kind,
        claim_id=draft.claim_id,
        actor_id=person.pk if person is not None else None,
        data=draft.data or {},
    )


def _store(event: DeskEvent) -> int | None:
    """Store `event` unless its key is; returns its new id, None when it was stored already."""
    with transaction.atomic():
        stored, created = DeskEvent.objects.get_or_create(
            key=event.key,
            defaults={"kind": event.kind, "claim_id": event.claim_id, "actor_id": event.actor_id, "data": event.data},
        )
    return stored.pk if created else None


def events_lost(*, now: dt.datetime | None = None) -> list[int]:
    """Events committed long enough ago that their task should have run, still unprocessed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.EVENT_REQUEUE_SECONDS)
    return list(
        DeskEvent.objects.filter(processed_at__isnull=True, created_at__lt=cutoff)
        .order_by("id")
        .values_list("pk", flat=True)[:1000]
    )
