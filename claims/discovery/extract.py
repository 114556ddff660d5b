"""Main text and metadata from an article page, so the index holds the story, not the page.

trafilatura drops navigation, cookie banners, "read more" lists and footers; it is given
the text we decoded ourselves (a str), never bytes, because its own charset guess garbles
undeclared windows-1252 Norwegian pages. Canonical URL, language and the publication time
are read from the page's own tags first, since those are explicit.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import lxml.html
import trafilatura
from django.utils.dateparse import parse_date, parse_datetime
from trafilatura.settings import Extractor

_SPACE = re.compile(r"[ \t\u00a0\u202f]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_ALL_SPACE = re.compile(r"\s+")
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}")
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "pubdate",
    "publishdate",
)


@dataclass(frozen=True)
class Extracted:
    """What an article page gave us; empty strings where the page said nothing."""

    url: str
    canonical_url: str
    title: str
    author: str
    published_at: dt.datetime | None
    site_name: str
    language: str
    description: str
    text: str
    content_hash: str


def normalize_text(text: str) -> str:
    """NFC, one space between words, paragraphs kept as blank lines."""
    text = unicodedata.normalize("NFC", text or "")
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def content_hash(text: str) -> str:
    """sha256 of the text with case and spacing ignored: the same story hashes the same."""
    canonical = _ALL_SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip().casefold()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def language_code(tag: str | None) -> str:
    """ "nb-NO" → "nb", "no" → "nb" (the desk's Norwegian is Bokmål), "en_GB" → "en"."""
    match = _LANGUAGE_TAG.match((tag or "").strip())
    if not match:
        return ""
    code = match.group(0).lower()
    return "nb" if code in {"no", "nob", "nor"} else code


def _tree(html: str) -> Any:
    try:
        return lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None


_META_ATTRS = ("property", "name", "itemprop")
_local = threading.local()


def _meta_index(tree: Any) -> dict[tuple[str, str], str]:
    """(attribute, name) -> content of the first such <meta> with content, for the last tree asked about.

    One pass over the document instead of an XPath search per name and attribute (a dozen
    of them per page, bench/ case 5); kept per thread for the tree being extracted.
    """
    last = getattr(_local, "meta", None)
    if last is not None and last[0] is tree:
        return last[1]
    index: dict[tuple[str, str], str] = {}
    for node in tree.iter("meta"):
        value = (node.get("content") or "").strip()
        if value:
            for attr in _META_ATTRS:
                key = node.get(attr)
                if key is not None:
                    index.setdefault((attr, key), value)
    _local.meta = (tree, index)
    return index


def _meta(tree: Any, *names: str) -> str:
    if tree is None:
        return ""
    index = _meta_index(tree)
    for name in names:
        for attr in _META_ATTRS:
            value = index.get((attr, name))
            if value:
                return value
    return ""


def _canonical(tree: Any, url: str) -> str:
    if tree is not None:
        for node in tree.xpath("//link[@href and contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]"):
            href = urljoin(url, node.get("href", "").strip())
            if href.startswith(("http://", "https://")) and len(href) <= 2000:
                return href
    og = _meta(tree, "og:url")
    return og if og.startswith(("http://", "https://")) and len(og) <= 2000 else ""


def _parse_moment(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None:
        try:
            day = parse_date(value[:10])
        except ValueError:
            day = None
        if day is None:
            return None
        moment = dt.datetime(day.year, day.month, day.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _json_ld_dates(tree: Any) -> list[str]:
    if tree is None:
        return []
    found = []
    for node in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(node.text_content() or "null")
        except (ValueError, RecursionError):  # RecursionError: nested past Python's limit
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    found.append(item["datePublished"])
                stack.extend(v for k, v in item.items() if k == "@graph")
    return found


def _published(tree: Any, fallback: str | None) -> dt.datetime | None:
    candidates = [_meta(tree, *_DATE_META), *_json_ld_dates(tree)]
    if tree is not None:
        candidates += [node.get("datetime", "") for node in tree.xpath("//time[@datetime]")[:3]]
    candidates.append(fallback or "")
    for value in candidates:
        moment = _parse_moment(value)
        if moment is not None and dt.datetime(1990, 1, 1, tzinfo=dt.UTC) <= moment:
            return moment
    return None


_OPTIONS: dict[bool, Extractor] = {}
# No extensive search: it takes a "© 2022" footer for a publication date. (Typed Any:
# trafilatura annotates these as strings, but its date search takes the flags as booleans.)
_DATE_PARAMS: Any = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}


def _options(url: str, *, with_metadata: bool) -> Extractor:
    """trafilatura's settings for one page: built once, copied per page (building them reads
    its config file's values anew, a tenth of a page's extraction)."""
    base = _OPTIONS.get(with_metadata)
    if base is None:
        base = _OPTIONS[with_metadata] = Extractor(
            output_format="python",
            # No fallback extractors (readability, jusText) to compare against: they doubled
            # the cost per page (bench/ case 5) and changed the text of no article page in the corpus.
            fast=True,
            precision=True,
            comments=False,
            tables=False,
            images=False,
            links=False,
            with_metadata=with_metadata,
            date_params=_DATE_PARAMS,
        )
    options = copy.copy(base)
    options.url = options.source = url
    return options


def extract(html: str, *, url: str) -> Extracted:
    """Extract the article in `html` (already decoded) that was fetched from `url`."""
    if not isinstance(html, str):  # guard the rule: our decoding, not the extractor's
        raise TypeError("extract() takes decoded text; decode with claims.discovery.charset first")
    tree = _tree(html)
    # A page that states its title and publication time in its own tags (Open Graph,
    # article:published_time, JSON-LD, <time>) needs none of trafilatura's metadata
    # heuristics, which cost about 40% of an extraction (bench/ case 5); the fields below
    # fall back to those tags anyway. Pages without them get trafilatura's metadata.
    own_date = _published(tree, None)
    tagged = own_date is not None and bool(_meta(tree, "og:title"))
    document = trafilatura.bare_extraction(
        # Our parse, not a second one; trafilatura works on its own copy of the tree.
        tree if tree is not None else html,
        url=url,
        options=_options(url, with_metadata=not tagged),
    )
    meta: dict[str, Any] = {}
    if document is not None:
        meta = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = normalize_text(meta.get("text") or "")
    html_lang = tree.get("lang", "") if tree is not None else ""
    language = language_code(html_lang) or language_code(_meta(tree, "og:locale", "content-language", "language"))
    return Extracted(
        url=url,
        canonical_url=_canonical(tree, url),
        title=(meta.get("title") or _meta(tree, "og:title") or "").strip()[:500],
        author=(meta.get("author") or _meta(tree, "author") or "").strip()[:200],
        # The page's own tags gave nothing usable (own_date); only trafilatura's date is left.
        published_at=own_date or _published(None, meta.get("date")),
        site_name=(_meta(tree, "og:site_name") or meta.get("sitename") or meta.get("hostname") or "").strip()[:200],
        language=language,
        description=(meta.get("description") or _meta(tree, "og:description", "description") or "").strip()[:2000],
        text=text,
        content_hash=content_hash(text) if text else "",
    )
