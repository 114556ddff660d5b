"""Per-client-IP rate limits on tip submissions, kept in Django's cache.

With REDIS_URL the cache is Redis, so every web process counts against the same numbers;
the embedded default (local memory) counts per process. Fixed windows: a counter per IP
per minute and per day, created with `add` (atomic) and raised with `incr` (atomic on Redis).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window that refused the request ends


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        return 1


def tip_rate_check(ip: str, *, now: float | None = None) -> Verdict:
    """Count one tip POST from `ip` and say whether it is within the limits."""
    now = time.time() if now is None else now
    # The address is hashed: cache keys are not a place to keep readers' IPs in the clear.
    who = hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:32]
    limits = ((60, settings.TIPS_RATE_PER_MINUTE), (86400, settings.TIPS_RATE_PER_DAY))
    refused = 0
    for window, limit in limits:
        bucket = int(now // window)
        if _count(f"tips:rate:{window}:{who}:{bucket}", window) > limit:
            refused = max(refused, int((bucket + 1) * window - now) + 1)
    return Verdict(allowed=not refused, retry_after=refused)
