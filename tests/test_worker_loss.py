"""Findings 3 and 4 with real workers and a real SIGKILL: a killed pool child, a killed
worker, a crashed Redis and the embedded (filesystem) broker — each job finishes exactly
once within two minutes of a new worker starting.

Production timing except where a test says: the broker's visibility timeout stays at its
default (300 s), so a recovery well inside it was done by the lease and the sweep, not by
Redis redelivering. The lease is shortened (8 s instead of 60 s) to keep the suite quick.
Needs PostgreSQL (a database two processes share) and Redis, like test_worker_discovery.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from claims.discovery.jobs import create_job
from claims.models import Article, FetchJob, RelatedArticle
from tests.factories import ClaimFactory
from tests.fixtures.web.server import SlowServer
from tests.test_worker_discovery import (
    FINISHED,
    REDIS_URL,
    ROOT,
    _database_url,
    _unavailable,
    job_status,
    make_feeds,
    stuck_on,
    wait_for,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LEASE = 8
RECOVERY_BUDGET = 120  # seconds from a new worker's start to the job finished (the promise)
SLOW_PAGE = "/pages/geneva_talks_en.html"
DONE = {FetchJob.Status.SUCCEEDED, FetchJob.Status.PARTIAL}


@pytest.fixture
def broker():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")
    client.flushdb()  # DB 8 belongs to the worker tests
    yield client
    client.flushdb()


@pytest.fixture
def claim():
    return ClaimFactory(
        text="Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet med Blinken i Genève.",
        claim_reviewed="Russland avviser planer om å invadere Ukraina",
        language="nb",
        claimant__name="Sergej Lavrov",
    )


class Worker:
    """`celery worker` (optionally with the beat, -B) in its own process group."""

    def __init__(self, env: dict[str, str], log: Path, *, beat: bool = False) -> None:
        args = [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "-Q", "fetch,default", "-c", "1"]
        args += ["-P", "prefork", "-l", "INFO", "-n", f"loss-{uuid.uuid4().hex[:8]}@%h"]
        args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        if beat:
            args += ["-B", "-s", str(log.with_suffix(".schedule"))]
        self.log = log
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )

    def children(self) -> list[int]:
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

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
def start(transactional_db, tmp_path):
    started: list[Worker] = []

    def _start(broker_url: str | None, *, beat: bool = False, **extra: str) -> Worker:
        env = {
            **os.environ,
            # A real worker runs the production settings, not the test suite's (whose broker
            # without Redis is in-process memory, which no other process can reach).
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": _database_url(),
            "FACTCHECK_VAR_DIR": str(tmp_path / "var"),
            "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
            "DISCOVERY_PROVIDERS": "article_page,feeds,local",
            "JOB_LEASE_SECONDS": str(LEASE),
            "JOB_SWEEP_SECONDS": "2",
            "DB_CONN_MAX_AGE": "0",
            **extra,
        }
        env.pop("REDIS_URL", None)
        if broker_url:
            env["REDIS_URL"] = broker_url
        worker = Worker(env, tmp_path / f"worker{len(started) + 1}.log", beat=beat)
        started.append(worker)
        return worker

    yield _start
    for worker in started:
        worker.stop()
    for worker in started:
        print(f"--- {worker.log.name} ---\n{worker.log.read_text(errors='replace')[-3000:]}")


def _send(broker_url: str, job: FetchJob) -> None:
    from factcheck.celery import app

    with app.connection_for_write(broker_url) as conn:
        app.send_task("claims.tasks.discover_related", args=[job.pk], connection=conn, queue="fetch")
    FetchJob.objects.filter(pk=job.pk).update(enqueued_at=job.created_at)


def _finished_once(job: FetchJob, claim, server_requests: list[str], *, attempts: int) -> None:
    job.refresh_from_db()
    assert job.status in DONE, job.errors
    assert job.attempts == attempts
    assert FetchJob.objects.count() == 1
    assert server_requests.count("/feeds/utenriks_atom.xml") == 1
    pages = [r for r in server_requests if r.startswith("/pages/")]
    assert all(pages.count(p) == 1 for p in set(pages) - {SLOW_PAGE})
    pairs = list(RelatedArticle.objects.filter(claim=claim).values_list("article_id", flat=True))
    assert pairs and len(pairs) == len(set(pairs))
    english = Article.objects.get(title="Blinken and Lavrov end Geneva meeting with no breakthrough")
    assert english.pk in pairs and "Russia has no intention of attacking Ukraine" in english.text


def test_a_killed_pool_child_is_retried_when_its_lease_expires(start, broker, claim, figure):
    with SlowServer(slow_once={SLOW_PAGE}, slow_seconds=120) as server:
        make_feeds(server)
        job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
        worker = start(REDIS_URL)
        _send(REDIS_URL, job)
        wait_for(lambda: stuck_on(server, SLOW_PAGE), timeout=90, what="the worker to reach the slow page")
        children = worker.children()
        assert children, "no pool child found"
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        # The parent replaces the child and requeues the message; the new delivery finds the
        # job busy (its heartbeat is fresh), looks again after the lease, and takes it over.
        wait_for(lambda: job_status(job.pk) in FINISHED, timeout=RECOVERY_BUDGET, what="the job to finish")
        took = time.monotonic() - killed
        requests = list(server.requests)
    _finished_once(job, claim, requests, attempts=2)
    assert took < RECOVERY_BUDGET
    print(f"pool child killed → finished in {took:.1f} s")
    figure("no_lost_job", "pool child SIGKILLed mid-discovery → job finished once, after", took, "s")


def test_a_killed_worker_is_recovered_by_the_sweep_long_before_the_visibility_timeout(start, broker, claim, figure):
    with SlowServer(slow_once={SLOW_PAGE}, slow_seconds=120) as server:
        make_feeds(server)
        job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
        first = start(REDIS_URL)
        _send(REDIS_URL, job)
        wait_for(lambda: stuck_on(server, SLOW_PAGE), timeout=90, what="the worker to reach the slow page")
        first.kill()
        assert job_status(job.pk) == FetchJob.Status.RUNNING
        started = time.monotonic()
        start(REDIS_URL, beat=True)
        wait_for(lambda: job_status(job.pk) in FINISHED, timeout=RECOVERY_BUDGET, what="the job to finish")
        took = time.monotonic() - started
        requests = list(server.requests)
    _finished_once(job, claim, requests, attempts=2)
    assert took < 300  # the default visibility timeout: Redis did not redeliver it, the sweep did
    print(f"worker killed → finished {took:.1f} s after the new worker started")
    figure("no_lost_job", "whole worker SIGKILLed → finished once, after a new worker started", took, "s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A private redis-server (stock persistence: no append-only file) we may crash."""

    def __init__(self, tmp_path: Path, *, appendonly: bool = False) -> None:
        self.port = _free_port()
        self.dir = tmp_path / f"redis-{self.port}"
        self.dir.mkdir()
        self.appendonly = appendonly
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)]
        args += ["--save", "", "--appendonly", "yes" if self.appendonly else "no"]
        if self.appendonly:
            args += ["--appendfsync", "always"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _pings(client), timeout=10, what="redis-server to start")

    def crash(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def queued(self) -> int:
        import redis

        return redis.Redis.from_url(self.url).llen("fetch")


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


@pytest.fixture
def private_redis(tmp_path):
    if not Path("/usr/bin/redis-server").exists() and not any(
        (Path(p) / "redis-server").exists() for p in os.environ.get("PATH", "").split(":")
    ):
        _unavailable("redis-server is not installed")
    servers: list[Redis] = []

    def make(**kwargs) -> Redis:
        server = Redis(tmp_path, **kwargs)
        servers.append(server)
        return server

    yield make
    for server in servers:
        if server.process.poll() is None:
            server.crash()


@pytest.mark.parametrize("appendonly", [False, True], ids=["stock", "appendonly"])
def test_a_redis_crash_with_a_job_queued(start, private_redis, claim, appendonly, figure):
    redis_server = private_redis(appendonly=appendonly)
    with SlowServer() as server:
        make_feeds(server)
        job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
        _send(redis_server.url, job)
        assert redis_server.queued() == 1
        redis_server.crash()
        redis_server.start()
        # Stock Redis forgets the message; with the append-only file it survives.
        assert redis_server.queued() == (1 if appendonly else 0)
        started = time.monotonic()
        start(redis_server.url, beat=True, JOB_RETRY_BACKOFF_MAX="1", JOB_REQUEUE_SECONDS=str(LEASE + 1))
        wait_for(lambda: job_status(job.pk) in FINISHED, timeout=RECOVERY_BUDGET, what="the job to finish")
        took = time.monotonic() - started
    job.refresh_from_db()
    assert job.status in DONE and job.attempts == 1, job.errors
    print(f"redis crash ({'appendonly' if appendonly else 'stock'}) → finished in {took:.1f} s")
    kind = "append-only file" if appendonly else "stock, message lost"
    figure("no_lost_job", f"Redis SIGKILLed with a job queued ({kind}) → job finished, after", took, "s")


def test_the_embedded_broker_loses_nothing_when_its_worker_is_killed(start, claim, figure):
    with SlowServer(slow_once={SLOW_PAGE}, slow_seconds=120) as server:
        make_feeds(server)
        job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
        first = start(None)
        _send_filesystem(first.log.parent / "var", job)  # the worker's filesystem broker under var/
        wait_for(lambda: stuck_on(server, SLOW_PAGE), timeout=90, what="the worker to reach the slow page")
        first.kill()
        started = time.monotonic()
        start(None, beat=True)
        wait_for(lambda: job_status(job.pk) in FINISHED, timeout=RECOVERY_BUDGET, what="the job to finish")
        took = time.monotonic() - started
        requests = list(server.requests)
    _finished_once(job, claim, requests, attempts=2)
    print(f"embedded broker, worker killed → finished {took:.1f} s after the new worker started")
    figure("no_lost_job", "embedded broker, worker SIGKILLed → finished once, after a new worker started", took, "s")


def _send_filesystem(var_dir: Path, job: FetchJob) -> None:
    from kombu import Connection

    from factcheck.celery import app

    folder = var_dir / "broker"
    for sub in ("out", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    options = {
        "data_folder_in": str(folder / "out"),
        "data_folder_out": str(folder / "out"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
    with Connection("filesystem://", transport_options=options) as conn:
        app.send_task("claims.tasks.discover_related", args=[job.pk], connection=conn, queue="fetch")
    FetchJob.objects.filter(pk=job.pk).update(enqueued_at=job.created_at)
