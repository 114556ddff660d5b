"""Claims, who made them, where they appeared, and the desk's verdicts on them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from claims.textcut import cut_at_word
from claims.workflow import LIVE_STATES, ClaimStatus

from .audit import AuditedManager

# BCP-47 language tags as the desk uses them: "nb", "en", "nn", "se", "pt-BR", "zh-Hant".
language_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z]{4})?(-([A-Z]{2}|[0-9]{3}))?$",
    _("Enter a BCP-47 language tag such as “nb”, “en” or “pt-BR”."),
)
wikidata_validator = RegexValidator(r"^Q[1-9][0-9]*$", _("Enter a Wikidata item id such as “Q7747”."))


class Tag(models.Model):
    """A topic label on claims (e.g. “Ukraina”, “NATO”), used for filtering and partner feeds."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=70, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Claimant(models.Model):
    """A person or organisation that made one or more claims."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANIZATION = "organization", _("Organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    wikidata_id = models.CharField(_("Wikidata id"), max_length=20, blank=True, validators=[wikidata_validator])
    same_as_url = models.URLField(_("sameAs URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("claimant")
        verbose_name_plural = _("claimants")
        constraints = [models.UniqueConstraint(Lower("name"), name="claimant_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """A document on the web (article, speech transcript, post); its URL is stored normalised."""

    url = models.URLField(_("URL"), max_length=2000, unique=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True, help_text=_("Publisher or site name."))
    author = models.CharField(_("author"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=35, blank=True, validators=[language_validator])
    text = models.TextField(_("extracted text"), blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title or self.url


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Claim(models.Model):
    """A statement worth checking, as it was said, with its place in the desk's workflow."""

    text = models.TextField(_("claim as stated"), max_length=5000)
    claim_reviewed = models.CharField(
        _("claim reviewed"),
        max_length=200,
        blank=True,
        help_text=_("A short summary of what is checked; ClaimReview recommends 75 characters or fewer."),
    )
    language = models.CharField(_("language"), max_length=35, validators=[language_validator], db_index=True)
    claimant = models.ForeignKey(
        Claimant, verbose_name=_("claimant"), on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    claim_date = models.DateField(_("claim date"), null=True, blank=True, db_index=True)
    location = models.CharField(_("location"), max_length=200, blank=True, help_text=_("Where the claim was made."))
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="claims")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        # Indexed only where set (Meta.indexes): see claim_duplicate_of.
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, db_index=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    # Optimistic locking: every write through the services bumps it; the API's ETag is built on it.
    version = models.PositiveIntegerField(_("version"), default=1)
    # How many readers asked about this claim (their tips' requests), kept by the tip services
    # so the claims list can sort by it.
    reader_requests = models.PositiveIntegerField(_("readers asked"), default=0, db_index=True)
    # Claimant name, appearance quotes and source titles, kept by the services so that the
    # full-text index (a trigger on PostgreSQL) covers them without joins.
    search_extra = models.TextField(editable=False, blank=True, default="")
    # The folded, stemmed index tokens of all of the above (claims.search builds them; on
    # PostgreSQL a trigger turns them into search_vector), so both backends search alike.
    search_folded = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    # The reason given with the last return to research or rejection, while the claim is
    # still where that handoff put it (the assignee's banner); cleared by the next transition.
    handoff = models.ForeignKey(
        "Comment", verbose_name=_("handoff"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # `.update()` writes history too (four queries); `.update_without_history()` does not.
    objects = AuditedManager()
    history = HistoricalRecords(
        excluded_fields=["search_extra", "search_folded", "search_vector", "handoff", "reader_requests"]
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("work_claim", _("Can triage, research and draft fact-checks")),
            ("publish_claim", _("Can approve, publish and retract fact-checks")),
        ]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="claim_status_updated"),
            models.Index(fields=["assignee", "status"], name="claim_assignee_status"),
            models.Index(fields=["-updated_at", "-id"], name="claim_updated_id"),
            # Only the duplicates: "which claims duplicate this one" is the only look-up by
            # this column. A full index let PostgreSQL answer "duplicate_of IS NULL" (every
            # tracking pool's filter) by reading nearly every claim through it and testing
            # the full-text match row by row, instead of the GIN index: 22 of a harvest
            # batch's 103 pool branches did, ~70 ms each at 20k claims (issue 17).
            models.Index(fields=["duplicate_of"], condition=Q(duplicate_of__isnull=False), name="claim_duplicate_of"),
        ]

    def __str__(self) -> str:
        return self.claim_reviewed or cut_at_word(self.text, 80)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATES


