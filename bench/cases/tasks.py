"""Case 6: Celery — each task's work against Celery's own cost per task, and fire-and-forget results.

Celery's cost per task is measured with a task that does nothing but INCR a Redis key:
a burst of them through the same broker and worker as the real tasks gives the cost per
task (publish, deliver, dispatch to the pool, acknowledge); single round trips give the
latency. The real tasks' run times come from the worker's own log ("succeeded in …s"):
discovery jobs (case 5), feed harvests (one task per feed) and the page fetches they fan
out (one task per batch of articles), and duplicate checks for new claims.
"""

from __future__ import annotations

import statistics
import time

from bench.cases.discovery import _reset, _setup_claim_and_feeds, cleanup_discovery, get_worker
from bench.celery_tasks import COUNTER
from bench.harness import CaseResult, Context, Timing
from bench.support import CorpusServer, wait_for

BURST = 200


def _queues_empty(client) -> bool:
    return all(client.llen(q) == 0 for q in ("default", "fetch")) and client.hlen("unacked") == 0


def run_tasks(ctx: Context) -> CaseResult:
    import redis

    from bench.celery_tasks import noop
    from claims import services, tasks
    from claims.models import Claim, DuplicateSuggestion, FetchJob
    from factcheck.celery import app

    result = CaseResult("6", "Celery: work per task against Celery's own cost per task")
    scale = ctx.smallest
    scale.activate()
    worker = get_worker(ctx)
    client = redis.Redis.from_url(ctx.redis_url)

    # Celery's cost per task: bursts of no-op tasks, and single round trips.
    bursts = []
    for _ in range(3 if ctx.quick else 5):
        client.set(COUNTER, 0)
        started = time.perf_counter()
        for _ in range(BURST):
            noop.delay()
        wait_for(lambda: int(client.get(COUNTER) or 0) >= BURST, timeout=120, what="the no-op burst")
        bursts.append((time.perf_counter() - started) * 1000 / BURST)
    latencies = []
    for i in range(20):
        client.set(COUNTER, 0)
        started = time.perf_counter()
        noop.delay()
        wait_for(lambda: int(client.get(COUNTER) or 0) >= 1, timeout=30, what="a no-op", interval=0.0005)
        latencies.append((time.perf_counter() - started) * 1000)
        del i
    overhead = statistics.median(bursts)

    # The real tasks: harvests with their page fetches, duplicate checks, and the discovery
    # jobs already run by case 5 (or run here if it was not).
    server = CorpusServer()
    try:
        cleanup_discovery()
        claim, feeds = _setup_claim_and_feeds(server)
        for _ in range(2 if ctx.quick else 3):
            _reset(claim, feeds)
            for feed in feeds:
                services.harvest_job_start(feed_id=feed.pk)
            wait_for(
                lambda: (
                    not FetchJob.objects.filter(kind="harvest", finished_at__isnull=True).exists()
                    and _queues_empty(client)
                ),
                timeout=300,
                what="the harvests and their page fetches",
                interval=0.05,
            )
        if "claims.tasks.discover_related" not in worker.task_runtimes():
            from claims.discovery.jobs import create_job

            _reset(claim, feeds)
            job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
            tasks.discover_related.delay(job.pk)
            wait_for(lambda: FetchJob.objects.filter(pk=job.pk, finished_at__isnull=False).exists(), timeout=300,
                     what="a discovery job", interval=0.05)  # fmt: skip
        ids = list(Claim.objects.filter(status="new").order_by("-id").values_list("id", flat=True)[:10])
        for claim_id in ids:
            tasks.find_duplicates.delay(claim_id)
        wait_for(lambda: _queues_empty(client), timeout=300, what="the duplicate checks", interval=0.05)
        time.sleep(0.5)  # the last "succeeded" line reaches the log after the ack
        DuplicateSuggestion.objects.filter(claim_id__in=ids).delete()
    finally:
        cleanup_discovery()
        server.close()

    runtimes = {name: [s * 1000 for s in values] for name, values in worker.task_runtimes().items()}
    rows = [
        Timing("Celery's cost per task (bursts of 200 no-ops)", scale.label, bursts),
        Timing("no-op round trip, send → done", scale.label, latencies),
    ]
    for name in sorted(runtimes):
        if name == "bench.noop":
            continue
        rows.append(Timing(f"{name} (run time in the worker)", scale.label, runtimes[name]))
        ratio = statistics.median(runtimes[name]) / overhead
        result.check(
            f"{name.rsplit('.', 1)[-1]}: work per task ≥ 10× Celery's cost per task",
            ratio,
            10,
            at_least=True,
            scale=scale.label,
        )
    result.table("Celery's own cost per task, and what each task does per message", rows, baseline=rows[0].name)
    # Fire-and-forget: no task of the project stores a result.
    ours = {name: task for name, task in app.tasks.items() if name.startswith("claims.")}
    keeping = sorted(name for name, task in ours.items() if not task.ignore_result)
    result.check(f"tasks that store results (of {len(ours)})", len(keeping), 0, unit=" tasks", scale=scale.label)
    result.notes.append(
        f"Result backend: {app.conf.result_backend or 'none'}; task_ignore_result={app.conf.task_ignore_result}; "
        f"every claims.* task has ignore_result=True: {not keeping}. Harvests are one task per feed and page "
        f"fetches one task per batch of {tasks.FEED_PAGE_BATCH} articles, not one per item."
    )
    return result
