"""Webhook subscriptions and the delivery of their messages (Standard Webhooks, via Celery).

Messages are made from committed desk events (`claims.tasks_watch.process_event[s]`), one per
subscription that wants the event, and delivered by `claims.tasks_watch.deliver_webhook`.
Within one subscription the messages about one claim go out in the order of their events
(`DeskEvent` ids, allotted in the transactions that made the changes): a message waits until
every earlier message for the same claim is delivered or given up, and until every earlier
event about the claim has been processed (its messages may not exist yet). `webhooks_sweep`
re-sends what a lost task or a killed worker left behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.discovery.http import FetchError
from claims.exceptions import ServiceError, TransitionForbidden
from claims.models import DeskEvent, WebhookDelivery, WebhookEvent, WebhookMessage, WebhookSubscription
from claims.services._base import User, _person
from claims.services._queue import enqueue_on_commit
from claims.services.events import event_emit
from claims.watch import webhooks as engine
from claims.workflow import ClaimStatus, find_transition

DELIVER_TASK = "claims.tasks_watch.deliver_webhook"
MANAGE = "claims.add_webhooksubscription"


def may_manage_webhooks(user: User) -> bool:
    """The desk's Admin role (and superusers): they hold the subscription permissions."""
    return bool(user and user.is_active and user.has_perm(MANAGE))


def _require_manager(user: User) -> None:
    if not may_manage_webhooks(user):
        raise TransitionForbidden(_("Only the desk's administrators may manage webhooks."))


def check_subscription(*, url: str, events: list[str], secret: str | None) -> dict[str, list[str]]:
    """What is wrong with a subscription's fields, per field (empty when nothing is)."""
    return _clean(url, events, secret)


