"""Reader tips: questions readers send the desk, grouped so one question is one inbox item."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.textcut import cut_at_word

from .core import Claim, language_validator


class Tip(models.Model):
    """A claim a reader asked the desk to check, as they wrote it.

    Identical tips (same normalised text, or same URL with similar text) within a day are
    one row whose `requests` counts the readers; similar tips join a group whose root
    (`group` empty) is the inbox item. The tipster's address is not here but in
    `TipContact`, which only editors see and which is deleted after the retention period.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ATTACHED = "attached", _("Attached to a claim")
        RECORDED = "recorded", _("Recorded as a claim")
        SPAM = "spam", _("Spam")

    text = models.TextField(_("what was claimed"), max_length=5000)
    # sha256 of the case-folded text without punctuation or repeated spaces: the identity check.
    text_key = models.CharField(max_length=64, db_index=True, editable=False)
    url = models.URLField(_("where it was seen"), max_length=2000, blank=True)
    url_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    language = models.CharField(_("language"), max_length=35, blank=True, validators=[language_validator])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    group = models.ForeignKey(
        "self",
        verbose_name=_("grouped with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.SET_NULL, null=True, blank=True, related_name="tips"
    )
    suggested_claim = models.ForeignKey(
        Claim,
        verbose_name=_("best matching claim"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    suggestion_score = models.FloatField(_("match score"), null=True, blank=True)
    requests = models.PositiveIntegerField(_("requests"), default=1)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now, db_index=True)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [models.Index(fields=["status", "-last_seen"], name="tip_status_last_seen")]

    def __str__(self) -> str:
        return cut_at_word(self.text, 80)


class TipContact(models.Model):
    """A tipster's e-mail address, kept apart from the tip so that only editors see it.

    With `consent` the tipster gets one mail with the public link when the claim their tip
    is attached to is published (`notified_at` records it). Deleted after
    TIPS_CONTACT_RETENTION_DAYS by a periodic task.
    """

    tip = models.ForeignKey(Tip, verbose_name=_("tip"), on_delete=models.CASCADE, related_name="contacts")
    email = models.EmailField(_("e-mail"), max_length=254)
    consent = models.BooleanField(_("wants to hear back"), default=False)
    language = models.CharField(_("language"), max_length=35, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tip contact")
        verbose_name_plural = _("tip contacts")

    def __str__(self) -> str:
        return self.email
