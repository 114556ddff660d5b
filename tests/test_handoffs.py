"""Handoffs with reasons: returning to research and rejecting need a reason, kept as a
comment tied to the transition, shown to the assignee as a banner and in their queue;
an editor's queue holds what waits for approval."""

from __future__ import annotations

import pytest

from claims import selectors, services
from claims.exceptions import ServiceError
from claims.models import Claim, Comment
from claims.workflow import ClaimStatus
from tests.factories import ClaimFactory
from tests.test_admin import change_url
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(reviewed_claim, reviewer):
    services.claim_assign(claim=reviewed_claim, user=reviewer, assignee=reviewer)
    return reviewed_claim


def test_return_needs_a_reason_and_keeps_it(in_review, editor):
    version = Claim.objects.get(pk=in_review.pk).version
    for blank in ("", "   \n"):
        with pytest.raises(ServiceError):
            services.claim_transition(claim=in_review, user=editor, to=ClaimStatus.IN_RESEARCH, reason=blank)
    assert Claim.objects.get(pk=in_review.pk).version == version  # nothing half-written
    services.claim_transition(claim=in_review, user=editor, to=ClaimStatus.IN_RESEARCH, reason=" Find a 2nd source. ")
    claim = Claim.objects.select_related("handoff").get(pk=in_review.pk)
    comment = claim.handoff
    assert (comment.kind, comment.body, comment.author) == (Comment.Kind.RETURN, "Find a 2nd source.", editor)
    assert (comment.from_status, comment.to_status) == (ClaimStatus.IN_REVIEW, ClaimStatus.IN_RESEARCH)
    # Sent for review again: the banner's reason is settled, the comment stays in the thread.
    services.claim_transition(claim=claim, user=claim.assignee, to=ClaimStatus.IN_REVIEW)
    assert Claim.objects.get(pk=in_review.pk).handoff_id is None
    assert Comment.objects.filter(claim=in_review, kind=Comment.Kind.RETURN).count() == 1


def test_reject_needs_a_reason(reviewer):
    claim = ClaimFactory()
    with pytest.raises(ServiceError):
        services.claim_transition(claim=claim, user=reviewer, to=ClaimStatus.REJECTED)
    services.claim_transition(claim=claim, user=reviewer, to=ClaimStatus.REJECTED, reason="An opinion.")
    assert Claim.objects.get(pk=claim.pk).handoff.kind == Comment.Kind.REJECT


def test_existing_callers_without_reason_still_work(reviewer):
    claim = ClaimFactory()
    services.claim_transition(claim=claim, user=reviewer, to=ClaimStatus.TRIAGED)
    assert claim.status == ClaimStatus.TRIAGED and not Comment.objects.filter(claim=claim).exists()


def test_api_transition_reason_contract(in_review, editor):
    url = f"{API}/claims/{in_review.pk}/transition/"
    response = client_for(editor).post(url, {"to": "in_research"}, format="json")
    assert response.status_code == 400
    response = client_for(editor).post(url, {"to": "in_research", "reason": "  "}, format="json")
    assert response.status_code == 400
    response = client_for(editor).post(url, {"to": "in_research", "reason": "Check the date."}, format="json")
    assert response.status_code == 200, response.content
    comments = response.json()["comments"]
    assert comments[-1]["kind"] == "return" and comments[-1]["body"] == "Check the date."
    assert comments[-1]["author"]["username"] == editor.username and comments[-1]["created_at"]


def test_admin_banner_for_the_assignee_and_queue(client, in_review, editor, reviewer):
    client.force_login(editor)
    # The editor's queue holds what waits for their approval.
    assert in_review in selectors.queue_for(user=editor)
    page = client.get("/admin/claims/claim/?queue=mine")
    assert in_review.claim_reviewed in page.content.decode()
    response = client.post(
        f"/admin/claims/claim/{in_review.pk}/transition/", {"to": "in_research", "reason": "Quote is out of context."}
    )
    assert response.status_code == 302
    client.force_login(reviewer)
    html = client.get(change_url(in_review)).content.decode()
    assert 'id="fc-handoff"' in html and "Quote is out of context." in html and "fc-handoff-mine" in html
    dashboard = client.get("/admin/").content.decode()
    assert "Quote is out of context." in dashboard


def test_admin_return_without_reason_is_refused(client, in_review, editor):
    client.force_login(editor)
    response = client.post(f"/admin/claims/claim/{in_review.pk}/transition/", {"to": "in_research"}, follow=True)
    assert Claim.objects.get(pk=in_review.pk).status == ClaimStatus.IN_REVIEW
    assert "reason" in response.content.decode()
    html = client.get(change_url(in_review)).content.decode()
    assert 'name="reason"' in html and "required" in html
