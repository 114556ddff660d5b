"""Serializers for check-worthiness scoring and candidate claims in the REST API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from claims.api.fields import StrictCharField, StrictSerializer
from claims.intake.language import SUPPORTED
from claims.models import CandidateClaim, ExternalReview

MAX_TEXT_CHARS = 100_000


class CheckworthinessRequestSerializer(StrictSerializer):
    # Not trimmed: the answer's offsets point into the text exactly as it was posted.
    text = StrictCharField(trim_whitespace=False, help_text=_("Up to 100,000 characters of text to score."))
    language = serializers.ChoiceField(
        choices=SUPPORTED, required=False, help_text=_("nb or en; detected from the text when left out.")
    )

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("This field may not be blank."))
        return value


class ScoredSentenceSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="Exactly the posted text[start:end].")
    start = serializers.IntegerField(help_text="Offset of the first character (Unicode code points).")
    end = serializers.IntegerField(help_text="Offset just past the last character.")
    score = serializers.FloatField(min_value=0, max_value=1)
    checkworthy = serializers.BooleanField(help_text="score ≥ threshold")
    speaker = serializers.CharField(allow_null=True, help_text="Who the sentence says said it, if anyone.")


class CheckworthinessResultSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=SUPPORTED)
    threshold = serializers.FloatField(help_text="The desk's check-worthiness threshold.")
    sentences = ScoredSentenceSerializer(many=True, help_text="Every sentence, in document order.")


class CheckedElsewhereSerializer(serializers.ModelSerializer):
    """Another desk's fact-check of the claim a candidate repeats."""

    summary = serializers.CharField(read_only=True, help_text="“already checked by <publisher>: <rating text>”")
    rating: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="Their rating on this desk's scale, when mapped."
    )

    class Meta:
        model = ExternalReview
        fields = [
            "id",
            "summary",
            "publisher",
            "publisher_url",
            "url",
            "claim_reviewed",
            "rating_text",
            "rating",
            "date",
            "language",
        ]
        read_only_fields = fields


class CandidateSerializer(serializers.ModelSerializer):
    article_url = serializers.URLField(source="article.url", read_only=True)
    speaker = serializers.SerializerMethodField()
    checked_elsewhere = CheckedElsewhereSerializer(
        source="external_review",
        read_only=True,
        allow_null=True,
        help_text="Another desk's fact-check of the same claim (an imported ClaimReview), or null.",
    )

    class Meta:
        model = CandidateClaim
        fields = [
            "id",
            "text",
            "score",
            "language",
            "status",
            "article",
            "article_url",
            "start",
            "end",
            "speaker",
            "claim",
            "checked_elsewhere",
            "created_at",
        ]
        read_only_fields = fields

    def get_speaker(self, obj: CandidateClaim) -> str | None:
        return obj.speaker or None


def scored_payload(language: str, threshold: float, found: list[Any]) -> dict[str, Any]:
    return {
        "language": language,
        "threshold": threshold,
        "sentences": [
            {
                "text": s.text,
                "start": s.start,
                "end": s.end,
                "score": s.score,
                "checkworthy": s.score >= threshold,
                "speaker": s.speaker,
            }
            for s in found
        ],
    }
