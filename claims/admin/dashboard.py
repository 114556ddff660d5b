"""What the admin index shows a desk member: claims per state, and their own queue."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from claims import selectors, workflow
from claims.workflow import ClaimStatus

QUEUE_LENGTH = 12


def dashboard_for(user: Any) -> dict[str, Any] | None:
    """Counts per workflow state (one grouped query) and the user's queue (one query).

    None for users who may not see claims, so the index shows them nothing of the desk.
    """
    if not selectors.can_see_unpublished(user):
        return None
    changelist = reverse("admin:claims_claim_changelist")
    counts = selectors.status_counts()
    states = [
        {
            "status": status,
            "label": ClaimStatus(status).label,
            "count": counts.get(status, 0),
            "url": f"{changelist}?status__exact={status}",
            "open": status in workflow.OPEN_STATES,
        }
        for status in ClaimStatus.values
    ]
    queue = list(selectors.queue_for(user=user)[: QUEUE_LENGTH + 1])
    return {
        "states": states,
        "total": sum(counts.values()),
        "open_total": sum(counts.get(s, 0) for s in workflow.OPEN_STATES),
        "queue": queue[:QUEUE_LENGTH],
        "queue_more": len(queue) > QUEUE_LENGTH,
        "queue_url": f"{changelist}?queue=mine",
        "unassigned_url": f"{changelist}?queue=unassigned",
        "changelist_url": changelist,
        "can_add": user.has_perm("claims.add_claim") and user.has_perm(workflow.WORK),
        "add_url": reverse("admin:claims_claim_add"),
    }
