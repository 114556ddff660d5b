"""Real Celery workers on the Redis broker: a discovery job end to end, and a worker killed mid-job.

The workers are separate processes using this test's database, so the tests need a
database both processes can open: PostgreSQL (run with DATABASE_URL=postgres://…), or a
file-based SQLite test database configured in settings. Redis DB 8 is this suite's broker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from claims.discovery.jobs import create_job
from claims.models import Article, Feed, FetchJob, RelatedArticle
from factcheck.celery import app
from tests.factories import ClaimFactory
from tests.fixtures.web.server import SlowServer

# serialized_rollback puts back what migrations created (groups, ratings) after the flush.
pytestmark = [
    pytest.mark.worker,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REDIS_URL = os.environ.get("FETCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")
HARD_LIMIT = 10  # seconds
# A message a killed worker held becomes visible again after this; production keeps an hour.
VISIBILITY = 2 * HARD_LIMIT
ROOT = Path(__file__).resolve().parent.parent
FINISHED = {FetchJob.Status.SUCCEEDED, FetchJob.Status.PARTIAL, FetchJob.Status.FAILED}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the worker tests)")
    pytest.skip(reason)


@pytest.fixture
def broker():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")
    client.flushdb()  # DB 8 belongs to these tests
    yield client
    client.flushdb()


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    test_name = (settings.DATABASES["default"].get("TEST") or {}).get("NAME")
    if connection.vendor == "sqlite" and test_name and test_name != ":memory:" and "mode=memory" not in test_name:
        return f"sqlite:///{db['NAME']}"
    pytest.skip(
        "The worker tests need a database a second process can open: run them on PostgreSQL "
        "(DATABASE_URL=postgres://…) — the default SQLite test database lives in memory."
    )
    raise AssertionError  # unreachable


class Worker:
    """A `celery worker` subprocess in its own process group (so SIGKILL takes its children too)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "-Q",
                "fetch,default",
                "-c",
                "1",
                "-P",
                "prefork",
                "-l",
                "INFO",
                "-n",
                f"fetchtest-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(transactional_db, broker, tmp_path):
    """Start workers with `start()`; all are stopped before the database is flushed."""
    env = {
        **os.environ,
        # A real worker runs the production settings, not the test suite's (whose broker
        # without Redis is in-process memory, which no other process can reach).
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
        "DISCOVERY_PROVIDERS": "article_page,feeds,local",
        "CELERY_TASK_HARD_TIME_LIMIT": str(HARD_LIMIT),
        "CELERY_TASK_SOFT_TIME_LIMIT": str(HARD_LIMIT - 2),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "WEBHOOK_RETRY_DELAYS": "1,2",  # the visibility timeout must outlast every retry's wait
        # Retries must wait less than the visibility timeout; the lease is short so the
        # redelivered message finds the killed run dead rather than busy.
        "JOB_RETRY_BACKOFF_MAX": str(VISIBILITY - 5),
        "JOB_LEASE_SECONDS": "8",
        "DB_CONN_MAX_AGE": "0",
    }
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(env, tmp_path / f"worker{len(started) + 1}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    for worker in started:
        print(f"--- {worker.log.name} ---\n{worker.log.read_text(errors='replace')[-4000:]}")


def send(task: str, *args: int) -> None:
    with app.connection_for_write(REDIS_URL) as conn:
        app.send_task(task, args=list(args), connection=conn, queue="fetch")


def wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def stuck_on(server, page: str) -> bool:
    """The worker waits on `page` with every page it asked for before it stored. A page is
    requested while the one before it is still being extracted (the pipeline's fetch-ahead),
    so the request alone does not say the earlier pages are done; a kill before they are
    would make the retry fetch them again, which is not what these tests are about."""
    requested = list(server.requests)
    if page not in requested:
        return False
    stored = list(Article.objects.filter(fetched_at__isnull=False).values_list("url", flat=True))
    earlier = {p for p in requested if p.startswith("/pages/") and p != page}
    return all(any(url.endswith(p) for url in stored) for p in earlier)


def job_status(job_id: int) -> str:
    return FetchJob.objects.values_list("status", flat=True).get(pk=job_id)


@pytest.fixture
def claim():
    return ClaimFactory(
        text="Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet med Blinken i Genève.",
        claim_reviewed="Russland avviser planer om å invadere Ukraina",
        language="nb",
        claimant__name="Sergej Lavrov",
    )


def make_feeds(server: SlowServer) -> None:
    Feed.objects.create(url=server.url("/feeds/utenriks_atom.xml"), name="Fjordposten", language="nb")
    Feed.objects.create(url=server.url("/feeds/world_rss.xml"), name="Harbour Times", language="en")


def test_discovery_job_end_to_end_on_a_real_worker(workers, claim):
    with SlowServer() as server:
        make_feeds(server)
        job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
        workers()
        send("claims.tasks.discover_related", job.pk)
        wait_for(lambda: job_status(job.pk) in FINISHED, timeout=90, what="the discovery job to finish")
    job.refresh_from_db()
    assert job.status in {FetchJob.Status.SUCCEEDED, FetchJob.Status.PARTIAL}, job.errors
    assert job.attempts == 1 and job.progress_done == job.progress_total > 0
    assert job.provider_stats["feeds"]["harvested"] == 2
    suggestions = list(RelatedArticle.objects.filter(claim=claim).select_related("article").order_by("rank"))
    titles = [s.article.title for s in suggestions]
    assert "Utenriksministrene møttes i Genève uten gjennombrudd" in titles[:3]
    assert "Blinken and Lavrov end Geneva meeting with no breakthrough" in titles[:3]
    assert all(s.why.get("terms") for s in suggestions[:2]) and suggestions[0].snippet
    nb = Article.objects.get(title="Utenriksministrene møttes i Genève uten gjennombrudd")
    assert "halvannen time" in nb.text  # the page was fetched and extracted by the worker


def test_a_worker_killed_mid_job_is_replaced_and_the_job_finishes_once(workers, claim):
    slow_page = "/pages/geneva_talks_en.html"
    with SlowServer(slow_once={slow_page}, slow_seconds=120) as server:
        make_feeds(server)
        job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
        first = workers()
        send("claims.tasks.discover_related", job.pk)
        delivered = time.monotonic()
        # Wait until the worker is stuck fetching the slow page, mid-job.
        wait_for(lambda: stuck_on(server, slow_page), timeout=90, what="the worker to reach the slow page")
        assert job_status(job.pk) == FetchJob.Status.RUNNING
        first.kill()
        killed = FetchJob.objects.get(pk=job.pk)
        assert (killed.status, killed.attempts) == (FetchJob.Status.RUNNING, 1)
        harvested = Article.objects.count()
        assert harvested >= 5  # the feeds were harvested before the kill; that work is kept

        # The unacknowledged message becomes visible again after the visibility timeout;
        # the restarted worker's periodic sweep (every 10 s) puts it back in the queue.
        workers()
        wait_for(lambda: job_status(job.pk) in FINISHED, timeout=VISIBILITY + 60, what="the restarted worker to finish")
        assert time.monotonic() - delivered >= VISIBILITY
        requests = list(server.requests)

    job.refresh_from_db()
    assert job.status in {FetchJob.Status.SUCCEEDED, FetchJob.Status.PARTIAL}, job.errors
    assert job.attempts == 2  # re-claimed by the second worker, not run as a new job
    assert FetchJob.objects.count() == 1
    # Nothing twice: the feeds were not harvested again, no page but the killed one was fetched twice.
    assert requests.count("/feeds/utenriks_atom.xml") == 1 and requests.count("/feeds/world_rss.xml") == 1
    pages = [r for r in requests if r.startswith("/pages/")]
    assert pages.count(slow_page) == 2
    assert all(pages.count(p) == 1 for p in set(pages) - {slow_page})
    assert Article.objects.count() == harvested
    # Nothing lost: the page the first worker died on was fetched, and the suggestions are there once.
    english = Article.objects.get(title="Blinken and Lavrov end Geneva meeting with no breakthrough")
    assert "Russia has no intention of attacking Ukraine" in english.text
    pairs = list(RelatedArticle.objects.filter(claim=claim).values_list("article_id", flat=True))
    assert len(pairs) == len(set(pairs)) and english.pk in pairs
