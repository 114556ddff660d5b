"""Storing the watch engine's matches (claims.services.recurrences.recurrences_record): one read
and one insert per article, a history row and an announced event per new recurrence, and a pair
another worker stored meanwhile left as theirs (session 19); the article's events in one insert
and one task (session 20)."""

from __future__ import annotations

import pytest

from claims.models import (
    DeskEvent,
    Notification,
    NotificationEvent,
    Recurrence,
    WebhookMessage,
    WebhookSubscription,
)
from claims.services import events
from claims.services import recurrences as rec
from claims.watch.recurrences import Match
from factcheck.celery import app
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


# --- The events of an article's recurrences: one insert, one task (session 20) -------------------


def _three_repeated(reviewer) -> tuple[list, object, list[Match]]:
    claims = [ClaimFactory(created_by=reviewer) for _ in range(3)]
    piece = ArticleFactory(text="Three claims repeated here.", title="Three at once")
    return claims, piece, [_match(c.pk, f"claim {n} again") for n, c in enumerate(claims)]


def _watch_tasks(queued_tasks) -> list[tuple[str, list, dict]]:
    return [t for t in queued_tasks.take() if "tasks_watch" in t[0]]


def _notes() -> list[tuple]:
    rows = Notification.objects.order_by("claim_id", "user_id")
    return list(rows.values_list("user_id", "event", "claim_id", "message", "url", "email"))


