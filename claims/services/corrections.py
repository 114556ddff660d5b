"""Corrections: the one way a published verdict changes, always with a public note.

Fact-checkers' codes of principles ask that changes to published work be visible: the
public page and the ClaimReview show each correction's note and date. A plain edit of a
live verdict is refused (`review_save` → 409); this service applies the change, records
a `Correction` and moves the claim to `updated` through the workflow, in one transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from claims import workflow
from claims.exceptions import PreconditionFailed, ServiceError
from claims.models import Claim, Correction, Rating, Review
from claims.services._base import User, _mark_history_user, _person, _require
from claims.services.claims import _allowed_transition, _apply_transition
from claims.workflow import ClaimStatus

NOTE_MAX_LENGTH: int = Correction._meta.get_field("note").max_length or 2000


@transaction.atomic
def claim_correct(
    *,
    claim: Claim,
    user: User,
    note: str,
    rating: Rating | None = None,
    headline: str | None = None,
    rationale: str | None = None,
) -> Correction:
    """Publish an update / correction of a live fact-check: the changed verdict and a public note.

    `rating`, `headline` and `rationale` left as None keep their values; a rating cannot be
    cleared and the headline and rationale cannot be emptied on a published verdict.
    """
    _require(user, workflow.PUBLISH)
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.status not in workflow.LIVE_STATES:
        raise PreconditionFailed(
            _("Only a published fact-check takes corrections; edit the draft verdict on the claim instead.")
        )
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = _("Say what changed and why: the note is published with the fact-check.")
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("The note is too long (at most %(n)s characters).") % {"n": NOTE_MAX_LENGTH}
    if headline is not None and not headline.strip():
        errors["headline"] = _("A published verdict needs a headline.")
    if rationale is not None and not rationale.strip():
        errors["rationale"] = _("A published verdict needs a rationale.")
    if rating is not None and not rating.is_active:
        errors["rating"] = _("This rating is no longer in use.")
    if errors:
        raise ServiceError(" ".join(errors.values()), errors=list(errors.values()), fields=errors)
    transition = _allowed_transition(locked, user, ClaimStatus.UPDATED)
    review = Review.objects.select_for_update(of=("self",)).select_related("rating").get(claim=locked)
    changes: dict[str, list[str]] = {}
    if rating is not None and rating.pk != review.rating_id:
        changes["rating"] = [review.rating.slug if review.rating else "", rating.slug]
        review.rating = rating
    for field, value in (("headline", headline), ("rationale", rationale)):
        if value is not None and value.strip() != getattr(review, field).strip():
            changes[field] = [getattr(review, field), value.strip()]
            setattr(review, field, value.strip())
    if changes:
        _mark_history_user(review, user)
        review.save()
    _apply_transition(locked, transition, user)
    for field in ("status", "version", "updated_at", "published_at", "handoff_id"):
        setattr(claim, field, getattr(locked, field))
    return Correction.objects.create(claim=locked, note=note, changes=changes, author=_person(user))
