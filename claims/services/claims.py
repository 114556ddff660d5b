"""Claims and their workflow, appearances and comments.

Verdicts (`review_save`, `review_editable`, `review_add_evidence`) are in
`claims.services.reviews`; they are imported here too, so importing them from this module
still works.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.exceptions import (
    PreconditionFailed,
    ServiceError,
    TransitionForbidden,
    TransitionNotAllowed,
    VersionConflict,
)
from claims.models import Appearance, Claim, Claimant, Comment, Review, Source
from claims.services._base import (
    AuthUser,
    User,
    _delete,
    _mark_history_user,
    _person,
    _reject_unknown_fields,
    _require,
    _unique_slug,
    ascii_slug,
    claim_refresh_search,
)
from claims.services._queue import enqueue_on_commit
from claims.services.events import event_emit
from claims.services.reference import claimant_for_name, source_for_url, tags_get_or_create

# Moved to reviews.py; importable from here as before (explicit re-exports).
from claims.services.reviews import review_add_evidence as review_add_evidence
from claims.services.reviews import review_editable as review_editable
from claims.services.reviews import review_save as review_save
from claims.workflow import ClaimStatus

# --- Claims ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AppearanceInput:
    url: str
    quote: str = ""
    appeared_on: dt.date | None = None
    is_first_appearance: bool = False
    title: str = ""
    outlet: str = ""


# Paths under /factchecks/ that are routed before the slug route (the Atom feed).
RESERVED_CLAIM_SLUGS = frozenset({"feed"})


def _claim_slug(wording: str) -> str:
    """A new claim's unique URL slug, made from its summary or text (never a reserved path)."""
    max_length = Claim._meta.get_field("slug").max_length
    base = ascii_slug(wording, fallback="claim")
    if base in RESERVED_CLAIM_SLUGS:
        base = f"{base}-claim"
    return _unique_slug(Claim, base, max_length=max_length)


@transaction.atomic
def claim_create(
    *,
    user: User,
    text: str,
    language: str,
    claimant: Claimant | str | None = None,
    claim_date: dt.date | None = None,
    claim_reviewed: str = "",
    location: str = "",
    appearances: Sequence[AppearanceInput] = (),
    tags: Iterable[str] = (),
    priority: int | None = None,
    assignee: Any = None,
) -> Claim:
    """Record a new claim in state `new`, with its claimant, appearances and tags."""
    _require(user, workflow.WORK)
    text = text.strip()
    if not text:
        raise ServiceError(_("The claim text is empty."))
    if isinstance(claimant, str):
        claimant = claimant_for_name(name=claimant) if claimant.strip() else None
    claim = Claim(
        text=text,
        claim_reviewed=claim_reviewed.strip(),
        language=language,
        claimant=claimant,
        claim_date=claim_date,
        location=location,
        priority=priority or Claim._meta.get_field("priority").default,
        assignee=assignee,
        slug=_claim_slug(claim_reviewed or text),
        created_by=_person(user),
    )
    claim.full_clean(exclude=["slug"])
    _mark_history_user(claim, user)
    claim.save()
    if tags:
        claim.tags.set(tags_get_or_create(names=tags))
    for item in appearances:
        appearance_add(user=user, claim=claim, item=item, refresh=False)
    claim_refresh_search(claim=claim)
    _enqueue_duplicate_check(claim.pk)
    event_emit(kind="claim.created", claim_id=claim.pk, actor=user)
    if claim.assignee_id:
        event_emit(kind="claim.assigned", claim_id=claim.pk, actor=user, data={"assignee_id": claim.assignee_id})
    return claim


EDITABLE_CLAIM_FIELDS = frozenset(
    {"text", "claim_reviewed", "language", "claimant", "claim_date", "location", "priority", "assignee"}
)


