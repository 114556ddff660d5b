"""The errors of the hardened HTTP client (`claims.discovery.http`), and how a failure becomes one.

Apart from the client because everything that handles a failed fetch (Celery tasks choosing to
retry, jobs recording errors, providers, webhooks) needs only these classes, and because the
body reader (`claims.discovery.fetch_responses`) raises them too. `_translate` turns a
`requests` exception into the matching `FetchError`. `claims.discovery.http` re-exports every
class here; import them from there.
"""

from __future__ import annotations

from typing import Any

import requests

# --- Errors -----------------------------------------------------------------------------------


class FetchError(Exception):
    """A fetch failed; `permanent` says whether trying again later could help."""

    default_permanent = False

    def __init__(self, message: str, permanent: bool | None = None, status: int | None = None, url: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.permanent = self.default_permanent if permanent is None else permanent
        self.status = status
        self.url = url

    def __reduce__(self) -> tuple[Any, ...]:
        # Celery's prefork pool pickles exceptions between processes.
        return (type(self), (self.message, self.permanent, self.status, self.url))

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """The shape recorded in `FetchJob.errors`."""
        return {
            "error": self.message,
            "type": type(self).__name__,
            "permanent": self.permanent,
            "status": self.status,
            "url": self.url,
        }


class PermanentFetchError(FetchError):
    """Trying again will not help: the URL is refused, gone, too large or of the wrong type."""

    default_permanent = True


class TransientFetchError(FetchError):
    """Trying again later may help: timeout, connection reset, 5xx, rate limit."""

    default_permanent = False


class InvalidURL(PermanentFetchError):
    """Not an http(s) URL we are willing to fetch (scheme, credentials, no host, bad port)."""


class RefusedAddress(PermanentFetchError):
    """The host resolves only to addresses on the block list (SSRF protection)."""


class UnknownHost(PermanentFetchError):
    """The host name does not resolve."""


class TooLarge(PermanentFetchError):
    """The response is larger than the size cap."""


class BadContentType(PermanentFetchError):
    """The response is not of a type this call accepts."""


class TooManyRedirects(PermanentFetchError):
    """More redirects than the redirect cap, or a redirect without a Location."""


class TLSError(PermanentFetchError):
    """The certificate or TLS handshake failed."""


class FetchTimeout(TransientFetchError):
    """Connecting took longer than the connect timeout, or the fetch passed its deadline."""


class ConnectionFailed(TransientFetchError):
    """The connection was refused, reset or broken, or DNS failed temporarily."""


class HTTPStatusError(FetchError):
    """The server answered with an error status; see `http_status_error` for permanence."""


class HTTPClientError(HTTPStatusError, PermanentFetchError):
    """4xx other than 408/425/429: the URL is wrong or gone."""


class HTTPServerError(HTTPStatusError, TransientFetchError):
    """5xx, 408, 425 or 429: the server may answer later."""

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


_RETRYABLE_4XX = {408, 425, 429}


def http_status_error(status: int, url: str, *, retry_after: float | None = None) -> HTTPStatusError:
    message = f"HTTP {status} from {url}"
    if status >= 500 or status in _RETRYABLE_4XX:
        return HTTPServerError(message, status=status, url=url, retry_after=retry_after)
    return HTTPClientError(message, status=status, url=url)


def _translate(exc: requests.exceptions.RequestException, url: str) -> FetchError:
    if isinstance(exc, requests.exceptions.SSLError):
        return TLSError(f"TLS failed for {url}: {exc}", url=url)
    if isinstance(exc, requests.exceptions.Timeout) or "timed out" in str(exc).lower():
        return FetchTimeout(f"Timed out fetching {url}.", url=url)
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return PermanentFetchError(f"{url} sent a body that could not be decompressed.", url=url)
    if isinstance(
        exc, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema | requests.exceptions.MissingSchema
    ):
        return InvalidURL(f"{url} is not a valid URL: {exc}", url=url)
    return ConnectionFailed(f"Connection to {url} failed: {type(exc).__name__}", url=url)
