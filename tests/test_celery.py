"""Celery end to end: a real worker process consumes real broker messages.

Two set-ups are exercised:

* Redis (production): the test creates claims through the services in a committed
  transaction; `find_duplicates` is enqueued on commit, a `celery worker` subprocess
  connected to the SAME test database runs it, and its effect (a DuplicateSuggestion row)
  is polled for. This needs a database another process can see, i.e. PostgreSQL: the
  SQLite test database lives in memory inside the pytest process. `make test` runs it in
  its PostgreSQL + Redis pass; in CI (CI=true) an unreachable Redis fails instead of skipping.
* The filesystem broker (the embedded default that `make run` uses): a throw-away
  var/ directory with its own SQLite file, migrated and filled by `manage.py`
  subprocesses, consumed by a worker, exactly as on a newcomer's machine; and the whole of
  `make run` (scripts/run.py): it serves, its worker runs the task, and a Ctrl-C leaves no
  process behind.

The worker's settings are production ones (DEBUG off, a real secret key), not pytest's.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from claims import services
from claims.models import DuplicateSuggestion

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
WORKER_ARGS = [
    "-m",
    "celery",
    "-A",
    "factcheck",
    "worker",
    "-Q",
    "default,fetch",
    "--pool=solo",
    "-c",
    "1",
    "--without-heartbeat",
    "--without-gossip",
    "--without-mingle",
    "-l",
    "INFO",
]
# Variables of the developer's shell that would point a subprocess somewhere else.
_SCRUBBED = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "FACTCHECK_VAR_DIR",
    "CELERY_TASK_ALWAYS_EAGER",
)

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def subprocess_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
    )
    env.update(values)
    return env


def wait_until(predicate: Callable[[], bool], *, timeout: float, worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited with {worker.returncode}:\n{log.read_text()[-4000:]}")
        time.sleep(0.25)
    pytest.fail(f"nothing happened within {timeout}s; worker log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def start_worker(tmp_path) -> Iterator[Callable[..., tuple[subprocess.Popen, Path]]]:
    """Start `celery worker` subprocesses; each is given a warm shutdown (SIGTERM) afterwards."""
    started: list[tuple[subprocess.Popen, Path]] = []

    def start(env: dict[str, str], cwd: Path = ROOT) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"worker-{len(started)}.log"
        with log.open("w") as out:
            proc = subprocess.Popen(
                [sys.executable, *WORKER_ARGS], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        started.append((proc, log))
        return proc, log

    yield start
    for proc, log in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                pytest.fail(f"the worker ignored SIGTERM for 20s:\n{log.read_text()[-4000:]}")
        assert proc.returncode == 0, f"worker exit code {proc.returncode}:\n{log.read_text()[-4000:]}"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} — in CI this test must run, not be skipped")
    pytest.skip(reason)


@pytest.fixture
def redis_broker() -> str:
    url = settings.REDIS_URL
    if not url:
        pytest.skip("REDIS_URL is not set; `make test` runs this in its PostgreSQL + Redis pass (or `make test-pg`)")
    if connection.vendor != "postgresql":
        pytest.skip(
            "the SQLite test database is in memory, invisible to a worker process; "
            "run with DATABASE_URL=postgres://… (`make test-pg`)"
        )
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis at {url} is unreachable: {exc}")
    from factcheck.celery import app

    app.control.purge()  # stale messages from earlier runs would only slow the worker down
    return url


def test_database_url_for_the_worker() -> None:
    """The helper below builds a URL the worker parses back to the same database."""
    import dj_database_url

    parsed = dj_database_url.parse(
        _database_url({"NAME": "test_x", "USER": "po st", "PASSWORD": "p@ss", "HOST": "db", "PORT": 5433})
    )
    assert (parsed["NAME"], parsed["USER"], parsed["PASSWORD"], parsed["HOST"], parsed["PORT"]) == (
        "test_x",
        "po st",
        "p@ss",
        "db",
        5433,
    )


def _database_url(db: dict) -> str:
    credentials = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_redis_round_trip_with_a_real_worker(redis_broker, reviewer, start_worker):
    # The worker must use the test database (test_…), not the one DATABASE_URL names.
    env = subprocess_env(DATABASE_URL=_database_url(connection.settings_dict), REDIS_URL=redis_broker)
    worker, log = start_worker(env)

    first = services.claim_create(
        user=reviewer,
        text="Russia denies that it has any plans to invade Ukraine.",
        language="en",
        claimant="The Russian government",
    )
    second = services.claim_create(
        user=reviewer,
        text="Russia denies it has any plan to invade Ukraine.",
        language="en",
        claimant="The Russian government",
    )
    assert not DuplicateSuggestion.objects.exists(), "the suggestion must come from the worker, not this process"

    wait_until(
        lambda: DuplicateSuggestion.objects.filter(claim=second, candidate=first).exists(),
        timeout=60,
        worker=worker,
        log=log,
    )
    suggestion = DuplicateSuggestion.objects.get(claim=second, candidate=first)
    assert suggestion.score >= 0.45
    assert suggestion.status == DuplicateSuggestion.Status.SUGGESTED
    output = log.read_text()
    assert "claims.tasks.find_duplicates" in output and "succeeded" in output


def _manage(env: dict[str, str], cwd: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _suggested_pairs(var: Path) -> list[tuple[int, int]]:
    """(claim, candidate) pairs of the duplicate suggestions in var/db.sqlite3."""
    with contextlib.closing(sqlite3.connect(var / "db.sqlite3", timeout=20)) as db:
        return db.execute("SELECT claim_id, candidate_id FROM claims_duplicatesuggestion").fetchall()


_CREATE_CLAIMS = """
import json
from django.contrib.auth.models import User
from claims import services
user = User.objects.create_superuser("ops-test", password="pw-not-used-1")
ids = [
    services.claim_create(user=user, text=text, language="nb", claimant="Sergej Lavrov").pk
    for text in (
        "USA skal svare skriftlig på Russlands krav neste uke.",
        "USA vil svare skriftlig på kravene fra Russland neste uke.",
    )
]
print(json.dumps(ids))
"""


def test_filesystem_broker_round_trip_with_a_real_worker(tmp_path, start_worker):
    """The `make run` set-up: SQLite file + filesystem broker under var/, no servers at all."""
    var = tmp_path / "var"
    # DJANGO_DEBUG=1 as in `make run`; the worker runs from a directory of its own so that
    # anything the broker wrote relative to the working directory would show up there.
    env = subprocess_env(FACTCHECK_VAR_DIR=str(var), DJANGO_DEBUG="1")
    _manage(env, tmp_path, "migrate", "--noinput")
    worker, log = start_worker(env, cwd=tmp_path)

    first, second = json.loads(_manage(env, tmp_path, "shell", "-c", _CREATE_CLAIMS).strip().splitlines()[-1])

    wait_until(lambda: (second, first) in _suggested_pairs(var), timeout=60, worker=worker, log=log)
    # Messages went through files under var/broker, and nothing landed in the working directory.
    broker = var / "broker"
    assert (broker / "out").is_dir() and (broker / "control").is_dir()
    assert not (tmp_path / "control").exists() and not (tmp_path / "data_in").exists()
    wait_until(lambda: not any((broker / "out").iterdir()), timeout=20, worker=worker, log=log)
    assert log.read_text().count("claims.tasks.find_duplicates") >= 2


def _processes_with_env(marker: str) -> list[int]:
    """Pids of live processes whose environment mentions `marker` (our throw-away var dir)."""
    pids = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                pids.append(int(environ.parent.name))
        except OSError:  # exited meanwhile, or not ours to read
            continue
    return pids


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for left-over processes")
def test_make_run_serves_runs_tasks_and_stops_everything_on_ctrl_c(tmp_path):
    """scripts/run.py (what `make run` starts): set-up, web app, worker, and a clean Ctrl-C."""
    if connection.vendor != "sqlite":
        pytest.skip("runs on the embedded default whatever the test database; the SQLite pass covers it")
    import urllib.request

    var = tmp_path / "var"
    port = _free_port()
    env = subprocess_env(FACTCHECK_VAR_DIR=str(var), FACTCHECK_PORT=str(port), FACTCHECK_ADMIN_PASSWORD="pw-run-test-1")
    env.pop("DJANGO_SECRET_KEY")  # run.py sets DJANGO_DEBUG=1 for its own processes
    log = tmp_path / "run.log"
    with log.open("w") as out:
        supervisor = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "run.py")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: "factcheck is running" in log.read_text(), timeout=180, worker=supervisor, log=log)
        banner = log.read_text()
        assert f"http://127.0.0.1:{port}/admin/" in banner
        assert "admin / pw-run-test-1" in banner
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=10) as response:
            assert response.status == 200
        assert len(_processes_with_env(str(var))) >= 3  # supervisor, web app, worker

        created = _manage({**env, "DJANGO_DEBUG": "1"}, tmp_path, "shell", "-c", _CREATE_CLAIMS)
        first, second = json.loads(created.strip().splitlines()[-1])

        wait_until(lambda: (second, first) in _suggested_pairs(var), timeout=60, worker=supervisor, log=log)
        assert "[worker]" in log.read_text() and "claims.tasks.find_duplicates" in log.read_text()
    finally:
        supervisor.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            supervisor.wait(timeout=60)
        finally:
            leftovers = _processes_with_env(str(var))
            for pid in leftovers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    assert supervisor.returncode == 0, log.read_text()[-4000:]
    assert leftovers == [], f"processes left running after Ctrl-C: {leftovers}"
    assert "==> Stopped" in log.read_text()
