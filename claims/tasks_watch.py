"""Celery tasks of the watch engine: desk events into notifications and webhook messages,
e-mails, digests and webhook deliveries.

Registered through `claims.tasks` (which imports this module). Thin: ids and keys in,
services out; every task can run twice without doing its work twice.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from claims import selectors_watch
from claims.services import events as event_services
from claims.services import notifications as notification_services
from claims.services import outbox
from claims.services import recurrences as recurrence_services
from claims.services import webhooks as webhook_services


def _claim_payload(claim_id: int | None) -> dict[str, Any] | None:
    """The claim as the API's detail serializer shows it (the webhook body's `data.claim`)."""
    if claim_id is None:
        return None
    from claims.api.serializers import ClaimDetailSerializer
    from claims.models import Claim

    claim = ClaimDetailSerializer.load(Claim.objects.filter(pk=claim_id), desk=True).first()
    return dict(ClaimDetailSerializer(claim).data) if claim is not None else None


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=5)
def process_event(
    self: Any,
    *,
    event_id: int | None = None,
    key: str = "",
    kind: str = "",
    claim_id: int | None = None,
    actor_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Turn one committed desk event into notifications and webhook messages, then send what is due.

    Takes the event's id; the other arguments are how a release before the outbox queued
    events, still accepted so that messages already in the broker are not lost on upgrade.
    """
    if event_id is None:
        event_id = outbox.event_adopt(key=key, kind=kind, claim_id=claim_id, actor_id=actor_id, data=data or {})
    _process(event_id)


@shared_task(ignore_result=True, acks_late=True)
def process_events(*, event_ids: list[int]) -> None:
    """Several committed desk events (`events.events_emit`), one after another as `process_event` does each.

    In id order, the order webhook messages about one claim go out in. Each event is stamped
    when done, so a redelivered task skips those already processed and finishes the rest.
    """
    for event_id in sorted(event_ids):
        _process(event_id)


def _process(event_id: int) -> None:
    """One event into notifications and webhook messages (none if done already), then send what is due."""
    event = selectors_watch.desk_event(event_id=event_id)
    if event is None or event.processed_at is not None:
        return
    payload = _claim_payload(event.claim_id) if outbox.event_needs_claim_payload(event) else None
    done = outbox.event_process(event_id=event_id, claim_payload=payload)
    if done.notification_ids:
        send_notification_emails.delay(notification_ids=done.notification_ids)
    for message_id in done.ready_messages:
        deliver_webhook.delay(message_id=message_id, attempt=1)


@shared_task(ignore_result=True, acks_late=True)
def sweep_watch() -> dict[str, int]:
    """Beat: re-send events whose task was lost, and webhook messages a lost task or worker left behind."""
    events = event_services.events_lost()
    for event_id in events:
        process_event.delay(event_id=event_id)
    due = webhook_services.webhooks_sweep()
    for message_id, attempt in due:
        deliver_webhook.delay(message_id=message_id, attempt=attempt)
    return {"events": len(events), "webhook_messages": len(due)}


@shared_task(ignore_result=True, acks_late=True)
def send_notification_emails(*, notification_ids: list[int]) -> int:
    return notification_services.notification_emails_send(notification_ids=notification_ids)


@shared_task(ignore_result=True, acks_late=True)
def send_notification_digests() -> int:
    """Beat, daily: one digest e-mail per user with notifications waiting for it."""
    return notification_services.notification_digest_send()


@shared_task(ignore_result=True, acks_late=True)
def deliver_webhook(*, message_id: int, attempt: int) -> str:
    """One attempt at a webhook message; schedules the retry (backoff with jitter) or the next message."""
    result = webhook_services.webhook_deliver(message_id=message_id, attempt=attempt)
    if result["retry_in"] is not None:
        deliver_webhook.apply_async(
            kwargs={"message_id": message_id, "attempt": attempt + 1}, countdown=result["retry_in"]
        )
    if result["next"] is not None:
        deliver_webhook.delay(message_id=result["next"], attempt=1)
    return result["outcome"]


@shared_task(ignore_result=True, acks_late=True)
def scan_recent_articles(*, claim_id: int) -> int:
    """A claim was published: match it against the articles stored in the last RECURRENCE_LOOKBACK_DAYS."""
    return len(recurrence_services.recurrences_scan_claim(claim_id=claim_id))
