"""`/api/v1/claimants/`, `/sources/`, `/ratings/`, `/reviews/`, `/tags/`: the desk's other records.

Everyone reads what published fact-checks show; desk members read everything; writes need
the model permission of the desk's role and go through `claims.services`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors, services
from claims.api import base
from claims.api.base import ApiViewSet
from claims.api.filters import NameFilter, ReviewFilter, SourceFilter
from claims.api.permissions import OPEN, Rule, needs
from claims.api.serializers import (
    ClaimantSerializer,
    RatingSerializer,
    ReviewSerializer,
    ReviewWriteSerializer,
    SourceSerializer,
    SourceUpdateSerializer,
    TagSerializer,
)
from claims.api.views import etag_for, expected_version
from claims.models import Claim, Claimant, Rating, Review, Source, Tag

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _crud_schema(name: str, serializer: Any, *, write: Any = None, update: Any = None) -> dict[str, Any]:
    write = write or serializer
    return {
        "list": extend_schema(
            summary=f"List {name}s",
            responses={200: serializer(many=True), 400: base.VALIDATION_ERROR, **base.READ_ERRORS},
        ),
        "retrieve": extend_schema(
            summary=f"One {name}", parameters=[ID], responses={200: serializer, **base.READ_ERRORS}
        ),
        "create": extend_schema(
            summary=f"Add a {name}", request=write, responses={201: serializer, **base.WRITE_ERRORS}
        ),
        "partial_update": extend_schema(
            summary=f"Change a {name}",
            parameters=[ID],
            request=update or write,
            responses={200: serializer, **base.WRITE_ERRORS, 404: base.NOT_FOUND, 409: base.CONFLICT},
        ),
    }


def _open_reads_model_writes(model: str) -> dict[str, Rule]:
    """Anyone reads (the selectors decide what), the desk role's model permissions write."""
    return {
        "list": OPEN,
        "retrieve": OPEN,
        "metadata": OPEN,
        "create": needs(f"claims.add_{model}"),
        "partial_update": needs(f"claims.change_{model}", after_lookup=True),
    }


class _Resource(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "patch", "head", "options"]


