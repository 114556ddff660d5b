"""The claim workflow: states, the allowed transitions, and who may make each.

Pure rules with no I/O, so the admin, the API and tasks cannot disagree about them.
`claims.services.claim_transition` applies them; nothing else changes a claim's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ClaimStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    IN_RESEARCH = "in_research", _("In research")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    UPDATED = "updated", _("Updated")
    RETRACTED = "retracted", _("Retracted")
    REJECTED = "rejected", _("Rejected")


# Permissions (codenames on Claim) that stand for the desk's two working roles.
WORK = "claims.work_claim"  # reviewers: triage, research, draft, send for review
PUBLISH = "claims.publish_claim"  # editors: approve, publish, return, retract

# States in which the fact-check is public.
LIVE_STATES = frozenset({ClaimStatus.PUBLISHED, ClaimStatus.UPDATED})
# States in which a claim is still being worked on (re-checked for new articles).
OPEN_STATES = frozenset({ClaimStatus.NEW, ClaimStatus.TRIAGED, ClaimStatus.IN_RESEARCH, ClaimStatus.IN_REVIEW})


@dataclass(frozen=True)
class Transition:
    source: ClaimStatus
    target: ClaimStatus
    permission: str
    label: StrOrPromise  # translated lazily, in the language of the request that shows it
    # Publishing-type transitions need a complete verdict and a second pair of eyes.
    publishes: bool = False
    # Sending for review needs at least a drafted verdict.
    needs_draft: bool = False
    # Sending work back or stopping it needs a reason the assignee will read.
    needs_reason: bool = False
    # A live verdict changes only with a public correction note (services.claim_correct).
    corrects: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(ClaimStatus.NEW, ClaimStatus.TRIAGED, WORK, _("Triage as check-worthy")),
    Transition(ClaimStatus.NEW, ClaimStatus.REJECTED, WORK, _("Reject as not check-worthy"), needs_reason=True),
    Transition(ClaimStatus.TRIAGED, ClaimStatus.IN_RESEARCH, WORK, _("Start research")),
    Transition(ClaimStatus.TRIAGED, ClaimStatus.REJECTED, WORK, _("Reject as not check-worthy"), needs_reason=True),
    Transition(ClaimStatus.IN_RESEARCH, ClaimStatus.IN_REVIEW, WORK, _("Send for review"), needs_draft=True),
    Transition(ClaimStatus.IN_RESEARCH, ClaimStatus.REJECTED, WORK, _("Reject as not check-worthy"), needs_reason=True),
    Transition(ClaimStatus.IN_REVIEW, ClaimStatus.IN_RESEARCH, PUBLISH, _("Return to research"), needs_reason=True),
    Transition(ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED, PUBLISH, _("Approve and publish"), publishes=True),
    Transition(
        ClaimStatus.PUBLISHED,
        ClaimStatus.UPDATED,
        PUBLISH,
        _("Publish an update / correction"),
        publishes=True,
        corrects=True,
    ),
    Transition(ClaimStatus.PUBLISHED, ClaimStatus.RETRACTED, PUBLISH, _("Retract")),
    Transition(
        ClaimStatus.UPDATED,
        ClaimStatus.UPDATED,
        PUBLISH,
        _("Publish another update / correction"),
        publishes=True,
        corrects=True,
    ),
    Transition(ClaimStatus.UPDATED, ClaimStatus.RETRACTED, PUBLISH, _("Retract")),
    Transition(ClaimStatus.RETRACTED, ClaimStatus.IN_RESEARCH, PUBLISH, _("Reopen for research")),
    Transition(ClaimStatus.REJECTED, ClaimStatus.TRIAGED, PUBLISH, _("Reopen as check-worthy")),
)

_BY_PAIR: dict[tuple[str, str], Transition] = {(t.source, t.target): t for t in TRANSITIONS}


def find_transition(source: str, target: str) -> Transition | None:
    """The transition from `source` to `target`, or None if the workflow has no such edge."""
    return _BY_PAIR.get((source, target))


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


def publish_blockers(
    *,
    has_rating: bool,
    has_rationale: bool,
    evidence_count: int,
    author_id: int | None,
    approver_id: int | None,
    four_eyes: bool,
) -> list[str]:
    """Why a verdict cannot be published yet; an empty list means it can."""
    problems: list[str] = []
    if not has_rating:
        problems.append(str(_("The verdict has no rating.")))
    if not has_rationale:
        problems.append(str(_("The verdict has no rationale.")))
    if evidence_count < 1:
        problems.append(str(_("The verdict cites no evidence source.")))
    if four_eyes and author_id is not None and author_id == approver_id:
        problems.append(str(_("The editor who publishes cannot be the reviewer who drafted the verdict.")))
    return problems


def draft_blockers(*, has_rating: bool, has_rationale: bool) -> list[str]:
    """Why a claim cannot be sent for review yet."""
    problems: list[str] = []
    if not has_rating:
        problems.append(str(_("Draft a verdict with a rating before sending it for review.")))
    if not has_rationale:
        problems.append(str(_("Write a rationale before sending it for review.")))
    return problems
