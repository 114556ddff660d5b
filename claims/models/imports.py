"""Imports: other organisations' ClaimReviews kept as external reviews, the mapping of their
rating texts onto the desk's scale, and the import jobs with their row reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .core import Claim, Rating


class RatingMapping(models.Model):
    """One rating text another desk uses ("Helt feil", "Pants on Fire") and the step on this
    desk's scale it means. Texts not in this table are imported as they are and flagged."""

    text = models.CharField(_("rating text"), max_length=200, unique=True, help_text=_("Compared case-insensitively."))
    rating = models.ForeignKey(Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["text"]
        verbose_name = _("rating mapping")
        verbose_name_plural = _("rating mappings")

    def __str__(self) -> str:
        return f"{self.text} → {self.rating.slug}"


class ImportJob(models.Model):
    """One import of a file or URL: its progress, counts and row report.

    A dry run does all the work inside a transaction that is rolled back, so its counts
    are what a real run would make. With `atomic`, any failed item rolls everything back.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    source_url = models.URLField(_("URL"), max_length=2000, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    payload = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    format = models.CharField(_("format"), max_length=20, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    atomic = models.BooleanField(_("all or nothing"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("items"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    report = models.JSONField(_("report"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.source_url or self.filename or f"#{self.pk}"


class ExternalReview(models.Model):
    """Another organisation's fact-check of a claim. Never the desk's own verdict: shown as
    "already checked by …" beside it."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="external_reviews")
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    publisher_url = models.URLField(_("publisher site"), max_length=2000, blank=True)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    claim_reviewed = models.TextField(_("claim reviewed"), blank=True)
    rating_text = models.CharField(_("rating text"), max_length=300, blank=True)
    rating_value = models.FloatField(_("rating value"), null=True, blank=True)
    best_rating = models.FloatField(_("best rating"), null=True, blank=True)
    worst_rating = models.FloatField(_("worst rating"), null=True, blank=True)
    rating = models.ForeignKey(
        Rating,
        verbose_name=_("on the desk's scale"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The rating text is in no mapping: kept as given, for an editor to map.
    rating_unmapped = models.BooleanField(_("rating text not mapped"), default=False)
    date = models.DateField(_("review date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=35, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("external review")
        verbose_name_plural = _("external reviews")

    def __str__(self) -> str:
        return f"{self.publisher}: {self.rating_text}"

    @property
    def summary(self) -> str:
        """“already checked by Faktisk: Helt feil” (the publisher's site when it has no name)."""
        publisher = self.publisher or self.publisher_url or self.url
        if self.rating_text:
            return gettext("already checked by %(publisher)s: %(rating)s") % {
                "publisher": publisher,
                "rating": self.rating_text,
            }
        return gettext("already checked by %(publisher)s") % {"publisher": publisher}


class ImportRecord(models.Model):
    """What makes a re-import idempotent: one row per imported item key (the review's URL
    with the claim reviewed, or claim text + claimant + date), with a hash of its content
    so an unchanged item is skipped and a changed one updated."""

    key = models.CharField(max_length=64, unique=True)
    content_hash = models.CharField(max_length=64)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    external_review = models.ForeignKey(
        ExternalReview, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")

    def __str__(self) -> str:
        return self.key
