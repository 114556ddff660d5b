from __future__ import annotations

import pytest

from claims import services
from claims.exceptions import PreconditionFailed
from claims.models import Claim


@pytest.mark.django_db(transaction=False)
def test_create_and_publish(reviewer, editor, django_capture_on_commit_callbacks):
    claim = services.claim_create(
        user=reviewer,
        text="Russland nekter for at de planlegger å invadere Ukraina.",
        language="nb",
        claimant="Russlands regjering",
        appearances=[services.AppearanceInput(url="https://news.example/a?utm_source=x", quote="Ingen planer")],
        tags=["Ukraina"],
    )
    assert claim.history.count() == 1
    services.claim_transition(claim=claim, user=reviewer, to="triaged")
    services.claim_transition(claim=claim, user=reviewer, to="in_research")
    with pytest.raises(PreconditionFailed):
        services.claim_transition(claim=claim, user=reviewer, to="in_review")
    from tests.factories import SourceFactory, rating

    services.review_save(claim=claim, user=reviewer, rating=rating("false"), rationale="Troops massed.", evidence=[SourceFactory()])
    services.claim_transition(claim=claim, user=reviewer, to="in_review")
    services.claim_transition(claim=claim, user=editor, to="published")
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == "published"
    assert claim.review.approver == editor
