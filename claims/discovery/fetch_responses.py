"""What a fetch returns and how its body is read: `FetchResult`, the content-type checks, and
the body read under the size cap and the deadline (with the watchdog that enforces it).

Apart from the client (`claims.discovery.http`) because this is the response side of a hop,
once the request has been checked, pinned and sent: nothing here resolves or connects.
`claims.discovery.http` re-exports the public names; import them from there.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from claims.discovery.fetch_errors import FetchTimeout, TooLarge, _translate

# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchResult:
    """A successful (2xx or 304) response, read completely within the caps."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    content: bytes
    redirects: tuple[str, ...] = ()
    address: str = ""
    elapsed: float = 0.0

    @property
    def content_type(self) -> str:
        return media_type(self.headers.get("content-type"))

    @property
    def header_charset(self) -> str | None:
        from claims.discovery.charset import charset_from_content_type

        return charset_from_content_type(self.headers.get("content-type"))

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self, *, kind: str = "html") -> str:
        """The body decoded by our own rules (header, then meta/XML declaration, then detection)."""
        return self.decoded(kind=kind).text

    def decoded(self, *, kind: str = "html") -> Any:
        from claims.discovery import charset

        decode = charset.decode_xml if kind == "xml" else charset.decode_html
        return decode(self.content, self.header_charset)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _type_allowed(mime: str, accept: Iterable[str] | None) -> bool:
    if accept is None or not mime:
        # No list means any type; a missing Content-Type is left to the parsers, which
        # validate what they are given anyway.
        return True
    for pattern in accept:
        pattern = pattern.lower()
        if pattern == mime or (pattern.endswith("/*") and mime.startswith(pattern[:-1])):
            return True
    return False


HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x-rss+xml",
    # Some publishers serve feeds as these; the feed parser checks the content.
    "text/plain",
    "application/octet-stream",
)
JSON_TYPES = ("application/json", "text/json", "application/javascript", "text/javascript")


class _Watchdog:
    """One thread per process that makes each registered call at its deadline unless it was
    cancelled first: a timer thread started per page cost a thread's start and a GIL
    hand-off for every page a harvest reads. Calls are few at a time (one per page being
    read), so a cancelled one is simply taken out of the list."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._count = itertools.count()
        self._wake = threading.Condition()
        threading.Thread(target=self._run, name="fetch-watchdog", daemon=True).start()

    def start(self, deadline: float, call: Callable[[], None]) -> int:
        with self._wake:
            key = next(self._count)
            heapq.heappush(self._due, (deadline, key, call))
            self._wake.notify()
        return key

    def cancel(self, key: int) -> None:
        with self._wake:
            kept = [entry for entry in self._due if entry[1] != key]
            if len(kept) != len(self._due):
                heapq.heapify(kept)
                self._due = kept

    def _run(self) -> None:
        while True:
            with self._wake:
                if not self._due:
                    self._wake.wait()
                    continue
                wait = self._due[0][0] - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)  # woken early by a new call, which may be due sooner
                    continue
                _deadline, _key, call = heapq.heappop(self._due)
            with contextlib.suppress(Exception):
                call()


_WATCHDOGS: dict[int, _Watchdog] = {}
_watchdog_lock = threading.Lock()


def _watchdog() -> _Watchdog:
    pid = os.getpid()  # per process: a thread started before a fork does not run in the child
    with _watchdog_lock:
        if pid not in _WATCHDOGS:
            _WATCHDOGS[pid] = _Watchdog()
        return _WATCHDOGS[pid]


def _read_body(response: requests.Response, *, cap: int, deadline: float, url: str) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise TooLarge(f"{url} is {int(declared)} bytes; the limit is {cap}.", url=url, status=response.status_code)
    # A read blocks until a chunk is full, so a server dripping bytes would keep resetting
    # the per-read timeout; a watchdog shuts the socket down at the deadline instead.
    timed_out = threading.Event()
    sock = _socket_of(response)

    def _abort() -> None:
        timed_out.set()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = _watchdog().start(deadline, _abort)
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > cap:
                raise TooLarge(f"{url} is larger than {cap} bytes.", url=url, status=response.status_code)
            if timed_out.is_set() or time.monotonic() > deadline:
                raise FetchTimeout(f"Reading {url} passed the deadline.", url=url)
            chunks.append(chunk)
    except requests.exceptions.RequestException as exc:
        if timed_out.is_set():
            raise FetchTimeout(f"Reading {url} passed the deadline.", url=url) from None
        raise _translate(exc, url) from None
    finally:
        _watchdog().cancel(watchdog)
    if timed_out.is_set():
        raise FetchTimeout(f"Reading {url} passed the deadline.", url=url)
    return b"".join(chunks)


def _socket_of(response: requests.Response) -> socket.socket | None:
    # The connection drops its reference once the response will close the socket; the
    # body's file object still holds it then.
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is None:
        body = getattr(getattr(response.raw, "_fp", None), "fp", None)
        sock = getattr(getattr(body, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None