@pytest.mark.django_db
def test_three_recurrences_of_an_article_are_three_events_in_one_task(
    reviewer, desk_admin, queued_tasks, django_capture_on_commit_callbacks
):
    # A subscriber (stored as is: the messages are made, not delivered, here).
    WebhookSubscription.objects.create(
        url="https://hooks.example/in", events=["recurrence.found"], secret="s", owner=desk_admin
    )
    claims, piece, matches = _three_repeated(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        created = rec.recurrences_record(article=piece, matches=matches)
    announced = list(DeskEvent.objects.filter(kind="recurrence.found").order_by("id"))
    assert [e.key for e in announced] == [f"recurrence.found:recurrence-{r.pk}" for r in created]
    assert [e.data["recurrence"]["id"] for e in announced] == [r.pk for r in created]
    assert _watch_tasks(queued_tasks) == [
        ("claims.tasks_watch.process_events", [], {"event_ids": [e.pk for e in announced]})
    ]

    for _delivery in range(2):  # acks_late: a redelivered message finds its work done
        app.tasks["claims.tasks_watch.process_events"].apply(
            kwargs={"event_ids": [e.pk for e in announced]}, throw=True
        )
    assert not DeskEvent.objects.filter(processed_at__isnull=True).exists()
    batched = _notes()
    assert [(user, event, claim) for user, event, claim, *_ in batched] == [
        (reviewer.pk, NotificationEvent.RECURRENCE, c.pk) for c in claims
    ]
    assert WebhookMessage.objects.filter(event="recurrence.found").count() == 3

    # The same events processed one by one, as process_event did them, make the same notifications.
    Notification.objects.all().delete()
    DeskEvent.objects.update(processed_at=None)
    for event in announced:
        app.tasks["claims.tasks_watch.process_event"].apply(kwargs={"event_id": event.pk}, throw=True)
    assert _notes() == batched
    assert WebhookMessage.objects.filter(event="recurrence.found").count() == 3


@pytest.mark.django_db
def test_a_pair_stored_meanwhile_announces_the_rest_in_one_task(
    queued_tasks, monkeypatch, django_capture_on_commit_callbacks
):
    claims = [ClaimFactory() for _ in range(3)]
    piece = ArticleFactory(text="Three claims repeated here.")
    Recurrence.objects.create(claim=claims[0], article=piece, passage="theirs", start=0, end=6, score=0.8)
    monkeypatch.setattr(rec, "_recorded_claims", lambda article, matches: set())
    with django_capture_on_commit_callbacks(execute=True):
        created = rec.recurrences_record(article=piece, matches=[_match(c.pk, "ours") for c in claims])
    assert [r.claim_id for r in created] == [c.pk for c in claims[1:]]
    stored = list(DeskEvent.objects.order_by("id").values_list("pk", "key"))
    assert [key for _pk, key in stored] == [f"recurrence.found:recurrence-{r.pk}" for r in created]
    assert _watch_tasks(queued_tasks) == [
        ("claims.tasks_watch.process_events", [], {"event_ids": [pk for pk, _key in stored]})
    ]


@pytest.mark.django_db
def test_a_taken_key_falls_back_one_by_one_and_loses_or_doubles_nothing(
    reviewer, queued_tasks, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(created_by=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        events.event_emit(kind="recurrence.found", claim_id=claim.pk, data={"article_title": "First"}, key="one")
    [(name, _args, first_task)] = _watch_tasks(queued_tasks)
    assert name == "claims.tasks_watch.process_event"
    first = DeskEvent.objects.get()

    def draft(key: str, title: str) -> events.EventDraft:
        return events.EventDraft(kind="recurrence.found", claim_id=claim.pk, data={"article_title": title}, key=key)

    batch = [draft("one", "Again"), draft("two", "Second"), draft("three", "Third"), draft("three", "Third again")]
    with django_capture_on_commit_callbacks(execute=True):
        keys = events.events_emit(events=batch)
    assert keys == [f"recurrence.found:{k}" for k in ("one", "two", "three", "three")]
    stored = {e.key: e for e in DeskEvent.objects.all()}
    assert sorted(stored) == sorted({*keys})
    assert (
        stored["recurrence.found:one"].pk == first.pk
        and stored["recurrence.found:one"].data["article_title"] == "First"
    )
    assert stored["recurrence.found:three"].data["article_title"] == "Third"
    new_ids = [stored[f"recurrence.found:{k}"].pk for k in ("two", "three")]
    assert _watch_tasks(queued_tasks) == [("claims.tasks_watch.process_events", [], {"event_ids": new_ids})]

    # Both tasks run, the single one twice: one notification per event, none twice.
    app.tasks["claims.tasks_watch.process_event"].apply(kwargs=first_task, throw=True)
    for _delivery in range(2):
        app.tasks["claims.tasks_watch.process_events"].apply(kwargs={"event_ids": new_ids}, throw=True)
    app.tasks["claims.tasks_watch.process_event"].apply(kwargs=first_task, throw=True)
    assert sorted(Notification.objects.values_list("event_key", flat=True)) == sorted(stored)


@pytest.mark.django_db
def test_an_unknown_kind_in_a_batch_writes_nothing(queued_tasks, django_capture_on_commit_callbacks):
    claim = ClaimFactory()
    batch = [
        events.EventDraft(kind="recurrence.found", claim_id=claim.pk),
        events.EventDraft(kind="nope", claim_id=None),
    ]
    with pytest.raises(ValueError, match="nope"), django_capture_on_commit_callbacks(execute=True):
        events.events_emit(events=batch)
    assert not DeskEvent.objects.exists()
    assert events.events_emit(events=[]) == []
    assert _watch_tasks(queued_tasks) == []


@pytest.mark.django_db
def test_recording_three_matches_takes_a_fixed_number_of_statements(django_assert_num_queries):
    claims = [ClaimFactory() for _ in range(3)]
    piece = ArticleFactory(text="Three claims repeated here.")
    matches = [_match(c.pk, f"claim {n} again") for n, c in enumerate(claims)]
    # SAVEPOINT; the article's recorded claims; SAVEPOINT, the recurrences' INSERT, RELEASE; their
    # history's INSERT … SELECT; SAVEPOINT, the events' INSERT, RELEASE; RELEASE. The events were a
    # get_or_create each, six statements a match: 25 for three (both backends, session 19's code).
    with django_assert_num_queries(10):
        assert len(rec.recurrences_record(article=piece, matches=matches)) == 3
