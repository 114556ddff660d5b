"""Exactly one Celery beat per desk, however many machines start one.

Two beats would send every periodic job twice (two feed harvests every quarter hour). A
process manager can promise one beat on one machine, but not across machines or a failover,
so the beat itself takes a lease in Redis before it sends anything: a key set only if absent,
holding this beat's id, with a time to live that the holder renews on every tick. A second
beat finds the key taken and waits as a standby, trying again every few seconds; when the
holder stops (its `close` deletes the key) or dies (the key expires after `BEAT_LOCK_TTL`
seconds), the standby takes over. A holder that finds its lease gone or taken stops at once
rather than run beside the new holder.

Without Redis (the embedded `make run` default, one machine, one beat in the worker) there
is nothing to coordinate through, and the scheduler behaves as Celery's own.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from typing import Any

from celery.beat import PersistentScheduler
from django.conf import settings

log = logging.getLogger(__name__)

LOCK_KEY = "factcheck:beat-lock"
# Renew only if we still hold it: compare and extend in one step, so a lease that expired
# and was taken by another beat is never extended by the old holder.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class BeatLease:
    """The lease on being the desk's one beat, kept in Redis."""

    def __init__(self, redis_url: str, *, ttl: float, holder: str | None = None) -> None:
        import redis

        self.client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        self.ttl_ms = int(ttl * 1000)
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self) -> bool:
        return bool(self.client.set(LOCK_KEY, self.holder, nx=True, px=self.ttl_ms))

    def renew(self) -> bool:
        return bool(self.client.eval(_RENEW, 1, LOCK_KEY, self.holder, self.ttl_ms))

    def release(self) -> None:
        self.client.eval(_RELEASE, 1, LOCK_KEY, self.holder)

    def current_holder(self) -> str | None:
        value = self.client.get(LOCK_KEY)
        return value.decode() if isinstance(value, bytes) else value or None


class LeaseLostError(SystemExit):
    """Raised in the beat when another beat holds the lease now: this one must stop sending."""


class SingleBeatScheduler(PersistentScheduler):
    """Celery's persistent scheduler, run only by the beat that holds the lease."""

    lease: BeatLease | None = None
    max_interval: float

    def setup_schedule(self) -> None:
        redis_url = getattr(settings, "REDIS_URL", "")
        if redis_url:
            ttl = settings.BEAT_LOCK_TTL
            self.lease = BeatLease(redis_url, ttl=ttl)
            # Renew well within the lease: a tick sleeps at most max_interval.
            self.max_interval = min(self.max_interval, ttl / 3)
            self._wait_for_lease(ttl)
        super().setup_schedule()

    def _wait_for_lease(self, ttl: float) -> None:
        assert self.lease is not None
        announced = False
        while not self.lease.acquire():
            if not announced:
                log.warning(
                    "Another beat holds the lease (%s); this one waits as a standby.", self.lease.current_holder()
                )
                announced = True
            time.sleep(min(5.0, ttl / 3))
        log.info("This beat holds the lease (%s); it sends the periodic jobs.", self.lease.holder)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if self.lease is not None and not self.lease.renew():
            log.error("The beat lease was lost to %s; stopping this beat.", self.lease.current_holder())
            raise LeaseLostError(1)
        return super().tick(*args, **kwargs)

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.lease is not None:
                self.lease.release()
