"""The discovery engine's own records: FetchJob lifecycle, the Article index, suggestions.

Everything here is safe to run twice. A job is claimed with a status-gated UPDATE (queued →
running, or a running job whose lease expired), so two deliveries of one message cannot
both work on it; articles and suggestions are written with `update_or_create` on their
unique keys, so a re-run adds nothing twice.

A running job holds a lease: its run writes `heartbeat_at` every JOB_HEARTBEAT_SECONDS
(from a thread, so a long fetch or ranking step does not starve it). A heartbeat older
than JOB_LEASE_SECONDS means the run is dead — its worker or pool child was killed — and
not merely busy. The periodic sweep (`recover_lost_jobs`, beat) re-queues such jobs and
re-sends queued jobs whose message was sent long ago and never taken (a broker that lost
it); a job that keeps losing its worker is failed and reported.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from claims import workflow
from claims.discovery.http import FetchError
from claims.models import Article, Claim, Feed, FetchJob, RelatedArticle
from claims.urlnorm import normalize_url

logger = logging.getLogger(__name__)

# One more than the task's retries, so a crash (a killed worker) still leaves a retry.
MAX_ATTEMPTS = 5
MAX_RECORDED_ERRORS = 100
Status = FetchJob.Status
FINISHED = (Status.SUCCEEDED, Status.PARTIAL, Status.FAILED)


# --- Jobs -------------------------------------------------------------------------------------


def create_job(
    *, kind: str, claim: Claim | None = None, feed: Feed | None = None, url: str = "", user: Any = None
) -> FetchJob:
    requested_by = user if getattr(user, "is_authenticated", False) else None
    return FetchJob.objects.create(kind=kind, claim=claim, feed=feed, url=url, requested_by=requested_by)


def stale_before() -> dt.datetime:
    """A running job whose heartbeat is older than this has lost its worker (dead, not busy)."""
    return timezone.now() - dt.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _dead_run() -> Q:
    # Jobs claimed before heartbeats existed have none: their start time stands in for it.
    cutoff = stale_before()
    return Q(status=Status.RUNNING) & (Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))


def _lost_message() -> Q:
    """Queued, and its message was sent longer ago than JOB_REQUEUE_SECONDS without a worker taking it."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.JOB_REQUEUE_SECONDS)
    return Q(status=Status.QUEUED) & (Q(enqueued_at__lt=cutoff) | Q(enqueued_at__isnull=True, created_at__lt=cutoff))


def stuck_jobs() -> Any:
    """Jobs nobody is working on although they are not finished: a dead run, or a message never taken."""
    return FetchJob.objects.filter(_dead_run() | _lost_message())


def is_stuck(job: FetchJob) -> bool:
    now = timezone.now()
    if job.status == Status.RUNNING:
        beat = job.heartbeat_at or job.started_at
        return beat is not None and beat < now - dt.timedelta(seconds=settings.JOB_LEASE_SECONDS)
    if job.status == Status.QUEUED:
        sent = job.enqueued_at or job.created_at
        return sent is not None and sent < now - dt.timedelta(seconds=settings.JOB_REQUEUE_SECONDS)
    return False


def claim_job(job_id: int) -> tuple[FetchJob | None, str]:
    """Take the job for this run, or say why not: "finished", "busy", "missing" or "gave up".

    "busy" means another run holds a live lease on it; the caller may look again once that
    lease would have expired.
    """
    now = timezone.now()
    taken = (
        FetchJob.objects.filter(pk=job_id, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(status=Status.QUEUED) | _dead_run())
        .update(status=Status.RUNNING, attempts=F("attempts") + 1, started_at=now, heartbeat_at=now, finished_at=None)
    )
    job = FetchJob.objects.filter(pk=job_id).first()
    if job is None:
        return None, "missing"
    if taken:
        return job, "claimed"
    if job.status in FINISHED:
        return None, "finished"
    if job.attempts >= MAX_ATTEMPTS and (job.status == Status.QUEUED or is_stuck(job)):
        _close_failed(job, {"error": f"gave up after {job.attempts} attempts", "permanent": True})
        return None, "gave up"
    return None, "busy"


