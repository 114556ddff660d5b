"""Check-worthiness and candidate claims in the REST API.

    POST /api/v1/checkworthiness/              {"text", "language"?} → every sentence scored
    GET  /api/v1/candidates/                   ?language= &min_score= &article= &status= &checked_elsewhere=, best first
    GET  /api/v1/candidates/{id}/
    POST /api/v1/candidates/{id}/accept/       201 + the new claim, or 200 + the claim it already is
    POST /api/v1/candidates/{id}/dismiss/      200 + the candidate (idempotent)

Desk members only (reviewers, editors, desk admins): anonymous callers get 401, signed-in
users without the desk's roles 403. Reads come from `claims.selectors_candidates`, writes
from `claims.services`.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors, services, workflow
from claims.api import base
from claims.api.base import ApiViewSet
from claims.api.candidate_serializers import (
    MAX_TEXT_CHARS,
    CandidateSerializer,
    CheckworthinessRequestSerializer,
    CheckworthinessResultSerializer,
    scored_payload,
)
from claims.api.discovery_views import DESK_READ_ERRORS, DESK_WRITE_ERRORS, ID
from claims.api.filters import parse_id
from claims.api.parsers import PayloadTooLarge
from claims.api.permissions import SIGNED_IN, needs
from claims.api.serializers import ClaimDetailSerializer
from claims.intake import checkworthiness
from claims.intake.candidates import score_text
from claims.models import CandidateClaim
from claims.selectors_candidates import candidates


def _too_long() -> PayloadTooLarge:
    return PayloadTooLarge(
        _("The text is longer than %(n)s characters; split it and send the parts.") % {"n": f"{MAX_TEXT_CHARS:,}"}
    )


class CheckworthinessViewSet(ApiViewSet):
    """Score a text's sentences for check-worthiness, as the desk's harvest does."""

    serializer_class = CheckworthinessRequestSerializer
    permission_rules = {"create": needs(workflow.WORK), "metadata": SIGNED_IN}

    def get_queryset(self) -> QuerySet:
        return CandidateClaim.objects.none()

    def handle_exception(self, exc: Exception) -> Response:
        # The body limit (DJANGO_MAX_BODY_BYTES, 1 MB by default: room for any text within the
        # limit, even with every character \u-escaped) answers with the text limit too.
        if isinstance(exc, RequestDataTooBig | PayloadTooLarge):
            exc = _too_long()
        return super().handle_exception(exc)

    @extend_schema(
        summary="Score every sentence of a text for check-worthiness",
        description=(
            "Splits the text into sentences (Norwegian bokmål or English; `language` is detected when left out) "
            "and scores each from 0 to 1. `start`/`end` are offsets into the posted text in Unicode code points, "
            "so `text[start:end]` is the sentence exactly; `checkworthy` is `score >= threshold`. "
            "At most 100,000 characters (413 beyond)."
        ),
        request=CheckworthinessRequestSerializer,
        responses={200: CheckworthinessResultSerializer, **DESK_WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        text = request.data.get("text") if isinstance(request.data, dict) else None
        if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
            raise _too_long()
        serializer = CheckworthinessRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        language, found = score_text(
            serializer.validated_data["text"], language_hint=serializer.validated_data.get("language")
        )
        return Response(scored_payload(language, checkworthiness.threshold(), found))


BOOLEANS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
STATUS_PARAM = OpenApiParameter(
    "status", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=CandidateClaim.Status.values, description="Only these."
)


@extend_schema_view(
    list=extend_schema(
        summary="Candidate claims found in harvested articles, best first",
        description="Sentences at or above the desk's check-worthiness threshold, ordered by score.",
        parameters=[
            OpenApiParameter("language", OpenApiTypes.STR, OpenApiParameter.QUERY, description="nb or en."),
            OpenApiParameter("min_score", OpenApiTypes.FLOAT, OpenApiParameter.QUERY, description="0–1."),
            OpenApiParameter("article", OpenApiTypes.INT, OpenApiParameter.QUERY, description="An article id."),
            OpenApiParameter(
                "checked_elsewhere",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                description="true: only sentences another desk has already checked (an external review); "
                "false: only the others.",
            ),
            STATUS_PARAM,
        ],
        responses={200: CandidateSerializer(many=True), **DESK_READ_ERRORS, 400: base.VALIDATION_ERROR},
    ),
    retrieve=extend_schema(
        summary="One candidate claim", parameters=[ID], responses={200: CandidateSerializer, **DESK_READ_ERRORS}
    ),
)
class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The candidates queue: read it, record a candidate as a claim, or dismiss it."""

    serializer_class = CandidateSerializer
    lookup_value_regex = r"[0-9]+"
    # Candidates are the desk's: every member sees all of them, so the role is checked first.
    permission_rules = {
        "list": needs(workflow.WORK),
        "retrieve": needs(workflow.WORK),
        "accept": needs(workflow.WORK),
        "dismiss": needs(workflow.WORK),
        "metadata": SIGNED_IN,
    }

    def get_queryset(self) -> QuerySet[CandidateClaim]:
        if self.action != "list":
            return candidates()
        params = self.request.query_params
        errors: dict[str, list[str]] = {}
        wanted = params.get("status") or None
        if wanted and wanted not in CandidateClaim.Status.values:
            errors["status"] = [_("Unknown status “%(status)s”.") % {"status": wanted}]
        min_score = None
        if params.get("min_score"):
            try:
                min_score = float(params["min_score"])
            except ValueError:
                errors["min_score"] = [_("A number between 0 and 1.")]
            else:
                if not 0.0 <= min_score <= 1.0:
                    errors["min_score"] = [_("A number between 0 and 1.")]
        article = None
        if params.get("article"):
            article = parse_id(params["article"])
            if article is None:
                errors["article"] = [_("An article id.")]
        checked = params.get("checked_elsewhere", "").lower() or None
        if checked is not None and checked not in BOOLEANS:
            errors["checked_elsewhere"] = [_("true or false.")]
        if errors:
            raise ValidationError(errors)
        return candidates(
            status=wanted,
            language=params.get("language") or None,
            min_score=min_score,
            article_id=article,
            checked_elsewhere=BOOLEANS[checked] if checked is not None else None,
        )

    def _claim(self, request: Request, claim_id: int, status_code: int) -> Response:
        visible = selectors.claims_visible_to(user=request.user)
        claim = ClaimDetailSerializer.load(visible, desk=selectors.can_see_unpublished(request.user)).get(pk=claim_id)
        data = ClaimDetailSerializer(claim, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="Record the candidate as a claim",
        description=(
            "Creates the claim (state `new`) with the article as its first appearance, the sentence as the quote "
            "and the speaker as claimant (a new claimant when none matches): 201 with the claim. A candidate "
            "already accepted, or tracked as an existing claim, answers 200 with that claim; accepting twice "
            "never makes a second claim. A dismissed candidate is 409."
        ),
        parameters=[ID],
        request=None,
        responses={201: ClaimDetailSerializer, 200: ClaimDetailSerializer, **DESK_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        claim, created = services.candidate_accept(candidate=self.get_object(), user=request.user)
        return self._claim(request, claim.pk, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Dismiss the candidate",
        description="Idempotent: dismissing again answers 200. A candidate already recorded as a claim is 409.",
        parameters=[ID],
        request=None,
        responses={200: CandidateSerializer, **DESK_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        candidate = services.candidate_dismiss(candidate=self.get_object(), user=request.user)
        return Response(CandidateSerializer(candidates().get(pk=candidate.pk)).data)
