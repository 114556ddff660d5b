"""Celery tasks: thin wrappers that take ids and call the services and the discovery engine.

Every task is safe to run twice (acks_late redelivers after a crash): writes are
update_or_create on unique keys, and jobs are claimed by a status-gated UPDATE.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from claims import services
from claims.discovery import jobs as discovery_jobs
from claims.discovery import pipeline
from claims.discovery.http import TransientFetchError
from claims.models import Feed, FetchJob
from claims.services import imports as import_services
from claims.services import notifications as notification_services
from claims.services import tips as tip_services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def find_duplicates(claim_id: int) -> int:
    """Store duplicate suggestions for a new claim; returns how many were found."""
    return services.duplicates_refresh(claim_id=claim_id)


@shared_task(ignore_result=True, acks_late=True)
def train_ranker() -> int:
    """Retrain the desk re-ranker from all marks (periodic); returns the marks it saw."""
    from claims.services.ranker import ranker_train

    return ranker_train().marks


# --- Related-article discovery (the `fetch` queue) ------------------------------------------
#
# The tasks take ids and leave the work to claims.discovery.pipeline. Each claims its
# FetchJob with a status-gated UPDATE first, so a redelivered message (after a worker was
# killed: acks_late + reject_on_worker_lost) resumes the job instead of doubling it, and
# only transient fetch errors are retried, with exponential backoff and jitter.

# Pages per fetch task, and so articles per analysis task: the analysis has fixed costs per
# batch (its statements, the tracking pools' read, the live set's check). Harvest bench, one
# worker: 20 -> 50 took the stored rate from 44-48 to 49-52 articles/s (session 22).
FEED_PAGE_BATCH = 50
# How many times a delivery that finds its job busy looks again before leaving it to the sweep.
BUSY_LOOKS = 3

_FETCH_TASK: dict[str, Any] = {
    "bind": True,
    "ignore_result": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (TransientFetchError,),
    "retry_backoff": 30,
    # Below the broker's visibility timeout (settings), so a retry waiting out its countdown
    # is not redelivered to another worker meanwhile.
    "retry_backoff_max": settings.JOB_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 3,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CELERY_TASK_HARD_TIME_LIMIT,
}


def _run_claimed(task: Any, job_id: int, run: Callable[[FetchJob, bool], Any]) -> Any:
    """Claim the job and run it; a job still held by a live run is looked at again later."""
    job, state = discovery_jobs.claim_job(job_id)
    if job is None:
        if state == "busy" and task.request.retries < task.max_retries + BUSY_LOOKS:
            # A run with a live lease holds it (e.g. this message was redelivered while the
            # run goes on, or its pool child was just killed): look again once that lease
            # would have expired. A live run acknowledges its own message; if it dies, the
            # sweep (recover_lost_jobs) re-queues the job, so giving up here loses nothing.
            raise task.retry(countdown=settings.JOB_LEASE_SECONDS + 5, max_retries=task.max_retries + BUSY_LOOKS)
        logger.info("job %s not run: %s", job_id, state)
        return None
    can_retry = task.request.retries < task.max_retries
    try:
        return _run(job, job_id, run, can_retry)
    finally:
        # Whoever started a job that ended failed hears about it (once per job).
        notification_services.job_failure_announce(job_id=job_id)


def _run(job: FetchJob, job_id: int, run: Callable[[FetchJob, bool], Any], can_retry: bool) -> Any:
    try:
        with discovery_jobs.lease(job):
            return run(job, can_retry)
    except TransientFetchError:
        if not can_retry:
            discovery_jobs.mark_failed(job_id, "gave up after repeated transient errors")
        raise
    except SoftTimeLimitExceeded:
        discovery_jobs.mark_failed(job_id, "stopped at the time limit")
        raise
    except Exception as exc:
        discovery_jobs.mark_failed(job_id, f"internal error: {type(exc).__name__}")
        raise


@shared_task(**_FETCH_TASK)
def discover_related(self: Any, job_id: int) -> None:
    """Find, rank and store related articles for the job's claim."""
    _run_claimed(
        self, job_id, lambda job, can_retry: pipeline.run_discovery(job, can_retry=can_retry, on_stored=_queue_analysis)
    )


