"""Candidate claims: check-worthy sentences found in the article index, waiting for a decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claims.textcut import cut_at_word

from .core import Claim, Claimant
from .discovery import Article
from .imports import ExternalReview


class CandidateClaim(models.Model):
    """A sentence of a harvested article that scored at or above the desk's check-worthiness
    threshold: the reviewer records it as a claim or dismisses it.

    `start`/`end` are offsets into the article's extracted text at the time it was scored.
    A candidate that repeats a claim the desk already has is stored as `tracked`, linked to it.
    `external_review` is another desk's fact-check of the same claim ("already checked by …"):
    one whose reviewed claim the sentence matches, or one attached to the claim it tracks.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Recorded as claim")
        DISMISSED = "dismissed", _("Dismissed")
        TRACKED = "tracked", _("Already tracked")

    OPEN = (Status.NEW, Status.TRACKED)  # waiting for a decision

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="candidates")
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.TextField(_("sentence"))
    score = models.FloatField(_("score"), db_index=True)
    language = models.CharField(_("language"), max_length=35)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    claimant = models.ForeignKey(
        Claimant, verbose_name=_("matched claimant"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.SET_NULL, null=True, blank=True, related_name="candidates"
    )
    match_score = models.FloatField(_("match score"), null=True, blank=True)
    external_review = models.ForeignKey(
        ExternalReview,
        verbose_name=_("already checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidates",
    )
    model_version = models.PositiveIntegerField(_("model version"), default=1)
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

    # The harvest writes ~15 of these per article, each with a history row, in a table that
    # only grows. Its indexes are the look-ups its readers make (one candidate's history by id,
    # by date, by user), not a copy of every index above: 13 became 5, and at 458k history rows
    # the indexes take 43 MB instead of 83 MB (the harvest bench's database, issue 17).
    history = HistoricalRecords(
        no_db_index=["article", "claim", "claimant", "created_at", "decided_by", "external_review", "score", "status"]
    )

    class Meta:
        ordering = ["-score", "-id"]
        verbose_name = _("candidate claim")
        verbose_name_plural = _("candidate claims")
        constraints = [models.UniqueConstraint(fields=["article", "start"], name="candidate_article_start_unique")]
        indexes = [models.Index(fields=["status", "-score"], name="candidate_status_score")]

    def __str__(self) -> str:
        return cut_at_word(self.text, 80)
