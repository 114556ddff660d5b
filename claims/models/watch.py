"""Watching published claims and telling people: notifications, preferences, webhooks, recurrences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import Claim


class NotificationEvent(models.TextChoices):
    ASSIGNED = "assigned", _("A claim was assigned to me")
    STATE_CHANGED = "state_changed", _("A claim I work on changed state")
    RETURNED = "returned", _("A claim I work on was returned to research")
    REVIEW_REQUESTED = "review_requested", _("A claim was sent for review")
    PUBLISHED = "published", _("A claim I work on was published")
    RETRACTED = "retracted", _("A claim I work on was retracted")
    RECURRENCE = "recurrence", _("A claim I worked on was repeated")
    COMMENT = "comment", _("Someone commented on my claim")
    JOB_FAILED = "job_failed", _("A job of mine failed")
    WEBHOOK_DISABLED = "webhook_disabled", _("A webhook of mine was disabled")


class Delivery(models.TextChoices):
    """How a user wants to hear about one kind of event."""

    IN_APP = "in_app", _("In the workplace only")
    EMAIL = "email", _("In the workplace and by e-mail at once")
    DIGEST = "digest", _("In the workplace and in a daily e-mail digest")
    OFF = "off", _("Not at all")


class Notification(models.Model):
    """A note to one user that something happened, shown under the bell in the workplace."""

    class Email(models.TextChoices):
        NONE = "none", _("No e-mail")
        PENDING = "pending", _("To be e-mailed")
        DIGEST = "digest", _("Waiting for the digest")
        SENT = "sent", _("E-mailed")
        FAILED = "failed", _("E-mail failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("event"), max_length=30, choices=NotificationEvent.choices)
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=2000, blank=True)
    # One key per thing that happened: a redelivered task cannot notify the same user twice.
    event_key = models.CharField(max_length=100, editable=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email = models.CharField(_("e-mail"), max_length=10, choices=Email.choices, default=Email.NONE)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "event_key"], name="notification_once_per_user")]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_unread"),
            models.Index(fields=["email", "user"], name="notification_email_due"),
        ]

    def __str__(self) -> str:
        return self.message[:80]

    @property
    def read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one user wants to hear about one kind of event (absent: the event's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    event = models.CharField(_("event"), max_length=30, choices=NotificationEvent.choices)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        ordering = ["user", "event"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.event}: {self.delivery}"


class DeskEvent(models.Model):
    """Something the desk did that others should hear about: the outbox of the watch engine.

    Written in the same transaction as the change it tells of (`services.events.event_emit`),
    so an event exists exactly when its change committed; a Celery task turns it into
    notifications and webhook messages and stamps `processed_at`. The id is the event's
    place in line: webhook messages about one claim go out in this order, and a sweep
    re-sends events whose task was lost (a broker crash, a worker killed before it ran).
    """

    key = models.CharField(_("key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    # Not a foreign key: the event outlives a deleted claim and never blocks its deletion.
    claim_id = models.BigIntegerField(_("claim"), null=True, blank=True)
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("desk event")
        verbose_name_plural = _("desk events")
        indexes = [
            models.Index(fields=["claim_id", "processed_at"], name="desk_event_claim_pending"),
            models.Index(fields=["processed_at", "created_at"], name="desk_event_unprocessed"),
        ]

    def __str__(self) -> str:
        return self.key


class WebhookEvent(models.TextChoices):
    CLAIM_CREATED = "claim.created", _("A claim was created")
    CLAIM_STATE_CHANGED = "claim.state_changed", _("A claim changed state")
    CLAIM_PUBLISHED = "claim.published", _("A claim was published")
    CLAIM_RETRACTED = "claim.retracted", _("A claim was retracted")
    REVIEW_UPDATED = "review.updated", _("A verdict was edited")
    RECURRENCE_FOUND = "recurrence.found", _("A published claim was repeated")
    TIP_RECEIVED = "tip.received", _("A tip was received")


class WebhookSubscription(models.Model):
    """A receiver (CMS, chat bridge, partner) that gets signed JSON messages for chosen events."""

    url = models.URLField(_("URL"), max_length=2000)
    events = models.JSONField(_("events"), default=list)
    # "whsec_" + base64 of the key, as the Standard Webhooks specification writes secrets.
    secret = models.CharField(_("secret"), max_length=120, editable=False)
    active = models.BooleanField(_("active"), default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhook_subscriptions",
    )
    # Messages in a row whose every attempt failed; a success resets it.
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url


class WebhookMessage(models.Model):
    """One event for one subscription: signed once, attempted until delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="messages")
    # The webhook-id header: the same on every retry and redelivery, so receivers can drop duplicates.
    msg_id = models.CharField(_("message id"), max_length=60, unique=True)
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    claim = models.ForeignKey(Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    payload = models.JSONField(_("payload"))
    # The DeskEvent's id: messages about one claim to one receiver go out in this order.
    event_seq = models.BigIntegerField(_("event order"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # When the current attempt began: a message "sending" for much longer lost its worker.
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        indexes = [
            models.Index(fields=["subscription", "claim", "status"], name="webhook_msg_order"),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_msg_due"),
        ]

    def __str__(self) -> str:
        return f"{self.msg_id} ({self.event})"


class WebhookDelivery(models.Model):
    """One attempt to deliver a message: what the receiver answered, or why it could not be reached."""

    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    ok = models.BooleanField(_("delivered"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_excerpt = models.CharField(_("response excerpt"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.message_id} #{self.attempt}: {self.status_code or self.error}"


class Recurrence(models.Model):
    """A newly seen article that repeats a claim the desk has already checked, for the desk to confirm."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="recurrences")
    article = models.ForeignKey(
        "claims.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="recurrences"
    )
    passage = models.TextField(_("passage"))
    # Character offsets of the passage in the article's text ([start, end)).
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    score = models.FloatField(_("score"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    # Machine-written, like candidates: the history keeps its own look-ups, not the live indexes.
    history = HistoricalRecords(no_db_index=["article", "claim", "created_at", "decided_by", "status"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recurrence")
        verbose_name_plural = _("recurrences")
        # No article is matched twice for the same claim, whatever its status.
        constraints = [models.UniqueConstraint(fields=["claim", "article"], name="recurrence_claim_article_unique")]

    def __str__(self) -> str:
        return f"{self.claim_id} in {self.article_id} ({self.score:.2f})"
