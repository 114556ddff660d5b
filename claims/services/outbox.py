"""Processing the desk's events (the outbox): notifications and webhook messages, exactly once.

`events.event_emit` (or `events_emit`, for an article's recurrences at once) writes a
`DeskEvent` with the change it tells of; the Celery task `claims.tasks_watch.process_event`
(or `process_events`, for such a batch, in id order) hands each id here. The event row is locked while it is
processed and stamped when done, so a redelivered or swept task finds nothing left to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from claims.models import DeskEvent
from claims.services import notifications as notification_services
from claims.services import webhooks as webhook_services


@dataclass
class Processed:
    """What the task sends after the commit: e-mails due now and webhook messages first in line."""

    notification_ids: list[int] = field(default_factory=list)
    ready_messages: list[int] = field(default_factory=list)


def event_needs_claim_payload(event: DeskEvent) -> bool:
    """Webhook bodies carry the claim as the API shows it; only build it when one will be sent."""
    return bool(webhook_services.webhook_events_for(event.kind, event.data))


def event_process(*, event_id: int, claim_payload: dict[str, Any] | None) -> Processed:
    """Turn one committed event into notifications and webhook messages, once."""
    done = Processed()
    made: list[int] = []
    claim_id: int | None = None
    with transaction.atomic():
        event = DeskEvent.objects.select_for_update().filter(pk=event_id, processed_at__isnull=True).first()
        if event is None:
            return done  # processed already (a redelivered task), or never committed
        claim_id = event.claim_id
        done.notification_ids = notification_services.notifications_for_event(
            key=event.key, kind=event.kind, claim_id=event.claim_id, actor_id=event.actor_id, data=event.data
        )
        made = webhook_services.webhook_messages_for_event(
            key=event.key,
            kind=event.kind,
            claim_id=event.claim_id,
            data=event.data,
            claim_payload=claim_payload,
            event_seq=event.pk,
        )
        DeskEvent.objects.filter(pk=event.pk).update(processed_at=timezone.now())
    # After the commit: this event's messages, and later ones that waited for it, may go now.
    done.ready_messages = webhook_services.webhook_ready_messages(claim_id=claim_id, message_ids=made)
    return done


@transaction.atomic
def event_adopt(*, key: str, kind: str, claim_id: int | None, actor_id: int | None, data: dict[str, Any]) -> int:
    """The row for an event queued by a release before the outbox (its task carried the event itself)."""
    event, _created = DeskEvent.objects.get_or_create(
        key=key, defaults={"kind": kind, "claim_id": claim_id, "actor_id": actor_id, "data": data}
    )
    return event.pk
