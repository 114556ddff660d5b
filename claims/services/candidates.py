"""Candidate claims: storing what the scorer found, and the reviewer's accept and dismiss.

Accept records the sentence as a claim through `claim_create` (the article as its first
appearance, the sentence as the quote, the speaker as claimant — a new claimant when none
matches). A candidate that repeats a claim the desk already tracks is stored as `tracked`
and its article suggested for that claim as a possible new appearance; accepting it
records that appearance. Both decisions are idempotent and leave history rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.exceptions import PreconditionFailed
from claims.models import Article, CandidateClaim, Claim, Claimant, RelatedArticle
from claims.models.audit import history_copy
from claims.models.bulk import insert_returning_ids
from claims.services._base import User, _mark_history_user, _person, _require
from claims.services.claims import AppearanceInput, appearance_add, claim_create

APPEARANCE_PROVIDER = "candidates"
_OPEN = (CandidateClaim.Status.NEW, CandidateClaim.Status.TRACKED)


@dataclass(frozen=True)
class ArticleCandidates:
    """One article's check-worthy sentences and what was found about them (`candidates_store`)."""

    article: Article
    found: Sequence[Any]
    tracked: dict[int, tuple[int, float]]
    claimants: dict[int, int | None]
    checked: dict[int, int] = field(default_factory=dict)


def candidates_store(
    *,
    article: Article,
    found: Sequence[Any],
    tracked: dict[int, tuple[int, float]],
    claimants: dict[int, int | None],
    model_version: int,
    checked: dict[int, int] | None = None,
) -> int:
    """Save the article's check-worthy sentences (system write, from the fetch pipeline).

    `found` are `ScoredSentence`s; `tracked` maps an index in it to (claim id, match score),
    `claimants` to a matched claimant id, `checked` to another desk's review of the claim
    (an ExternalReview id: "already checked by …"). Re-scoring refreshes the score of undecided
    candidates and never touches a decision. Returns how many candidates are new.
    """
    item = ArticleCandidates(article=article, found=found, tracked=tracked, claimants=claimants, checked=checked or {})
    return candidates_store_many(items=[item], model_version=model_version)


@transaction.atomic
def candidates_store_many(*, items: Sequence[ArticleCandidates], model_version: int) -> int:
    """`candidates_store` for a batch of articles in one transaction: one read of their
    existing candidates, one insert of the new ones (and one of their history rows), one
    read and one insert of related articles. Returns how many candidates are new."""
    existing = {
        (c.article_id, c.start): c for c in CandidateClaim.objects.filter(article__in=[i.article for i in items])
    }
    new: list[CandidateClaim] = []
    suggest: dict[tuple[int, int], tuple[float, str]] = {}  # (article, claim) → best score and sentence
    for item in items:
        article = item.article
        for index, sentence in enumerate(item.found):
            match = item.tracked.get(index)
            status = CandidateClaim.Status.TRACKED if match else CandidateClaim.Status.NEW
            values = {
                "end": sentence.end,
                "text": sentence.text[:5000],
                "score": sentence.score,
                "language": sentence.language,
                "speaker": (sentence.speaker or "")[:200],
                "claimant_id": item.claimants.get(index),
                "claim_id": match[0] if match else None,
                "match_score": match[1] if match else None,
                "external_review_id": item.checked.get(index),
                "model_version": model_version,
            }
            candidate = existing.get((article.pk, sentence.start))
            if candidate is None:
                new.append(CandidateClaim(article=article, start=sentence.start, status=status, **values))
            elif candidate.status in _OPEN:
                values["status"] = status
                changed = [k for k, v in values.items() if getattr(candidate, k) != v]
                if changed:  # an unchanged re-score writes nothing (and no history row)
                    for key in changed:
                        setattr(candidate, key, values[key])
                    candidate.save()
            if match:
                best = suggest.get((article.pk, match[0]))
                if best is None or match[1] > best[0]:
                    suggest[(article.pk, match[0])] = (match[1], sentence.text)
    if new:
        # Two INSERTs for the batch's new candidates and their history rows, not two each;
        # the history rows copied by the database from the inserted ones (claims.models.audit).
        # (PostgreSQL and SQLite both return the new ids from a bulk insert.)
        using = CandidateClaim.objects.db
        history_copy(CandidateClaim, insert_returning_ids(new, using=using), using=using)
    _suggest_appearances(suggest)
    return len(new)


