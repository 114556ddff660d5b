"""Reads of candidate claims that the admin, the API and the retraining command share."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from claims import workflow
from claims.models import CandidateClaim


def can_see_candidates(user: Any) -> bool:
    """Reviewers and editors (anyone who may work on claims) see and act on candidates."""
    return bool(user and user.is_active and user.has_perm(workflow.WORK))


def candidates(
    *,
    status: str | None = None,
    language: str | None = None,
    min_score: float | None = None,
    article_id: int | None = None,
    checked_elsewhere: bool | None = None,
) -> QuerySet[CandidateClaim]:
    """Candidates best first, with their article (and its feed), claimant and any other
    desk's review of the same claim in the same query. `checked_elsewhere`: only those
    another desk has already checked (True) or not (False)."""
    qs = CandidateClaim.objects.select_related("article", "article__feed", "claimant", "claim", "external_review")
    if status:
        qs = qs.filter(status=status)
    if language:
        qs = qs.filter(language=language)
    if min_score is not None:
        qs = qs.filter(score__gte=min_score)
    if article_id is not None:
        qs = qs.filter(article_id=article_id)
    if checked_elsewhere is not None:
        qs = qs.filter(external_review__isnull=not checked_elsewhere)
    return qs.order_by("-score", "-id")


def desk_decisions() -> list[tuple[int, str, str, int]]:
    """(id, language, sentence, label) for every decided candidate: accepted 1, dismissed 0.

    A tracked candidate the reviewer accepted counts as check-worthy too.
    """
    rows = CandidateClaim.objects.filter(
        status__in=[CandidateClaim.Status.ACCEPTED, CandidateClaim.Status.DISMISSED]
    ).values_list("pk", "language", "text", "status")
    return [(pk, lang, text, int(status == CandidateClaim.Status.ACCEPTED)) for pk, lang, text, status in rows]
