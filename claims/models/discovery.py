"""The related-article index: feeds, harvested articles, suggestions for claims, and jobs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Claim, language_validator


class Feed(models.Model):
    """An RSS or Atom feed the desk harvests into the article index."""

    url = models.URLField(_("URL"), max_length=2000, unique=True)
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=35, blank=True, validators=[language_validator])
    enabled = models.BooleanField(_("enabled"), default=True)
    # Conditional GET state, so a re-harvest of an unchanged feed costs one 304.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_harvested_at = models.DateTimeField(_("last harvested"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """A news article or reference page in the local index, with clean extracted text."""

    url = models.URLField(_("URL"), max_length=2000, unique=True)
    canonical_url = models.URLField(_("canonical URL"), max_length=2000, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=35, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, db_index=True)
    provider = models.CharField(_("provider"), max_length=40, default="feed")
    feed = models.ForeignKey(Feed, verbose_name=_("feed"), on_delete=models.SET_NULL, null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    fetch_error = models.TextField(_("fetch error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title or self.url


class RelatedArticle(models.Model):
    """An article suggested for a claim, with its score, the reason, and the reviewer's feedback."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        RELEVANT = "relevant", _("Relevant")
        IRRELEVANT = "irrelevant", _("Irrelevant")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="related_articles")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    score = models.FloatField(_("score"), default=0.0)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)
    provider = models.CharField(_("provider"), max_length=40)
    why = models.JSONField(_("why"), default=dict, blank=True, help_text=_("Matched terms and signals."))
    snippet = models.TextField(_("snippet"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUGGESTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["claim", "-score", "id"]
        verbose_name = _("related article")
        verbose_name_plural = _("related articles")
        constraints = [models.UniqueConstraint(fields=["claim", "article"], name="related_claim_article_unique")]
        indexes = [models.Index(fields=["claim", "status", "-score"], name="related_claim_status_score")]

    def __str__(self) -> str:
        return _("%(article)s for claim %(claim)s") % {"article": self.article, "claim": self.claim_id}


class DuplicateSuggestion(models.Model):
    """A pair of claims that seem to say the same thing, for a reviewer to merge or dismiss.

    `via_review`: the pair was found through another desk's review of the candidate claim
    (its wording of the claim matched), not through the desk's own wording.
    """

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        DISMISSED = "dismissed", _("Dismissed")
        MERGED = "merged", _("Merged")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="duplicate_suggestions")
    candidate = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    # Found through another desk's wording of the candidate claim (its review's
    # `claim_reviewed`), not the desk's own: that review is the reason shown.
    via_review = models.ForeignKey(
        "claims.ExternalReview",
        verbose_name=_("found through the review"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUGGESTED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["claim", "-score"]
        verbose_name = _("duplicate suggestion")
        verbose_name_plural = _("duplicate suggestions")
        constraints = [
            models.UniqueConstraint(fields=["claim", "candidate"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=~models.Q(claim=models.F("candidate")), name="duplicate_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} ~ {self.candidate_id} ({self.score:.2f})"


class FetchJob(models.Model):
    """One run of a background job (discovery for a claim, a feed harvest), with its progress."""

    class Kind(models.TextChoices):
        DISCOVER = "discover", _("Find related articles")
        HARVEST = "harvest", _("Harvest feed")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Partly succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # {"feed": {"found": 12, "stored": 3, "skipped": "disabled"}, …}
    provider_stats = models.JSONField(default=dict, blank=True)
    # [{"provider": "…", "url": "…", "error": "…", "permanent": true}, …]
    errors = models.JSONField(default=list, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The running attempt's proof of life (claims.discovery.jobs.lease): stale means its worker died.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # When the latest message for the job was sent; a queued job not taken long after was lost.
    enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("fetch job")
        verbose_name_plural = _("fetch jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"
