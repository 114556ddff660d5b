"""Every read the faces share: who may see what, and querysets that load in few queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from claims import workflow
from claims.models import Appearance, Claim, FetchJob, RelatedArticle, Review
from claims.search import search_claims

User = Any


def can_see_unpublished(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm("claims.view_claim"))


def claims_visible_to(*, user: User) -> QuerySet[Claim]:
    """Desk members see every claim; everyone else sees published fact-checks only."""
    qs = Claim.objects.all()
    if not can_see_unpublished(user):
        qs = qs.filter(status__in=workflow.LIVE_STATES)
    return qs


def claim_list(*, user: User, query: str = "") -> QuerySet[Claim]:
    """Claims with what a list row shows (claimant, rating, assignee, tags) in fixed queries."""
    qs = (
        claims_visible_to(user=user)
        .select_related("claimant", "assignee", "review__rating")
        .prefetch_related("tags")
        .defer("search_vector", "search_extra")
    )
    if query:
        qs = search_claims(qs, query)
    return qs


def claim_detail(*, user: User) -> QuerySet[Claim]:
    """Claims with everything the detail page and the API detail show."""
    return claim_list(user=user).prefetch_related(
        Prefetch("appearances", queryset=Appearance.objects.select_related("source")),
        Prefetch(
            "review",
            queryset=Review.objects.select_related("rating", "author", "approver").prefetch_related("evidence"),
        ),
    )


def queue_for(*, user: User) -> QuerySet[Claim]:
    """The user's open work: claims assigned to them that are not finished."""
    return (
        Claim.objects.filter(assignee=user, status__in=workflow.OPEN_STATES)
        .select_related("claimant")
        .defer("search_vector", "search_extra")
        .order_by("-priority", "-updated_at")
    )


def status_counts() -> dict[str, int]:
    """Claims per workflow state, every state present (zero when empty)."""
    counts = dict(Claim.objects.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in workflow.ClaimStatus.values}


def related_articles_for(*, claim: Claim) -> QuerySet[RelatedArticle]:
    return (
        RelatedArticle.objects.filter(claim=claim)
        .exclude(status=RelatedArticle.Status.IRRELEVANT)
        .select_related("article")
        .order_by("-score", "id")
    )


def latest_job_for(*, claim: Claim) -> FetchJob | None:
    return FetchJob.objects.filter(claim=claim).order_by("-created_at", "-id").first()


def published_factchecks() -> QuerySet[Claim]:
    """Live fact-checks for the public pages, newest first, with all the page and its JSON-LD read."""
    return (
        Claim.objects.filter(status__in=workflow.LIVE_STATES)
        .select_related("claimant", "review__rating")
        .prefetch_related(
            "tags",
            Prefetch("appearances", queryset=Appearance.objects.select_related("source")),
            Prefetch("review__evidence"),
        )
        .defer("search_vector", "search_extra")
        .order_by("-published_at", "-id")
    )


def retracted_factchecks() -> QuerySet[Claim]:
    """Fact-checks that were public once and have been retracted (the public page shows a notice)."""
    return (
        Claim.objects.filter(status=workflow.ClaimStatus.RETRACTED, published_at__isnull=False)
        .select_related("claimant")
        .defer("search_vector", "search_extra")
    )
