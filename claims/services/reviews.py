"""Verdicts: drafting and revising a claim's review (rating, headline, rationale) and its evidence.

Reviewers draft; a live verdict's rating, headline and rationale are not edited here but
through `claims.services.corrections.claim_correct`, with a public note (editors may still
add evidence to it). The claim itself, its workflow, appearances and comments are in
`claims.services.claims`, which imports these functions too, so
`from claims.services.claims import review_save` still works.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from claims import workflow
from claims.exceptions import PreconditionFailed, ServiceError, VersionConflict
from claims.models import Claim, Rating, Review, Source
from claims.services._base import User, _mark_history_user, _require
from claims.services.events import event_emit
from claims.services.reference import source_for_url
from claims.workflow import ClaimStatus

# A rejected or retracted claim's verdict is no longer edited by anyone.
_VERDICT_CLOSED = frozenset({ClaimStatus.REJECTED, ClaimStatus.RETRACTED})


def _review_permission(claim: Claim) -> str:
    return workflow.PUBLISH if claim.status in workflow.LIVE_STATES else workflow.WORK


def review_editable(*, claim: Claim, user: User) -> bool:
    """Whether review_save would let this user edit the claim's verdict (for forms and buttons).

    A live verdict is not edited in place: it changes through `claim_correct`.
    """
    if claim.status in _VERDICT_CLOSED or claim.status in workflow.LIVE_STATES:
        return False
    return bool(user and user.is_active and user.has_perm(_review_permission(claim)))


def _same_text(a: str, b: str) -> bool:
    # Browsers send textarea line breaks as CRLF; an unchanged rationale is not a change.
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def _verdict_changes(
    review: Review, *, rating: Rating | None, clear_rating: bool, headline: str | None, rationale: str | None
) -> list[str]:
    changed = []
    if (clear_rating and review.rating_id is not None) or (rating is not None and rating.pk != review.rating_id):
        changed.append("rating")
    if headline is not None and not _same_text(headline, review.headline):
        changed.append("headline")
    if rationale is not None and not _same_text(rationale, review.rationale):
        changed.append("rationale")
    return changed


@transaction.atomic
def review_save(
    *,
    claim: Claim,
    user: User,
    rating: Rating | None = None,
    rationale: str | None = None,
    headline: str | None = None,
    evidence: Iterable[Source] | None = None,
    evidence_urls: Iterable[str] = (),
    clear_rating: bool = False,
    expected_version: int | None = None,
) -> Review:
    """Draft or revise the verdict. Reviewers draft; `rating=None` keeps the rating and
    `clear_rating=True` removes it. A live verdict's rating, headline and rationale are not
    edited here (409): they change through `claim_correct`, with a public note; editors may
    still add evidence to it.

    With `expected_version` (the claim's version the writer read; the verdict is part of the
    claim's page), the claim's version is checked and bumped in one `UPDATE … WHERE version = n`
    first: of two writers who read the same version one wins, the other gets VersionConflict
    and nothing is written. Two first drafts of one verdict are serialised the same way."""
    user = _require(user, _review_permission(claim))
    if claim.status in _VERDICT_CLOSED:
        raise PreconditionFailed(_("A rejected or retracted claim has no verdict to edit."))
    if rating is not None and not rating.is_active:
        raise ServiceError(_("This rating is no longer in use."))
    if clear_rating and rating is not None:
        raise ServiceError(_("Choose a rating or clear it, not both."))
    if expected_version is not None:
        bumped = Claim.objects.filter(pk=claim.pk, version=expected_version).update_without_history(
            version=F("version") + 1
        )
        if not bumped:
            raise VersionConflict(_("The claim was changed by someone else; reload it and try again."))
        claim.version = expected_version + 1
    review = Review.objects.select_for_update().filter(claim=claim).first() or Review(claim=claim, author=user)
    if claim.status in workflow.LIVE_STATES and _verdict_changes(
        review, rating=rating, clear_rating=clear_rating, headline=headline, rationale=rationale
    ):
        raise PreconditionFailed(
            _(
                "This fact-check is published: its rating, headline and rationale change only through a "
                "correction with a public note (“Publish an update / correction”, or POST "
                "/api/v1/claims/%(id)s/corrections/)."
            )
            % {"id": claim.pk}
        )
    if clear_rating:
        review.rating = None
    elif rating is not None:
        review.rating = rating
    if rationale is not None:
        review.rationale = rationale
    if headline is not None:
        review.headline = headline
    if review.author_id is None:
        review.author = user
    _mark_history_user(review, user)
    review.save()
    sources = list(evidence) if evidence is not None else None
    extra = [source_for_url(url=url) for url in evidence_urls]
    if sources is not None:
        review.evidence.set(sources + extra)
    elif extra:
        review.evidence.add(*extra)
    event_emit(kind="review.updated", claim_id=claim.pk, actor=user)
    return review


@transaction.atomic
def review_add_evidence(*, claim: Claim, user: User, source: Source) -> Review:
    review = review_save(claim=claim, user=user)
    review.evidence.add(source)
    return review
