"""RSS 2.0 / Atom parsing with feedparser, on bytes we fetched and decoded ourselves.

feedparser is never handed a URL or a path: given a string it may fetch the URL or open
the file itself, past the hardened client. It gets an in-memory stream of UTF-8 bytes we
produced from our own decoding (see `charset.decode_xml`).

Entity declarations in a DOCTYPE are refused before parsing ("billion laughs" and external
entity tricks); a feed has no legitimate use for them. A malformed feed that still yields
entries is used with a warning; one that yields nothing is an error for the job to record.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass, field
from typing import Any

import feedparser
import nh3
from django.utils import timezone

from claims.discovery.charset import charset_from_content_type, decode_xml
from claims.discovery.http import FEED_TYPES, Fetcher, FetchError, PermanentFetchError
from claims.discovery.jobs import upsert_articles
from claims.models import Feed

_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
# Lone surrogates: a character reference like &#xD800; that the feed parser turned into one.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Dates outside this window are treated as wrong rather than stored (a feed saying 1970 or 2099).
_EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
_FUTURE_SLACK = dt.timedelta(days=2)


class FeedRejected(PermanentFetchError):
    """The document is not a feed we accept: malformed beyond use, or it declares entities."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, cleaned: plain-text title and summary, absolute http(s) link."""

    url: str
    title: str = ""
    summary: str = ""
    author: str = ""
    published_at: dt.datetime | None = None
    guid: str = ""
    language: str = ""


@dataclass
class ParsedFeed:
    """The entries we could use, with counts of skipped ones and non-fatal warnings."""

    title: str = ""
    link: str = ""
    language: str = ""
    entries: list[FeedEntry] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def plain_text(value: str | None, *, limit: int = 5000) -> str:
    """HTML fragment → plain text (tags dropped, scripts and styles removed, entities decoded)."""
    if not value:
        return ""
    value = _SURROGATES.sub("\ufffd", value)  # nh3 (Rust) takes only valid Unicode
    text = html.unescape(nh3.clean(value, tags=set(), clean_content_tags={"script", "style"}))
    return _SPACE.sub(" ", text).strip()[:limit]


def _utf8_stream(text: str) -> io.BytesIO:
    text = text.lstrip("\ufeff")
    # The declaration may name the encoding the bytes had; they are UTF-8 now.
    text = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    return io.BytesIO(text.encode("utf-8"))


def _entry_date(entry: Any, parsed: ParsedFeed) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if not value:
            continue
        try:
            moment = dt.datetime(*value[:6]).replace(tzinfo=dt.UTC)
        except (TypeError, ValueError):
            continue
        if _EARLIEST <= moment <= dt.datetime.now(dt.UTC) + _FUTURE_SLACK:
            return moment
    if any(entry.get(key) for key in ("published", "updated", "created")):
        parsed.warnings.append(f"unusable date {entry.get('published') or entry.get('updated')!r}"[:200])
    return None


def _entry_link(entry: Any) -> str:
    candidates = [entry.get("link", "")]
    candidates += [
        link.get("href", "") for link in entry.get("links", []) if link.get("rel", "alternate") == "alternate"
    ]
    for candidate in candidates:
        candidate = (candidate or "").strip()
        if candidate.lower().startswith(("http://", "https://")) and len(candidate) <= 2000:
            return candidate
    return ""