@transaction.atomic
def claim_version_bump(*, claim: Claim, user: User, expected_version: int) -> int:
    """Check the claim's version and bump it in one UPDATE, for a save that changed only what
    hangs off the claim (its verdict, appearances): of two editors saving the same page,
    only the first gets through. Returns the new version; VersionConflict if it was stale."""
    _require(user, workflow.WORK)
    bumped = Claim.objects.filter(pk=claim.pk, version=expected_version).update_without_history(
        version=F("version") + 1
    )
    if not bumped:
        raise VersionConflict(_("The claim was changed by someone else; reload it and try again."))
    claim.version = expected_version + 1
    return claim.version


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    user: User,
    data: dict[str, Any],
    expected_version: int | None = None,
    tags: Iterable[str] | None = None,
) -> Claim:
    """Change a claim's fields; with `expected_version`, refuse if someone else wrote first.

    The version check and the write are one `UPDATE … WHERE version = n`, so two
    concurrent editors cannot both succeed.
    """
    _require(user, workflow.WORK)
    _reject_unknown_fields(data, EDITABLE_CLAIM_FIELDS)
    if isinstance(data.get("claimant"), str):
        data = {**data, "claimant": claimant_for_name(name=data["claimant"]) if data["claimant"].strip() else None}
    _check_assignee(data.get("assignee"))
    if expected_version is not None:
        bumped = Claim.objects.filter(pk=claim.pk, version=expected_version).update_without_history(
            version=F("version") + 1
        )
        if not bumped:
            raise VersionConflict(_("The claim was changed by someone else; reload it and try again."))
        claim.refresh_from_db()
    else:
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        claim.version += 1
    wording_before = (claim.text, claim.claim_reviewed)
    assignee_before = claim.assignee_id
    for key, value in data.items():
        setattr(claim, key, value)
    claim.full_clean(exclude=["slug"])
    claim.updated_at = timezone.now()
    _mark_history_user(claim, user)
    claim.save()
    if tags is not None:
        claim.tags.set(tags_get_or_create(names=tags))
    claim_refresh_search(claim=claim)
    if claim.assignee_id and claim.assignee_id != assignee_before:
        event_emit(kind="claim.assigned", claim_id=claim.pk, actor=user, data={"assignee_id": claim.assignee_id})
    if (claim.text, claim.claim_reviewed) != wording_before:
        # New wording can match claims the first check missed.
        _enqueue_duplicate_check(claim.pk)
    return claim


def _check_assignee(assignee: Any) -> None:
    """Only people who may work on claims can be given one (None: nobody)."""
    if assignee is not None and not assignee.has_perm(workflow.WORK):
        raise ServiceError(_("%(name)s is not a reviewer or editor.") % {"name": assignee.get_username()})


def _touch(claim: Claim, user: User, *fields: str) -> None:
    claim.version += 1
    claim.updated_at = timezone.now()
    _mark_history_user(claim, user)
    claim.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def claim_assign(*, claim: Claim, user: User, assignee: Any) -> Claim:
    """Give the claim to a reviewer (or to nobody, with assignee=None)."""
    _require(user, workflow.WORK)
    _check_assignee(assignee)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.assignee_id == (assignee.pk if assignee else None):
        return claim
    claim.assignee = assignee
    _touch(claim, user, "assignee")
    if assignee is not None:
        event_emit(kind="claim.assigned", claim_id=claim.pk, actor=user, data={"assignee_id": assignee.pk})
    return claim


def available_transitions(*, claim: Claim, user: User) -> list[workflow.Transition]:
    """The transitions this user may attempt from the claim's state (for buttons and menus)."""
    if not user or not user.is_active:
        return []
    return [t for t in workflow.transitions_from(claim.status) if user.has_perm(t.permission)]


def transition_blockers(
    *, transition: workflow.Transition, review: Review | None, user: User, evidence_count: int | None = None
) -> list[str]:
    """Why the verdict stops this user making the transition now; empty when nothing does.

    `evidence_count` saves a query when the caller has already counted the evidence.
    """
    has_rating = bool(review and review.rating_id)
    has_rationale = bool(review and review.rationale.strip())
    problems: list[str] = []
    if transition.needs_draft:
        problems += workflow.draft_blockers(has_rating=has_rating, has_rationale=has_rationale)
    if transition.publishes:
        if evidence_count is None:
            evidence_count = review.evidence.count() if review else 0
        problems += workflow.publish_blockers(
            has_rating=has_rating,
            has_rationale=has_rationale,
            evidence_count=evidence_count,
            author_id=review.author_id if review else None,
            approver_id=user.pk if user else None,
            four_eyes=settings.FACTCHECK_FOUR_EYES,
        )
    return problems


