"""Who hears about what: recipients of desk events, default preferences, the texts.

Pure rules over already-loaded rows; `claims.services.watch` writes the notifications.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from claims.models import Claim, Delivery, NotificationEvent, Review
from claims.workflow import ClaimStatus, find_transition

E = NotificationEvent

# What a user gets when they never chose: e-mail for what asks them to act, the workplace for the rest.
DEFAULT_DELIVERY: dict[str, str] = {
    E.ASSIGNED: Delivery.EMAIL,
    E.STATE_CHANGED: Delivery.IN_APP,
    E.RETURNED: Delivery.EMAIL,
    E.REVIEW_REQUESTED: Delivery.EMAIL,
    E.PUBLISHED: Delivery.IN_APP,
    E.RETRACTED: Delivery.EMAIL,
    E.RECURRENCE: Delivery.EMAIL,
    E.COMMENT: Delivery.IN_APP,
    E.JOB_FAILED: Delivery.IN_APP,
    E.WEBHOOK_DISABLED: Delivery.EMAIL,
}


@dataclass(frozen=True)
class Planned:
    """One notification to create: for whom, which event, what it says and where it links."""

    user_id: int
    event: str
    message: str
    claim_id: int | None
    url: str


@dataclass
class Plan:
    items: list[Planned] = field(default_factory=list)

    def add(self, user_ids: Iterable[int], event: str, message: str, claim_id: int | None, url: str) -> None:
        # One action makes one notification per user: the first (most specific) event wins.
        taken = {p.user_id for p in self.items}
        for user_id in sorted(set(user_ids) - taken):
            self.items.append(Planned(user_id, event, message, claim_id, url))


def claim_admin_url(claim_id: int) -> str:
    try:
        return reverse("admin:claims_claim_change", args=[claim_id])
    except NoReverseMatch:
        return ""


def participants(claim: Claim) -> set[int]:
    """The people who work on a claim: its assignee, creator, and the verdict's author and approver."""
    ids = {claim.assignee_id, claim.created_by_id}
    review = Review.objects.filter(claim_id=claim.pk).values("author_id", "approver_id").first()
    if review:
        ids |= {review["author_id"], review["approver_id"]}
    return {i for i in ids if i}


def editors() -> set[int]:
    """Active users whose role may publish (the editors), not superusers by that right alone."""
    perm = Q(groups__permissions__codename="publish_claim") | Q(user_permissions__codename="publish_claim")
    return set(get_user_model().objects.filter(perm, is_active=True).values_list("pk", flat=True))


def _active(user_ids: set[int]) -> set[int]:
    if not user_ids:
        return set()
    return set(get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))


def _name(claim: Claim | None) -> str:
    return f"“{str(claim)[:80]}”" if claim is not None else ""


def plan_for(kind: str, *, claim: Claim | None, actor_id: int | None, data: dict[str, Any]) -> Plan:
    """The notifications a desk event makes (kind as emitted by the services)."""
    plan = Plan()
    if claim is None and kind not in {"job.failed", "webhook.disabled"}:
        return plan
    url = claim_admin_url(claim.pk) if claim is not None else ""
    claim_id = claim.pk if claim is not None else None
    working = _active(participants(claim)) if claim is not None else set()
    others = working - {actor_id}
    if kind == "claim.assigned":
        assignee = data.get("assignee_id")
        if assignee and assignee != actor_id:
            plan.add(
                _active({assignee}),
                E.ASSIGNED,
                _("You were assigned the claim %(claim)s.") % {"claim": _name(claim)},
                claim_id,
                url,
            )
    elif kind == "claim.transition":
        source, target = data["source"], data["target"]
        transition = find_transition(source, target)
        label = {"source": ClaimStatus(source).label, "target": ClaimStatus(target).label, "claim": _name(claim)}
        if transition is not None and transition.publishes:
            plan.add(others, E.PUBLISHED, _("The claim %(claim)s was published.") % label, claim_id, url)
        elif target == ClaimStatus.RETRACTED:
            plan.add(others, E.RETRACTED, _("The claim %(claim)s was retracted.") % label, claim_id, url)
        elif source == ClaimStatus.IN_REVIEW and target == ClaimStatus.IN_RESEARCH:
            reason = (data.get("reason") or "").strip()
            message = _("The claim %(claim)s was returned to research.") % label
            if reason:
                message = _("%(message)s Comment: %(reason)s") % {"message": message, "reason": reason}
            plan.add(others, E.RETURNED, message, claim_id, url)
        if target == ClaimStatus.IN_REVIEW:
            plan.add(
                editors() - {actor_id},
                E.REVIEW_REQUESTED,
                _("The claim %(claim)s was sent for review.") % label,
                claim_id,
                url,
            )
        plan.add(
            others,
            E.STATE_CHANGED,
            _("The claim %(claim)s moved from %(source)s to %(target)s.") % label,
            claim_id,
            url,
        )
    elif kind == "comment.created":
        message = _("New comment on the claim %(claim)s.") % {"claim": _name(claim)}
        plan.add(others, E.COMMENT, message, claim_id, url)
    elif kind == "recurrence.found":
        message = _("The claim %(claim)s was repeated in “%(title)s”.") % {
            "claim": _name(claim),
            "title": (data.get("article_title") or data.get("article_url") or "")[:120],
        }
        plan.add(working, E.RECURRENCE, message, claim_id, data.get("url") or url)
    elif kind == "job.failed":
        owner = data.get("user_id")
        if owner:
            message = _("Your job “%(job)s” failed.") % {"job": data.get("job", "")}
            plan.add(_active({owner}), E.JOB_FAILED, message, claim_id, url)
    elif kind == "webhook.disabled":
        owner = data.get("user_id")
        if owner:
            message = _("Your webhook to %(url)s was disabled after repeated failures.") % {"url": data.get("url", "")}
            plan.add(_active({owner}), E.WEBHOOK_DISABLED, message, None, data.get("admin_url", ""))
    return plan
