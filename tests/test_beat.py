"""One beat per desk: the Redis lease (factcheck/beat.py), and two real beat processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from factcheck.beat import LOCK_KEY, BeatLease

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.redis


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set; `make test` runs this in its PostgreSQL + Redis pass")
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(LOCK_KEY)
    yield settings.REDIS_URL
    client.delete(LOCK_KEY)


def test_only_one_holder_and_the_lease_passes_on_release(redis_url):
    first, second = BeatLease(redis_url, ttl=30), BeatLease(redis_url, ttl=30)
    assert first.acquire()
    assert not second.acquire()
    assert first.renew() and not second.renew()
    second.release()  # not the holder: changes nothing
    assert first.current_holder() == first.holder
    first.release()
    assert second.acquire() and second.current_holder() == second.holder


def test_a_dead_holders_lease_expires_and_it_cannot_renew_it_back(redis_url):
    dead, standby = BeatLease(redis_url, ttl=0.3), BeatLease(redis_url, ttl=30)
    assert dead.acquire()
    time.sleep(0.5)
    assert standby.acquire()
    assert not dead.renew()  # the old holder must stop, not extend the new holder's lease
    assert standby.current_holder() == standby.holder


def _beat(redis_url: str, var_dir: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SECRET_KEY"}}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DJANGO_DEBUG="1",
        REDIS_URL=redis_url,
        BEAT_LOCK_TTL="3",
        FACTCHECK_VAR_DIR=str(var_dir),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "factcheck", "beat", "-l", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_line(proc: subprocess.Popen[str], needle: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    seen = []
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            seen.append(line)
            if needle in line:
                return line
        elif proc.poll() is not None:
            break
        else:
            time.sleep(0.1)
    raise AssertionError(f"no line with {needle!r} within {timeout}s:\n{''.join(seen)}")


@pytest.mark.slow
def test_a_second_beat_waits_and_takes_over_when_the_first_is_killed(redis_url, tmp_path):
    first = _beat(redis_url, tmp_path / "one")
    second = None
    try:
        _wait_for_line(first, "This beat holds the lease", timeout=60)
        second = _beat(redis_url, tmp_path / "two")
        _wait_for_line(second, "waits as a standby", timeout=60)
        first.send_signal(signal.SIGKILL)  # no clean release: the lease must expire by itself
        first.wait(timeout=10)
        started = time.monotonic()
        _wait_for_line(second, "This beat holds the lease", timeout=30)
        assert time.monotonic() - started < 3 + 5 + 2  # the TTL, one standby retry, some slack
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