@extend_schema_view(**_crud_schema("claimant", ClaimantSerializer))
class ClaimantViewSet(_Resource):
    """People and organisations who made claims."""

    queryset = Claimant.objects.none()
    permission_rules = _open_reads_model_writes("claimant")
    serializer_class = ClaimantSerializer
    filterset_class = NameFilter

    def get_queryset(self) -> QuerySet[Claimant]:
        return selectors.claimants_visible_to(user=self.request.user).order_by("name", "id")

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claimant = services.claimant_get_or_create(user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(claimant).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        claimant = self.get_object()
        serializer = self.get_serializer(claimant, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        claimant = services.claimant_update(claimant=claimant, user=request.user, data=serializer.validated_data)
        return Response(self.get_serializer(claimant).data)


@extend_schema_view(**_crud_schema("source", SourceSerializer, update=SourceUpdateSerializer))
class SourceViewSet(_Resource):
    """Documents on the web where claims appeared or that verdicts cite. POST returns the known source
    for a URL the desk already has (URLs are compared after normalisation)."""

    queryset = Source.objects.none()
    permission_rules = _open_reads_model_writes("source")
    serializer_class = SourceSerializer
    filterset_class = SourceFilter

    def get_queryset(self) -> QuerySet[Source]:
        return selectors.sources_visible_to(user=self.request.user).order_by("-created_at", "-id")

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        source = services.source_get_or_create(user=request.user, url=data.pop("url"), **data)
        return Response(self.get_serializer(source).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        source = self.get_object()
        serializer = SourceUpdateSerializer(source, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        source = services.source_update(source=source, user=request.user, data=serializer.validated_data)
        return Response(self.get_serializer(source).data)


@extend_schema_view(**_crud_schema("rating", RatingSerializer))
class RatingViewSet(_Resource):
    """The desk's verdict scale. Admins change it; retire a step with `is_active: false`."""

    queryset = Rating.objects.none()
    permission_rules = _open_reads_model_writes("rating")
    serializer_class = RatingSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Rating]:
        return selectors.ratings_visible_to(user=self.request.user).order_by("order", "id")

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = services.rating_save(user=request.user, data=serializer.validated_data)
        return Response(self.get_serializer(rating).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        rating = self.get_object()
        serializer = self.get_serializer(rating, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        rating = services.rating_save(user=request.user, rating=rating, data=serializer.validated_data)
        return Response(self.get_serializer(rating).data)


def _review_schema() -> dict[str, Any]:
    """The review operations, with the claim's ETag: sent back in If-Match (optional), 412 when stale."""
    views = _crud_schema("review", ReviewSerializer, write=ReviewWriteSerializer)
    etag = OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 201],
        description='The version tag of the review\'s claim (the verdict is part of it), e.g. `"42-7"`.',
    )
    if_match = OpenApiParameter(
        "If-Match",
        {"type": "string", "pattern": r'^(W/)?"[0-9]+-[0-9]+"$'},
        OpenApiParameter.HEADER,
        required=False,
        description=(
            "The claim's ETag from your last read. Stale: 412 and nothing changes. Without it, the version "
            "this request reads is expected, so of two concurrent writers one gets 412."
        ),
    )
    views["retrieve"] = extend_schema(
        summary="One review", parameters=[ID, etag], responses={200: ReviewSerializer, **base.READ_ERRORS}
    )
    views["create"] = extend_schema(
        summary="Add a review",
        parameters=[if_match, etag],
        request=ReviewWriteSerializer,
        responses={201: ReviewSerializer, **base.WRITE_ERRORS, 409: base.CONFLICT, 412: base.STALE_VERSION},
    )
    views["partial_update"] = extend_schema(
        summary="Change a review",
        parameters=[ID, if_match, etag],
        request=ReviewWriteSerializer,
        responses={
            200: ReviewSerializer,
            **base.WRITE_ERRORS,
            404: base.NOT_FOUND,
            409: base.CONFLICT,
            412: base.STALE_VERSION,
        },
    )
    return views


@extend_schema_view(**_review_schema())
class ReviewViewSet(_Resource):
    """Verdicts. Reviewers draft them; once a fact-check is published only editors may revise it."""

    queryset = Review.objects.none()
    permission_rules = _open_reads_model_writes("review")
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter

    def get_queryset(self) -> QuerySet[Review]:
        return selectors.reviews_visible_to(user=self.request.user)

    def _write(self, request: Request, review: Review | None) -> ReviewWriteSerializer:
        context = {**self.get_serializer_context(), "claims": selectors.claims_visible_to(user=request.user)}
        serializer = ReviewWriteSerializer(review, data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        return serializer

    def _show(self, review: Review, status_code: int = status.HTTP_200_OK) -> Response:
        review = self.get_queryset().get(pk=review.pk)
        return Response(self.get_serializer(review).data, status=status_code, headers={"ETag": etag_for(review.claim)})

    def retrieve(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        return Response(self.get_serializer(review).data, headers={"ETag": etag_for(review.claim)})

    def _save(self, request: Request, claim: Claim, serializer: ReviewWriteSerializer) -> Review:
        # The verdict is part of its claim's page and shares the claim's ETag. If-Match is
        # optional here; without it the version this request read is the one expected, so of
        # two concurrent writers one still gets 412 instead of overwriting the other.
        header = request.headers.get("If-Match", "").strip()
        version = expected_version(request, claim) if header else claim.version
        return services.review_save(
            claim=claim, user=request.user, expected_version=version, **serializer.service_kwargs()
        )

    def create(self, request: Request) -> Response:
        serializer = self._write(request, None)
        review = self._save(request, serializer.validated_data["claim"], serializer)
        return self._show(review, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        serializer = self._write(request, review)
        review = self._save(request, review.claim, serializer)
        return self._show(review)


@extend_schema_view(
    list=extend_schema(
        summary="List tags", responses={200: TagSerializer(many=True), 400: base.VALIDATION_ERROR, **base.READ_ERRORS}
    ),
    retrieve=extend_schema(
        summary="One tag",
        parameters=[OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: TagSerializer, **base.READ_ERRORS},
    ),
)
class TagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Topic labels; they are created with the claims that carry them."""

    queryset = Tag.objects.none()
    serializer_class = TagSerializer
    lookup_field = "slug"
    filterset_class = NameFilter
    permission_rules = {"list": OPEN, "retrieve": OPEN, "metadata": OPEN}

    def get_queryset(self) -> QuerySet[Tag]:
        return selectors.tags_visible_to(user=self.request.user).order_by("name", "id")
