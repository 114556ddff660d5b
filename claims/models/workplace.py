"""The desk's published corrections and the desk members' own preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Claim


class Correction(models.Model):
    """A public note on a published fact-check: what changed in the verdict, when and why.

    Written by `claims.services.claim_correct`, the only way a live verdict changes; the
    public page and the ClaimReview show every note with its date.
    """

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField(_("correction note"), max_length=2000)
    # {"rating": ["old-slug", "new-slug"], "headline": [old, new], …}: what the note explains.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return self.note[:80]


class UserPreference(models.Model):
    """A desk member's settings that follow them between sessions (the admin's language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="fc_preference"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return str(self.user)
