"""The watch engine in the REST API: the caller's notifications, webhook subscriptions, recurrences.

    GET  /api/v1/notifications/                  the caller's own (?unread=1)
    POST /api/v1/notifications/{id}/read/        mark one read
    POST /api/v1/notifications/read-all/         mark all read
    GET/POST /api/v1/webhooks/                   subscriptions (the desk's Admin role only)
    GET  /api/v1/webhooks/{id}/deliveries/       one entry per delivery attempt
    GET  /api/v1/recurrences/                    ?claim=&status=&since= (desk members)
    POST /api/v1/recurrences/{id}/confirm/ and …/dismiss/

Reads come from `claims.selectors_watch`, writes from the services.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from claims import selectors_watch, workflow
from claims.api.discovery_views import DESK_READ_ERRORS, DESK_WRITE_ERRORS, ID, _DiscoveryView
from claims.api.filters import parse_id, parse_instant
from claims.api.permissions import SIGNED_IN, needs
from claims.api.watch_serializers import (
    NotificationSerializer,
    RecurrenceSerializer,
    WebhookCreatedSerializer,
    WebhookDeliverySerializer,
    WebhookSubscribeSerializer,
    WebhookSubscriptionSerializer,
    as_field_errors,
)
from claims.exceptions import ServiceError
from claims.models import Notification, Recurrence, WebhookSubscription
from claims.services import notifications as notification_services
from claims.services import recurrences as recurrence_services
from claims.services import webhooks as webhook_services

MANAGE_WEBHOOKS = webhook_services.MANAGE


class NotificationViewSet(_DiscoveryView, mixins.ListModelMixin):
    """The caller's own notifications, newest first."""

    serializer_class = NotificationSerializer
    # Everyone signed in reads and marks their own notifications (the selector shows only those).
    permission_rules = {"list": SIGNED_IN, "read": SIGNED_IN, "read_all": SIGNED_IN, "metadata": SIGNED_IN}

    def get_queryset(self) -> QuerySet[Notification]:
        unread = self.request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return selectors_watch.notifications_for(user=self.request.user, unread=unread)

    @extend_schema(summary="The caller's notifications", responses={200: NotificationSerializer(many=True)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Mark a notification read",
        parameters=[ID],
        request=None,
        responses={200: NotificationSerializer, **DESK_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = notification_services.notification_mark_read(user=request.user, notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(summary="Mark all the caller's notifications read", request=None, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        count = notification_services.notifications_mark_all_read(user=request.user)
        return Response({"marked": count})


class WebhookViewSet(_DiscoveryView, mixins.ListModelMixin):
    """Webhook subscriptions: the desk's Admin role only."""

    serializer_class = WebhookSubscriptionSerializer
    permission_rules = {
        "list": needs(MANAGE_WEBHOOKS),
        "create": needs(MANAGE_WEBHOOKS),
        "deliveries": needs(MANAGE_WEBHOOKS),
        "metadata": needs(MANAGE_WEBHOOKS),
    }

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return WebhookSubscription.objects.order_by("-created_at", "-id")

    @extend_schema(
        summary="Subscribe a receiver",
        request=WebhookSubscribeSerializer,
        responses={201: WebhookCreatedSerializer, **DESK_WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        given = WebhookSubscribeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            subscription, secret = webhook_services.webhook_subscribe(
                user=request.user,
                url=data["url"],
                events=list(data["events"]),
                secret=data.get("secret"),
                active=data.get("active", True),
            )
        except ServiceError as exc:
            if isinstance(exc.errors, dict):
                return Response(as_field_errors(exc.errors), status=status.HTTP_400_BAD_REQUEST)
            raise
        subscription.secret = secret
        return Response(WebhookCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Every delivery attempt of the subscription's messages, newest first",
        parameters=[ID],
        responses={200: WebhookDeliverySerializer(many=True), **DESK_READ_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        attempts = selectors_watch.webhook_deliveries_for(subscription=self.get_object())
        page = self.paginate_queryset(attempts)
        data = WebhookDeliverySerializer(page if page is not None else attempts, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class RecurrenceViewSet(_DiscoveryView, mixins.ListModelMixin):
    """Articles that repeat a published claim; desk members confirm or dismiss them."""

    serializer_class = RecurrenceSerializer
    permission_rules = {
        "list": needs(workflow.WORK),
        "confirm": needs(workflow.WORK),
        "dismiss": needs(workflow.WORK),
        "metadata": SIGNED_IN,
    }

    def get_queryset(self) -> QuerySet[Recurrence]:
        # `list` has parsed and checked its filters (`_read_filters`) before it gets here.
        return selectors_watch.recurrences_list(**getattr(self, "filters", {}))

    def _read_filters(self, request: Request) -> Response | None:
        """Parse ?claim=, ?status= and ?since= once into `self.filters`, or answer 400 with every bad one."""
        params = request.query_params
        errors: dict[str, list[str]] = {}
        filters: dict[str, Any] = {"status": params.get("status", "")}
        if filters["status"] and filters["status"] not in Recurrence.Status.values:
            errors["status"] = [_("Unknown status “%(status)s”.") % {"status": params["status"]}]
        if params.get("claim"):
            filters["claim_id"] = parse_id(params["claim"])
            if filters["claim_id"] is None:
                errors["claim"] = [_("A claim id is a positive whole number.")]
        if params.get("since"):
            try:
                filters["since"] = parse_instant(params["since"], field="since")
            except ValidationError as exc:
                errors.update(exc.detail)  # type: ignore[arg-type]  # a dict: parse_instant gives field errors
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        self.filters = filters
        return None

    @extend_schema(
        summary="Recurrences, newest first", responses={200: RecurrenceSerializer(many=True), **DESK_READ_ERRORS}
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._read_filters(request) or super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Confirm: add the article as an appearance",
        parameters=[ID],
        request=None,
        responses={200: RecurrenceSerializer, **DESK_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        recurrence = recurrence_services.recurrence_confirm(user=request.user, recurrence=self.get_object())
        return Response(RecurrenceSerializer(recurrence).data)

    @extend_schema(
        summary="Dismiss: the article does not repeat the claim",
        parameters=[ID],
        request=None,
        responses={200: RecurrenceSerializer, **DESK_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        recurrence = recurrence_services.recurrence_dismiss(user=request.user, recurrence=self.get_object())
        return Response(RecurrenceSerializer(recurrence).data)


router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("recurrences", RecurrenceViewSet, basename="recurrence")
watch_urls = router.urls
