"""Storing the watch engine's matches (claims.services.recurrences.recurrences_record): one read
and one insert per article, a history row and an announced event per new recurrence, and a pair
another worker stored meanwhile left as theirs (session 19)."""

from __future__ import annotations

import pytest

from claims.models import DeskEvent, Recurrence
from claims.services import recurrences as rec
from claims.watch.recurrences import Match
from tests.factories import ArticleFactory, ClaimFactory


def _match(claim_id: int, passage: str) -> Match:
    return Match(claim_id=claim_id, start=0, end=len(passage), passage=passage, score=0.9)


@pytest.mark.django_db
def test_an_articles_matches_are_stored_at_once_with_history_and_one_event_each(commit):
    first, second = ClaimFactory(), ClaimFactory()
    piece = ArticleFactory(text="Two claims repeated here.")
    matches = [_match(first.pk, "claim one again"), _match(second.pk, "claim two again")]
    created = commit(lambda: rec.recurrences_record(article=piece, matches=matches))
    assert sorted(r.claim_id for r in created) == sorted([first.pk, second.pk])
    assert all(r.pk and r.created_at and r.status == "new" for r in created)
    for recurrence in created:
        [row] = Recurrence.history.filter(id=recurrence.pk)
        assert row.history_type == "+" and row.passage == recurrence.passage
    keys = set(DeskEvent.objects.filter(kind="recurrence.found").values_list("key", flat=True))
    assert keys == {f"recurrence.found:recurrence-{r.pk}" for r in created}
    # the same matches again store nothing and announce nothing
    assert commit(lambda: rec.recurrences_record(article=piece, matches=matches)) == []
    assert Recurrence.objects.count() == 2 and Recurrence.history.count() == 2
    assert DeskEvent.objects.filter(kind="recurrence.found").count() == 2


@pytest.mark.django_db
def test_a_pair_another_worker_stored_meanwhile_stays_theirs(commit, monkeypatch):
    first, second = ClaimFactory(), ClaimFactory()
    piece = ArticleFactory(text="Two claims repeated here.")
    # Another worker stored the first pair after this worker read what was recorded.
    Recurrence.objects.create(claim=first, article=piece, passage="theirs", start=0, end=6, score=0.8)
    monkeypatch.setattr(rec, "_recorded_claims", lambda article, matches: set())
    matches = [_match(first.pk, "ours"), _match(second.pk, "ours too")]
    created = commit(lambda: rec.recurrences_record(article=piece, matches=matches))
    assert [r.claim_id for r in created] == [second.pk]
    assert Recurrence.objects.get(claim=first).passage == "theirs"
    assert Recurrence.objects.count() == 2
