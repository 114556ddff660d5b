"""The desk's records other than claims in JSON, and what a request body for them may contain.

Claimants, sources, ratings, reviews and tags as `/api/v1/claimants/`, `/sources/`, `/ratings/`,
`/reviews/` and `/tags/` show and accept them (`claims.api.resources`), and the brief forms of
them (and of users and appearances) that the claim serializers in `claims.api.serializers`
nest. The same rules hold as there: output serializers read prefetched objects, input
serializers validate strictly (see `fields.py`), and internal details (who drafted or
approved a verdict) are shown to desk members only, as the `desk` context flag says.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.api.fast import CompiledListSerializer
from claims.api.fields import StrictCharField, StrictModelSerializer, StrictSerializer, StrictURLField
from claims.claimreview import review_of
from claims.models import Appearance, Claim, Claimant, Rating, Review, Source, Tag

# --- Read-side building blocks ------------------------------------------------------------


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "slug", "name"]
        read_only_fields = fields
        list_serializer_class = CompiledListSerializer  # reads load()'s prefetched list


class ClaimantBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claimant
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class SourceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "url", "title", "outlet", "author", "published_at", "language"]
        read_only_fields = fields


class AppearanceSerializer(serializers.ModelSerializer):
    source = SourceBriefSerializer(read_only=True)  # type: ignore[assignment]  # a field named like Field.source

    class Meta:
        model = Appearance
        fields = ["id", "source", "quote", "appeared_on", "is_first_appearance"]
        read_only_fields = fields
        list_serializer_class = CompiledListSerializer  # reads load()'s prefetched list


class RatingBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["id", "slug", "label_en", "label_nb", "rating_value", "best_rating", "worst_rating"]
        read_only_fields = fields


def _is_desk(serializer: serializers.BaseSerializer) -> bool:
    return bool(serializer.context.get("desk"))


def _user(serializer: serializers.BaseSerializer, user: Any) -> dict[str, Any] | None:
    if user is None or not _is_desk(serializer):
        return None
    return {"id": user.pk, "username": user.username}  # a model instance or a list page's Row


class ReviewSerializer(serializers.ModelSerializer):
    """A verdict with its rationale and evidence; author and approver for desk members only."""

    claim: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    claim_status = serializers.CharField(source="claim.status", read_only=True)
    rating = RatingBriefSerializer(read_only=True, allow_null=True)
    evidence = SourceBriefSerializer(many=True, read_only=True)
    author = serializers.SerializerMethodField()
    approver = serializers.SerializerMethodField()
    # Empty until the verdict is published; a URLField would be documented as format "uri",
    # which "" does not match (found by tests/test_api_fuzz.py).
    published_url = serializers.CharField(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "claim",
            "claim_status",
            "rating",
            "headline",
            "rationale",
            "evidence",
            "author",
            "approver",
            "published_url",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(UserBriefSerializer(allow_null=True))
    def get_author(self, review: Review) -> dict[str, Any] | None:
        return _user(self, review.author)

    @extend_schema_field(UserBriefSerializer(allow_null=True))
    def get_approver(self, review: Review) -> dict[str, Any] | None:
        return _user(self, review.approver)


class ReviewBriefSerializer(serializers.ModelSerializer):
    rating = RatingBriefSerializer(read_only=True, allow_null=True)
    published_url = serializers.CharField(read_only=True)  # "" until published, see ReviewSerializer

    class Meta:
        model = Review
        fields = ["id", "headline", "rating", "published_url", "published_at"]
        read_only_fields = fields


# --- Claimants, sources, ratings, reviews ------------------------------------------------


class ClaimantSerializer(StrictModelSerializer):
    class Meta:
        model = Claimant
        fields = [
            "id",
            "name",
            "kind",
            "job_title",
            "description",
            "wikidata_id",
            "same_as_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"description": {"max_length": 5000}}

    def validate_name(self, value: str) -> str:
        value = " ".join(value.split())
        others = Claimant.objects.filter(name__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("A claimant with this name already exists."))
        return value


class SourceSerializer(StrictModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "url", "title", "outlet", "author", "published_at", "language", "created_at", "fetched_at"]
        read_only_fields = ["id", "created_at", "fetched_at"]
        # The service normalises the URL and returns the existing source for a known one.
        extra_kwargs: dict[str, dict[str, Any]] = {"url": {"validators": []}}


class SourceUpdateSerializer(SourceSerializer):
    """A source's URL is its identity; only its metadata can change."""

    class Meta(SourceSerializer.Meta):
        read_only_fields = ["id", "url", "created_at", "fetched_at"]


class RatingSerializer(StrictModelSerializer):
    label = serializers.CharField(read_only=True, help_text=_("The label in the request's language."))  # type: ignore[assignment]  # a field named like Field.label

    class Meta:
        model = Rating
        fields = [
            "id",
            "slug",
            "label",
            "label_en",
            "label_nb",
            "explanation_en",
            "explanation_nb",
            "rating_value",
            "best_rating",
            "worst_rating",
            "order",
            "is_active",
        ]
        read_only_fields = ["id", "label"]
        extra_kwargs = {"explanation_en": {"max_length": 5000}, "explanation_nb": {"max_length": 5000}}


class ReviewWriteSerializer(StrictSerializer):
    """The body of `POST /api/v1/reviews/` (with `claim`) and `PATCH /api/v1/reviews/{id}/`."""

    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.none(), help_text=_("The claim's id."))
    rating = serializers.SlugRelatedField(
        slug_field="slug", queryset=Rating.objects.all(), required=False, help_text=_("Rating slug, e.g. “false”.")
    )
    headline = StrictCharField(max_length=300, required=False, allow_blank=True)
    rationale = StrictCharField(max_length=20000, required=False, allow_blank=True, help_text=_("Markdown."))
    evidence_urls = serializers.ListField(
        child=StrictURLField(),
        required=False,
        max_length=100,
        help_text=_("The sources the verdict cites; replaces the current list."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            del self.fields["claim"]
        elif "claims" in self.context:  # the claims the caller may see; none when building the schema
            self.fields["claim"].queryset = self.context["claims"]  # type: ignore[attr-defined]

    def validate_claim(self, claim: Claim) -> Claim:
        if review_of(claim) is not None:
            raise serializers.ValidationError(
                _("This claim already has a verdict; revise it with PATCH /api/v1/reviews/{id}/.")
            )
        return claim

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.pop("claim", None)
        if "evidence_urls" in data:
            data["evidence"] = []  # replace, not add: the list is the verdict's evidence
        return data
