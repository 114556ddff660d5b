"""A task that does nothing but count itself, to measure Celery's own cost per task.

The bench's worker loads it with `-I bench.celery_tasks`; the project's workers never do.
"""

from __future__ import annotations

import redis
from celery import shared_task
from django.conf import settings

COUNTER = "bench:noop:done"
_client: redis.Redis | None = None


@shared_task(ignore_result=True, name="bench.noop")
def noop() -> None:
    """One INCR on the broker's Redis: the cheapest observable completion."""
    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL)
    _client.incr(COUNTER)