def _clean(url: str, events: list[str], secret: str | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(events, list) or not events:
        errors["events"] = [_("Choose at least one event.")]
    else:
        unknown = sorted({str(e) for e in events} - set(WebhookEvent.values))
        if unknown:
            errors["events"] = [_("Unknown events: %(events)s") % {"events": ", ".join(unknown)}]
    if secret is not None and not engine.valid_secret(secret):
        errors["secret"] = [_("A secret is “whsec_” followed by 24 to 64 bytes in base64.")]
    try:
        engine.check_url(url)
    except FetchError as exc:
        errors["url"] = [_("This address cannot receive webhooks: %(reason)s") % {"reason": exc.message}]
    return errors


@transaction.atomic
def webhook_subscribe(
    *, user: User, url: str, events: list[str], secret: str | None = None, active: bool = True
) -> tuple[WebhookSubscription, str]:
    """Subscribe a receiver; returns the subscription and its secret (generated when none was given).

    The URL is checked against the same address rules as every delivery, before anything is saved.
    """
    _require_manager(user)
    errors = _clean(url, events, secret)
    if errors:
        raise ServiceError(" ".join(m for ms in errors.values() for m in ms), errors=errors)  # type: ignore[arg-type]
    secret = secret or engine.new_secret()
    subscription = WebhookSubscription.objects.create(
        url=url, events=sorted(set(events)), secret=secret, active=active, owner=_person(user)
    )
    return subscription, secret


@transaction.atomic
def webhook_update(
    *, user: User, subscription: WebhookSubscription, url: str, events: list[str], active: bool
) -> WebhookSubscription:
    """Change a subscription (re-activating one also forgets its failures)."""
    _require_manager(user)
    errors = _clean(url, events, None)
    if errors:
        raise ServiceError(" ".join(m for ms in errors.values() for m in ms), errors=errors)  # type: ignore[arg-type]
    subscription.url, subscription.events = url, sorted(set(events))
    if active and not subscription.active:
        subscription.consecutive_failures, subscription.disabled_reason = 0, ""
    subscription.active = active
    subscription.save()
    return subscription


# --- Messages from events ---------------------------------------------------------------------


def webhook_events_for(kind: str, data: dict[str, Any]) -> list[WebhookEvent]:
    """The webhook event types a desk event makes (a publish is a state change and a publish)."""
    if kind == "claim.created":
        return [WebhookEvent.CLAIM_CREATED]
    if kind == "claim.transition":
        found = [WebhookEvent.CLAIM_STATE_CHANGED]
        transition = find_transition(data["source"], data["target"])
        if transition is not None and transition.publishes:
            found.append(WebhookEvent.CLAIM_PUBLISHED)
        if data["target"] == ClaimStatus.RETRACTED:
            found.append(WebhookEvent.CLAIM_RETRACTED)
        return found
    if kind == "review.updated":
        return [WebhookEvent.REVIEW_UPDATED]
    if kind == "recurrence.found":
        return [WebhookEvent.RECURRENCE_FOUND]
    if kind == "tip.received":
        return [WebhookEvent.TIP_RECEIVED]
    return []


def _msg_id(key: str, event: str, subscription_id: int) -> str:
    digest = hashlib.sha256(f"{key}|{event}|{subscription_id}".encode()).hexdigest()[:32]
    return f"msg_{digest}"


@transaction.atomic
def webhook_messages_for_event(
    *,
    key: str,
    kind: str,
    claim_id: int | None,
    data: dict[str, Any],
    claim_payload: dict[str, Any] | None,
    event_seq: int = 0,
) -> list[int]:
    """Make the event's messages (once, however often this runs); returns the new messages' ids.

    Which of them may go out now is for `webhook_ready_messages` to say, after the commit.
    """
    events = webhook_events_for(kind, data)
    if not events:
        return []
    now = timezone.now()
    made: list[int] = []
    for subscription in WebhookSubscription.objects.filter(active=True).order_by("id"):
        for event in events:
            if event not in subscription.events:
                continue
            body_data: dict[str, Any] = {"claim": claim_payload}
            if kind == "recurrence.found":
                body_data["recurrence"] = data.get("recurrence")
            payload = {"type": event, "timestamp": now.isoformat(), "data": body_data}
            message, created = WebhookMessage.objects.get_or_create(
                msg_id=_msg_id(key, event, subscription.pk),
                defaults={
                    "subscription": subscription,
                    "event": event,
                    "claim_id": claim_id,
                    "payload": payload,
                    "event_seq": event_seq,
                },
            )
            if created:
                made.append(message.pk)
    return made


def _earlier(message: WebhookMessage) -> Q:
    """Messages before `message` in its line: earlier events first, then the order made."""
    return Q(event_seq__lt=message.event_seq) | Q(event_seq=message.event_seq, id__lt=message.pk)


def _first_in_line(message: WebhookMessage) -> bool:
    """Nothing earlier about the same claim to the same receiver is still on its way or unmade."""
    if message.claim_id is None:
        return True
    waiting = WebhookMessage.objects.filter(
        _earlier(message),
        subscription_id=message.subscription_id,
        claim_id=message.claim_id,
        status__in=[WebhookMessage.Status.PENDING, WebhookMessage.Status.SENDING],
    )
    if waiting.exists():
        return False
    # An earlier event not processed yet may still make a message that must go first.
    return not DeskEvent.objects.filter(
        claim_id=message.claim_id, processed_at__isnull=True, id__lt=message.event_seq
    ).exists()


def webhook_ready_messages(*, claim_id: int | None, message_ids: list[int]) -> list[int]:
    """Of `message_ids` and the claim's waiting messages, those first in their line: send them now.

    Called after an event's messages are committed. A message that was not first in line
    when made is sent when the one before it finishes (`_next_in_line`) or, should that
    hand-over be lost, by the sweep.
    """
    candidates = WebhookMessage.objects.filter(status=WebhookMessage.Status.PENDING, attempts=0)
    if claim_id is None:
        candidates = candidates.filter(pk__in=message_ids)
    else:
        candidates = candidates.filter(Q(claim_id=claim_id) | Q(pk__in=message_ids))
    return [m.pk for m in candidates.order_by("event_seq", "id") if _first_in_line(m)]


def _next_in_line(message: WebhookMessage) -> int | None:
    if message.claim_id is None:
        return None
    following = WebhookMessage.objects.filter(
        subscription_id=message.subscription_id,
        claim_id=message.claim_id,
        status=WebhookMessage.Status.PENDING,
        attempts=0,
    ).exclude(_earlier(message) | Q(pk=message.pk))
    nxt = following.order_by("event_seq", "id").first()
    return nxt.pk if nxt is not None and _first_in_line(nxt) else None


# --- Delivery -----------------------------------------------------------------------------------


def webhook_deliver(*, message_id: int, attempt: int) -> dict[str, Any]:
    """Make attempt number `attempt` of a message; records it and decides what comes next.

    Returns {"outcome": …, "retry_in": seconds or None, "next": message id or None}. Status-gated:
    a redelivered task for an attempt already made does nothing.
    """
    taken = WebhookMessage.objects.filter(
        pk=message_id, status=WebhookMessage.Status.PENDING, attempts=attempt - 1
    ).update(status=WebhookMessage.Status.SENDING, attempts=attempt, sending_since=timezone.now())
    if not taken:
        return {"outcome": "skipped", "retry_in": None, "next": None}
    message = WebhookMessage.objects.select_related("subscription").get(pk=message_id)
    subscription = message.subscription
    if not subscription.active:
        _finish(message, WebhookMessage.Status.FAILED)
        WebhookDelivery.objects.create(message=message, attempt=attempt, error="subscription disabled")
        return {"outcome": "disabled", "retry_in": None, "next": _next_in_line(message)}
    outcome = engine.attempt(
        url=subscription.url, secret=subscription.secret, msg_id=message.msg_id, body=engine.body_for(message.payload)
    )
    WebhookDelivery.objects.create(
        message=message,
        attempt=attempt,
        status_code=outcome.status_code,
        ok=outcome.ok,
        error=outcome.error[:500],
        response_excerpt=outcome.excerpt[:500],
    )
    if outcome.ok:
        _finish(message, WebhookMessage.Status.DELIVERED)
        WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
        return {"outcome": "delivered", "retry_in": None, "next": _next_in_line(message)}
    delay = engine.retry_delay(attempt, list(settings.WEBHOOK_RETRY_DELAYS)) if outcome.retry else None
    if delay is not None:
        WebhookMessage.objects.filter(pk=message.pk).update(
            status=WebhookMessage.Status.PENDING,
            next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
            sending_since=None,
        )
        return {"outcome": "retry", "retry_in": delay, "next": None}
    _finish(message, WebhookMessage.Status.FAILED)
    _count_failure(subscription, gone=outcome.gone)
    return {"outcome": "failed", "retry_in": None, "next": _next_in_line(message)}


def _finish(message: WebhookMessage, status: str) -> None:
    WebhookMessage.objects.filter(pk=message.pk).update(
        status=status, finished_at=timezone.now(), next_attempt_at=None, sending_since=None
    )


@transaction.atomic
def _count_failure(subscription: WebhookSubscription, *, gone: bool) -> None:
    WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    subscription.refresh_from_db()
    if not subscription.active:
        return
    if gone:
        reason = _("The receiver answered 410 Gone.")
    elif subscription.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER:
        reason = _("%(count)d messages in a row could not be delivered.") % {"count": subscription.consecutive_failures}
    else:
        return
    WebhookSubscription.objects.filter(pk=subscription.pk).update(active=False, disabled_reason=reason[:300])
    if subscription.owner_id:
        event_emit(
            kind="webhook.disabled",
            claim_id=None,
            data={
                "user_id": subscription.owner_id,
                "url": subscription.url,
                "admin_url": reverse("admin:claims_webhooksubscription_change", args=[subscription.pk]),
            },
            key=f"webhook-{subscription.pk}-{subscription.consecutive_failures}",
        )


@transaction.atomic
def webhook_redeliver(*, user: User, message: WebhookMessage) -> WebhookMessage:
    """Send a finished message again, with the same webhook-id (receivers drop what they already have)."""
    _require_manager(user)
    message = WebhookMessage.objects.select_for_update().get(pk=message.pk)
    if message.status in (WebhookMessage.Status.PENDING, WebhookMessage.Status.SENDING):
        return message
    message.status, message.finished_at = WebhookMessage.Status.PENDING, None
    message.save(update_fields=["status", "finished_at"])
    enqueue_on_commit(DELIVER_TASK, message_id=message.pk, attempt=message.attempts + 1)
    return message


# --- The sweep ----------------------------------------------------------------------------------


def webhooks_sweep(*, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(message id, attempt) for every message a lost task or a killed worker left behind.

    * waiting first in line, never attempted, made more than EVENT_REQUEUE_SECONDS ago
      (its task or the hand-over from the message before it was lost);
    * waiting for a retry that is more than EVENT_REQUEUE_SECONDS overdue (the delayed
      task was lost with the broker);
    * "sending" for longer than a delivery can take: its worker died mid-attempt. That
      attempt is logged as lost and the next one is made; the receiver may have had it,
      and drops the repeat by its `webhook-id`.

    Sending twice what is already on its way is harmless: `webhook_deliver` takes an
    attempt only once.
    """
    now = now or timezone.now()
    grace = dt.timedelta(seconds=settings.EVENT_REQUEUE_SECONDS)
    due: list[tuple[int, int]] = []
    pending = WebhookMessage.objects.filter(status=WebhookMessage.Status.PENDING)
    for message in pending.filter(attempts=0, created_at__lt=now - grace).order_by("event_seq", "id")[:500]:
        if _first_in_line(message):
            due.append((message.pk, 1))
    for pk, attempts in pending.filter(attempts__gt=0, next_attempt_at__lt=now - grace).values_list("pk", "attempts")[
        :500
    ]:
        due.append((pk, attempts + 1))
    stale = now - grace - dt.timedelta(seconds=settings.FETCH_TOTAL_TIMEOUT)
    for message in WebhookMessage.objects.filter(status=WebhookMessage.Status.SENDING, sending_since__lt=stale)[:500]:
        with transaction.atomic():
            taken = WebhookMessage.objects.filter(
                pk=message.pk, status=WebhookMessage.Status.SENDING, attempts=message.attempts
            ).update(status=WebhookMessage.Status.PENDING, sending_since=None, next_attempt_at=now)
            if taken:
                WebhookDelivery.objects.create(
                    message=message, attempt=message.attempts, error="the worker was lost during this attempt"
                )
        if taken:
            due.append((message.pk, message.attempts + 1))
    return due
