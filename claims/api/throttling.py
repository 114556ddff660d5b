"""Rate limits for anonymous and signed-in clients, counted in the default cache (Redis in production).

DRF's throttles copy the rates from settings once, at import; these read them on every
request, so a changed REST_FRAMEWORK setting (e.g. in a test) takes effect. A client is
who `claims.client_ip` says it is: DRF's own `get_ident` would count whatever
X-Forwarded-For the client sends, so a new header per request escaped the limit.
"""

from __future__ import annotations

from typing import Any, cast

from rest_framework import throttling
from rest_framework.settings import api_settings

from claims.client_ip import client_ip


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
