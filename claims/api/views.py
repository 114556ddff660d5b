"""`/api/v1/claims/`: list, search, sync, create, read, edit with If-Match, move through the workflow.

Reads come from `claims.selectors`, every write from `claims.services`; this module only
translates HTTP to those calls and back.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors, services
from claims.api import base
from claims.api.base import ApiViewSet
from claims.api.exceptions import PreconditionRequired, StaleVersion
from claims.api.export import ExportNegotiation, export_response
from claims.api.filters import ClaimFilter
from claims.api.pagination import ClaimPagination
from claims.api.permissions import OPEN, SIGNED_IN, needs
from claims.api.renderers import JSONLDRenderer
from claims.api.serializers import (
    AuditEntrySerializer,
    ClaimCreateSerializer,
    ClaimDetailSerializer,
    ClaimSerializer,
    ClaimUpdateSerializer,
    CorrectionInputSerializer,
    TransitionSerializer,
)
from claims.claimreview import build_claimreview
from claims.models import Claim

# Query parameters that are not filters: pagination's, and DRF's format suffix.
NON_FILTER_PARAMS = frozenset({"page", "page_size", "cursor", "pagination", "format"})
_ETAG = re.compile(r'^\s*(?:W/)?"(\d+)-(\d+)"\s*$')

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The claim\'s version tag, e.g. `"42-7"`; send it back in If-Match to change the claim.',
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": r'^(W/)?"[0-9]+-[0-9]+"$'},
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag from your last read of the claim. Missing: 428; stale: 412 and nothing changes.",
)
CLAIM_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The claim's id.")


def etag_for(claim: Claim) -> str:
    return f'"{claim.pk}-{claim.version}"'


def expected_version(request: Request, claim: Claim) -> int:
    """The version the client last read, from If-Match; 428 if it sent none, 412 if it is not this claim's."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    for tag in header.split(","):
        match = _ETAG.match(tag)
        if match and int(match.group(1)) == claim.pk:
            return int(match.group(2))
    raise StaleVersion(_("The If-Match header does not name a version of this claim."))


