"""The workflow matrix: every (from, to) pair for every role, and the publish preconditions."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import User

from claims import services
from claims.exceptions import PreconditionFailed, TransitionForbidden, TransitionNotAllowed
from claims.models import Claim
from claims.workflow import ClaimStatus
from tests.factories import ClaimFactory, ReviewFactory, SourceFactory, UserFactory, rating

S = ClaimStatus
R, E, A, SU = "reviewer", "editor", "admin", "superuser"
WORKERS = {R, E, A, SU}
PUBLISHERS = {E, A, SU}

# Written out by hand (not derived from claims.workflow) so a change to the rules must
# be made in both places on purpose.
EXPECTED: dict[tuple[str, str], set[str]] = {
    (S.NEW, S.TRIAGED): WORKERS,
    (S.NEW, S.REJECTED): WORKERS,
    (S.TRIAGED, S.IN_RESEARCH): WORKERS,
    (S.TRIAGED, S.REJECTED): WORKERS,
    (S.IN_RESEARCH, S.IN_REVIEW): WORKERS,
    (S.IN_RESEARCH, S.REJECTED): WORKERS,
    (S.IN_REVIEW, S.IN_RESEARCH): PUBLISHERS,
    (S.IN_REVIEW, S.PUBLISHED): PUBLISHERS,
    (S.PUBLISHED, S.UPDATED): PUBLISHERS,
    (S.PUBLISHED, S.RETRACTED): PUBLISHERS,
    (S.UPDATED, S.UPDATED): PUBLISHERS,
    (S.UPDATED, S.RETRACTED): PUBLISHERS,
    (S.RETRACTED, S.IN_RESEARCH): PUBLISHERS,
    (S.REJECTED, S.TRIAGED): PUBLISHERS,
}
ROLES = ["reviewer", "editor", "admin", "superuser", "outsider", "inactive"]
PAIRS = list(itertools.product(S.values, S.values))


def make_user(role: str) -> User:
    if role == "superuser":
        return User.objects.create_superuser("sue", "sue@desk.example", "pw-for-tests-1")
    if role == "outsider":
        return UserFactory(username="otto")
    if role == "inactive":
        user = UserFactory(username="ina", role="Editor")
        user.is_active = False
        user.save()
        return user
    return UserFactory(username=role, role=role.capitalize())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_transition_matrix(role, source, target, django_capture_on_commit_callbacks):
    user = make_user(role)
    drafter = UserFactory(username="drafter", role="Reviewer")
    claim = ClaimFactory(status=source)
    ReviewFactory(claim=claim, author=drafter)
    version = claim.version
    allowed_roles = EXPECTED.get((source, target))

    if role in {"outsider", "inactive"}:
        # Permission first (issue 11, finding 7): a user whose role makes no transition is refused
        # before the workflow is consulted, so the answer does not tell the claim's state.
        with pytest.raises(TransitionForbidden):
            services.claim_transition(claim=claim, user=user, to=target)
    elif allowed_roles is None:
        with pytest.raises(TransitionNotAllowed):
            services.claim_transition(claim=claim, user=user, to=target)
    elif role not in allowed_roles:
        with pytest.raises(TransitionForbidden):
            services.claim_transition(claim=claim, user=user, to=target)
    else:
        if target == S.UPDATED:  # a live verdict changes only with a public note
            with pytest.raises(PreconditionFailed, match="correction"):
                services.claim_transition(claim=claim, user=user, to=target)
            services.claim_correct(claim=claim, user=user, note="Clarified the rationale.")
        else:
            services.claim_transition(claim=claim, user=user, to=target, reason="Because.")
        fresh = Claim.objects.get(pk=claim.pk)
        assert fresh.status == target
        assert fresh.version == version + 1
        return
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.status, fresh.version) == (source, version), "a refused transition changed the claim"


@pytest.mark.django_db
def test_unknown_state_is_refused(claim, reviewer):
    with pytest.raises(TransitionNotAllowed):
        services.claim_transition(claim=claim, user=reviewer, to="approved-ish")


@pytest.mark.django_db
class TestPublishPreconditions:
    def _in_review(self, author, **review):
        claim = ClaimFactory(status=S.IN_REVIEW)
        ReviewFactory(claim=claim, author=author, **review)
        return claim

    def test_needs_rating(self, reviewer, editor):
        claim = self._in_review(reviewer, rating=None)
        with pytest.raises(PreconditionFailed, match="rating"):
            services.claim_transition(claim=claim, user=editor, to=S.PUBLISHED)

    def test_needs_rationale(self, reviewer, editor):
        claim = self._in_review(reviewer, rationale="  ")
        with pytest.raises(PreconditionFailed, match="rationale"):
            services.claim_transition(claim=claim, user=editor, to=S.PUBLISHED)

    def test_needs_evidence(self, reviewer, editor):
        claim = self._in_review(reviewer, evidence=[])
        with pytest.raises(PreconditionFailed, match="evidence"):
            services.claim_transition(claim=claim, user=editor, to=S.PUBLISHED)

    def test_needs_a_review_at_all(self, editor):
        claim = ClaimFactory(status=S.IN_REVIEW)
        with pytest.raises(PreconditionFailed) as info:
            services.claim_transition(claim=claim, user=editor, to=S.PUBLISHED)
        assert len(info.value.errors) == 3

    def test_four_eyes(self, editor):
        claim = self._in_review(editor)
        with pytest.raises(PreconditionFailed, match="cannot be the reviewer"):
            services.claim_transition(claim=claim, user=editor, to=S.PUBLISHED)
        assert Claim.objects.get(pk=claim.pk).status == S.IN_REVIEW

    def test_four_eyes_can_be_relaxed(self, editor, settings):
        settings.FACTCHECK_FOUR_EYES = False
        claim = self._in_review(editor)
        services.claim_transition(claim=claim, user=editor, to=S.PUBLISHED)
        assert Claim.objects.get(pk=claim.pk).status == S.PUBLISHED

    def test_publish_records_approver_and_dates(self, reviewer, editor):
        claim = self._in_review(reviewer)
        services.claim_transition(claim=claim, user=editor, to=S.PUBLISHED)
        fresh = Claim.objects.select_related("review").get(pk=claim.pk)
        assert fresh.published_at is not None
        assert fresh.review.approver == editor
        assert fresh.review.published_at is not None
        assert fresh.review.published_url.endswith(f"/factchecks/{fresh.slug}/")

    def test_update_keeps_first_publication_date(self, reviewer, editor):
        claim = self._in_review(reviewer)
        services.claim_transition(claim=claim, user=editor, to=S.PUBLISHED)
        first = Claim.objects.get(pk=claim.pk).published_at
        services.claim_correct(claim=claim, user=editor, note="Added a source.")
        assert Claim.objects.get(pk=claim.pk).published_at == first

    def test_send_for_review_needs_draft(self, reviewer):
        claim = ClaimFactory(status=S.IN_RESEARCH)
        with pytest.raises(PreconditionFailed):
            services.claim_transition(claim=claim, user=reviewer, to=S.IN_REVIEW)
        services.review_save(claim=claim, user=reviewer, rating=rating("mixed"), rationale="Partly right.")
        services.claim_transition(claim=claim, user=reviewer, to=S.IN_REVIEW)
        assert Claim.objects.get(pk=claim.pk).status == S.IN_REVIEW


@pytest.mark.django_db
def test_available_transitions_follow_role(reviewer, editor, outsider):
    claim = ClaimFactory(status=S.IN_REVIEW)
    assert services.available_transitions(claim=claim, user=reviewer) == []
    assert {t.target for t in services.available_transitions(claim=claim, user=editor)} == {
        S.IN_RESEARCH,
        S.PUBLISHED,
    }
    assert services.available_transitions(claim=claim, user=outsider) == []


@pytest.mark.django_db
def test_entering_research_enqueues_discovery_on_commit(reviewer, django_capture_on_commit_callbacks):
    claim = ClaimFactory(status=S.TRIAGED)
    with django_capture_on_commit_callbacks() as callbacks:
        services.claim_transition(claim=claim, user=reviewer, to=S.IN_RESEARCH)
    # the discovery job and the watch engine's claim.transition event
    assert len(callbacks) == 2


@pytest.mark.django_db
def test_evidence_source_is_reused(reviewer):
    claim = ClaimFactory(status=S.IN_RESEARCH)
    source = SourceFactory(url="https://news.example/story")
    review = services.review_save(
        claim=claim, user=reviewer, evidence_urls=["https://NEWS.example/story?utm_source=feed#top"]
    )
    assert list(review.evidence.all()) == [source]
