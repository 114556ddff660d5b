"""How claims and the desk's other records look in JSON, and what a request body may contain.

Output serializers read prefetched objects (no queries of their own); a serializer whose
rows need joins, prefetches or a column list states them in its `load(queryset)` method,
and every queryset that feeds it goes through that method (under tests a list whose first
row still queries the database fails loudly: see `claims.api.fast`). Input serializers
validate strictly (see `fields.py`) and hand plain values to `claims.services`.
Internal details (who is assigned, who drafted or approved a verdict) are shown to desk
members only; the `desk` context flag says whether the caller is one.

The serializers of the desk's other records (claimants, sources, ratings, reviews, tags) and
the brief forms the claims nest are in `claims.api.resource_serializers`; they are imported
here too, so `from claims.api.serializers import ReviewSerializer` still works.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims import selectors, services
from claims.api.fast import CompiledListSerializer, prefetch_rows
from claims.api.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictSerializer,
    StrictURLField,
    UserRefField,
)
from claims.api.resource_serializers import (
    AppearanceSerializer,
    ClaimantBriefSerializer,
    RatingBriefSerializer,
    ReviewBriefSerializer,
    ReviewSerializer,
    TagSerializer,
    UserBriefSerializer,
    _is_desk,
    _user,
)

# Moved to resource_serializers.py; importable from here as before (explicit re-exports).
from claims.api.resource_serializers import ClaimantSerializer as ClaimantSerializer
from claims.api.resource_serializers import RatingSerializer as RatingSerializer
from claims.api.resource_serializers import ReviewWriteSerializer as ReviewWriteSerializer
from claims.api.resource_serializers import SourceBriefSerializer as SourceBriefSerializer
from claims.api.resource_serializers import SourceSerializer as SourceSerializer
from claims.api.resource_serializers import SourceUpdateSerializer as SourceUpdateSerializer
from claims.api.rows import Row, attach_many
from claims.api.rows import rows as page_rows
from claims.models import (
    Appearance,
    Claim,
    Comment,
    Correction,
    ExternalReview,
    Priority,
    Rating,
    Review,
    Tag,
)
from claims.models.core import language_validator

# --- Claims ---------------------------------------------------------------------------------


# What a row of the claim list shows (ClaimSerializer), and nothing else: a page of 50 then
# builds small model instances from short rows. A field added to the serializer must be
# added here too, or each row fetches it with a query of its own (the tests fail on that).
_LIST_COLUMNS = (
    *("id", "slug", "text", "claim_reviewed", "language", "claimant", "claim_date", "location", "status"),
    *("priority", "assignee", "created_at", "updated_at", "published_at", "version"),
    *("claimant__id", "claimant__name", "claimant__kind"),
    *("review__id", "review__claim", "review__rating", "review__headline", "review__published_url"),
    "review__published_at",
    *(f"review__rating__{f}" for f in ("id", "slug", "label_en", "label_nb", "rating_value", "best_rating")),
    "review__rating__worst_rating",
)
_LIST_DESK_COLUMNS = ("assignee__id", "assignee__username")
_LIST_APPEARANCE_COLUMNS = (
    *("id", "claim", "source", "quote", "appeared_on", "is_first_appearance"),
    *(f"source__{f}" for f in ("id", "url", "title", "outlet", "author", "published_at", "language")),
)


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as lists, exports and sync clients see it. Feed it `ClaimSerializer.load(claims, desk=…)`."""

    url = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    claimreview = serializers.SerializerMethodField()
    claimant = ClaimantBriefSerializer(read_only=True, allow_null=True)
    assignee = serializers.SerializerMethodField()
    tags = TagSerializer(many=True, read_only=True)
    appearances = AppearanceSerializer(many=True, read_only=True)
    # Declared (not method) fields: built once per page instead of once per row, and
    # compiled by CompiledListSerializer. DRF reads a missing review as None.
    review = ReviewBriefSerializer(read_only=True, allow_null=True)
    rating = RatingBriefSerializer(source="review.rating", read_only=True, allow_null=True)

    class Meta:
        model = Claim
        # Lists and exports: DRF's output, without its per-row overhead (bench/ case 1).
        list_serializer_class = CompiledListSerializer
        fields = [
            "id",
            "url",
            "slug",
            "text",
            "claim_reviewed",
            "language",
            "claimant",
            "claim_date",
            "location",
            "status",
            "priority",
            "assignee",
            "tags",
            "appearances",
            "rating",
            "review",
            "created_at",
            "updated_at",
            "published_at",
            "version",
            "history",
            "claimreview",
        ]
        read_only_fields = fields

    @staticmethod
    def load(claims: QuerySet[Claim], *, desk: bool) -> QuerySet[Claim]:
        """What a row reads, in three queries whatever the page size: the claims (claimant,
        review and rating joined, and the assignee for desk members, the only ones shown it),
        their tags, and their appearances with sources. Only the columns the rows show are
        read: no verdict Markdown, claimant description or extracted source text."""
        return (
            claims.select_related("claimant", "review__rating", *(["assignee"] if desk else []))
            .only(*_LIST_COLUMNS, *(_LIST_DESK_COLUMNS if desk else ()))
            .prefetch_related(
                # Plain lists (fast.prefetch_rows): no related manager built per row to hold them.
                prefetch_rows("tags"),
                prefetch_rows(
                    "appearances",
                    queryset=Appearance.objects.select_related("source").only(*_LIST_APPEARANCE_COLUMNS),
                ),
            )
        )

    @staticmethod
    def load_values(claims: QuerySet[Claim], *, desk: bool) -> QuerySet[Any]:
        """The same rows as `load()`, as column values (dicts) for `rows()`: lists read pages
        this way (claims/api/rows.py), the page's count and ordering applied as usual."""
        return claims.values(*_LIST_COLUMNS, *(_LIST_DESK_COLUMNS if desk else ()))

    @staticmethod
    def rows(page: Sequence[Any]) -> list[Row]:
        """A page of `load_values()` as Rows, with tags and appearances: two queries for the page."""
        claims = page_rows(page)
        if claims:
            ids = [claim.pk for claim in claims]
            tags = Tag.objects.filter(claims__in=ids).values("claims__id", "id", "slug", "name")
            attach_many(claims, "tags", tags, key="claims__id")
            appearances = Appearance.objects.filter(claim__in=ids).values(*_LIST_APPEARANCE_COLUMNS)
            attach_many(claims, "appearances", appearances, key="claim")
        return claims

    def _link(self, name: str, claim: Claim) -> str:
        # reverse() costs more than the rest of a row; resolve each route once per
        # serializer (i.e. once per page) and fill in the id.
        templates = self.__dict__.setdefault("_link_templates", {})
        template = templates.get(name)
        if template is None:
            marker = "987654321987654321"
            # Django's reverse, not DRF's: DRF's copies ?format= from the request into the link.
            url = reverse(f"api:claim-{name}", kwargs={"pk": marker})
            request = self.context.get("request")
            url = request.build_absolute_uri(url) if request is not None else url
            template = templates[name] = url.replace("{", "{{").replace("}", "}}").replace(marker, "{pk}")
        return template.format(pk=claim.pk)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, claim: Claim) -> str:
        return self._link("detail", claim)

    @extend_schema_field(OpenApiTypes.URI)
    def get_history(self, claim: Claim) -> str:
        return self._link("history", claim)

    @extend_schema_field(OpenApiTypes.URI)
    def get_claimreview(self, claim: Claim) -> str:
        return self._link("claimreview", claim)

    @extend_schema_field(UserBriefSerializer(allow_null=True))
    def get_assignee(self, claim: Claim) -> dict[str, Any] | None:
        # Outside the desk the assignee is not shown, and not loaded (see load()).
        return _user(self, claim.assignee) if _is_desk(self) else None


