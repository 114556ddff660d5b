"""Discovery in the REST API: find related articles for a claim, follow the job, give feedback,
manage feeds, search the article index, and see, merge or dismiss duplicate claims.

    POST  /api/v1/claims/{id}/fetch-related/          202 {"job": {"id", "url", "status"}}
    GET   /api/v1/claims/{id}/related-articles/       ranked suggestions with the "why"
    GET   /api/v1/claims/{id}/similar/                duplicate suggestions with a score
    GET   /api/v1/jobs/{id}/                          progress of a job
    PATCH /api/v1/related-articles/{id}/              {"status": "relevant" | "irrelevant"}
    POST  /api/v1/related-articles/{id}/to-evidence/  cite the article in the claim's verdict
    GET/POST /api/v1/feeds/, PATCH /api/v1/feeds/{id}/, POST /api/v1/feeds/{id}/harvest/
    GET   /api/v1/articles/?q=                        the local article index
    POST  /api/v1/duplicate-suggestions/{id}/merge/ and …/dismiss/

Everything here is internal to the desk: reviewers read and give feedback, editors and
admins manage feeds. Reads come from `claims.selectors`, writes from `claims.services`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from claims import selectors, services
from claims.api import base
from claims.api.base import ApiViewSet
from claims.api.discovery_serializers import (
    ArticleSerializer,
    DuplicateSuggestionSerializer,
    EvidenceResultSerializer,
    FeedSerializer,
    JobAcceptedSerializer,
    JobSerializer,
    MergeSerializer,
    RelatedArticleMarkSerializer,
    RelatedArticleSerializer,
    SimilarClaimSerializer,
)
from claims.api.filters import parse_id
from claims.api.permissions import SIGNED_IN, needs
from claims.models import Claim, DuplicateSuggestion, Feed, FetchJob, RelatedArticle

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
DESK_READ_ERRORS = {401: base.UNAUTHENTICATED, 403: base.FORBIDDEN, **base.READ_ERRORS}
DESK_WRITE_ERRORS = {**base.WRITE_ERRORS, 404: base.NOT_FOUND, 409: base.CONFLICT}


class DiscoverySchema(base.DeskAutoSchema):
    """Tags by resource like the rest of the API; claim-scoped routes go under "claims"."""

    def get_tags(self) -> list[str]:
        if getattr(self.view, "basename", None) == "claim-discovery":
            return ["claims"]
        return super().get_tags()


class _DiscoveryView(ApiViewSet):
    """Internal to the desk: every action needs a signed-in user with the permission it names."""

    schema = DiscoverySchema()
    lookup_value_regex = r"[0-9]+"


def _accepted(request: Request, job: FetchJob) -> Response:
    data = JobAcceptedSerializer({"job": job}, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["job"]["url"]})


class ClaimDiscoveryViewSet(_DiscoveryView):
    """Discovery for one claim: start a search, read the suggestions, see likely duplicates."""

    queryset = Claim.objects.none()
    permission_rules = {
        "fetch_related": needs("claims.add_fetchjob"),
        "related_articles": needs("claims.view_relatedarticle"),
        "similar": needs("claims.view_duplicatesuggestion"),
        "metadata": SIGNED_IN,
    }

    def get_queryset(self) -> QuerySet[Claim]:
        return selectors.claims_visible_to(user=self.request.user)

    @extend_schema(
        summary="Find related articles for the claim (queues a job)",
        description=(
            "Queues a discovery job on the fetch queue and answers 202 at once; follow `job.url` for progress. "
            "A job for the claim still waiting in the queue is returned instead of a second one."
        ),
        parameters=[ID],
        request=None,
        responses={202: JobAcceptedSerializer, **DESK_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="fetch-related")
    def fetch_related(self, request: Request, pk: str) -> Response:
        job = services.discovery_request(claim=self.get_object(), user=request.user)
        return _accepted(request, job)

    @extend_schema(
        summary="Related articles suggested for the claim, best first",
        description=(
            "Each with its score (0–1), the provider that found it, `why` (matched terms and the signals: "
            "lexical, ngram, entities, recency) and a plain-text snippet. Irrelevant ones are left out unless "
            "`status` asks for them."
        ),
        parameters=[
            ID,
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=["suggested", "relevant", "irrelevant", "all"],
                description="Only suggestions with this status (`all` for every one).",
            ),
        ],
        responses={200: RelatedArticleSerializer(many=True), **DESK_READ_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="related-articles", pagination_class=None)
    def related_articles(self, request: Request, pk: str) -> Response:
        wanted = request.query_params.get("status", "")
        if wanted not in {"", "all", *RelatedArticle.Status.values}:
            message = _("Unknown status “%(status)s”.") % {"status": wanted}
            return Response({"status": [message]}, status=status.HTTP_400_BAD_REQUEST)
        related = selectors.related_articles_by_status(claim=self.get_object(), status=wanted)
        return Response(RelatedArticleSerializer(related, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Claims that probably say the same thing (duplicate suggestions)",
        description="Any language, any status, best first, with a 0–1 score; `claim` is the other claim of each pair.",
        parameters=[
            ID,
            OpenApiParameter(
                "settled", OpenApiTypes.BOOL, OpenApiParameter.QUERY, description="Include dismissed and merged pairs."
            ),
        ],
        responses={200: DuplicateSuggestionSerializer(many=True), **DESK_READ_ERRORS},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def similar(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        settled = request.query_params.get("settled", "").lower() in {"1", "true", "yes"}
        suggestions = selectors.duplicate_suggestions_for(claim=claim, include_settled=settled)
        context = {"request": request, "about": claim}
        return Response(DuplicateSuggestionSerializer(suggestions, many=True, context=context).data)


@extend_schema_view(
    list=extend_schema(summary="Recent background jobs", responses={200: JobSerializer(many=True), **DESK_READ_ERRORS}),
    retrieve=extend_schema(
        summary="A background job and its progress",
        parameters=[ID],
        responses={200: JobSerializer, **DESK_READ_ERRORS},
    ),
)
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _DiscoveryView):
    """Discovery and harvest jobs: status, progress, errors and timings."""

    serializer_class = JobSerializer
    permission_rules = {
        "list": needs("claims.view_fetchjob"),
        "retrieve": needs("claims.view_fetchjob"),
        "metadata": SIGNED_IN,
        "retry": needs("claims.work_claim"),
    }

    @extend_schema(
        summary="Run a stuck or failed job again",
        description="409 when the job is neither stuck nor failed (it is queued, running with a live worker, or done).",
        parameters=[ID],
        request=None,
        responses={202: JobAcceptedSerializer, **DESK_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        job = services.job_retry(job=self.get_object(), user=request.user)
        return _accepted(request, job)

    def get_queryset(self) -> QuerySet[FetchJob]:
        qs = selectors.jobs_visible_to(user=self.request.user)
        claim = self.request.query_params.get("claim", "")
        if not claim.isdigit():
            return qs
        pk = parse_id(claim)
        return qs.filter(claim_id=pk) if pk is not None else qs.none()


@extend_schema_view(
    retrieve=extend_schema(
        summary="One related-article suggestion",
        parameters=[ID],
        responses={200: RelatedArticleSerializer, **DESK_READ_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Mark a suggestion relevant or irrelevant",
        description="The verdict is kept across discovery runs; an irrelevant article is never suggested again.",
        parameters=[ID],
        request=RelatedArticleMarkSerializer,
        responses={200: RelatedArticleSerializer, **DESK_WRITE_ERRORS},
    ),
)
class RelatedArticleViewSet(mixins.RetrieveModelMixin, _DiscoveryView):
    """A suggested article: the reviewer's feedback and the one-click "use as evidence"."""

    serializer_class = RelatedArticleSerializer
    http_method_names = ["get", "patch", "post", "head", "options"]
    permission_rules = {
        "retrieve": needs("claims.view_relatedarticle"),
        "partial_update": needs("claims.change_relatedarticle"),
        "to_evidence": needs("claims.change_relatedarticle"),
        "metadata": SIGNED_IN,
    }

    def get_queryset(self) -> QuerySet[RelatedArticle]:
        visible = selectors.claims_visible_to(user=self.request.user)
        return RelatedArticle.objects.filter(claim__in=visible).select_related("article", "claim")

    def partial_update(self, request: Request, pk: str) -> Response:
        related = self.get_object()
        serializer = RelatedArticleMarkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.related_article_mark(related=related, user=request.user, status=serializer.validated_data["status"])
        return Response(self.get_serializer(self.get_queryset().get(pk=related.pk)).data)

    @extend_schema(
        summary="Use the article as evidence in the claim's verdict",
        description=(
            "Creates (or reuses) a Source for the article's URL with its title, outlet and date, cites it in the "
            "claim's review (drafting one if needed) and marks the suggestion relevant."
        ),
        parameters=[ID],
        request=None,
        responses={200: EvidenceResultSerializer, **DESK_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="to-evidence")
    def to_evidence(self, request: Request, pk: str) -> Response:
        related = self.get_object()
        source = services.related_article_to_evidence(related=related, user=request.user)
        related = self.get_queryset().get(pk=related.pk)
        data = {"source": source.pk, "source_url": source.url, "related": related}
        return Response(EvidenceResultSerializer(data, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(summary="News feeds the desk harvests", responses={200: FeedSerializer(many=True)}),
    retrieve=extend_schema(summary="One feed", parameters=[ID], responses={200: FeedSerializer, **DESK_READ_ERRORS}),
    create=extend_schema(
        summary="Add a feed (editors and admins)",
        request=FeedSerializer,
        responses={201: FeedSerializer, **DESK_WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a feed (editors and admins)",
        parameters=[ID],
        request=FeedSerializer,
        responses={200: FeedSerializer, **DESK_WRITE_ERRORS},
    ),
)
class FeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _DiscoveryView):
    """RSS and Atom feeds: reviewers read them, editors and admins add, change and harvest them."""

    serializer_class = FeedSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_rules = {
        "list": needs("claims.view_feed"),
        "retrieve": needs("claims.view_feed"),
        "create": needs("claims.add_feed"),
        "partial_update": needs("claims.change_feed"),
        "harvest": needs("claims.change_feed"),
        "metadata": SIGNED_IN,
    }

    def get_queryset(self) -> QuerySet[Feed]:
        return selectors.feeds_list()

    def create(self, request: Request) -> Response:
        serializer = FeedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feed = services.feed_save(user=request.user, data=serializer.service_data())
        return Response(FeedSerializer(feed).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        feed = self.get_object()
        serializer = FeedSerializer(feed, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        feed = services.feed_save(user=request.user, data=serializer.service_data(), feed=feed)
        return Response(FeedSerializer(feed).data)

    @extend_schema(
        summary="Harvest the feed now (queues a job)",
        parameters=[ID],
        request=None,
        responses={202: JobAcceptedSerializer, **DESK_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def harvest(self, request: Request, pk: str) -> Response:
        job = services.feed_harvest_request(feed=self.get_object(), user=request.user)
        return _accepted(request, job)


@extend_schema_view(
    list=extend_schema(
        summary="Search the local article index",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Full-text query.")],
        responses={200: ArticleSerializer(many=True), **DESK_READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One indexed article", parameters=[ID], responses={200: ArticleSerializer, **DESK_READ_ERRORS}
    ),
)
class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _DiscoveryView):
    """Articles harvested from feeds and fetched pages, newest first."""

    serializer_class = ArticleSerializer
    permission_rules = {
        "list": needs("claims.view_article"),
        "retrieve": needs("claims.view_article"),
        "metadata": SIGNED_IN,
    }

    def get_queryset(self) -> QuerySet[Any]:
        query = self.request.query_params.get("q", "") if self.action == "list" else ""
        return selectors.articles_search(query=query[:500])


class DuplicateSuggestionViewSet(_DiscoveryView):
    """A pair of claims that seem to say the same thing: merge them or dismiss the suggestion."""

    serializer_class = DuplicateSuggestionSerializer
    permission_rules = {
        "merge": needs("claims.change_duplicatesuggestion"),
        "dismiss": needs("claims.change_duplicatesuggestion"),
        "metadata": SIGNED_IN,
    }

    def get_queryset(self) -> QuerySet[DuplicateSuggestion]:
        visible = selectors.claims_visible_to(user=self.request.user)
        return DuplicateSuggestion.objects.filter(claim__in=visible, candidate__in=visible).select_related(
            "claim", "candidate", "via_review"
        )

    @extend_schema(
        summary="Merge the pair: one claim becomes a duplicate of the other",
        description=(
            "Appearances and tags move to the kept claim, the other gets `duplicate_of` and is rejected "
            "when the workflow allows it; everything is recorded in the history."
        ),
        parameters=[ID],
        request=MergeSerializer,
        responses={
            200: OpenApiResponse(response=SimilarClaimSerializer, description="The claim that was kept."),
            **DESK_WRITE_ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        suggestion = self.get_object()
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        keep_candidate = serializer.validated_data["keep"] == "candidate"
        kept = suggestion.candidate if keep_candidate else suggestion.claim
        duplicate = suggestion.claim if keep_candidate else suggestion.candidate
        services.claims_merge(claim=duplicate, into=kept, user=request.user)
        kept = get_object_or_404(Claim, pk=kept.pk)
        return Response(SimilarClaimSerializer(kept, context={"request": request}).data)

    @extend_schema(
        summary="Dismiss the suggestion: the claims are not the same",
        parameters=[ID],
        request=None,
        responses={200: DuplicateSuggestionSerializer, **DESK_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        suggestion = services.duplicate_dismiss(suggestion=self.get_object(), user=request.user)
        return Response(DuplicateSuggestionSerializer(suggestion, context={"request": request}).data)


# A SimpleRouter: no second API root view next to the core router's.
router = SimpleRouter()
router.register("claims", ClaimDiscoveryViewSet, basename="claim-discovery")
router.register("jobs", JobViewSet, basename="job")
router.register("related-articles", RelatedArticleViewSet, basename="related-article")
router.register("feeds", FeedViewSet, basename="feed")
router.register("articles", ArticleViewSet, basename="article")
router.register("duplicate-suggestions", DuplicateSuggestionViewSet, basename="duplicate-suggestion")
discovery_urls = router.urls