@contextmanager
def lease(job: FetchJob) -> Iterator[None]:
    """Keep the job's heartbeat fresh while the block runs (the run's proof of life)."""
    attempt = job.attempts
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                FetchJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=attempt).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # a missed beat only makes the job look dead sooner; never crash the run
            logger.exception("heartbeat of job %s failed", job.pk)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"job-{job.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=settings.JOB_HEARTBEAT_SECONDS + 5)


# The task that runs each kind of job, by name (this module must not import claims.tasks).
JOB_TASKS: dict[str, str] = {
    FetchJob.Kind.DISCOVER: "claims.tasks.discover_related",
    FetchJob.Kind.HARVEST: "claims.tasks.harvest_feed",
}


def send_job(job_id: int, kind: str) -> None:
    """Send the job's message now (callers use transaction.on_commit) and note when."""
    FetchJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    current_app.send_task(JOB_TASKS[kind], args=[job_id])


def requeue(job: FetchJob, *, reset_attempts: bool = False) -> bool:
    """Put an unfinished job whose run is dead (or whose message is lost) back in the queue.

    Gated on the job still being stuck, so a run that came back to life or finished keeps
    it. The message is sent once the caller's transaction commits.
    """
    fields: dict[str, Any] = {"status": Status.QUEUED, "enqueued_at": timezone.now(), "finished_at": None}
    if reset_attempts:
        fields["attempts"] = 0
    gate = Q(status=Status.FAILED) if reset_attempts else Q(pk__in=[])
    if not FetchJob.objects.filter(pk=job.pk).filter(gate | _dead_run() | _lost_message()).update(**fields):
        return False
    transaction.on_commit(lambda: send_job(job.pk, job.kind))
    return True


def recover_lost_jobs(*, limit: int = 500) -> dict[str, int]:
    """The periodic sweep: re-queue dead runs, re-send lost messages, fail jobs that keep dying."""
    counts = {"requeued": 0, "resent": 0, "failed": 0}
    for job in stuck_jobs().filter(kind__in=list(JOB_TASKS)).order_by("pk")[:limit]:
        was_running = job.status == Status.RUNNING
        if job.attempts >= MAX_ATTEMPTS:
            _close_failed(job, {"error": f"worker lost {job.attempts} times; gave up", "permanent": True})
            counts["failed"] += 1
        elif requeue(job):
            counts["requeued" if was_running else "resent"] += 1
    if any(counts.values()):
        logger.warning("job sweep: %s", counts)
    return counts


class JobRecorder:
    """Accumulates a running job's progress, per-provider stats, errors and timings.

    Every change is written at once (one small UPDATE), so the admin's progress bar and the
    API see the job move while it runs. Writes are gated on the job still being ours
    (running, same attempt), so a run that lost its claim cannot overwrite the next one.
    """

    def __init__(self, job: FetchJob, *, on_progress: Callable[[int, int], None] | None = None) -> None:
        self.job = job
        self.attempt = job.attempts
        self.done = 0
        self.total = 0
        self.stats: dict[str, Any] = {}
        self.errors: list[dict[str, Any]] = list(job.errors or [])
        self.timings: dict[str, float] = {}
        self.on_progress = on_progress
        self._started = time.monotonic()

    def _write(self, **fields: Any) -> None:
        fields.setdefault("heartbeat_at", timezone.now())
        FetchJob.objects.filter(pk=self.job.pk, status=Status.RUNNING, attempts=self.attempt).update(**fields)
        for key, value in fields.items():
            setattr(self.job, key, value)

    def flush(self) -> None:
        self._write(
            progress_done=self.done,
            progress_total=max(self.total, self.done),
            provider_stats=self.stats,
            errors=self.errors[-MAX_RECORDED_ERRORS:],
            timings=self.timings,
        )
        if self.on_progress:
            self.on_progress(self.done, max(self.total, self.done))

    def set_total(self, total: int) -> None:
        self.total = total
        self.flush()

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        self.flush()

    def stat(self, name: str, **values: Any) -> None:
        self.stats.setdefault(name, {}).update(values)

    def error(self, source: str, exc: BaseException | str, *, url: str = "") -> None:
        if isinstance(exc, FetchError):
            entry = {"provider": source, **exc.as_dict()}
            entry["url"] = entry["url"] or url
        else:
            entry = {
                "provider": source,
                "error": str(exc)[:500],
                "type": type(exc).__name__,
                "permanent": True,
                "url": url,
            }
        entry["attempt"] = self.attempt
        self.errors.append(entry)

    def timed(self, name: str, started: float) -> None:
        self.timings[name] = round(time.monotonic() - started, 3)

    def finish(self, status: str | None = None) -> FetchJob:
        """Close the job: succeeded, partial (some errors this attempt) or failed."""
        if status is None:
            own_errors = [e for e in self.errors if e.get("attempt") == self.attempt]
            status = Status.PARTIAL if own_errors else Status.SUCCEEDED
        self.timings["total"] = round(time.monotonic() - self._started, 3)
        self.done = max(self.done, self.total)
        self.flush()
        self._write(status=status, finished_at=timezone.now())
        return self.job

    def release(self) -> None:
        """Give the job back (queued) so a retry of the task can claim it again."""
        self.flush()
        self._write(status=Status.QUEUED, enqueued_at=timezone.now())


