"""Finding 3 and 4 without a worker: leases tell dead runs from busy ones, the sweep re-queues
dead runs and re-sends lost messages, a new request never reuses a dead job, and stuck jobs
are reported and retried from the admin and the API.

The messages are read off the real broker the test settings use (kombu's in-process memory
transport on SQLite, Redis under REDIS_URL). tests/test_worker_loss.py does it with real
workers and SIGKILL.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.utils import timezone

from claims import services, tasks
from claims.discovery import jobs
from claims.exceptions import PreconditionFailed, TransitionForbidden
from claims.models import FetchJob
from factcheck.celery import app
from tests.factories import ClaimFactory, FeedFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401
from tests.test_tasks_on_commit import QUEUES, Sent

Status = FetchJob.Status


JOB_TASKS = ("claims.tasks.discover_related", "claims.tasks.harvest_feed")


def _drain_jobs() -> list:
    # One pass takes every message off the queues; keep those of the job tasks.
    found = []
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in QUEUES:
            while (message := channel.basic_get(queue, no_ack=True)) is not None:
                if message.headers["task"] in JOB_TASKS:
                    found.append(Sent(queue=queue, task=message.headers["task"], args=list(message.decode()[0])))
    return found


@pytest.fixture
def broker():
    """Empty queues before and after; calling it takes the job messages sent meanwhile."""
    _drain_jobs()
    yield _drain_jobs
    _drain_jobs()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what on_commit deferred, as the end of a real transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


@pytest.fixture
def claim(db):
    return ClaimFactory(status="in_research")


def _job(claim, **fields) -> FetchJob:
    job = jobs.create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
    if fields:
        FetchJob.objects.filter(pk=job.pk).update(**fields)
        job.refresh_from_db()
    return job


def _sent(drained) -> list[tuple[str, list]]:
    return [(m.task, m.args) for m in drained]


def test_a_fresh_heartbeat_is_busy_a_stale_one_is_dead(claim, settings):
    job = _job(claim)
    assert jobs.claim_job(job.pk)[1] == "claimed"
    # Long past the hard time limit, but the run still beats: busy, not dead.
    FetchJob.objects.filter(pk=job.pk).update(started_at=_ago(settings.CELERY_TASK_HARD_TIME_LIMIT * 2))
    assert jobs.claim_job(job.pk) == (None, "busy")
    job.refresh_from_db()
    assert not jobs.is_stuck(job)
    # The heartbeat stops (the worker was killed): after the lease the job is dead and taken over.
    FetchJob.objects.filter(pk=job.pk).update(heartbeat_at=_ago(settings.JOB_LEASE_SECONDS + 1))
    job.refresh_from_db()
    assert jobs.is_stuck(job)
    again, state = jobs.claim_job(job.pk)
    assert state == "claimed" and again.attempts == 2


def test_the_sweep_requeues_a_dead_run_and_sends_its_message(claim, broker, committed, settings):
    dead = _job(claim, status=Status.RUNNING, attempts=1, heartbeat_at=_ago(settings.JOB_LEASE_SECONDS + 5))
    alive = _job(ClaimFactory(), status=Status.RUNNING, attempts=1, heartbeat_at=timezone.now())
    broker()
    with committed():
        assert tasks.recover_lost_jobs() == {"requeued": 1, "resent": 0, "failed": 0}
    assert _sent(broker()) == [("claims.tasks.discover_related", [dead.pk])]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == Status.QUEUED and dead.attempts == 1
    assert alive.status == Status.RUNNING


def test_the_sweep_resends_a_queued_job_whose_message_was_lost(db, broker, committed, settings):
    feed = FeedFactory()
    lost = jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=feed)
    FetchJob.objects.filter(pk=lost.pk).update(enqueued_at=_ago(settings.JOB_REQUEUE_SECONDS + 1))
    recent = jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=FeedFactory())
    FetchJob.objects.filter(pk=recent.pk).update(enqueued_at=timezone.now())
    broker()
    with committed():
        assert tasks.recover_lost_jobs() == {"requeued": 0, "resent": 1, "failed": 0}
    assert _sent(broker()) == [("claims.tasks.harvest_feed", [lost.pk])]
    # Sent again now, so the next sweep leaves it alone.
    assert tasks.recover_lost_jobs() == {"requeued": 0, "resent": 0, "failed": 0}


def test_the_sweep_fails_a_job_that_keeps_losing_its_worker(claim, broker, settings):
    job = _job(
        claim, status=Status.RUNNING, attempts=jobs.MAX_ATTEMPTS, heartbeat_at=_ago(settings.JOB_LEASE_SECONDS + 5)
    )
    assert tasks.recover_lost_jobs()["failed"] == 1
    job.refresh_from_db()
    assert job.status == Status.FAILED and "worker lost" in job.errors[-1]["error"]
    assert broker() == []


def test_a_new_request_resends_a_queued_job_whose_message_may_be_lost(claim, broker, committed, reviewer, settings):
    job = _job(claim, enqueued_at=_ago(settings.JOB_HEARTBEAT_SECONDS + 1))
    broker()
    with committed():
        again = services.discovery_request(claim=claim, user=reviewer)
    assert again.pk == job.pk
    assert _sent(broker()) == [("claims.tasks.discover_related", [job.pk])]
    # A double click right after sends nothing more.
    with committed():
        services.discovery_request(claim=claim, user=reviewer)
    assert broker() == []


def test_a_new_request_does_not_reuse_a_dead_running_job(claim, broker, committed, reviewer, settings):
    dead = _job(claim, status=Status.RUNNING, attempts=1, heartbeat_at=_ago(settings.JOB_LEASE_SECONDS + 5))
    broker()
    with committed():
        job = services.discovery_request(claim=claim, user=reviewer)
    assert job.pk != dead.pk
    assert _sent(broker()) == [("claims.tasks.discover_related", [job.pk])]


def test_retry_needs_a_stuck_or_failed_job_and_the_permission(claim, broker, committed, reviewer, outsider, settings):
    busy = _job(claim, status=Status.RUNNING, attempts=1, heartbeat_at=timezone.now())
    with pytest.raises(PreconditionFailed):
        services.job_retry(job=busy, user=reviewer)
    failed = _job(claim, status=Status.FAILED, attempts=jobs.MAX_ATTEMPTS)
    with pytest.raises(TransitionForbidden):
        services.job_retry(job=failed, user=outsider)
    broker()
    with committed():
        retried = services.job_retry(job=failed, user=reviewer)
    assert (retried.status, retried.attempts) == (Status.QUEUED, 0)
    assert _sent(broker()) == [("claims.tasks.discover_related", [failed.pk])]


def test_the_api_reports_stuck_jobs_and_retries_them(claim, broker, committed, reviewer, settings):
    stuck = _job(claim, status=Status.RUNNING, attempts=1, heartbeat_at=_ago(settings.JOB_LEASE_SECONDS + 5))
    fine = _job(claim, status=Status.SUCCEEDED, attempts=1)
    client = client_for(reviewer)
    assert client.get(f"{API}/jobs/{stuck.pk}/").json()["stuck"] is True
    assert client.get(f"{API}/jobs/{fine.pk}/").json()["stuck"] is False
    with committed():
        response = client.post(f"{API}/jobs/{stuck.pk}/retry/")
    assert response.status_code == 202, response.content
    assert response.json()["job"]["status"] == "queued"
    assert client.post(f"{API}/jobs/{fine.pk}/retry/").status_code == 409
    assert client_for().post(f"{API}/jobs/{stuck.pk}/retry/").status_code == 401


def test_the_admin_lists_stuck_jobs_and_retries_them(claim, broker, desk_admin, settings):
    stuck = _job(claim, status=Status.RUNNING, attempts=1, heartbeat_at=_ago(settings.JOB_LEASE_SECONDS + 5))
    _job(claim, status=Status.SUCCEEDED, attempts=1)
    client = Client()
    client.force_login(desk_admin)
    listing = client.get("/admin/claims/fetchjob/?stuck=yes")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [stuck]
    response = client.post("/admin/claims/fetchjob/", {"action": "retry", "_selected_action": [stuck.pk]}, follow=True)
    assert "Queued 1 job again." in response.content.decode()
    stuck.refresh_from_db()
    assert stuck.status == Status.QUEUED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_running_job_keeps_its_lease_fresh(settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.2
    job = jobs.create_job(kind=FetchJob.Kind.DISCOVER, claim=ClaimFactory())
    job, _state = jobs.claim_job(job.pk)
    FetchJob.objects.filter(pk=job.pk).update(heartbeat_at=_ago(3600))
    with jobs.lease(job):
        time.sleep(1.0)
        job.refresh_from_db()
        assert job.heartbeat_at > _ago(5)