@shared_task(**_FETCH_TASK)
def harvest_feed(self: Any, job_id: int) -> None:
    """Harvest one feed into the index, then fetch the new articles' pages in batches."""

    def run(job: FetchJob, can_retry: bool) -> None:
        _job, created = pipeline.run_harvest(job, can_retry=can_retry)
        for start in range(0, len(created), FEED_PAGE_BATCH):
            fetch_article.delay(article_ids=created[start : start + FEED_PAGE_BATCH])

    _run_claimed(self, job_id, run)


@shared_task(**_FETCH_TASK)
def fetch_article(self: Any, article_ids: list[int] | None = None) -> None:
    """Fetch and extract a batch of the index's article pages (queued by feed harvests)."""
    if article_ids:
        pipeline.fetch_articles(list(article_ids), on_stored=_queue_analysis)


def _queue_analysis(article_ids: list[int]) -> None:
    analyse_articles.delay(article_ids=list(article_ids))


@shared_task(ignore_result=True, acks_late=True)
def analyse_articles(*, article_ids: list[int]) -> int:
    """Candidate claims and recurrences for newly stored articles, apart from their fetching.

    On the default queue: CPU work that should not hold up the fetch queue's network work,
    and that more worker processes can share. Safe to repeat (keyed results).
    """
    return pipeline.analyse_articles(list(article_ids))


@shared_task(bind=True, ignore_result=True, acks_late=True)
def harvest_all_feeds(self: Any) -> int:
    """Beat, every 15 minutes: one harvest job per enabled feed. Returns how many were queued."""
    queued = 0
    for feed in Feed.objects.filter(enabled=True).only("id"):
        if discovery_jobs.open_job(kind=FetchJob.Kind.HARVEST, feed_id=feed.pk):
            services.harvest_job_start(feed_id=feed.pk)  # reuses it (sent again if it may be lost)
            continue
        services.harvest_job_start(feed_id=feed.pk)
        queued += 1
    return queued


@shared_task(ignore_result=True)
def purge_expired_tokens() -> int:
    """Beat, daily: delete expired API tokens (authentication only checks the token presented)."""
    return services.api_tokens_purge_expired()


@shared_task(bind=True, ignore_result=True, acks_late=True)
def recheck_open_claims(self: Any) -> int:
    """Beat, hourly: a new discovery job for open claims whose last one is old."""
    due = discovery_jobs.claims_due_for_recheck()
    for claim_id in due:
        services.discovery_job_start(claim_id=claim_id)
    return len(due)


@shared_task(ignore_result=True)
def recover_lost_jobs() -> dict[str, int]:
    """Beat, every JOB_SWEEP_SECONDS: re-queue jobs whose worker died or whose message was lost."""
    return discovery_jobs.recover_lost_jobs()


# --- Reader tips ------------------------------------------------------------------------------


@shared_task(ignore_result=True, acks_late=True)
def tip_triage(tip_id: int) -> None:
    """Group a new tip with similar ones and find the claim it most resembles."""
    tip_services.tip_triage(tip_id=tip_id)


@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=settings.JOB_RETRY_BACKOFF_MAX,
    max_retries=5,
)
def tips_notify_published(claim_id: int) -> int:
    """Mail consenting tipsters the public link of their published claim (each once)."""
    return tip_services.tips_notify_published(claim_id=claim_id)


@shared_task(ignore_result=True)
def tip_contacts_purge() -> int:
    """Delete tipsters' addresses older than the retention period (daily, from beat)."""
    return tip_services.tip_contacts_purge()


# --- Imports --------------------------------------------------------------------------------


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def run_import(job_id: int) -> None:
    """Run a queued import job; a job another run already took is left alone."""
    import_services.import_job_run(job_id=job_id)


# The watch engine's tasks live in their own module; importing it registers them with Celery.
from claims import tasks_watch  # noqa: E402, F401
