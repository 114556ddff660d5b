"""Serializers of the tips and imports endpoints. No contact address is in any output."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.api.fields import StrictBooleanField, StrictCharField, StrictIntegerField, StrictSerializer, StrictURLField
from claims.models import ImportJob, Tip
from claims.models.core import language_validator
from claims.tip_selectors import tip_urls


class TipInSerializer(StrictSerializer):
    """A reader's tip. `contact` is kept apart from the tip and needs `consent`."""

    text = StrictCharField(max_length=5000, trim_whitespace=False)
    url = StrictURLField(max_length=2000, required=False, allow_blank=True)
    language = StrictCharField(max_length=35, required=False, allow_blank=True, validators=[language_validator])
    contact = serializers.EmailField(required=False, allow_blank=True)
    consent = StrictBooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("contact") and not attrs.get("consent"):
            raise serializers.ValidationError(
                {"consent": [_("Set consent to true to be told when the claim is checked, or leave contact out.")]}
            )
        return attrs


class TipAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["received"])


class TipAttachSerializer(StrictSerializer):
    claim = StrictIntegerField(min_value=1)


class TipItemSerializer(serializers.ModelSerializer):
    """One grouped question of the inbox (from tip_selectors.tips_inbox)."""

    urls = serializers.SerializerMethodField()
    requests = serializers.SerializerMethodField()
    last_seen = serializers.SerializerMethodField()
    claim: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Tip
        fields = ["id", "text", "language", "urls", "requests", "first_seen", "last_seen", "status", "claim"]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
    def get_urls(self, tip: Tip) -> list[str]:
        return tip_urls(tip)

    @extend_schema_field(OpenApiTypes.INT)
    def get_requests(self, tip: Tip) -> int:
        return getattr(tip, "total_requests", tip.requests)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_last_seen(self, tip: Tip) -> Any:
        value = getattr(tip, "group_last_seen", tip.last_seen)
        return serializers.DateTimeField().to_representation(value)


class ImportUrlSerializer(StrictSerializer):
    url = StrictURLField(max_length=2000)


class ImportJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    source_url = serializers.CharField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "status",
            "dry_run",
            "atomic",
            "format",
            "source_url",
            "filename",
            "total",
            "processed",
            "created",
            "updated",
            "skipped",
            "failed",
            "report",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, job: ImportJob) -> str:
        request = self.context.get("request")
        path = reverse("api:import-detail", args=[job.pk])
        return request.build_absolute_uri(path) if request is not None else path
