"""The one hardened HTTP client. Every outbound request of the project goes through `fetch`.

What it guarantees, hop by hop (redirects are followed here, never by requests itself):

* only ``http``/``https`` URLs without credentials in them;
* the host is resolved **once**, every address is checked against an explicit block list
  (loopback, private, link-local and cloud metadata, CGNAT, NAT64, 6to4, Teredo, ULA,
  documentation, multicast, reserved, …; IPv4-mapped IPv6 addresses are checked by their
  embedded IPv4), and the connection is **pinned** to the checked address while the Host
  header and TLS SNI/certificate check keep the original name — so a DNS answer that
  changes between check and connect (DNS rebinding) cannot move us to another address;
* connect timeout, a total deadline for the whole fetch, a response size cap counted on
  the decoded body (a gzip bomb stops at the cap too), a redirect cap, allowed content
  types, a clear User-Agent, no proxies or .netrc from the environment, and no
  Authorization header after the first hop (nor any header the caller added once a redirect
  leaves the origin).

`settings.FETCH_ALLOWED_NETWORKS` lets an intranet (or a test server on 127.0.0.1) through.

Errors are `FetchError`s that say whether trying again later can help: `PermanentFetchError`
(404, 410, refused address, too large, bad type, …) or `TransientFetchError` (timeout,
connection reset, 5xx, 429). Celery tasks retry only the transient ones.

The address policy (the block list) lives in `claims.discovery.addresses`, the error classes
in `claims.discovery.fetch_errors`, and `FetchResult`, the content types and the capped,
deadline-bound body read in `claims.discovery.fetch_responses`. The names callers use from
those two are re-exported here, so `claims.discovery.http` stays the one place to import from.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from claims.discovery.addresses import IPAddress, IPNetwork, Resolver, refusal_reason, system_resolver
from claims.discovery.fetch_errors import (
    BadContentType,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    InvalidURL,
    RefusedAddress,
    TooLarge,
    TooManyRedirects,
    UnknownHost,
    _translate,
    http_status_error,
)

# Not used here but imported from here by callers and tests (`X as X` marks a re-export).
from claims.discovery.fetch_errors import HTTPClientError as HTTPClientError
from claims.discovery.fetch_errors import HTTPServerError as HTTPServerError
from claims.discovery.fetch_errors import HTTPStatusError as HTTPStatusError
from claims.discovery.fetch_errors import PermanentFetchError as PermanentFetchError
from claims.discovery.fetch_errors import TLSError as TLSError
from claims.discovery.fetch_errors import TransientFetchError as TransientFetchError
from claims.discovery.fetch_responses import FEED_TYPES as FEED_TYPES
from claims.discovery.fetch_responses import HTML_TYPES, FetchResult, _read_body, _type_allowed, media_type
from claims.discovery.fetch_responses import JSON_TYPES as JSON_TYPES
from claims.discovery.fetch_responses import _watchdog as _watchdog

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# Bounded pool so a hanging resolver cannot pile up threads; lookups are short. One per
# process: a pool whose threads started before a fork (Celery's prefork) is dead in the child.
_RESOLVER_POOLS: dict[int, ThreadPoolExecutor] = {}


def _resolver_pool() -> ThreadPoolExecutor:
    pid = os.getpid()
    if pid not in _RESOLVER_POOLS:
        _RESOLVER_POOLS[pid] = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fetch-dns")
    return _RESOLVER_POOLS[pid]


# --- The pinned connection ---------------------------------------------------------------------


class _PinnedAdapter(HTTPAdapter):
    """Connects to the address `Fetcher` checked (`request.pinned_ip`), never re-resolving.

    The pool is keyed by that IP, while TLS uses the original host name for SNI and for the
    certificate check, and the Host header (set by Fetcher) keeps the name for the server.
    """

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: bool | str, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        pinned = getattr(request, "pinned_ip", None)
        if pinned is None:  # fail closed: nothing reaches the network unchecked
            raise RefusedAddress("The address was not checked before connecting.", url=request.url or "")
        original = host_params["host"]
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = original
            pool_kwargs["assert_hostname"] = original
        host_params["host"] = str(pinned)
        return host_params, pool_kwargs


# --- The client --------------------------------------------------------------------------------

# How long a Fetcher reuses a host's DNS answer (well under the TTLs news sites publish), and
# for how many hosts at most.
ANSWER_SECONDS = 30.0
MAX_ANSWERS = 256


@dataclass
class Fetcher:
    """Fetches URLs under the guarantees described in the module docstring.

    Values left as None are read from settings at fetch time, so a settings override in a
    test or a changed environment applies. `resolver` is the DNS lookup (the system's by
    default); every answer it gives is checked before any connection is made.
    """

    resolver: Resolver = system_resolver
    allowed_networks: list[IPNetwork] | None = None
    user_agent: str | None = None
    connect_timeout: float | None = None
    total_timeout: float | None = None
    max_bytes: int | None = None
    max_redirects: int | None = None
    verify: bool | str = True
    _adapter: _PinnedAdapter = field(default_factory=_PinnedAdapter, repr=False)
    # Host → (when, the resolver's answer): a batch of pages from one site resolves it once,
    # not once a page through the resolver's thread (about 3% of a harvest worker's time).
    # Every answer is still checked at every use (`pin`), whatever its age.
    _answers: dict[tuple[str, int], tuple[float, list[IPAddress]]] = field(default_factory=dict, repr=False)

    def _setting(self, value: Any, name: str) -> Any:
        return getattr(settings, name) if value is None else value

    # Resolution and the address check happen together, once per hop.
    def pin(self, url: str, host: str, port: int, *, timeout: float) -> IPAddress:
        allowed = self._setting(self.allowed_networks, "FETCH_ALLOWED_NETWORKS")
        try:
            addresses = self._resolve(host, port, timeout=timeout)
        except FutureTimeout:
            raise FetchTimeout(f"Resolving {host} took too long.", url=url) from None
        except socket.gaierror as exc:
            if exc.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", -11)):
                raise ConnectionFailed(f"Resolving {host} failed for now: {exc}", url=url) from None
            raise UnknownHost(f"{host} does not resolve: {exc}", url=url) from None
        except (UnicodeError, ValueError) as exc:
            raise InvalidURL(f"{host} is not a valid host name: {exc}", url=url) from None
        if not addresses:
            raise UnknownHost(f"{host} has no usable address.", url=url)
        usable: list[IPAddress] = []
        refused: list[str] = []
        for address in addresses:
            reason = refusal_reason(address, allowed)
            if reason:
                refused.append(reason)
            else:
                usable.append(address)
        if not usable:
            raise RefusedAddress(f"Refused to fetch {url}: {'; '.join(refused)}.", url=url)
        # Prefer IPv4: many hosts publish AAAA records that this machine cannot route.
        usable.sort(key=lambda a: a.version)
        return usable[0]

    def _resolve(self, host: str, port: int, *, timeout: float) -> list[IPAddress]:
        now = time.monotonic()
        kept = self._answers.get((host, port))
        if kept is not None and now - kept[0] < ANSWER_SECONDS:
            return kept[1]
        addresses = list(_resolver_pool().submit(self.resolver, host, port).result(timeout=max(timeout, 0.1)))
        if len(self._answers) >= MAX_ANSWERS:
            self._answers.clear()  # a fetcher lives for one batch or job: this is a bound, not a cache policy
        self._answers[(host, port)] = (now, addresses)
        return addresses

    def fetch(
        self,
        url: str,
        *,
        accept: Iterable[str] | None = HTML_TYPES,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET `url`, following redirects (each hop checked); raise a FetchError on failure."""
        started = time.monotonic()
        total = float(self._setting(self.total_timeout, "FETCH_TOTAL_TIMEOUT"))
        connect = float(self._setting(self.connect_timeout, "FETCH_CONNECT_TIMEOUT"))
        cap = int(max_bytes or self._setting(self.max_bytes, "FETCH_MAX_BYTES"))
        max_redirects = int(self._setting(self.max_redirects, "FETCH_MAX_REDIRECTS"))
        deadline = started + total
        accept = tuple(accept) if accept is not None else None
        base_headers = {
            "User-Agent": self._setting(self.user_agent, "FETCH_USER_AGENT"),
            "Accept": ", ".join(accept) + ", */*;q=0.1" if accept else "*/*",
            "Accept-Encoding": "gzip, deflate",
        }
        hop_headers = {**base_headers, **(headers or {})}
        current, redirects = url, list[str]()
        with requests.Session() as session:
            session.trust_env = False  # no proxy or .netrc from the environment: a proxy would bypass the pin
            session.mount("http://", self._adapter)
            session.mount("https://", self._adapter)
            for _hop in range(max_redirects + 1):
                prepared = self._prepare(current, hop_headers, params if not redirects else None)
                target = prepared.url or current  # requests' type says Optional; a prepared GET has one
                parts = urlsplit(target)
                host, port = parts.hostname or "", parts.port or _DEFAULT_PORTS[parts.scheme]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise FetchTimeout(f"Fetching {url} took longer than {total:g} s.", url=current)
                pinned = self.pin(target, host, port, timeout=min(connect, remaining))
                prepared.pinned_ip = pinned  # type: ignore[attr-defined]
                prepared.headers["Host"] = _host_header(host, parts.port, parts.scheme)
                response = self._send(session, prepared, connect=connect, deadline=deadline)
                try:
                    status = response.status_code
                    if status in _REDIRECT_STATUSES and response.headers.get("location"):
                        current = urljoin(target, response.headers["location"])
                        redirects.append(current)
                        # Credentials were meant for the first host only: Authorization goes at
                        # any redirect, and every header the caller added (an API key, a
                        # validator) once the redirect leaves the origin.
                        if _origin(current) != _origin(target):
                            hop_headers = dict(base_headers)
                        else:
                            hop_headers = {k: v for k, v in hop_headers.items() if k.lower() != "authorization"}
                        continue
                    if 300 <= status < 400 and status != 304:
                        raise TooManyRedirects(f"HTTP {status} without a usable Location.", status=status, url=current)
                    if status >= 400:
                        raise http_status_error(status, current, retry_after=_retry_after(response))
                    content = b""
                    if status != 304:
                        mime = media_type(response.headers.get("content-type"))
                        if not _type_allowed(mime, accept):
                            raise BadContentType(
                                f"{current} is {mime}, not one of {', '.join(accept or ())}.",
                                url=current,
                                status=status,
                            )
                        content = _read_body(response, cap=cap, deadline=deadline, url=current)
                    return FetchResult(
                        url=url,
                        final_url=target,
                        status=status,
                        headers=CaseInsensitiveDict(response.headers),
                        content=content,
                        redirects=tuple(redirects),
                        address=str(pinned),
                        elapsed=time.monotonic() - started,
                    )
                finally:
                    response.close()
        raise TooManyRedirects(f"More than {max_redirects} redirects from {url}.", url=current)

    def post(
        self, url: str, *, body: bytes, headers: Mapping[str, str] | None = None, max_bytes: int = 65536
    ) -> FetchResult:
        """POST `body` to `url` once, under the same address checks, pinning and deadlines as `fetch`.

        For deliveries to a receiver (webhooks): no redirect is followed (a 3xx comes back as
        the answer, so a subscription URL must be the final address), every status is
        returned rather than raised so the caller can log it, and at most `max_bytes` of the
        answer are kept (a longer one is cut, not refused). Network failures raise FetchErrors.
        """
        started = time.monotonic()
        total = float(self._setting(self.total_timeout, "FETCH_TOTAL_TIMEOUT"))
        connect = float(self._setting(self.connect_timeout, "FETCH_CONNECT_TIMEOUT"))
        deadline = started + total
        hop_headers = {"User-Agent": self._setting(self.user_agent, "FETCH_USER_AGENT"), "Accept": "*/*"}
        hop_headers.update(headers or {})
        with requests.Session() as session:
            session.trust_env = False
            session.mount("http://", self._adapter)
            session.mount("https://", self._adapter)
            prepared = self._prepare(url, hop_headers, None, method="POST", data=body)
            target = prepared.url or url
            parts = urlsplit(target)
            host, port = parts.hostname or "", parts.port or _DEFAULT_PORTS[parts.scheme]
            pinned = self.pin(target, host, port, timeout=connect)
            prepared.pinned_ip = pinned  # type: ignore[attr-defined]
            prepared.headers["Host"] = _host_header(host, parts.port, parts.scheme)
            response = self._send(session, prepared, connect=connect, deadline=deadline)
            try:
                try:
                    content = _read_body(response, cap=max_bytes, deadline=deadline, url=url)
                except TooLarge:
                    content = b""
                return FetchResult(
                    url=url,
                    final_url=target,
                    status=response.status_code,
                    headers=CaseInsensitiveDict(response.headers),
                    content=content,
                    address=str(pinned),
                    elapsed=time.monotonic() - started,
                )
            finally:
                response.close()

    def _prepare(
        self,
        url: str,
        headers: Mapping[str, str],
        params: Mapping[str, Any] | None,
        *,
        method: str = "GET",
        data: bytes | None = None,
    ) -> requests.PreparedRequest:
        parts = urlsplit(url)
        if parts.scheme.lower() not in _DEFAULT_PORTS:
            raise InvalidURL(f"Only http and https URLs are fetched, not {parts.scheme or 'a relative URL'}.", url=url)
        if parts.username is not None or parts.password is not None:
            raise InvalidURL("URLs with credentials in them are not fetched.", url=url)
        try:
            _ = parts.port
            prepared = requests.Request(method, url, headers=dict(headers), params=params, data=data).prepare()
        except (ValueError, requests.exceptions.RequestException) as exc:
            raise InvalidURL(f"{url} is not a valid URL: {exc}", url=url) from None
        if not urlsplit(prepared.url).hostname:
            raise InvalidURL(f"{url} has no host.", url=url)
        return prepared

    def _send(
        self, session: requests.Session, prepared: requests.PreparedRequest, *, connect: float, deadline: float
    ) -> requests.Response:
        remaining = max(deadline - time.monotonic(), 0.05)
        try:
            return session.send(
                prepared,
                stream=True,
                allow_redirects=False,
                timeout=(min(connect, remaining), remaining),
                verify=self.verify,
            )
        except FetchError:
            raise
        except requests.exceptions.RequestException as exc:
            raise _translate(exc, prepared.url or "") from None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:  # a bad port is refused when the hop is prepared
        port = None
    return scheme, (parts.hostname or "").lower(), port


def _host_header(host: str, port: int | None, scheme: str) -> str:
    name = f"[{host}]" if ":" in host else host
    if port and port != _DEFAULT_PORTS[scheme]:
        name = f"{name}:{port}"
    return name


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


def fetch(url: str, **kwargs: Any) -> FetchResult:
    """Fetch with the default client (settings-driven); see `Fetcher.fetch`."""
    return Fetcher().fetch(url, **kwargs)