def workflow_role_require(*, user: User) -> None:
    """Refuse (TransitionForbidden, 403) a user whose role makes no workflow transition at all.

    Checked before anything about the request or the claim, so such a user learns nothing
    about the claim's state (a 409 would tell it) and gets 403 whatever the body says."""
    permissions = {t.permission for t in workflow.TRANSITIONS}
    if not (user and user.is_active and any(user.has_perm(p) for p in permissions)):
        raise TransitionForbidden(_("Your role may not move claims through the workflow."))


@transaction.atomic
def claim_transition(*, claim: Claim, user: User, to: str, reason: str = "") -> Claim:
    """Move a claim to another state if the workflow, the user's role and the verdict allow it.

    Returning to research and rejecting need a `reason`; it is kept as a comment of kind
    `return`/`reject` tied to the transition and shown to the assignee until the next one.
    Publishing an update goes through `claim_correct`, which needs a public note.
    """
    workflow_role_require(user=user)
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    transition = _allowed_transition(locked, user, to)
    if transition.corrects:
        raise PreconditionFailed(
            _(
                "A published fact-check changes only through a correction with a public note: use “Publish an "
                "update / correction” on the claim page, or POST /api/v1/claims/%(id)s/corrections/."
            )
            % {"id": locked.pk}
        )
    locked = _apply_transition(locked, transition, user, reason=reason)
    # Callers keep using the object they passed in; bring it up to date.
    for field in ("status", "version", "updated_at", "published_at", "handoff_id"):
        setattr(claim, field, getattr(locked, field))
    return locked


def _allowed_transition(locked: Claim, user: User, to: str) -> workflow.Transition:
    if to not in ClaimStatus.values:
        raise TransitionNotAllowed(_("“%(state)s” is not a workflow state.") % {"state": to})
    transition = workflow.find_transition(locked.status, to)
    if transition is None:
        raise TransitionNotAllowed(
            _("A claim that is %(source)s cannot be moved to %(target)s.")
            % {"source": ClaimStatus(locked.status).label, "target": ClaimStatus(to).label}
        )
    if not (isinstance(user, AuthUser) and user.is_active and user.has_perm(transition.permission)):
        raise TransitionForbidden(
            _("Your role may not move a claim from %(source)s to %(target)s.")
            % {"source": ClaimStatus(locked.status).label, "target": ClaimStatus(to).label}
        )
    return transition


def _handoff_kind(transition: workflow.Transition) -> str:
    return Comment.Kind.REJECT if transition.target == ClaimStatus.REJECTED else Comment.Kind.RETURN


def _apply_transition(locked: Claim, transition: workflow.Transition, user: User, *, reason: str = "") -> Claim:
    """Check the verdict and the reason, then make the transition (the one place status changes)."""
    assert isinstance(user, AuthUser)  # _allowed_transition let only a signed-in member through
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ServiceError(
            _("Say why (“%(action)s”): the reason is shown to the person who has the claim.")
            % {"action": transition.label}
        )
    review = Review.objects.filter(claim=locked).first()
    problems = transition_blockers(transition=transition, review=review, user=user)
    if problems:
        raise PreconditionFailed(" ".join(problems), errors=problems)
    now = timezone.now()
    if transition.publishes:
        assert review is not None  # transition_blockers refuses publishing without a verdict
        review.approver = user
        if transition.target == ClaimStatus.PUBLISHED or review.published_at is None:
            review.published_at = now
        if not review.published_url:
            review.published_url = f"{settings.FACTCHECK_SITE_URL}/factchecks/{locked.slug}/"
        _mark_history_user(review, user)
        review.save()
        if locked.published_at is None:
            locked.published_at = now
    source = locked.status
    locked.status = transition.target
    locked.handoff = None
    data: dict[str, Any] = {"source": source, "target": transition.target}
    if reason and not transition.corrects:
        comment = Comment.objects.create(
            claim=locked,
            author=user,
            body=reason,
            kind=_handoff_kind(transition) if transition.needs_reason else Comment.Kind.NOTE,
            from_status=source,
            to_status=transition.target,
        )
        data.update(comment_id=comment.pk, reason=reason)
        if transition.needs_reason:
            locked.handoff = comment
    _touch(locked, user, "status", "published_at", "handoff")
    event_emit(kind="claim.transition", claim_id=locked.pk, actor=user, data=data)
    if transition.publishes:
        # Articles stored before publication may already repeat the claim.
        enqueue_on_commit("claims.tasks_watch.scan_recent_articles", claim_id=locked.pk)
    if transition.target == ClaimStatus.IN_RESEARCH:
        _enqueue_discovery(locked.pk, user)
    if transition.target == ClaimStatus.PUBLISHED and locked.reader_requests:
        # Readers who sent this claim in and asked to hear back get the link (claims.services.tips).
        enqueue_on_commit("claims.tasks.tips_notify_published", locked.pk)
    return locked


