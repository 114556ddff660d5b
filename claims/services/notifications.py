"""Notifications: made from desk events, read and marked by their user, e-mailed per preference."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims.exceptions import ServiceError, TransitionForbidden
from claims.models import Claim, Delivery, FetchJob, Notification, NotificationEvent, NotificationPreference
from claims.services._base import User
from claims.services.events import event_emit
from claims.watch.notifications import DEFAULT_DELIVERY, plan_for

logger = logging.getLogger(__name__)

_EMAIL_STATE: dict[str, str] = {
    Delivery.EMAIL: Notification.Email.PENDING,
    Delivery.DIGEST: Notification.Email.DIGEST,
    Delivery.IN_APP: Notification.Email.NONE,
}


def deliveries_for(user_ids: set[int]) -> dict[tuple[int, str], str]:
    """Each (user, event) the users chose a delivery for; absent pairs use DEFAULT_DELIVERY."""
    rows = NotificationPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "event", "delivery")
    return {(user_id, event): delivery for user_id, event, delivery in rows}


@transaction.atomic
def notifications_for_event(
    *, key: str, kind: str, claim_id: int | None, actor_id: int | None, data: dict[str, Any]
) -> list[int]:
    """Create the event's notifications (once per user, however often this runs).

    Returns the ids of the notifications still waiting to be e-mailed at once.
    """
    claim = Claim.objects.filter(pk=claim_id).first() if claim_id else None
    with translation.override(settings.LANGUAGE_CODE):
        plan = plan_for(kind, claim=claim, actor_id=actor_id, data=data)
    if not plan.items:
        return []
    chosen = deliveries_for({p.user_id for p in plan.items})
    with_email = set(
        get_user_model()
        .objects.filter(pk__in={p.user_id for p in plan.items})
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    pending: list[int] = []
    for item in plan.items:
        delivery = chosen.get((item.user_id, item.event), DEFAULT_DELIVERY[item.event])
        if delivery == Delivery.OFF:
            continue
        email = _EMAIL_STATE[delivery] if item.user_id in with_email else Notification.Email.NONE
        notification, _created = Notification.objects.get_or_create(
            user_id=item.user_id,
            event_key=key,
            defaults={
                "event": item.event,
                "claim_id": item.claim_id,
                "message": item.message,
                "url": item.url,
                "email": email,
            },
        )
        if notification.email == Notification.Email.PENDING:
            pending.append(notification.pk)
    return pending


def _absolute(url: str) -> str:
    return f"{settings.FACTCHECK_SITE_URL}{url}" if url.startswith("/") else url


def _send(user: Any, subject: str, lines: list[str]) -> None:
    body = "\n\n".join(lines)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)


def notification_emails_send(*, notification_ids: list[int]) -> int:
    """E-mail these notifications (those still pending); each is e-mailed at most once."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        # Claim the row first: a second run (a redelivered task) finds it taken and skips it.
        taken = Notification.objects.filter(pk=notification.pk, email=Notification.Email.PENDING).update(
            email=Notification.Email.SENT, emailed_at=timezone.now()
        )
        if not taken:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = f"[{settings.FACTCHECK_ORGANIZATION_NAME}] {notification.message}"[:200]
            lines = [notification.message]
            if notification.url:
                lines.append(_absolute(notification.url))
        try:
            _send(notification.user, subject.replace("\n", " "), lines)
            sent += 1
        except Exception:  # a mail server down must not lose the other e-mails
            logger.exception("e-mailing notification %s failed", notification.pk)
            Notification.objects.filter(pk=notification.pk).update(email=Notification.Email.FAILED)
    return sent


def notification_digest_send(*, now: dt.datetime | None = None) -> int:
    """Send each user one e-mail with every notification waiting for the digest; returns how many."""
    now = now or timezone.now()
    user_ids = set(Notification.objects.filter(email=Notification.Email.DIGEST).values_list("user_id", flat=True))
    sent = 0
    for user in get_user_model().objects.filter(pk__in=user_ids):
        ids = list(
            Notification.objects.filter(user=user, email=Notification.Email.DIGEST, created_at__lte=now)
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )
        # Status-gated: rows another run already took are not sent again.
        with transaction.atomic():
            taken = list(
                Notification.objects.select_for_update()
                .filter(pk__in=ids, email=Notification.Email.DIGEST)
                .order_by("created_at", "id")
            )
            Notification.objects.filter(pk__in=[n.pk for n in taken]).update(
                email=Notification.Email.SENT, emailed_at=now
            )
        if not taken or not user.email:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[%(desk)s] Your daily digest: %(count)d notifications") % {
                "desk": settings.FACTCHECK_ORGANIZATION_NAME,
                "count": len(taken),
            }
            lines = [f"- {n.message}" + (f"\n  {_absolute(n.url)}" if n.url else "") for n in taken]
        try:
            _send(user, subject, lines)
            sent += 1
        except Exception:
            logger.exception("the digest for user %s failed", user.pk)
            Notification.objects.filter(pk__in=[n.pk for n in taken]).update(email=Notification.Email.FAILED)
    return sent


def job_failure_announce(*, job_id: int) -> bool:
    """Tell the person who started a job that it failed (once per job); False if it did not fail."""
    job = FetchJob.objects.filter(pk=job_id, status=FetchJob.Status.FAILED).select_related("feed").first()
    if job is None or job.requested_by_id is None:
        return False
    label = job.get_kind_display() + (f": {job.feed.name}" if job.feed_id and job.feed else "") + f" #{job.pk}"
    event_emit(
        kind="job.failed",
        claim_id=job.claim_id,
        data={"user_id": job.requested_by_id, "job": label},
        key=f"job-{job.pk}",
    )
    return True


def _own(user: User, notification: Notification) -> None:
    if not (user and user.is_authenticated and notification.user_id == user.pk):
        raise TransitionForbidden(_("This notification is not yours."))


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (already read: unchanged)."""
    _own(user, notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark all the user's unread notifications read; returns how many."""
    if not (user and user.is_authenticated):
        raise TransitionForbidden(_("Log in to read notifications."))
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, user: User, event: str, delivery: str) -> NotificationPreference:
    """Choose how the user hears about one kind of event."""
    if not (user and user.is_authenticated):
        raise TransitionForbidden(_("Log in to change your notification settings."))
    if event not in NotificationEvent.values:
        raise ServiceError(_("“%(event)s” is not a notification event.") % {"event": event})
    if delivery not in Delivery.values:
        raise ServiceError(_("“%(delivery)s” is not a way to be notified.") % {"delivery": delivery})
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, event=event, defaults={"delivery": delivery}
    )
    return preference
