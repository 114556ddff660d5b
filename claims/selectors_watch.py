"""Reads of the watch engine the faces share: a user's notifications and settings."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from claims.models import (
    DeskEvent,
    Notification,
    NotificationEvent,
    NotificationPreference,
    Recurrence,
    WebhookDelivery,
    WebhookSubscription,
)
from claims.users import AuthUser, User
from claims.watch.notifications import DEFAULT_DELIVERY


def notifications_for(*, user: User, unread: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first (none for anonymous callers)."""
    if not (isinstance(user, AuthUser) and user.is_authenticated):
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_notification_count(*, user: User) -> int:
    if not (isinstance(user, AuthUser) and user.is_authenticated):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_deliveries(*, user: User) -> dict[str, str]:
    """How the user hears about each event: their choice, or the event's default."""
    mine = NotificationPreference.objects.filter(user=user) if isinstance(user, AuthUser) else None
    chosen = dict(mine.values_list("event", "delivery")) if mine is not None else {}
    return {event: chosen.get(event, DEFAULT_DELIVERY[event]) for event in NotificationEvent.values}


def webhook_deliveries_for(*, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    """Every attempt to deliver the subscription's messages, newest first."""
    return (
        WebhookDelivery.objects.filter(message__subscription=subscription)
        .select_related("message")
        .order_by("-created_at", "-id")
    )


def recurrences_list(
    *,
    claim_id: int | None = None,
    status: str = "",
    since: Any = None,
    language: str = "",
    outlet: str = "",
) -> QuerySet[Recurrence]:
    """Recurrences newest first, with their article and claim read in the same query."""
    qs = Recurrence.objects.select_related("article", "claim").defer(
        "article__search_vector", "article__text", "claim__search_vector", "claim__search_extra"
    )
    if claim_id is not None:
        qs = qs.filter(claim_id=claim_id)
    if status:
        qs = qs.filter(status=status)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if language:
        qs = qs.filter(article__language__istartswith=language)
    if outlet:
        qs = qs.filter(article__outlet=outlet)
    return qs.order_by("-created_at", "-id")


def desk_event(*, event_id: int) -> DeskEvent | None:
    return DeskEvent.objects.filter(pk=event_id).first()