def _suggest_appearances(suggest: dict[tuple[int, int], tuple[float, str]]) -> None:
    """Each article as a possible new appearance of each claim it tracks ((article, claim) →
    best score and sentence), shown with the claim's related articles; a reviewer's earlier
    verdict on a pair is kept. One read and one insert for the whole batch."""
    if not suggest:
        return
    existing = {
        (r.article_id, r.claim_id): r
        for r in RelatedArticle.objects.filter(
            article_id__in={a for a, _c in suggest}, claim_id__in={c for _a, c in suggest}
        )
        if (r.article_id, r.claim_id) in suggest
    }
    fresh = [
        RelatedArticle(
            claim_id=claim_id,
            article_id=article_id,
            score=score,
            provider=APPEARANCE_PROVIDER,
            why={"appearance": True, "sentence": snippet[:500]},
            snippet=snippet[:2000],
        )
        for (article_id, claim_id), (score, snippet) in suggest.items()
        if (article_id, claim_id) not in existing
    ]
    if fresh:
        # A pair another worker stored meanwhile is theirs (the unique constraint says so).
        RelatedArticle.objects.bulk_create(fresh, ignore_conflicts=True)
    for pair, related in existing.items():
        score = suggest[pair][0]
        if related.status == RelatedArticle.Status.SUGGESTED and related.score < score:
            related.score = score
            related.save(update_fields=["score", "updated_at"])


def _lock(candidate: CandidateClaim) -> CandidateClaim:
    return (
        CandidateClaim.objects.select_for_update(of=("self",))
        .select_related("article", "claimant")
        .get(pk=candidate.pk)
    )


def _decide(candidate: CandidateClaim, *, user: User, status: str, claim: Claim | None = None) -> None:
    candidate.status = status
    if claim is not None:
        candidate.claim = claim
    candidate.decided_by = _person(user)
    candidate.decided_at = timezone.now()
    _mark_history_user(candidate, user)
    candidate.save()


def _appearance_for(candidate: CandidateClaim, *, first: bool) -> AppearanceInput:
    article = candidate.article
    return AppearanceInput(
        url=article.url,
        quote=candidate.text,
        appeared_on=article.published_at.date() if article.published_at else None,
        is_first_appearance=first,
        title=article.title,
        outlet=article.outlet,
    )


@transaction.atomic
def candidate_accept(*, candidate: CandidateClaim, user: User) -> tuple[Claim, bool]:
    """Record the candidate as a claim; returns (claim, created).

    Accepting twice gives back the same claim. A tracked candidate gives back the claim it
    repeats, with the article recorded as one more appearance of it.
    """
    _require(user, workflow.WORK)
    candidate = _lock(candidate)
    if candidate.status == CandidateClaim.Status.ACCEPTED and candidate.claim is not None:
        return candidate.claim, False
    if candidate.status == CandidateClaim.Status.DISMISSED:
        raise PreconditionFailed(_("This candidate was dismissed; it cannot be recorded as a claim."))
    if candidate.status == CandidateClaim.Status.TRACKED and candidate.claim_id:
        claim = Claim.objects.get(pk=candidate.claim_id)
        appearance_add(user=user, claim=claim, item=_appearance_for(candidate, first=False))
        RelatedArticle.objects.filter(claim=claim, article=candidate.article).update(
            status=RelatedArticle.Status.RELEVANT, reviewed_by=_person(user)
        )
        _decide(candidate, user=user, status=CandidateClaim.Status.ACCEPTED)
        return claim, False
    claimant: Claimant | str | None = candidate.claimant or (candidate.speaker or None)
    article = candidate.article
    claim = claim_create(
        user=user,
        text=candidate.text,
        language=candidate.language,
        claimant=claimant,
        claim_date=article.published_at.date() if article.published_at else None,
        appearances=[_appearance_for(candidate, first=True)],
    )
    _decide(candidate, user=user, status=CandidateClaim.Status.ACCEPTED, claim=claim)
    return claim, True


@transaction.atomic
def candidate_dismiss(*, candidate: CandidateClaim, user: User) -> CandidateClaim:
    """Dismiss the candidate (not check-worthy, or not for this desk); idempotent."""
    _require(user, workflow.WORK)
    candidate = _lock(candidate)
    if candidate.status == CandidateClaim.Status.DISMISSED:
        return candidate
    if candidate.status == CandidateClaim.Status.ACCEPTED:
        raise PreconditionFailed(_("This candidate was already recorded as a claim."))
    _decide(candidate, user=user, status=CandidateClaim.Status.DISMISSED)
    return candidate


@transaction.atomic
def candidates_dismiss(*, candidates: Iterable[CandidateClaim], user: User) -> int:
    """Dismiss many candidates at once (the admin's bulk action); accepted ones are left alone.

    Returns how many were dismissed now.
    """
    _require(user, workflow.WORK)
    count = 0
    for candidate in CandidateClaim.objects.select_for_update().filter(
        pk__in=[c.pk for c in candidates], status__in=_OPEN
    ):
        _decide(candidate, user=user, status=CandidateClaim.Status.DISMISSED)
        count += 1
    return count
