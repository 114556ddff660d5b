"""The desk-wide re-ranker learned from reviewers' marks (claims.discovery.feedback)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RankerModel(models.Model):
    """One training run of the desk re-ranker: its parameters, how many marks it saw, how it
    compared with the default weights on the newest marks, and whether it is in use.

    At most one row is active; the periodic training task writes a row per run, so the
    desk can see why a model was (or was not) put in place.
    """

    created_at = models.DateTimeField(_("trained"), auto_now_add=True)
    marks = models.PositiveIntegerField(_("marks"), default=0)
    active = models.BooleanField(_("in use"), default=False)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ranker model")
        verbose_name_plural = _("ranker models")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="ranker_one_active")
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.marks})"
