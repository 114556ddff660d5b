"""Bulk actions on the claim list: permissions, the intermediate pages, and per-claim refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from claims.admin import actions as admin_actions
from claims.models import Claim
from tests.factories import ClaimFactory, ReviewFactory, UserFactory
from tests.test_admin import messages_of

URL = reverse("admin:claims_claim_changelist")


def act(client: Any, action: str, claims: list[Claim], query: str = "", **extra: Any) -> Any:
    data = {"action": action, "index": "0", "_selected_action": [str(c.pk) for c in claims], **extra}
    return client.post(URL + query, data)


def statuses(*claims: Claim) -> list[str]:
    return [Claim.objects.get(pk=c.pk).status for c in claims]


@pytest.fixture
def viewer(db):
    """Staff who may look at claims but has no desk role."""
    user = UserFactory(username="vera")
    user.user_permissions.add(Permission.objects.get(codename="view_claim"))
    return user


def test_assign_to_me(client, reviewer):
    claims = ClaimFactory.create_batch(3)
    client.force_login(reviewer)
    response = act(client, "assign_to_me", claims)
    assert response.status_code == 302
    assert {c.assignee_id for c in Claim.objects.all()} == {reviewer.pk}
    assert LogEntry.objects.filter(user=reviewer).count() == 3
    assert any("3 claims are now yours" in m for m in messages_of(client.get(URL)))


def test_assign_to_offers_only_desk_members_and_applies(client, editor, reviewer, outsider):
    claims = ClaimFactory.create_batch(2)
    client.force_login(editor)
    page = act(client, "assign_to", claims)
    assert page.status_code == 200
    offered = set(page.context["form"].fields["assignee"].queryset.values_list("username", flat=True))
    assert {"rita", "erik"} <= offered and "otto" not in offered
    assert b'name="apply"' in page.content and b"Assign claims" in page.content

    forged = act(client, "assign_to", claims, apply="1", assignee=str(outsider.pk))
    assert forged.status_code == 200 and forged.context["form"].errors
    assert not Claim.objects.filter(assignee__isnull=False).exists()

    response = act(client, "assign_to", claims, apply="1", assignee=str(reviewer.pk))
    assert response.status_code == 302
    assert set(Claim.objects.values_list("assignee_id", flat=True)) == {reviewer.pk}


def test_move_to_state_reports_successes_and_refusals_per_claim(client, editor, reviewer):
    ready = ReviewFactory(claim=ClaimFactory(status="in_review"), author=reviewer).claim
    no_evidence = ReviewFactory(
        claim=ClaimFactory(status="in_review", claim_reviewed="Missing evidence"), author=reviewer, evidence=[]
    ).claim
    client.force_login(editor)
    page = act(client, "move_to_state", [ready, no_evidence])
    assert page.status_code == 200
    targets = [value for value, _label in page.context["form"].fields["target"].choices]
    assert targets == ["in_research", "published"]
    act(client, "move_to_state", [ready, no_evidence], apply="1", target="published")
    assert statuses(ready, no_evidence) == ["published", "in_review"]
    texts = messages_of(client.get(URL))
    assert any("1 claim moved to Published" in m for m in texts)
    assert any("Missing evidence" in m and "no evidence" in m for m in texts)


def test_reviewer_cannot_bulk_publish(client, reviewer, reviewed_claim):
    new = ClaimFactory(status="new")
    client.force_login(reviewer)
    page = act(client, "move_to_state", [reviewed_claim, new])
    targets = [value for value, _label in page.context["form"].fields["target"].choices]
    assert "published" not in targets and targets == ["triaged", "rejected"]
    forged = act(client, "move_to_state", [reviewed_claim, new], apply="1", target="published")
    assert forged.status_code == 200 and "target" in forged.context["form"].errors
    assert statuses(reviewed_claim, new) == ["in_review", "new"]
    # Only what the role allows: the new claim is triaged, the one in review is refused.
    act(client, "move_to_state", [reviewed_claim, new], apply="1", target="triaged")
    assert statuses(reviewed_claim, new) == ["in_review", "triaged"]
    assert any("cannot be moved" in m for m in messages_of(client.get(URL)))


def test_move_to_state_with_no_possible_step(client, reviewer, reviewed_claim):
    client.force_login(reviewer)
    response = act(client, "move_to_state", [reviewed_claim])
    assert response.status_code == 302
    assert any("cannot move any" in m for m in messages_of(client.get(URL)))


def test_select_across_applies_to_the_filtered_list(client, reviewer):
    new = ClaimFactory.create_batch(3, status="new")
    other = ClaimFactory(status="triaged")
    client.force_login(reviewer)
    # "Select all": the browser posts the ids on the page plus select_across.
    page_ids = new[:1]
    response = act(client, "move_to_state", page_ids, query="?status__exact=new", select_across="1")
    assert response.status_code == 200 and response.context["count"] == 3
    assert b'name="select_across" value="1"' in response.content
    act(client, "move_to_state", page_ids, query="?status__exact=new", select_across="1", apply="1", target="triaged")
    assert statuses(*new, other) == ["triaged"] * 4


def test_bulk_is_capped(client, reviewer, monkeypatch):
    monkeypatch.setattr(admin_actions, "MAX_BULK", 2)
    claims = ClaimFactory.create_batch(3)
    client.force_login(reviewer)
    act(client, "assign_to_me", claims)
    assert not Claim.objects.filter(assignee__isnull=False).exists()
    assert any("at most 2" in m for m in messages_of(client.get(URL)))


def test_actions_need_the_work_permission(client, viewer):
    claim = ClaimFactory()
    client.force_login(viewer)
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["action_form"] is None
    act(client, "assign_to_me", [claim])
    act(client, "move_to_state", [claim], apply="1", target="triaged")
    claim.refresh_from_db()
    assert (claim.assignee_id, claim.status) == (None, "new")
    # Nor a button on the claim page.
    assert client.get(reverse("admin:claims_claim_change", args=[claim.pk])).context["workflow_buttons"] == []


def test_outsider_cannot_post_actions(client, outsider):
    claim = ClaimFactory()
    client.force_login(outsider)
    assert act(client, "assign_to_me", [claim]).status_code == 403
    assert Claim.objects.get(pk=claim.pk).assignee_id is None


def test_bulk_delete_is_for_editors_and_goes_through_the_service(client, reviewer, editor):
    claims = ClaimFactory.create_batch(2)
    client.force_login(reviewer)
    page = client.get(URL)
    assert "delete_selected" not in dict(page.context["action_form"].fields["action"].choices)
    client.force_login(editor)
    assert "delete_selected" in dict(client.get(URL).context["action_form"].fields["action"].choices)
    response = act(client, "delete_selected", claims, post="yes")
    assert response.status_code == 302
    assert not Claim.objects.exists()
    assert Claim.history.filter(history_type="-", history_user=editor).count() == 2