def mark_failed(job_id: int, message: str) -> None:
    """Close a job whose run ended abnormally (time limit, a bug), so it does not hang as running."""
    job = FetchJob.objects.filter(pk=job_id).first()
    if job is None or job.status in FINISHED:
        return
    _close_failed(job, {"error": message[:500], "permanent": True, "attempt": job.attempts})


def _close_failed(job: FetchJob, entry: dict[str, Any]) -> None:
    # Gated on the status, so a run that finished meanwhile keeps its own outcome.
    errors = [*job.errors, entry]
    FetchJob.objects.filter(pk=job.pk).exclude(status__in=FINISHED).update(
        status=Status.FAILED, finished_at=timezone.now(), errors=errors[-MAX_RECORDED_ERRORS:]
    )


def open_job(*, kind: str, claim_id: int | None = None, feed_id: int | None = None) -> FetchJob | None:
    """A queued job of this kind for the claim/feed that a worker has yet to take, if any.

    Asking twice in a row (a double click, a beat tick while the last job waits) then
    reuses that job instead of queueing the same work again. A job whose message may be
    lost is never reused as it is: `services.discovery_job_start`/`harvest_job_start`
    send it again (see `needs_resend`).
    """
    subject: dict[str, int | None] = {"claim_id": claim_id, "feed_id": feed_id}  # None: IS NULL
    return (
        FetchJob.objects.filter(kind=kind, status=Status.QUEUED, attempts=0, **subject).order_by("-created_at").first()
    )


def needs_resend(job: FetchJob) -> bool:
    """A reused queued job whose message went out more than a heartbeat ago may have been lost
    with a broker or a worker: a new request sends it again (a duplicate message is a no-op)."""
    sent = job.enqueued_at or job.created_at
    return sent < timezone.now() - dt.timedelta(seconds=settings.JOB_HEARTBEAT_SECONDS)


