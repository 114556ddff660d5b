"""Webhooks as the Standard Webhooks specification has them: secrets, signatures, one attempt.

* a secret is ``whsec_`` + base64 of 32 random bytes;
* each message carries ``webhook-id`` (the message's id, the same on every retry),
  ``webhook-timestamp`` (Unix seconds of this attempt) and ``webhook-signature``
  (``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body`` keyed with the secret's bytes);
* the body is JSON: ``{"type", "timestamp", "data"}``.

Receivers verify with any Standard Webhooks library. Every request goes through the one
hardened client (`claims.discovery.http`), so the address rules apply to each delivery;
nothing here writes to the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder

from claims.discovery.http import _DEFAULT_PORTS, Fetcher, FetchError, InvalidURL

SECRET_PREFIX = "whsec_"  # noqa: S105  (the specification's prefix, not a secret)
EXCERPT_CHARS = 500


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def valid_secret(secret: str) -> bool:
    if not secret.startswith(SECRET_PREFIX):
        return False
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except ValueError:
        return False
    return 24 <= len(key) <= 64


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret[len(SECRET_PREFIX) :])
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def body_for(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def check_url(url: str, *, fetcher: Fetcher | None = None) -> None:
    """Refuse a receiver URL the client would refuse (scheme, credentials, blocked address).

    Raises a FetchError (InvalidURL, RefusedAddress, UnknownHost, …) without connecting.
    """
    fetcher = fetcher or Fetcher()
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidURL(f"{url} is not an http(s) URL with a host.", url=url)
    if parts.username is not None or parts.password is not None:
        raise InvalidURL("URLs with credentials in them are not used.", url=url)
    try:
        port = parts.port or _DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise InvalidURL(f"{url} has an invalid port.", url=url) from None
    fetcher.pin(url, parts.hostname, port, timeout=5.0)


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to."""

    ok: bool
    status_code: int | None
    error: str
    excerpt: str
    retry: bool  # a later attempt may succeed
    gone: bool  # 410: the receiver is gone for good


def classify(status: int) -> tuple[bool, bool]:
    """(ok, retry) for an HTTP status: 2xx delivered; 429 and 5xx retried; 3xx and other 4xx final."""
    if 200 <= status < 300:
        return True, False
    return False, status == 429 or status >= 500


def attempt(*, url: str, secret: str, msg_id: str, body: bytes, fetcher: Fetcher | None = None) -> Outcome:
    """POST one signed message once; never raises for the receiver's failures."""
    fetcher = fetcher or Fetcher()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }
    try:
        response = fetcher.post(url, body=body, headers=headers)
    except FetchError as exc:
        return Outcome(False, None, str(exc)[:500], "", retry=not exc.permanent, gone=False)
    excerpt = response.content[: EXCERPT_CHARS * 4].decode("utf-8", "replace")[:EXCERPT_CHARS]
    ok, retry = classify(response.status)
    error = "" if ok else f"HTTP {response.status}"
    if 300 <= response.status < 400:
        error = f"HTTP {response.status}: redirects are not followed; subscribe the final URL"
    return Outcome(ok, response.status, error, excerpt, retry=retry, gone=response.status == 410)


def retry_delay(attempt_number: int, delays: list[float]) -> float | None:
    """Seconds before attempt `attempt_number + 1`, with ±20 % jitter; None when no attempt is left."""
    if attempt_number > len(delays):
        return None
    base = delays[attempt_number - 1]
    return max(0.0, base * random.uniform(0.8, 1.2))  # noqa: S311  (jitter, not a secret)
