"""Serializers of the watch API: notifications, webhook subscriptions and their deliveries, recurrences."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from claims.api.fields import StrictBooleanField, StrictCharField, StrictChoiceField, StrictSerializer, StrictURLField
from claims.models import Notification, Recurrence, WebhookDelivery, WebhookEvent, WebhookSubscription


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "event", "claim", "message", "url", "read", "created_at"]
        read_only_fields = fields


class WebhookSubscribeSerializer(StrictSerializer):
    url = StrictURLField(max_length=2000)
    events = serializers.ListField(child=StrictChoiceField(choices=WebhookEvent.choices), allow_empty=False)
    secret = StrictCharField(required=False, max_length=120)
    active = StrictBooleanField(required=False, default=True)


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "active", "consecutive_failures", "disabled_reason", "created_at"]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSubscriptionSerializer):
    """The subscription with its secret: shown once, in the answer to the POST that made it."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    message_id = serializers.CharField(source="message.msg_id", read_only=True)
    event = serializers.CharField(source="message.event", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event",
            "attempt",
            "status_code",
            "ok",
            "error",
            "response_excerpt",
            "created_at",
        ]
        read_only_fields = fields


class RecurrenceSerializer(serializers.ModelSerializer):
    article_url = serializers.CharField(source="article.url", read_only=True)
    article_title = serializers.CharField(source="article.title", read_only=True)

    class Meta:
        model = Recurrence
        fields = [
            "id",
            "claim",
            "article",
            "article_url",
            "article_title",
            "passage",
            "start",
            "end",
            "score",
            "status",
            "created_at",
        ]
        read_only_fields = fields


def as_field_errors(errors: Any) -> dict[str, list[str]]:
    return errors if isinstance(errors, dict) else {"non_field_errors": list(errors)}