def claims_due_for_recheck(*, limit: int = 200) -> list[int]:
    """Open claims whose last discovery is older than DISCOVERY_RECHECK_HOURS (or that never had one
    while in research or review), oldest first."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.DISCOVERY_RECHECK_HOURS)
    researched = {workflow.ClaimStatus.IN_RESEARCH, workflow.ClaimStatus.IN_REVIEW}
    rows = (
        Claim.objects.filter(status__in=workflow.OPEN_STATES)
        .annotate(last_job=Max("jobs__created_at", filter=Q(jobs__kind=FetchJob.Kind.DISCOVER)))
        .filter(Q(last_job__lt=cutoff) | Q(last_job__isnull=True, status__in=researched))
        .order_by(F("last_job").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return list(rows)


# --- Articles ---------------------------------------------------------------------------------

_LIMITS = {"title": 500, "outlet": 200, "author": 200, "language": 35, "canonical_url": 2000, "content_hash": 64}


def upsert_article(*, url: str, provider: str, feed: Feed | None = None, **fields: Any) -> Article | None:
    """The index row for `url` (normalised), created or filled in; None if the URL is unusable.

    Empty values never overwrite what the index already has, so a feed's short entry does
    not blank out text extracted earlier, and re-harvesting changes nothing twice.
    """
    normalized = _index_url(url)
    if normalized is None:
        return None
    values = _filled(fields)
    article, _created = Article.objects.update_or_create(
        url=normalized, defaults=values, create_defaults={**values, "provider": provider, "feed": feed}
    )
    return article


def upsert_articles(
    entries: Iterable[tuple[str, dict[str, Any]]], *, provider: str, feed: Feed | None = None
) -> list[tuple[int, bool] | None]:
    """`upsert_article` for many (url, fields) at once, e.g. a feed's entries: per entry, in
    order, (the row's id, whether the URL was new to the index), or None for an unusable URL.

    New URLs are inserted together (a few statements per thousand, not three each: a
    2,000-item feed took ~4 s row by row); known ones are filled in by one UPDATE each, with
    the same rule (empty values leave what the row has). A URL listed twice is new once.
    A URL another worker inserts between the look-up and the insert keeps that worker's
    values; it is still reported as new here, as the row-by-row form did.
    """
    usable = [(_index_url(url), fields) for url, fields in entries]
    ids = dict(Article.objects.filter(url__in={url for url, _f in usable if url}).values_list("url", "pk"))
    new: dict[str, Article] = {}
    updates: list[tuple[str, dict[str, Any]]] = []
    plan: list[tuple[str, bool] | None] = []  # per entry: its URL and whether it is new here
    for url, fields in usable:
        if url is None:
            plan.append(None)
            continue
        values = _filled(fields)
        if url in ids or url in new:
            updates.append((url, values))
            plan.append((url, False))
        else:
            new[url] = Article(url=url, provider=provider, feed=feed, **values)
            plan.append((url, True))
    with transaction.atomic():
        if new:
            Article.objects.bulk_create(new.values(), ignore_conflicts=True, batch_size=500)
            ids.update(Article.objects.filter(url__in=list(new)).values_list("url", "pk"))
        for url, values in updates:
            if values:
                Article.objects.filter(pk=ids[url]).update(**values)
    return [None if item is None else (ids[item[0]], item[1]) for item in plan]


def _index_url(url: str) -> str | None:
    """The URL as the index keys it (normalised), or None when it cannot be an index row."""
    normalized = normalize_url(url)
    if not normalized.startswith(("http://", "https://")) or len(normalized) > 2000:
        return None
    return normalized


def _filled(fields: dict[str, Any]) -> dict[str, Any]:
    """The values worth writing: empty ones dropped, long strings cut to their column."""
    values = {}
    for key, value in fields.items():
        if value in (None, ""):
            continue
        if isinstance(value, str) and key in _LIMITS:
            value = value[: _LIMITS[key]]
        values[key] = value
    return values


def store_page(pk: int, fields: dict[str, Any]) -> bool:
    """Fill in a fetched page's columns on its index row; False if the row is gone.

    One UPDATE, committed at once: a page stored is never fetched again, even if the
    worker dies on the next page of its batch (tests/test_worker_loss.py), and there is
    no read before the write (update_or_create's SELECT … FOR UPDATE cost as much as
    the write itself). As in `upsert_article`, empty values leave what the row has; a
    stored page's old fetch error is cleared.
    """
    return bool(Article.objects.filter(pk=pk).update(**_filled(fields), fetch_error=""))


# --- Suggestions ------------------------------------------------------------------------------


def irrelevant_article_ids(claim: Claim) -> set[int]:
    return set(
        RelatedArticle.objects.filter(claim=claim, status=RelatedArticle.Status.IRRELEVANT).values_list(
            "article_id", flat=True
        )
    )


@transaction.atomic
def store_suggestions(
    *, claim: Claim, ranked: Iterable[tuple[Article, float, dict[str, Any]]], provider_of: dict[int, str]
) -> dict[str, int]:
    """Store ranked articles as the claim's suggestions, idempotently.

    An article the reviewer marked irrelevant is never suggested again; one marked relevant
    keeps its status and reviewer while its score and reasons are refreshed.
    """
    irrelevant = irrelevant_article_ids(claim)
    counts = {"created": 0, "updated": 0, "skipped_irrelevant": 0}
    rank = 0
    for article, score, why in ranked:
        if article.pk in irrelevant:
            counts["skipped_irrelevant"] += 1
            continue
        rank += 1
        why = dict(why or {})
        snippet = str(why.pop("snippet", "") or "")[:2000]
        values = {"score": float(score), "rank": rank, "why": why, "snippet": snippet}
        _obj, created = RelatedArticle.objects.update_or_create(
            claim=claim,
            article=article,
            defaults=values,
            create_defaults={**values, "provider": provider_of.get(article.pk, article.provider)[:40]},
        )
        counts["created" if created else "updated"] += 1
    return counts