class TransitionOptionSerializer(serializers.Serializer):
    to = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # a field named like Field.label


class ExternalReviewSerializer(serializers.ModelSerializer):
    """Another organisation's fact-check of the claim (imported ClaimReview); not the desk's verdict."""

    class Meta:
        model = ExternalReview
        fields = [
            "publisher",
            "publisher_url",
            "url",
            "rating_text",
            "rating_value",
            "best_rating",
            "worst_rating",
            "date",
            "language",
        ]
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer):
    """An internal comment; `return`/`reject` ones are the reasons given with those transitions."""

    author = UserBriefSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "kind", "body", "author", "from_status", "to_status", "created_at"]
        read_only_fields = fields


class CorrectionSerializer(serializers.ModelSerializer):
    """A published correction note (public)."""

    class Meta:
        model = Correction
        fields = ["id", "note", "created_at"]
        read_only_fields = fields


class CorrectionInputSerializer(StrictSerializer):
    """The body of `POST /api/v1/claims/{id}/corrections/`."""

    note = StrictCharField(
        max_length=2000, help_text=_("What changed and why; published with the fact-check. Required.")
    )
    rating = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Rating.objects.all(),
        required=False,
        help_text=_("New rating slug; a published verdict's rating cannot be cleared."),
    )
    headline = StrictCharField(max_length=300, required=False, help_text=_("New headline (not empty)."))
    rationale = StrictCharField(max_length=20000, required=False, help_text=_("New rationale, Markdown (not empty)."))


