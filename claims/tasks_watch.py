"""Celery tasks of the watch engine: desk events into notifications (and webhooks), e-mails, digests.

Registered through `claims.tasks` (which imports this module). Thin: ids and keys in,
services out; every task can run twice without doing its work twice.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from claims.services import notifications as notification_services


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=5)
def process_event(
    self: Any, *, key: str, kind: str, claim_id: int | None, actor_id: int | None, data: dict[str, Any]
) -> None:
    """Turn one committed desk event into notifications, then e-mail those due at once."""
    pending = notification_services.notifications_for_event(
        key=key, kind=kind, claim_id=claim_id, actor_id=actor_id, data=data
    )
    if pending:
        send_notification_emails.delay(notification_ids=pending)


@shared_task(ignore_result=True, acks_late=True)
def send_notification_emails(*, notification_ids: list[int]) -> int:
    return notification_services.notification_emails_send(notification_ids=notification_ids)


@shared_task(ignore_result=True, acks_late=True)
def send_notification_digests() -> int:
    """Beat, daily: one digest e-mail per user with notifications waiting for it."""
    return notification_services.notification_digest_send()
