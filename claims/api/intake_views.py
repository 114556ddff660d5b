"""Reader tips and imports in the REST API.

    POST /api/v1/tips/                     anyone: a reader's tip → 202 {"id", "status": "received"}
    GET  /api/v1/tips/                     desk members: one item per grouped question (?status=, ?since=)
    POST /api/v1/tips/{id}/attach/         {"claim": id}   desk members
    POST /api/v1/tips/{id}/record/         a new claim from the tip
    POST /api/v1/tips/{id}/spam/
    POST /api/v1/imports/                  editors: multipart `file` or JSON {"url"}; ?dry_run=1 ?atomic=1 → 202
    GET  /api/v1/imports/{id}/             status, counts and the row report

Contact addresses are never in any output here. Every POST to the tip endpoint counts
against the client IP's tip limits before its body is even read.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from claims.api import base
from claims.api.base import ApiViewSet
from claims.api.exceptions import PayloadTooLarge
from claims.api.filters import parse_instant
from claims.api.intake_serializers import (
    ImportJobSerializer,
    ImportUrlSerializer,
    TipAcceptedSerializer,
    TipAttachSerializer,
    TipInSerializer,
    TipItemSerializer,
)
from claims.api.pagination import PagePagination
from claims.api.parsers import LimitedJSONParser
from claims.api.permissions import OPEN, SIGNED_IN, needs
from claims.client_ip import client_ip
from claims.intake.limits import tip_rate_check
from claims.models import Claim, ImportJob, Tip
from claims.services import imports as import_services
from claims.services import tips as tip_services
from claims.tip_selectors import tips_inbox

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _routed_action(view: Any) -> str | None:
    request = getattr(view, "request", None)
    method = (getattr(request, "method", "") or "").lower()
    return (getattr(view, "action_map", None) or {}).get(method)


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in {"1", "true", "yes"}


class TipViewSet(mixins.ListModelMixin, ApiViewSet):
    """Reader tips: anyone may send one; desk members list the grouped inbox and act on it."""

    serializer_class = TipItemSerializer
    pagination_class = PagePagination
    lookup_value_regex = r"[0-9]+"
    permission_rules = {
        "create": OPEN,  # readers: no login
        "list": needs("claims.view_tip"),
        "attach": needs("claims.change_tip"),
        "record": needs("claims.change_tip"),
        "spam": needs("claims.change_tip"),
        "metadata": OPEN,
    }

    def get_queryset(self) -> QuerySet[Tip]:
        params = self.request.query_params
        wanted = params.get("status", "")
        if wanted and wanted not in Tip.Status.values:
            raise ValidationError({"status": [_("Unknown status “%(status)s”.") % {"status": wanted}]})
        raw = params.get("since", "")
        since = parse_instant(raw, field="since", dates=True) if raw else None
        return tips_inbox(status=wanted or None, since=since)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self.action == "create":
            # Counted before authentication, throttles and the body: a flood of bad
            # requests is limited too.
            verdict = tip_rate_check(client_ip(request))
            if not verdict.allowed:
                raise Throttled(wait=verdict.retry_after)
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > settings.TIPS_MAX_BODY_BYTES:
                raise PayloadTooLarge()
        super().initial(request, *args, **kwargs)

    def get_parsers(self) -> list:
        # Called before DRF sets self.action: the route's action map says which one this is.
        if _routed_action(self) == "create":
            return [TipJSONParser()]
        return super().get_parsers()

    @extend_schema(
        summary="Send the desk a tip (anyone)",
        description=(
            "A claim a reader wants checked. An identical tip from the last 24 hours is counted as one more "
            "request on the existing tip, whose id is returned. Per client IP at most TIPS_RATE_PER_MINUTE "
            "and TIPS_RATE_PER_DAY posts (429 with Retry-After); bodies over 64 KB get 413."
        ),
        request=TipInSerializer,
        responses={202: TipAcceptedSerializer, 400: base.VALIDATION_ERROR, 413: base.TOO_LARGE, 429: base.THROTTLED},
    )
    def create(self, request: Request) -> Response:
        serializer = TipInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            receipt = tip_services.tip_receive(
                text=data["text"],
                url=data.get("url", ""),
                language=data.get("language", ""),
                contact=data.get("contact", ""),
                consent=data.get("consent", False),
            )
        except tip_services.TipInvalid as exc:
            raise ValidationError(exc.field_errors) from None
        return Response({"id": receipt.tip.pk, "status": "received"}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The tips inbox: one item per grouped question",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Tip.Status.values, description="Only this status."),
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Only items seen at or after this time."),
        ],
        responses={200: TipItemSerializer(many=True), 401: base.UNAUTHENTICATED, 403: base.FORBIDDEN},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _tip(self, pk: str) -> Tip:
        return get_object_or_404(Tip, pk=pk)

    def _item(self, tip: Tip, *, code: int = status.HTTP_200_OK) -> Response:
        root = tips_inbox().get(pk=(tip.group_id or tip.pk))
        return Response(TipItemSerializer(root).data, status=code)

    @extend_schema(
        summary="Attach the tip (and its group) to an existing claim",
        parameters=[ID],
        request=TipAttachSerializer,
        responses={200: TipItemSerializer, **base.WRITE_ERRORS, 404: base.NOT_FOUND, 409: base.CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def attach(self, request: Request, pk: str) -> Response:
        tip = self._tip(pk)
        serializer = TipAttachSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = Claim.objects.filter(pk=serializer.validated_data["claim"]).first()
        if claim is None:
            raise ValidationError({"claim": [_("There is no claim with this id.")]})
        tip_services.tip_attach(tip=tip, claim=claim, user=request.user)
        return self._item(tip)

    @extend_schema(
        summary="Record the tip as a new claim (its URLs as appearances)",
        parameters=[ID],
        request=None,
        responses={201: TipItemSerializer, **base.WRITE_ERRORS, 404: base.NOT_FOUND, 409: base.CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str) -> Response:
        tip = self._tip(pk)
        tip_services.tip_record_as_claim(tip=tip, user=request.user)
        return self._item(tip, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Mark the tip (and its group) as spam",
        parameters=[ID],
        request=None,
        responses={200: TipItemSerializer, **base.WRITE_ERRORS, 404: base.NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def spam(self, request: Request, pk: str) -> Response:
        tip = self._tip(pk)
        tip_services.tips_mark_spam(tips=[tip], user=request.user)
        return self._item(tip)


class TipJSONParser(LimitedJSONParser):
    """JSON up to TIPS_MAX_BODY_BYTES (413 beyond), however the body arrives."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = settings.TIPS_MAX_BODY_BYTES
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise PayloadTooLarge()
        return super().parse(io.BytesIO(body), media_type, parser_context)


class ImportViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    """Imports of ClaimReviews and claim spreadsheets (editors)."""

    serializer_class = ImportJobSerializer
    lookup_value_regex = r"[0-9]+"
    permission_rules = {
        "create": needs("claims.add_importjob"),
        "retrieve": needs("claims.view_importjob"),
        "metadata": SIGNED_IN,
    }

    def get_parsers(self) -> list:
        if _routed_action(self) == "create":
            return [MultiPartParser(), LimitedJSONParser()]  # a file, or JSON {"url"}
        return super().get_parsers()

    def get_queryset(self) -> QuerySet[ImportJob]:
        return ImportJob.objects.select_related("created_by").defer("payload")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.action == "create":
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            # The multipart envelope adds a little around the file.
            if declared > import_services.MAX_IMPORT_BYTES + 65_536:
                raise PayloadTooLarge(_("Files over 20 MiB are not accepted."))

    @extend_schema(
        summary="Import a file or a URL (queues a job)",
        description=(
            'Multipart with `file` (CSV, DataFeed JSON or a claims:search response), or JSON `{"url"}` of a '
            "fact-check page or feed. `?dry_run=1` reports what would happen and stores nothing; `?atomic=1` "
            "stores nothing if any item fails. Follow the job at `/api/v1/imports/{id}/`."
        ),
        parameters=[
            OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="Preview only."),
            OpenApiParameter("atomic", OpenApiTypes.BOOL, description="All or nothing."),
        ],
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}},
            "application/json": ImportUrlSerializer,
        },
        responses={202: ImportJobSerializer, **base.WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        upload = request.FILES.get("file") if hasattr(request, "FILES") else None
        dry_run, atomic = _flag(request, "dry_run"), _flag(request, "atomic")
        if upload is not None:
            if upload.size > import_services.MAX_IMPORT_BYTES:
                raise PayloadTooLarge(_("Files over 20 MiB are not accepted."))
            extra = set(request.data.keys()) - {"file"}
            if extra:
                raise ValidationError({key: [_("Unknown or read-only field.")] for key in sorted(extra)})
            job = import_services.import_job_create(
                user=request.user, content=upload.read(), filename=upload.name or "", dry_run=dry_run, atomic=atomic
            )
        else:
            serializer = ImportUrlSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                job = import_services.import_job_create(
                    user=request.user, url=serializer.validated_data["url"], dry_run=dry_run, atomic=atomic
                )
            except import_services.ImportRefused as exc:
                raise ValidationError({"url": [exc.message]}) from None
        data = ImportJobSerializer(job, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    @extend_schema(summary="An import job: status, counts and the row report", parameters=[ID])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


intake_router = SimpleRouter()
intake_router.register("tips", TipViewSet, basename="tip")
intake_router.register("imports", ImportViewSet, basename="import")
intake_urls = intake_router.urls
