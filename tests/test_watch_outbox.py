"""The watch engine's outbox: events written with their change, processed once, in order, and swept.

A desk event is a row committed with the change it tells of; webhook messages about one
claim go out in the events' order even when their tasks run out of order; the sweep re-sends
what a lost task or a killed worker left behind.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from werkzeug import Response

from claims import services
from claims.models import DeskEvent, Notification, WebhookDelivery, WebhookMessage
from claims.services import events
from claims.services import webhooks as hooks
from claims.workflow import ClaimStatus
from factcheck.celery import app
from tests.factories import ClaimFactory, ReviewFactory
from tests.fixtures.web.server import LOOPBACK

ALL = ["claim.created", "claim.state_changed", "claim.published", "claim.retracted", "review.updated"]


@pytest.fixture
def receiver(httpserver, settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    settings.WEBHOOK_RETRY_DELAYS = [0, 0, 0]

    class Receiver:
        answers: list[int] = []
        requests: list[dict] = []
        url = httpserver.url_for("/hook")

        def handle(self, request):
            self.requests.append({"headers": dict(request.headers), "json": request.get_json(silent=True)})
            return Response("ok", status=self.answers.pop(0) if self.answers else 200)

    receiver = Receiver()
    receiver.answers, receiver.requests = [], []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver.handle)
    return receiver


def run_task(name: str, **kwargs):
    return app.tasks[name].apply(kwargs=kwargs, throw=True).get()


def types_seen(receiver) -> list[str]:
    return [r["json"]["type"] for r in receiver.requests]


@pytest.mark.django_db
def test_an_event_is_a_row_written_with_its_change_and_gone_with_a_rollback(reviewer, reviewer2, queued_tasks):
    claim = ClaimFactory(created_by=reviewer)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.claim_assign(claim=claim, user=reviewer, assignee=reviewer2)
        assert DeskEvent.objects.filter(kind="claim.assigned", claim_id=claim.pk).exists()
        raise RuntimeError("the request failed")
    assert not DeskEvent.objects.exists()
    assert queued_tasks.take() == []


@pytest.mark.django_db
def test_messages_go_out_in_event_order_when_their_tasks_run_the_other_way_round(
    desk_admin, editor, reviewer, receiver, queued_tasks, django_capture_on_commit_callbacks
):
    hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.published", "claim.retracted"])
    claim = ReviewFactory(author=reviewer, claim=ClaimFactory(status=ClaimStatus.IN_REVIEW)).claim
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_transition(claim=claim, user=editor, to=ClaimStatus.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_transition(claim=claim, user=editor, to=ClaimStatus.RETRACTED)
    tasks = [kw for name, _args, kw in queued_tasks.take() if name.endswith("process_event")]
    first, second = sorted(tasks, key=lambda kw: kw["event_id"])

    # The later event is processed first (another worker took it): its message must wait.
    run_task("claims.tasks_watch.process_event", **second)
    assert WebhookMessage.objects.get(event="claim.retracted").status == "pending"
    assert [n for n, *_ in queued_tasks.take() if n.endswith("deliver_webhook")] == []

    with django_capture_on_commit_callbacks(execute=True):
        run_task("claims.tasks_watch.process_event", **first)
        queued_tasks.run(only="tasks_watch")
    assert types_seen(receiver) == ["claim.published", "claim.retracted"]


@pytest.mark.django_db
def test_a_redelivered_event_task_does_nothing_twice(reviewer, reviewer2, queued_tasks):
    claim = ClaimFactory(created_by=reviewer)
    services.claim_assign(claim=claim, user=reviewer, assignee=reviewer2)
    event = DeskEvent.objects.get(kind="claim.assigned")
    for _ in range(2):
        run_task("claims.tasks_watch.process_event", event_id=event.pk)
    assert Notification.objects.filter(user=reviewer2).count() == 1
    event.refresh_from_db()
    assert event.processed_at is not None


@pytest.mark.django_db
def test_a_task_queued_before_the_outbox_is_still_processed(reviewer, reviewer2):
    claim = ClaimFactory(created_by=reviewer)
    legacy = {"key": "claim.assigned:old", "kind": "claim.assigned", "claim_id": claim.pk, "actor_id": reviewer.pk}
    data = {"assignee_id": reviewer2.pk, "previous_assignee_id": None}
    for _ in range(2):
        run_task("claims.tasks_watch.process_event", **legacy, data=data)
    assert DeskEvent.objects.filter(key="claim.assigned:old").count() == 1
    assert Notification.objects.filter(user=reviewer2).count() == 1


@pytest.mark.django_db
def test_the_sweep_resends_an_event_whose_task_was_lost(reviewer, reviewer2, queued_tasks, settings):
    settings.EVENT_REQUEUE_SECONDS = 60
    claim = ClaimFactory(created_by=reviewer)
    services.claim_assign(claim=claim, user=reviewer, assignee=reviewer2)
    queued_tasks.take()  # the broker crashed: the task is gone, the event row is not
    assert run_task("claims.tasks_watch.sweep_watch") == {"events": 0, "webhook_messages": 0}  # too soon
    DeskEvent.objects.update(created_at=timezone.now() - dt.timedelta(seconds=61))
    assert run_task("claims.tasks_watch.sweep_watch") == {"events": 1, "webhook_messages": 0}
    queued_tasks.run(only="tasks_watch")
    assert Notification.objects.filter(user=reviewer2).count() == 1
    assert run_task("claims.tasks_watch.sweep_watch") == {"events": 0, "webhook_messages": 0}


@pytest.mark.django_db
def test_the_sweep_finishes_a_message_whose_worker_died_mid_attempt(
    desk_admin, reviewer, receiver, queued_tasks, settings, django_capture_on_commit_callbacks
):
    settings.EVENT_REQUEUE_SECONDS = 60
    hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.created"])
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_create(user=reviewer, text="Sent once the worker comes back.", language="en")
    [event_task] = [kw for n, _a, kw in queued_tasks.take() if n.endswith("process_event")]
    run_task("claims.tasks_watch.process_event", **event_task)
    queued_tasks.take()  # the delivery task is lost
    message = WebhookMessage.objects.get()
    # A worker took attempt 1 and was killed before recording anything.
    WebhookMessage.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, sending_since=timezone.now() - dt.timedelta(seconds=10)
    )
    assert run_task("claims.tasks_watch.sweep_watch")["webhook_messages"] == 0  # it may still be sending
    stale = 60 + django_settings.FETCH_TOTAL_TIMEOUT + 1
    WebhookMessage.objects.filter(pk=message.pk).update(sending_since=timezone.now() - dt.timedelta(seconds=stale))
    assert run_task("claims.tasks_watch.sweep_watch")["webhook_messages"] == 1
    queued_tasks.run(only="tasks_watch")
    message.refresh_from_db()
    assert message.status == "delivered" and message.attempts == 2
    log = list(message.deliveries.order_by("attempt").values_list("attempt", "ok", "error"))
    assert log == [(1, False, "the worker was lost during this attempt"), (2, True, "")]
    assert len(receiver.requests) == 1
    # Sweeping again sends nothing.
    assert run_task("claims.tasks_watch.sweep_watch")["webhook_messages"] == 0


@pytest.mark.django_db
def test_the_sweep_sends_a_lost_first_attempt_and_an_overdue_retry(
    desk_admin, reviewer, receiver, queued_tasks, settings
):
    settings.EVENT_REQUEUE_SECONDS = 60
    hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.created"])
    for text in ("First claim of two.", "Second claim of two."):
        services.claim_create(user=reviewer, text=text, language="en")
    for event_id in DeskEvent.objects.values_list("pk", flat=True):
        run_task("claims.tasks_watch.process_event", event_id=event_id)
    queued_tasks.take()  # both delivery tasks lost
    first, second = WebhookMessage.objects.order_by("id")
    long_ago = timezone.now() - dt.timedelta(seconds=61)
    WebhookMessage.objects.filter(pk=first.pk).update(created_at=long_ago)
    # The second had a failed attempt; its delayed retry was lost with the broker.
    WebhookMessage.objects.filter(pk=second.pk).update(attempts=1, next_attempt_at=long_ago, created_at=long_ago)
    WebhookDelivery.objects.create(message=second, attempt=1, status_code=503, ok=False)
    assert run_task("claims.tasks_watch.sweep_watch")["webhook_messages"] == 2
    queued_tasks.run(only="tasks_watch")
    assert set(WebhookMessage.objects.values_list("status", flat=True)) == {"delivered"}
    assert WebhookMessage.objects.get(pk=second.pk).attempts == 2


def test_the_sweep_runs_from_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["sweep-watch"]
    assert entry["task"] == "claims.tasks_watch.sweep_watch"
    assert entry["schedule"] == django_settings.WATCH_SWEEP_SECONDS


@pytest.mark.django_db
def test_the_sweep_resends_events_whose_batch_task_was_lost(
    reviewer, queued_tasks, settings, django_capture_on_commit_callbacks
):
    settings.EVENT_REQUEUE_SECONDS = 60
    claims = [ClaimFactory(created_by=reviewer) for _ in range(2)]
    drafts = [events.EventDraft(kind="recurrence.found", claim_id=c.pk, data={"article_title": "T"}) for c in claims]
    with django_capture_on_commit_callbacks(execute=True):
        events.events_emit(events=drafts)
    [(name, _args, _kwargs)] = queued_tasks.take()  # the broker crashed: the batch's task is gone
    assert name == "claims.tasks_watch.process_events"
    DeskEvent.objects.update(created_at=timezone.now() - dt.timedelta(seconds=61))
    assert run_task("claims.tasks_watch.sweep_watch") == {"events": 2, "webhook_messages": 0}
    queued_tasks.run(only="tasks_watch")
    assert sorted(Notification.objects.filter(user=reviewer).values_list("claim_id", flat=True)) == sorted(
        c.pk for c in claims
    )
    assert run_task("claims.tasks_watch.sweep_watch") == {"events": 0, "webhook_messages": 0}


@pytest.mark.django_db
def test_a_batch_task_finishes_what_a_single_task_left(reviewer, queued_tasks, django_capture_on_commit_callbacks):
    claims = [ClaimFactory(created_by=reviewer) for _ in range(3)]
    drafts = [events.EventDraft(kind="recurrence.found", claim_id=c.pk, data={"article_title": "T"}) for c in claims]
    with django_capture_on_commit_callbacks(execute=True):
        events.events_emit(events=drafts)
    [(_name, _args, batch)] = queued_tasks.take()
    # The sweep re-sent the first event alone before the batch's task ran (it was slow, not lost).
    run_task("claims.tasks_watch.process_event", event_id=batch["event_ids"][0])
    run_task("claims.tasks_watch.process_events", event_ids=list(reversed(batch["event_ids"])))
    assert Notification.objects.filter(user=reviewer).count() == 3
    assert not DeskEvent.objects.filter(processed_at__isnull=True).exists()


def test_batched_events_go_to_the_queue_single_ones_do():
    route = app.amqp.router.route
    single = route({}, "claims.tasks_watch.process_event")["queue"].name
    assert route({}, "claims.tasks_watch.process_events")["queue"].name == single
    assert single == django_settings.CELERY_TASK_DEFAULT_QUEUE
