"""Rate limits for anonymous and signed-in clients, counted in the default cache (Redis in production).

DRF's throttles copy the rates from settings once, at import; these read them on every
request, so a changed REST_FRAMEWORK setting (e.g. in a test) takes effect. A client is
who `claims.client_ip` says it is: DRF's own `get_ident` would count whatever
X-Forwarded-For the client sends, so a new header per request escaped the limit.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, throttling
from rest_framework.settings import api_settings

from claims.client_ip import client_ip

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/minute" → (10, 60): DRF's rate syntax (the period's first letter counts)."""
    num, _sep, period = rate.partition("/")
    if not num.strip().isdigit() or period[:1] not in _PERIODS:
        raise ValueError(f"{rate!r} is not a rate like 10/minute")
    return int(num), _PERIODS[period[:1]]


class ClientIdentMixin:
    """The throttle's identity for a client that is not signed in: claims.client_ip."""

    def get_ident(self, request: Any) -> str:
        return client_ip(request)


class AnonRateThrottle(ClientIdentMixin, throttling.AnonRateThrottle):
    """Limits clients that are not signed in, per client IP (scope `anon`)."""

    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:  # type: ignore[override]  # DRF's is read once at import
        return cast(dict[str, str | None], api_settings.DEFAULT_THROTTLE_RATES)


class UserRateThrottle(ClientIdentMixin, throttling.UserRateThrottle):
    """Limits signed-in clients, per user (scope `user`)."""

    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:  # type: ignore[override]  # DRF's is read once at import
        return cast(dict[str, str | None], api_settings.DEFAULT_THROTTLE_RATES)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        # DRF would also count anonymous clients here, by IP, next to AnonRateThrottle's own
        # (stricter) count: two more cache round trips per request that limit nothing more.
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class BadTokenGuard:
    """Counts wrong API tokens per client IP; past API_BAD_TOKEN_RATE the client gets 429.

    A token is 64 random hex characters, so guessing one is hopeless; the limit stops a
    client from trying anyway (and from making the server hash guesses at full speed).
    Counts live in the default cache, per fixed window.
    """

    def __init__(self, request: Any) -> None:
        self.num, self.duration = parse_rate(settings.API_BAD_TOKEN_RATE)
        self.key = f"bad-token:{client_ip(request)}"

    def check(self) -> None:
        if cache.get(self.key, 0) >= self.num:
            detail = str(_("Too many wrong API tokens from your address."))
            raise exceptions.Throttled(wait=self.duration, detail=detail)

    def record_failure(self) -> None:
        cache.add(self.key, 0, timeout=self.duration)
        try:
            cache.incr(self.key)
        except ValueError:  # expired between add and incr
            cache.set(self.key, 1, timeout=self.duration)