class Appearance(models.Model):
    """A claim appearing in a source, with the quote as it appears there."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="appearances")
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="appearances")
    quote = models.TextField(_("quote"), blank=True, max_length=5000)
    appeared_on = models.DateField(_("appeared on"), null=True, blank=True)
    is_first_appearance = models.BooleanField(_("first appearance"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # `.update()` writes history too (four queries); `.update_without_history()` does not.
    objects = AuditedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_first_appearance", "appeared_on", "id"]
        verbose_name = _("appearance")
        verbose_name_plural = _("appearances")
        constraints = [
            models.UniqueConstraint(fields=["claim", "source"], name="appearance_claim_source_unique"),
            models.UniqueConstraint(
                fields=["claim"], condition=models.Q(is_first_appearance=True), name="appearance_one_first_per_claim"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} @ {self.source}"


class Rating(models.Model):
    """A step on the desk's verdict scale, mapped to ClaimReview's numeric rating where it has one."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=80)
    label_nb = models.CharField(_("label (Norwegian Bokmål)"), max_length=80)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    explanation_nb = models.TextField(_("explanation (Norwegian Bokmål)"), blank=True)
    rating_value = models.PositiveSmallIntegerField(
        _("rating value"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("ClaimReview ratingValue (1 = worst, 5 = best); empty for ratings off the numeric scale."),
    )
    best_rating = models.PositiveSmallIntegerField(_("best rating"), default=5)
    worst_rating = models.PositiveSmallIntegerField(_("worst rating"), default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    # `.update()` writes history too (four queries); `.update_without_history()` does not.
    objects = AuditedManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating_value__isnull=True) | models.Q(rating_value__gte=1, rating_value__lte=5),
                name="rating_value_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @staticmethod
    def _norwegian(language: str | None) -> bool:
        return (language or "").startswith(("nb", "no", "nn"))

    def label_for(self, language: str | None) -> str:
        return self.label_nb if self._norwegian(language) else self.label_en

    @property
    def label(self) -> str:
        return self.label_for(get_language())

    @property
    def explanation(self) -> str:
        return self.explanation_nb if self._norwegian(get_language()) else self.explanation_en


class ClaimReviewPage(models.Model):
    """A published fact-check page that carries ClaimReview markup for one or more claims.

    Mirrors Google Fact Check Tools' ClaimReviewMarkupPage, so pages created through the
    compatibility API map onto the desk's reviews.
    """

    page_url = models.URLField(_("page URL"), max_length=2000, unique=True)
    publish_date = models.DateField(_("publish date"), null=True, blank=True)
    author_name = models.CharField(_("author name"), max_length=200, blank=True)
    author_image_url = models.URLField(_("author image URL"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("ClaimReview page")
        verbose_name_plural = _("ClaimReview pages")

    def __str__(self) -> str:
        return self.page_url


class Review(models.Model):
    """The fact-check of a claim: the verdict, its rationale and the evidence behind it."""

    claim = models.OneToOneField(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="review")
    rating = models.ForeignKey(
        Rating, verbose_name=_("rating"), on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    rationale = models.TextField(_("rationale"), blank=True, help_text=_("Markdown."))
    evidence = models.ManyToManyField(Source, verbose_name=_("evidence"), blank=True, related_name="cited_by")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authored_reviews",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_reviews",
    )
    page = models.ForeignKey(
        ClaimReviewPage,
        verbose_name=_("page"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
    )
    published_url = models.URLField(_("published URL"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # `.update()` writes history too (four queries); `.update_without_history()` does not.
    objects = AuditedManager()
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return self.headline or _("Review of claim %(id)s") % {"id": self.claim_id}


class Comment(models.Model):
    """An internal note by a reviewer or editor on a claim; never published.

    A comment of kind `return` or `reject` is the reason given with that transition; it
    records the states it moved the claim between.
    """

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        RETURN = "return", _("Returned to research")
        REJECT = "reject", _("Rejected")

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="claim_comments"
    )
    body = models.TextField(_("comment"), max_length=10000)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    from_status = models.CharField(_("from state"), max_length=20, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(_("to state"), max_length=20, choices=ClaimStatus.choices, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return _("%(author)s on %(claim)s") % {"author": self.author, "claim": self.claim_id}