def parse_feed(content: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse feed bytes fetched from `url`; raise FeedRejected if there is nothing usable."""
    text = decode_xml(content, charset_from_content_type(content_type)).text
    if _ENTITY_DECLARATION.search(text):
        raise FeedRejected("The feed declares XML entities; such feeds are refused.", url=url)
    try:
        data = feedparser.parse(
            _utf8_stream(text),
            # content-location makes relative links resolve against the feed's own URL.
            response_headers={"content-type": "application/xml; charset=utf-8", "content-location": url},
            sanitize_html=True,
            resolve_relative_uris=True,
        )
    except Exception as exc:
        # feedparser's loose parser has its own bugs on broken markup (AttributeError, KeyError,
        # a character reference past U+10FFFF or to a surrogate, found by tests/test_parser_properties.py);
        # to the job that is a feed we cannot use, not a crash.
        raise FeedRejected(f"Not a usable feed ({type(exc).__name__} in the feed parser).", url=url) from exc
    result = ParsedFeed(
        title=plain_text(data.feed.get("title"), limit=200),
        link=data.feed.get("link", ""),
        language=(data.feed.get("language") or "")[:35],
    )
    if data.bozo:
        problem = f"{type(data.bozo_exception).__name__}: {data.bozo_exception}"[:300]
        if not data.entries:
            raise FeedRejected(f"Not a usable feed ({problem}).", url=url)
        result.warnings.append(f"malformed feed, parsed leniently ({problem})")
    if not data.entries and not data.feed.get("title") and not data.get("version"):
        raise FeedRejected("The document is not an RSS or Atom feed.", url=url)
    for entry in data.entries:
        link = _entry_link(entry)
        if not link:
            result.skip("no_link")
            continue
        result.entries.append(
            FeedEntry(
                url=link,
                title=plain_text(entry.get("title"), limit=500),
                summary=plain_text(entry.get("summary") or entry.get("description")),
                author=plain_text(entry.get("author"), limit=200),
                published_at=_entry_date(entry, result),
                guid=(entry.get("id") or "")[:500],
                language=(entry.get("language") or result.language)[:35],
            )
        )
    return result


# --- Harvesting ---------------------------------------------------------------------------------


@dataclass
class HarvestResult:
    """What one harvest of one feed did."""

    not_modified: bool = False
    found: int = 0
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def as_stats(self) -> dict[str, Any]:
        return {
            "found": self.found,
            "stored": len(self.created),
            "updated": len(self.updated),
            "not_modified": self.not_modified,
            **({"skipped": self.skipped} if self.skipped else {}),
            **({"warnings": self.warnings[:10]} if self.warnings else {}),
        }


def harvest(feed: Feed, *, fetcher: Fetcher | None = None) -> HarvestResult:
    """Fetch `feed` (conditional GET) and store its entries in the Article index.

    A failure is recorded on the Feed (`last_error`) and raised for the job to record.
    """
    fetcher = fetcher or Fetcher()
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    now = timezone.now()
    try:
        response = fetcher.fetch(feed.url, accept=FEED_TYPES, headers=headers)
        result = HarvestResult(not_modified=response.not_modified)
        if not response.not_modified:
            parsed = parse_feed(
                response.content, url=response.final_url, content_type=response.headers.get("content-type")
            )
            result.found, result.skipped, result.warnings = len(parsed.entries), parsed.skipped, parsed.warnings
            outlet = feed.name or parsed.title
            stored = upsert_articles(
                (
                    (
                        entry.url,
                        {
                            "title": entry.title,
                            "summary": entry.summary,
                            "author": entry.author,
                            "published_at": entry.published_at,
                            "language": feed.language or entry.language,
                            "outlet": outlet,
                        },
                    )
                    for entry in parsed.entries
                ),
                provider="feed",
                feed=feed,
            )
            for row in stored:
                if row is None:
                    result.skipped["bad_url"] = result.skipped.get("bad_url", 0) + 1
                else:
                    (result.created if row[1] else result.updated).append(row[0])
    except FetchError as exc:
        Feed.objects.filter(pk=feed.pk).update(last_error=str(exc)[:2000], last_harvested_at=now)
        raise
    changes: dict[str, Any] = {"last_error": "", "last_harvested_at": now}
    if not result.not_modified:
        changes["etag"] = (response.headers.get("etag") or "")[:300]
        changes["last_modified"] = (response.headers.get("last-modified") or "")[:100]
    Feed.objects.filter(pk=feed.pk).update(**changes)
    for key, value in changes.items():
        setattr(feed, key, value)
    return result
