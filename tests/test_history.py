"""Every write path on an audited model leaves exactly one history row per changed object."""

from __future__ import annotations

import pytest

from claims import services
from claims.models import Appearance, Claim, Rating, Review
from tests.factories import AppearanceFactory, ClaimantFactory, ClaimFactory, ReviewFactory, SourceFactory, rating


def rows(model, pk, kind=None):
    qs = model.history.filter(id=pk)
    return qs.filter(history_type=kind).count() if kind else qs.count()


@pytest.mark.django_db
class TestClaimHistory:
    def test_create_through_service(self, reviewer):
        claim = services.claim_create(user=reviewer, text="NATO forces must leave.", language="en")
        record = claim.history.get()
        assert record.history_type == "+"
        assert record.history_user == reviewer

    def test_save(self, claim):
        claim.text = "changed"
        claim.save()
        assert rows(Claim, claim.pk, "~") == 1

    def test_queryset_update(self):
        a, b = ClaimFactory(), ClaimFactory()
        Claim.objects.filter(pk__in=[a.pk, b.pk]).update(priority=4)
        assert rows(Claim, a.pk, "~") == 1
        assert rows(Claim, b.pk, "~") == 1
        assert Claim.history.filter(id=a.pk, history_type="~").get().priority == 4

    def test_bulk_update(self):
        a, b = ClaimFactory(), ClaimFactory()
        a.location, b.location = "Geneva", "Genève"
        Claim.objects.bulk_update([a, b], ["location"])
        assert [rows(Claim, a.pk, "~"), rows(Claim, b.pk, "~")] == [1, 1]

    def test_bulk_create(self):
        claimant = ClaimantFactory()
        created = Claim.objects.bulk_create(
            [ClaimFactory.build(slug="bulk-1", claimant=claimant), ClaimFactory.build(slug="bulk-2", claimant=claimant)]
        )
        assert all(rows(Claim, c.pk, "+") == 1 for c in created)

    def test_delete_and_queryset_delete(self):
        a, b = ClaimFactory(), ClaimFactory()
        a_pk, b_pk = a.pk, b.pk
        a.delete()
        Claim.objects.filter(pk=b_pk).delete()
        assert rows(Claim, a_pk, "-") == 1
        assert rows(Claim, b_pk, "-") == 1

    def test_transition_records_one_row_with_user(self, claim, reviewer):
        before = rows(Claim, claim.pk)
        services.claim_transition(claim=claim, user=reviewer, to="triaged")
        assert rows(Claim, claim.pk) == before + 1
        latest = claim.history.latest()
        assert (latest.status, latest.history_user) == ("triaged", reviewer)

    def test_update_with_version_records_one_row(self, claim, reviewer):
        before = rows(Claim, claim.pk)
        services.claim_update(claim=claim, user=reviewer, data={"location": "Genève"}, expected_version=claim.version)
        assert rows(Claim, claim.pk) == before + 1
        assert claim.history.latest().location == "Genève"

    def test_derived_search_text_does_not_add_rows(self, claim, reviewer):
        before = rows(Claim, claim.pk)
        services.appearance_add(user=reviewer, claim=claim, item=services.AppearanceInput(url="https://n.example/x"))
        assert rows(Claim, claim.pk) == before

    def test_diff_shows_what_changed(self, claim, reviewer):
        services.claim_update(claim=claim, user=reviewer, data={"location": "Genève"})
        new, old = claim.history.all()[:2]
        changes = {c.field: (c.old, c.new) for c in new.diff_against(old).changes}
        assert changes["location"] == ("", "Genève")


@pytest.mark.django_db
class TestOtherAuditedModels:
    def test_review_paths(self, reviewer):
        review = ReviewFactory(evidence=[])
        pk = review.pk
        assert rows(Review, pk, "+") == 1
        services.review_save(claim=review.claim, user=reviewer, rationale="New reasoning.")
        assert rows(Review, pk, "~") == 1
        Review.objects.filter(pk=pk).update(headline="x")
        assert rows(Review, pk, "~") == 2
        review.delete()
        assert rows(Review, pk, "-") == 1

    def test_review_evidence_changes_are_recorded(self, reviewer):
        review = ReviewFactory(evidence=[])
        services.review_add_evidence(claim=review.claim, user=reviewer, source=SourceFactory())
        latest = review.history.latest()
        assert latest.evidence.count() == 1

    def test_appearance_paths(self, reviewer):
        pk = AppearanceFactory().pk
        assert rows(Appearance, pk, "+") == 1
        Appearance.objects.filter(pk=pk).update(quote="new quote")
        assert rows(Appearance, pk, "~") == 1
        Appearance.objects.filter(pk=pk).delete()
        assert rows(Appearance, pk, "-") == 1

    def test_rating_paths(self):
        scale = rating("mixed")
        scale.label_en = "Half true"
        scale.save()
        Rating.objects.filter(pk=scale.pk).update(order=99)
        assert rows(Rating, scale.pk, "~") == 2
        new = Rating.objects.create(slug="satire", label_en="Satire", label_nb="Satire")
        assert rows(Rating, new.pk, "+") == 1


@pytest.mark.django_db
def test_history_copy_writes_what_simple_history_writes_for_a_bulk_create():
    """Candidates' creation rows are copied by the database (claims.models.audit.history_copy):
    the same tracked values, type and user as simple-history's own bulk rows, one per object."""
    from django.db import connection
    from simple_history.utils import bulk_create_with_history

    from claims.models import CandidateClaim
    from claims.models.audit import history_copy
    from tests.factories import ArticleFactory

    article = ArticleFactory()

    def build(offset: int) -> list[CandidateClaim]:
        return [
            CandidateClaim(
                article=article,
                start=offset + i,
                end=offset + i + 40,
                text=f"Sentence {i} with a figure of {i * 7} percent.",
                score=0.5 + i / 10,
                language="nb" if i % 2 else "en",
                speaker="Ola Nordmann" if i == 1 else "",
                match_score=0.7 if i == 2 else None,
                model_version=3,
            )
            for i in range(3)
        ]

    theirs = bulk_create_with_history(build(0), CandidateClaim)
    ours = CandidateClaim.objects.bulk_create(build(100))
    assert history_copy(CandidateClaim, [c.pk for c in ours], using=connection.alias) == 3
    history = CandidateClaim.history.model
    # Not compared: the id, the offsets (100 apart) and the creation time (a moment apart).
    compared = [f.attname for f in history.tracked_fields if f.attname not in {"id", "start", "end", "created_at"}]
    compared += ["history_type", "history_user_id", "history_change_reason"]

    def values(created: list[CandidateClaim]) -> list[tuple]:
        rows = history.objects.filter(id__in=[c.pk for c in created]).order_by("id")
        return [(r.start % 100, r.end % 100, *(getattr(r, name) for name in compared)) for r in rows]

    assert values(ours) == values(theirs)
    for candidate in ours:
        row = history.objects.get(id=candidate.pk)
        assert (row.created_at, row.start, row.text) == (candidate.created_at, candidate.start, candidate.text)
    assert {r.history_id for r in history.objects.filter(id__in=[c.pk for c in ours])}.isdisjoint(
        r.history_id for r in history.objects.filter(id__in=[c.pk for c in theirs])
    )
    assert history_copy(CandidateClaim, [], using=connection.alias) == 0