class ClaimDetailSerializer(ClaimSerializer):
    """A claim with its full verdict, corrections, other desks' reviews, the desk's comments and the transitions.
    Feed it `ClaimDetailSerializer.load(claims, desk=…)`."""

    review = ReviewSerializer(read_only=True, allow_null=True)  # type: ignore[assignment]  # the full verdict
    external_reviews = ExternalReviewSerializer(many=True, read_only=True)
    corrections = CorrectionSerializer(many=True, read_only=True)
    comments = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "external_reviews", "corrections", "comments", "available_transitions"]
        read_only_fields = fields

    @staticmethod
    def load(claims: QuerySet[Claim], *, desk: bool) -> QuerySet[Claim]:
        """Everything the detail (and its ClaimReview JSON-LD) shows: every column but the
        search index's, the whole verdict with author, approver and evidence, the comments with
        their authors, corrections and other desks' reviews."""
        return (
            claims.select_related("claimant", "assignee", "review__rating")
            .defer("search_vector", "search_extra", "search_folded")
            .prefetch_related(
                "tags",
                Prefetch("appearances", queryset=Appearance.objects.select_related("source")),
                Prefetch("comments", queryset=Comment.objects.select_related("author")),
                "corrections",
                Prefetch(
                    "review",
                    queryset=Review.objects.select_related("rating", "author", "approver").prefetch_related("evidence"),
                ),
                "external_reviews",
            )
        )

    @extend_schema_field(CommentSerializer(many=True))
    def get_comments(self, claim: Claim) -> list[dict[str, Any]]:
        """Internal: desk members only (the public and partners get an empty list)."""
        request = self.context.get("request")
        if not selectors.can_see_unpublished(getattr(request, "user", None)):
            return []
        return list(CommentSerializer(claim.comments.all(), many=True, context=self.context).data)

    @extend_schema_field(TransitionOptionSerializer(many=True))
    def get_available_transitions(self, claim: Claim) -> list[dict[str, str]]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return [
            {"to": str(t.target), "label": str(t.label)} for t in services.available_transitions(claim=claim, user=user)
        ]


class AppearanceInputSerializer(StrictSerializer):
    url = StrictURLField(help_text=_("Where the claim appeared (http or https)."))
    quote = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    appeared_on = serializers.DateField(required=False, allow_null=True, default=None)
    is_first_appearance = StrictBooleanField(required=False, default=False)
    title = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    outlet = StrictCharField(max_length=200, required=False, allow_blank=True, default="")


class ClaimCreateSerializer(StrictSerializer):
    """The body of `POST /api/v1/claims/`."""

    text = StrictCharField(max_length=5000, help_text=_("The claim as it was stated."))
    language = StrictCharField(max_length=35, validators=[language_validator], help_text=_("BCP-47 tag, e.g. “nb”."))
    claimant = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=_("Who made the claim; found by name (case-insensitive) or created."),
    )
    claim_date = serializers.DateField(required=False, allow_null=True)
    claim_reviewed = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    location = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    appearances = AppearanceInputSerializer(many=True, required=False, max_length=50)  # type: ignore[call-arg]  # a ListSerializer argument
    tags = serializers.ListField(child=StrictCharField(max_length=60), required=False, max_length=30)
    priority = StrictChoiceField(choices=Priority.choices, required=False)

    def validate_appearances(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if sum(1 for item in value if item.get("is_first_appearance")) > 1:
            raise serializers.ValidationError(_("Only one appearance can be the first."))
        return value

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["appearances"] = [services.AppearanceInput(**item) for item in data.get("appearances", [])]
        return data


class ClaimUpdateSerializer(StrictSerializer):
    """The body of `PATCH /api/v1/claims/{id}/`: any of these fields; tags replace the claim's tags."""

    text = StrictCharField(max_length=5000, required=False)
    claim_reviewed = StrictCharField(max_length=200, required=False, allow_blank=True)
    language = StrictCharField(max_length=35, validators=[language_validator], required=False)
    claimant = StrictCharField(max_length=200, required=False, allow_blank=True, allow_null=True)
    claim_date = serializers.DateField(required=False, allow_null=True)
    location = StrictCharField(max_length=200, required=False, allow_blank=True)
    priority = StrictChoiceField(choices=Priority.choices, required=False)
    assignee = UserRefField(
        required=False, allow_null=True, help_text=_("User id or username of a reviewer or editor; null to unassign.")
    )
    tags = serializers.ListField(child=StrictCharField(max_length=60), required=False, max_length=30)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        tags = data.pop("tags", None)
        if "claimant" in data and data["claimant"] is None:
            data["claimant"] = ""  # the service reads an empty name as "no claimant"
        return {"data": data, "tags": tags}


class TransitionSerializer(StrictSerializer):
    to = StrictCharField(max_length=40, help_text=_("The target workflow state, e.g. “triaged”."))
    reason = StrictCharField(
        max_length=10000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why; required (not blank) to return a claim to research or reject it. Kept as a comment."),
    )


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class AuditEntrySerializer(serializers.Serializer):
    model = serializers.ChoiceField(choices=["claim", "review", "appearance"])
    object_id = serializers.IntegerField()
    history_id = serializers.IntegerField()
    date = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    type = serializers.ChoiceField(choices=["+", "~", "-"], help_text=_("+ created, ~ changed, - deleted."))
    reason = serializers.CharField(allow_blank=True)
    changes = ChangeSerializer(many=True)