@extend_schema_view(
    list=extend_schema(
        summary="List and search claims",
        description=(
            "Claims visible to you (anonymous clients and non-desk users see published fact-checks only), "
            "newest change first. Page mode by default; cursor mode (`?cursor=` or `?pagination=cursor`) "
            "for incremental sync: ordered by (updated_at, id) and resumable with `next_cursor`."
        ),
        responses={200: ClaimSerializer(many=True), 400: base.VALIDATION_ERROR, **base.READ_ERRORS},
    ),
    create=extend_schema(
        summary="Record a new claim",
        request=ClaimCreateSerializer,
        responses={201: ClaimDetailSerializer, **base.WRITE_ERRORS},
        parameters=[ETAG_HEADER],
    ),
    retrieve=extend_schema(
        summary="A claim with its appearances, verdict and history link",
        parameters=[
            CLAIM_ID,
            ETAG_HEADER,
            OpenApiParameter(
                "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description="304 if the ETag still matches."
            ),
        ],
        responses={200: ClaimDetailSerializer, 304: OpenApiResponse(description="Not modified."), **base.READ_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a claim (optimistic locking with If-Match)",
        request=ClaimUpdateSerializer,
        parameters=[CLAIM_ID, IF_MATCH, ETAG_HEADER],
        responses={
            200: ClaimDetailSerializer,
            **base.WRITE_ERRORS,
            404: base.NOT_FOUND,
            412: base.STALE_VERSION,
            428: base._error("PreconditionRequired", "Send If-Match with the claim's ETag."),
        },
    ),
    destroy=extend_schema(
        summary="Delete a claim (editors and admins)",
        parameters=[CLAIM_ID],
        responses={
            204: OpenApiResponse(description="Deleted."),
            401: base.UNAUTHENTICATED,
            403: base.FORBIDDEN,
            404: base.NOT_FOUND,
            409: base.CONFLICT,
            429: base.THROTTLED,
        },
    ),
)
class ClaimViewSet(ApiViewSet):
    """Claims, their workflow and their audit trail."""

    queryset = Claim.objects.none()  # for the schema and permissions; get_queryset does the work
    lookup_value_regex = r"[0-9]+"
    filterset_class = ClaimFilter
    pagination_class = ClaimPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_rules = {
        "list": OPEN,
        "retrieve": OPEN,
        "claimreview": OPEN,
        "export": OPEN,
        "metadata": OPEN,
        "create": needs("claims.add_claim"),
        "partial_update": needs("claims.change_claim", after_lookup=True),
        "destroy": needs("claims.delete_claim", after_lookup=True),
        "history": needs("claims.view_claim", after_lookup=True),
        # Any signed-in user may try; the service decides with the workflow's own rules.
        "transition": SIGNED_IN,
        "corrections": SIGNED_IN,
    }

    def get_queryset(self) -> QuerySet[Claim]:
        # Each serializer loads what it shows (its load()); the selector decides what is visible.
        visible = selectors.claims_visible_to(user=self.request.user)
        if self.action == "list":
            return visible  # the paginator counts this, then reads the page through page_queryset()
        return self.get_serializer_class().load(visible, desk=selectors.can_see_unpublished(self.request.user))

    def page_queryset(self, queryset: QuerySet[Claim]) -> QuerySet[Any]:
        """What the paginator reads one list page from: column values for `ClaimSerializer.rows()`
        (claims/api/rows.py), or, with the compiled serializers off, model instances for DRF's own path."""
        desk = selectors.can_see_unpublished(self.request.user)
        if self._reads_rows():
            return ClaimSerializer.load_values(queryset, desk=desk)
        return ClaimSerializer.load(queryset, desk=desk)

    def count_by_estimate(self) -> bool:
        """A full-text search's count is estimated when it matches many (claims/api/pagination.py):
        counting the matches of common words grows with the table, the page itself does not."""
        return self.action == "list" and bool(self.request.query_params.get("q", "").strip())

    def _reads_rows(self) -> bool:
        return self.action == "list" and settings.API_COMPILED_SERIALIZERS

    def get_serializer_class(self) -> type[ClaimSerializer]:
        return ClaimSerializer if self.action in ("list", "export") else ClaimDetailSerializer

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The FilterSet is a bound form of a dozen fields (about a millisecond to build and
        # validate); with no filter parameter it changes nothing, so plain pages skip it
        # (bench/ case 1).
        if set(self.request.query_params) <= NON_FILTER_PARAMS:
            return queryset
        return super().filter_queryset(queryset)

    def _detail(self, pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        user = self.request.user
        visible = selectors.claims_visible_to(user=user)
        claim = ClaimDetailSerializer.load(visible, desk=selectors.can_see_unpublished(user)).get(pk=pk)
        data = ClaimDetailSerializer(claim, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers={"ETag": etag_for(claim)})

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset) or []  # ClaimPagination always paginates
        if self._reads_rows():
            page = ClaimSerializer.rows(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        serializer = ClaimCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = services.claim_create(user=request.user, **serializer.service_kwargs())
        response = self._detail(claim.pk, status_code=status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    def retrieve(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        etag = etag_for(claim)
        if etag in [t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(self.get_serializer(claim).data, headers={"ETag": etag})

    def partial_update(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        version = expected_version(request, claim)
        if version != claim.version:
            raise StaleVersion()
        serializer = ClaimUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.claim_update(claim=claim, user=request.user, expected_version=version, **serializer.service_kwargs())
        return self._detail(claim.pk)

    def destroy(self, request: Request, pk: str) -> Response:
        services.claim_delete(claim=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Move a claim through the workflow",
        description=(
            'Body `{"to": "…", "reason": "…"}`. Returning to research (`in_review` → `in_research`) and '
            "rejecting need a non-blank `reason` (400 without); it is kept as a comment of kind `return`/`reject` "
            "in the claim's `comments`. Publishing an update goes through `corrections/` (409 here). "
            "409 when the workflow has no such transition from the current state, when `to` is not a "
            "workflow state at all, or when preconditions are unmet (`reasons` lists them, e.g. no verdict yet); "
            "403 when your role may not make this transition."
        ),
        parameters=[CLAIM_ID, ETAG_HEADER],
        request=TransitionSerializer,
        responses={
            200: ClaimDetailSerializer,
            **base.WRITE_ERRORS,
            404: base.NOT_FOUND,
            409: base.CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        services.workflow_role_require(user=request.user)  # 403 before the body is looked at
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.claim_transition(claim=claim, user=request.user, to=data["to"], reason=data["reason"])
        return self._detail(claim.pk)

    @extend_schema(
        summary="Publish an update / correction of a published fact-check",
        description=(
            "The only way a published verdict changes: `note` (required, public) says what changed and why; "
            "`rating`, `headline` and `rationale` are the new values (omit to keep; the headline and rationale "
            "cannot be emptied and the rating cannot be cleared). Applied at once: the claim becomes `updated` and "
            "the note appears on the public page and in the ClaimReview. 409 when the claim is not published; "
            "403 for roles that may not publish."
        ),
        parameters=[CLAIM_ID, ETAG_HEADER],
        request=CorrectionInputSerializer,
        responses={201: ClaimDetailSerializer, **base.WRITE_ERRORS, 404: base.NOT_FOUND, 409: base.CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def corrections(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        serializer = CorrectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.claim_correct(claim=claim, user=request.user, **serializer.validated_data)
        return self._detail(claim.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The claim's audit trail (desk members)",
        description="Every recorded change to the claim, its verdict and its appearances, oldest first.",
        parameters=[CLAIM_ID],
        responses={
            200: AuditEntrySerializer(many=True),
            401: base.UNAUTHENTICATED,
            403: base.FORBIDDEN,
            **base.READ_ERRORS,
        },
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        return Response(AuditEntrySerializer(selectors.claim_audit_trail(claim=claim), many=True).data)

    @extend_schema(
        summary="schema.org ClaimReview JSON-LD",
        description="For published fact-checks; desk members also get a preview for unpublished claims.",
        parameters=[CLAIM_ID],
        responses={
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            (200, "application/json"): OpenApiTypes.OBJECT,
            **base.READ_ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONLDRenderer, JSONRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    def claimreview(self, request: Request, pk: str) -> Response:
        return Response(build_claimreview(self.get_object(), request=request))

    @extend_schema(
        summary="Stream every claim the filters select (NDJSON or CSV)",
        description=(
            "The list's filters apply; no pagination. NDJSON has one claim per line in the list's shape; "
            "CSV has one row per claim with the main fields flattened."
        ),
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=["ndjson", "csv"],
                description="Output format (default ndjson).",
            )
        ],
        responses={
            (200, "application/x-ndjson"): OpenApiTypes.STR,
            (200, "text/csv"): OpenApiTypes.STR,
            400: base.VALIDATION_ERROR,
            429: base.THROTTLED,
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None, content_negotiation_class=ExportNegotiation)
    def export(self, request: Request) -> Any:
        queryset = self.filter_queryset(self.get_queryset())
        return export_response(request, queryset, context=self.get_serializer_context())
