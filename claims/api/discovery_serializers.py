"""Shapes of the discovery endpoints: jobs, related articles, feeds, the article index, duplicates."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from claims.discovery.jobs import is_stuck
from claims.models import Article, Claim, DuplicateSuggestion, ExternalReview, Feed, FetchJob, RelatedArticle

MARK_CHOICES = [
    (RelatedArticle.Status.RELEVANT.value, RelatedArticle.Status.RELEVANT.label),
    (RelatedArticle.Status.IRRELEVANT.value, RelatedArticle.Status.IRRELEVANT.label),
]


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()


class JobErrorSerializer(serializers.Serializer):
    provider = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    error = serializers.CharField()
    permanent = serializers.BooleanField(required=False)


class JobSerializer(serializers.ModelSerializer):
    """A background job (discovery for a claim, a feed harvest) and how far it has come."""

    url = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    errors = JobErrorSerializer(many=True, read_only=True)  # type: ignore[assignment]  # a field named like Serializer.errors
    claim: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    feed: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = FetchJob
        fields = [
            "id",
            "url",
            "kind",
            "status",
            "progress",
            "errors",
            "claim",
            "feed",
            "provider_stats",
            "stuck",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    stuck = serializers.SerializerMethodField(
        help_text="Nobody is working on it although it is not finished (its worker died, or its message was lost); "
        "POST …/retry/ to run it again."
    )

    def get_stuck(self, job: FetchJob) -> bool:
        return is_stuck(job)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, job: FetchJob) -> str:
        return reverse("api:job-detail", kwargs={"pk": job.pk}, request=self.context.get("request"))

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, job: FetchJob) -> dict[str, int]:
        return {"done": job.progress_done, "total": job.progress_total}


class JobRefSerializer(JobSerializer):
    class Meta(JobSerializer.Meta):
        fields = ["id", "url", "status"]
        read_only_fields = fields


class JobAcceptedSerializer(serializers.Serializer):
    """202 Accepted: the job was queued (or one already waiting was returned)."""

    job = JobRefSerializer()


class RelatedArticleSerializer(serializers.ModelSerializer):
    """A suggested article for a claim, with its score, the reasons and the reviewer's verdict."""

    article_id = serializers.IntegerField(source="article.id", read_only=True)
    url = serializers.URLField(source="article.url", read_only=True)
    title = serializers.CharField(source="article.title", read_only=True)
    outlet = serializers.CharField(source="article.outlet", read_only=True)
    published_at = serializers.DateTimeField(source="article.published_at", read_only=True, allow_null=True)
    language = serializers.CharField(source="article.language", read_only=True)
    why = serializers.JSONField(read_only=True, help_text=_("Matched terms and the signals behind the score."))

    class Meta:
        model = RelatedArticle
        fields = [
            "id",
            "article_id",
            "url",
            "title",
            "outlet",
            "published_at",
            "language",
            "score",
            "rank",
            "provider",
            "why",
            "snippet",
            "status",
        ]
        read_only_fields = fields


class RelatedArticleMarkSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=MARK_CHOICES,
        help_text=_("Relevant suggestions are kept; irrelevant ones are never suggested for this claim again."),
    )


class EvidenceResultSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text=_("The id of the Source now cited as evidence."))  # type: ignore[assignment]  # a field named like Field.source
    source_url = serializers.URLField()
    related = RelatedArticleSerializer()


class FeedSerializer(serializers.ModelSerializer):
    """A news feed the desk harvests into the article index."""

    class Meta:
        model = Feed
        fields = ["id", "url", "name", "language", "enabled", "last_harvested_at", "last_error", "created_at"]
        read_only_fields = ["id", "last_harvested_at", "last_error", "created_at"]
        extra_kwargs = {"name": {"required": False, "allow_blank": True}, "url": {"validators": []}}

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.validated_data.items() if k in {"url", "name", "language", "enabled"}}


class ArticleSerializer(serializers.ModelSerializer):
    """An article in the local index (text left out; it can be long)."""

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "canonical_url",
            "title",
            "outlet",
            "author",
            "published_at",
            "language",
            "summary",
            "provider",
            "fetched_at",
        ]
        read_only_fields = fields


class SimilarClaimSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "url", "claim_reviewed", "text", "language", "status", "claim_date"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, claim: Claim) -> str:
        return reverse("api:claim-detail", kwargs={"pk": claim.pk}, request=self.context.get("request"))


class ViaReviewSerializer(serializers.ModelSerializer):
    """The other desk's review whose wording of the claim matched."""

    summary = serializers.CharField(read_only=True, help_text="“already checked by <publisher>: <rating text>”")

    class Meta:
        model = ExternalReview
        fields = ["id", "summary", "publisher", "url", "claim_reviewed", "rating_text", "language"]
        read_only_fields = fields


class DuplicateSuggestionSerializer(serializers.ModelSerializer):
    """A claim that seems to say the same thing as the one asked about, with a 0–1 score."""

    claim = serializers.SerializerMethodField(help_text=_("The other claim of the pair."))
    via_review = ViaReviewSerializer(
        read_only=True,
        allow_null=True,
        help_text=_(
            "When the pair was found through another desk's wording of the older claim (an imported "
            "ClaimReview's claim reviewed), that review; otherwise null."
        ),
    )

    class Meta:
        model = DuplicateSuggestion
        fields = ["id", "score", "status", "claim", "via_review", "created_at"]
        read_only_fields = fields

    @extend_schema_field(SimilarClaimSerializer)
    def get_claim(self, suggestion: DuplicateSuggestion) -> dict[str, Any]:
        about = self.context.get("about")
        other = suggestion.candidate if about is None or suggestion.claim_id == about.pk else suggestion.claim
        return SimilarClaimSerializer(other, context=self.context).data


class MergeSerializer(serializers.Serializer):
    keep = serializers.ChoiceField(
        choices=["candidate", "claim"],
        default="candidate",
        help_text=_(
            "Which claim of the pair to keep: `candidate` (the older one, default) or `claim` (the one the "
            "suggestion was found for). The other becomes its duplicate."
        ),
    )