# --- Appearances, comments ------------------------------------------------------


def _unmark_first_appearances(*, claim_id: int, user: User, keep_source: Source | None = None) -> None:
    """Clear the claim's first-appearance mark (except on `keep_source`), one audited save per row."""
    previous = Appearance.objects.filter(claim_id=claim_id, is_first_appearance=True)
    if keep_source is not None:
        previous = previous.exclude(source=keep_source)
    for appearance in previous:
        appearance.is_first_appearance = False
        _mark_history_user(appearance, user)
        appearance.save(update_fields=["is_first_appearance"])


@transaction.atomic
def appearance_add(*, user: User, claim: Claim, item: AppearanceInput, refresh: bool = True) -> Appearance:
    """Record that the claim appears in a source; at most one appearance is the first."""
    _require(user, workflow.WORK)
    source = source_for_url(url=item.url, title=item.title, outlet=item.outlet)
    if item.is_first_appearance:
        _unmark_first_appearances(claim_id=claim.pk, user=user, keep_source=source)
    appearance = Appearance.objects.filter(claim=claim, source=source).first() or Appearance(claim=claim, source=source)
    appearance.quote = item.quote or appearance.quote
    appearance.appeared_on = item.appeared_on or appearance.appeared_on
    appearance.is_first_appearance = item.is_first_appearance or appearance.is_first_appearance
    _mark_history_user(appearance, user)
    appearance.save()
    if refresh:
        claim_refresh_search(claim=claim)
    return appearance


@transaction.atomic
def appearance_update(
    *,
    user: User,
    appearance: Appearance,
    quote: str,
    appeared_on: dt.date | None,
    is_first_appearance: bool,
) -> Appearance:
    """Edit an appearance's quote, date and first-appearance mark (unlike appearance_add, values may be cleared)."""
    _require(user, workflow.WORK)
    appearance = Appearance.objects.select_for_update().select_related("claim").get(pk=appearance.pk)
    if is_first_appearance and not appearance.is_first_appearance:
        _unmark_first_appearances(claim_id=appearance.claim_id, user=user)
    appearance.quote = quote
    appearance.appeared_on = appeared_on
    appearance.is_first_appearance = is_first_appearance
    appearance.full_clean(exclude=["claim", "source"])
    _mark_history_user(appearance, user)
    appearance.save()
    claim_refresh_search(claim=appearance.claim)
    return appearance


@transaction.atomic
def appearance_remove(*, user: User, appearance: Appearance) -> None:
    """Remove an appearance from its claim (the source itself stays)."""
    _require(user, workflow.WORK)
    current = Appearance.objects.select_related("claim").filter(pk=appearance.pk).first()
    if current is None:  # already removed
        return
    appearance = current
    claim = appearance.claim
    _mark_history_user(appearance, user)
    appearance.delete()
    claim_refresh_search(claim=claim)


@transaction.atomic
def comment_create(*, claim: Claim, user: User, body: str) -> Comment:
    user = _require(user, workflow.WORK)
    body = body.strip()
    if not body:
        raise ServiceError(_("The comment is empty."))
    comment = Comment.objects.create(claim=claim, author=user, body=body)
    event_emit(kind="comment.created", claim_id=claim.pk, actor=user, data={"comment_id": comment.pk})
    return comment


# --- Background work, enqueued only once the transaction commits ---------------------------


def _enqueue_discovery(claim_id: int, user: User) -> None:
    from claims.services.discovery import discovery_job_start  # discovery imports this module

    person = _person(user)
    user_id = person.pk if person is not None else None
    transaction.on_commit(lambda: discovery_job_start(claim_id=claim_id, user_id=user_id))


def _enqueue_duplicate_check(claim_id: int) -> None:
    enqueue_on_commit("claims.tasks.find_duplicates", claim_id)


@transaction.atomic
def claim_delete(*, claim: Claim, user: User) -> None:
    """Delete a claim with its appearances, verdict and comments (editors; history keeps a record)."""
    _delete(claim, user, "claims.delete_claim")
