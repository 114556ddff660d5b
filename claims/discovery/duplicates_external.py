"""The duplicate finder through other desks' reviews.

An imported ClaimReview (an ExternalReview) is attached to a claim, and it carries the
other desk's own wording of that claim, often in another language or in other words than
the desk's. A new claim that matches that wording is very likely the same claim as the one
the review is attached to, even when it does not match the desk's wording: it is suggested
as a duplicate with the review as the reason.

This wraps `claims.discovery.duplicates` (its features, similarity and threshold) rather
than changing it: the two ways of matching are merged per claim, the better score wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Q

from claims.discovery import duplicates
from claims.models import Claim, ExternalReview

REVIEW_POOL_LIMIT = 300


@dataclass(frozen=True)
class Match:
    """A claim that probably says the same as the one asked about; `review` when it was found
    through another desk's wording of it (that review's `claim_reviewed`)."""

    claim: Claim
    score: float
    review: ExternalReview | None = None


def _review_probe(review: ExternalReview) -> Any:
    # Shaped like a claim for ClaimFeatures.of: the other desk's wording, in its language.
    return Claim(text=review.claim_reviewed, language=review.language or settings.LANGUAGE_CODE)


def review_pool(claim: Claim, *, limit: int = REVIEW_POOL_LIMIT) -> list[ExternalReview]:
    """Other desks' reviews worth comparing: their reviewed claim contains one of the claim's
    telling words (or a cognate); not reviews of the claim itself or of a merged duplicate."""
    terms = duplicates._pool_terms(claim)
    if not terms:
        return []
    condition = Q()
    for term in terms:
        condition |= Q(claim_reviewed__icontains=term)
    return list(
        ExternalReview.objects.filter(condition, claim__duplicate_of__isnull=True)
        .exclude(claim_id=claim.pk)
        .exclude(claim__duplicate_of=claim.pk)
        .select_related("claim")
        .order_by(F("date").desc(nulls_last=True), "-id")[:limit]
    )


def via_reviews(claim: Claim, *, threshold: float = duplicates.THRESHOLD) -> list[Match]:
    """Claims whose other-desk reviews word the same claim, best review per claim."""
    target = duplicates.ClaimFeatures.of(claim)
    best: dict[int, Match] = {}
    for review in review_pool(claim):
        score, _signals = duplicates.similarity(target, duplicates.ClaimFeatures.of(_review_probe(review)))
        score = round(score, 4)
        if score >= threshold and (review.claim_id not in best or score > best[review.claim_id].score):
            best[review.claim_id] = Match(claim=review.claim, score=score, review=review)
    return list(best.values())


def find_duplicates(claim: Claim, *, threshold: float = duplicates.THRESHOLD, limit: int = 10) -> list[Match]:
    """The duplicate finder's matches and those through other desks' reviews, best first;
    a claim found both ways keeps the better score (and the review only when that won)."""
    merged: dict[int, Match] = {
        other.pk: Match(claim=other, score=score)
        for other, score in duplicates.find_duplicates(claim, threshold=threshold, limit=limit)
    }
    for match in via_reviews(claim, threshold=threshold):
        known = merged.get(match.claim.pk)
        if known is None or match.score > known.score:
            merged[match.claim.pk] = match
    return sorted(merged.values(), key=lambda m: (-m.score, m.claim.pk))[:limit]
