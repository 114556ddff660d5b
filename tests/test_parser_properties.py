"""Property tests for the parsers that read third-party bytes (Hypothesis).

Feeds, article pages, charset detection and ClaimReview imports read whatever another
server sends. Over arbitrary bytes and over malformed markup built from the pieces those
documents are made of, each parser must return its documented result (or raise its own
documented error), never let another exception escape, and finish each input in bounded
time (Hypothesis' per-example deadline).

No database, no network: every function here is pure. CI replays the same examples
(derandomize); a local run explores new ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claims.discovery import charset
from claims.discovery.extract import Extracted, extract
from claims.discovery.feeds import FeedRejected, ParsedFeed, parse_feed, plain_text
from claims.intake import claimreview_import as cr

# Generous for a shared, busy machine; an input that takes seconds is the bug we look for.
DEADLINE = dt.timedelta(seconds=3)
PROPERTY = settings(
    max_examples=150,
    deadline=DEADLINE,
    database=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
URL = "https://news.example.org/2022/01/article.html"

# --- Strategies ---------------------------------------------------------------------------------

_CHARSETS = ["utf-8", "UTF-16", "utf-32", "latin1", "iso-8859-1", "windows-1252", "cp1250", "koi8-r",
             "shift_jis", "gb18030", "x-unknown", "utf-7", "", "\"utf-8", "utf8'", "rot13", "hex", "base64", "idna",
             "punycode", "bz2_codec", "zlib", "uu", "quopri"]  # fmt: skip
_MARKUP = [
    "<html>", "<html lang=\"nb-NO\">", "<html lang=", "</html>", "<head>", "</head>", "<body>", "</body>",
    "<meta charset=\"", "<meta charset=", "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=",
    "<meta property=\"og:title\" content=\"", "<meta property=\"article:published_time\" content=\"",
    "<meta property=\"og:url\" content=\"", "<meta name=\"date\" content=\"", "\">", "\"/>", "'>",
    "<link rel=\"canonical\" href=\"", "<time datetime=\"", "</time>", "<title>", "</title>",
    "<script type=\"application/ld+json\">", "<script type='APPLICATION/LD+JSON'>", "</script>", "<script>",
    "<p>", "</p>", "<article>", "</article>", "<div itemscope itemtype=\"https://schema.org/ClaimReview\">",
    "<span itemprop=\"claimReviewed\">", "<div itemprop=\"reviewRating\" itemscope itemtype=\"http://schema.org/Rating\">",
    "<meta itemprop=\"ratingValue\" content=\"", "<a itemprop=\"url\" href=\"", "</span>", "</div>", "<a href=\"",
    "<!--", "-->", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<!DOCTYPE rss [", "<!ENTITY x \"y\">", "]>", "&x;",
    "<?xml version=\"1.0\" encoding=\"", "?>", "<rss version=\"2.0\">", "</rss>", "<channel>", "</channel>",
    "<item>", "</item>", "<link>", "</link>", "<guid>", "</guid>", "<pubDate>", "</pubDate>",
    "<feed xmlns=\"http://www.w3.org/2005/Atom\">", "</feed>", "<entry>", "</entry>", "<link href=\"",
    "<updated>", "</updated>", "<language>", "</language>", "<description>", "</description>",
    "https://", "http://", "javascript:", "//", "../", "?q=", "#", "2022-01-24T12:00:00Z", "2022-13-45",
    "Mon, 24 Jan 2022 12:00:00 +2359", "9999-12-31T23:59:59-23:59", "0000-00-00", "24.01.2022", "1e309",
    "{", "}", "[", "]", ",", ":", "\"", "'", "\"@context\": \"https://schema.org\"", "\"@type\": \"ClaimReview\"",
    "\"@type\": [\"ClaimReview\", 1]", "\"@graph\": [", "\"@id\": \"#a\"", "{\"@id\": \"#a\"}", "\"claimReviewed\": ",
    "\"itemReviewed\": ", "\"reviewRating\": ", "\"ratingValue\": ", "\"author\": ", "\"appearance\": ",
    "\"datePublished\": ", "\"url\": ", "null", "true", "NaN", "-Infinity", "// comment\n", "/* c */",
    "&amp;", "&#0;", "&#x110000;", "&#xD800;", "&nbsp;", "\x00", "\ufeff", "\ud800", "\u202e", "\r\n", "\t",
    "æøå", "særlig", "Ωμέγα", "🦀",
]  # fmt: skip

markup = st.lists(
    st.one_of(st.sampled_from(_MARKUP), st.sampled_from(_CHARSETS), st.text(max_size=12)), max_size=60
).map("".join)
# Markup as it arrives: encoded in some charset (possibly the wrong one), or raw bytes.
markup_bytes = st.one_of(
    st.binary(max_size=4096),
    st.tuples(markup, st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1", "utf-32-be", "utf-8-sig"])).map(
        lambda pair: pair[0].encode(pair[1], errors="replace")
    ),
    st.tuples(markup, st.binary(max_size=64)).map(lambda pair: pair[0].encode("utf-8", "surrogatepass") + pair[1]),
)
content_types = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(_CHARSETS).map(lambda name: f"text/html; charset={name}"),
    st.sampled_from(_CHARSETS).map(lambda name: f'application/rss+xml;charset="{name}"'),
)

_KEYS = ["@context", "@type", "@id", "@graph", "@value", "type", "name", "url", "claimReviewed", "itemReviewed",
         "reviewRating", "alternateName", "ratingValue", "bestRating", "worstRating", "author", "publisher",
         "appearance", "firstAppearance", "datePublished", "dateCreated", "inLanguage", "text", "dataFeedElement",
         "item", "claims", "claimReview", "claimant", "claimDate", "site", "textualRating", "reviewDate",
         "languageCode"]  # fmt: skip
_VALUES = ["ClaimReview", "https://schema.org/ClaimReview", "schema:ClaimReview", "Claim", "Rating", "DataFeed",
           "Organization", "#a", "#b", "https://desk.example.org/x", "2022-01-24", "2022-02-30", "31.12.2021",
           "2,5", "five", ""]  # fmt: skip
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(_VALUES),
    st.text(max_size=10),
)
json_value = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(_KEYS), st.text(max_size=5)), children, max_size=5),
    ),
    max_leaves=40,
)

# --- Charset detection --------------------------------------------------------------------------


@PROPERTY
@given(content=markup_bytes, content_type=content_types)
def test_decoding_always_gives_text(content: bytes, content_type: str | None) -> None:
    header = charset.charset_from_content_type(content_type)
    for decode in (charset.decode_html, charset.decode_xml):
        decoded = decode(content, header)
        assert isinstance(decoded.text, str)
        assert decoded.source in {"bom", "header", "meta", "xml", "detected"}
        # The codec we name is one that decodes text (not a bytes-to-bytes transform like zlib).
        assert isinstance(content.decode(decoded.encoding, errors="replace"), str)


@PROPERTY
@given(label=st.one_of(st.sampled_from(_CHARSETS), st.text(max_size=30)), in_document=st.booleans())
def test_a_charset_label_is_a_text_codec_or_none(label: str, in_document: bool) -> None:
    name = charset.normalise_label(label, in_document=in_document)
    if name is not None:
        assert isinstance(b"abc\xff".decode(name, errors="replace"), str)


# --- Feeds --------------------------------------------------------------------------------------


@PROPERTY
@given(content=markup_bytes, content_type=content_types)
def test_a_feed_parses_or_is_rejected(content: bytes, content_type: str | None) -> None:
    try:
        parsed = parse_feed(content, url="https://news.example.org/feed.xml", content_type=content_type)
    except FeedRejected:
        return
    assert isinstance(parsed, ParsedFeed)
    for entry in parsed.entries:
        assert entry.url.startswith(("http://", "https://"))
        assert "\x00" not in entry.title + entry.summary + entry.author


@PROPERTY
@given(entries=st.lists(st.tuples(markup, markup, markup), max_size=5), date=st.sampled_from(_MARKUP))
def test_an_rss_feed_with_malformed_items(entries: list[tuple[str, str, str]], date: str) -> None:
    items = "".join(
        f"<item><title>{title}</title><link>https://news.example.org/{n}{link}</link>"
        f"<description>{summary}</description><pubDate>{date}</pubDate></item>"
        for n, (title, link, summary) in enumerate(entries)
    )
    document = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    with contextlib.suppress(FeedRejected):
        parse_feed(document.encode("utf-8", "surrogatepass"), url="https://news.example.org/feed.xml")


@PROPERTY
@given(fragment=markup)
def test_plain_text_of_any_fragment(fragment: str) -> None:
    assert isinstance(plain_text(fragment), str)


# --- Article pages ------------------------------------------------------------------------------


@PROPERTY
@given(content=markup_bytes, content_type=content_types)
def test_a_page_extracts_from_any_bytes(content: bytes, content_type: str | None) -> None:
    text = charset.decode_html(content, charset.charset_from_content_type(content_type)).text
    page = extract(text, url=URL)
    assert isinstance(page, Extracted)
    assert page.canonical_url == "" or page.canonical_url.startswith(("http://", "https://"))
    assert page.published_at is None or page.published_at.tzinfo is not None


@PROPERTY
@given(page=markup)
def test_a_page_extracts_from_malformed_markup(page: str) -> None:
    assert isinstance(extract(page, url=URL), Extracted)


# --- ClaimReview imports ------------------------------------------------------------------------


def _items_are_items(items: list[Any]) -> None:
    assert all(isinstance(item, cr.ImportItem) for item in items)
    for item in items:
        assert isinstance(item.claim_text, str)
        assert all(isinstance(url, str) for url in item.appearance_urls)


@PROPERTY
@given(content=markup_bytes)
def test_json_import_of_any_bytes(content: bytes) -> None:
    try:
        kind, items = cr.items_from_json(content)
    except ValueError:  # the documented refusal: not JSON
        return
    assert kind in {"google", "datafeed", "jsonld"}
    _items_are_items(items)


@PROPERTY
@given(document=json_value)
def test_json_import_of_any_json(document: Any) -> None:
    kind, items = cr.items_from_json(json.dumps(document).encode())
    assert kind in {"google", "datafeed", "jsonld"}
    _items_are_items(items)


@PROPERTY
@given(claims=st.lists(json_value, max_size=4), extra=json_value)
def test_google_import_of_malformed_responses(claims: list[Any], extra: Any) -> None:
    _items_are_items(cr.items_from_google({"claims": claims, "nextPageToken": extra}))


@PROPERTY
@example(blocks=[], page="<body><!--")  # extruct's microdata reader failed on it (KeyError)
@given(blocks=st.lists(json_value, max_size=3), page=markup)
def test_page_import_of_malformed_markup_and_json_ld(blocks: list[Any], page: str) -> None:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(b)}</script>' for b in blocks)
    _items_are_items(cr.items_from_html(f"<html><head>{scripts}</head><body>{page}</body></html>", url=URL))
    _items_are_items(cr.items_from_html(page, url=URL))


@pytest.mark.parametrize("depth", [50, 900, 5000])
def test_deeply_nested_documents_are_refused_or_read(depth: int) -> None:
    """json.loads stops with RecursionError (not a ValueError) near Python's limit, and the
    readers walk documents recursively: deep nesting is a ValueError ("cannot be read")."""
    nested = '{"@type": "ClaimReview", "claimReviewed": "x", "itemReviewed": ' * depth + "{}" + "}" * depth
    if depth <= cr.MAX_DEPTH:
        assert cr.items_from_json(nested.encode())[1]
    else:
        with pytest.raises(ValueError, match="nests"):
            cr.items_from_json(nested.encode())
    page = f'<script type="application/ld+json">{nested}</script>' + "<div itemscope>" * depth + "</div>" * depth
    assert isinstance(cr.items_from_html(page, url=URL), list)
    assert isinstance(extract(page, url=URL), Extracted)


# --- What the properties found, pinned as plain examples ---------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",  # an empty 200: feedparser's result has no `version` (AttributeError)
        b'<rss version="2.0"><channel><item><title>&#x110000;</title><link>https://a.example/</link></item>',
        b'<rss version="2.0"><channel><item><title>&#xD800;</title><link>https://a.example/</link></item>',
    ],
)
def test_feeds_that_crashed_the_parser_are_rejected(content: bytes) -> None:
    with pytest.raises(FeedRejected):
        parse_feed(content, url="https://news.example.org/feed.xml")


def test_plain_text_of_a_lone_surrogate() -> None:
    assert plain_text("a\ud800b") == "a\ufffdb"


@pytest.mark.parametrize("label", ["bz2", "hex", "zlib", "rot13", "idna", "punycode", "utf-7", "undefined"])
def test_a_codec_that_is_no_document_charset_is_ignored(label: str) -> None:
    assert charset.normalise_label(label) is None
    assert charset.decode_html(b"caf\xc3\xa9", label).text == "café"
    assert charset.decode_html(f'<meta charset="{label}">caf\xe9'.encode("latin-1")).encoding == "cp1252"
    assert charset.decode_xml(f'<?xml version="1.0" encoding="{label}"?><rss/>'.encode()).encoding == "utf-8"


@pytest.mark.parametrize("reviews", [[None], True, "text", [{"publisher": "Desk"}], [{"publisher": ["a"]}]])
def test_google_responses_with_odd_reviews(reviews: Any) -> None:
    items = cr.items_from_google({"claims": [{"text": "A claim", "claimReview": reviews}]})
    assert len(items) >= 1 and all(isinstance(item, cr.ImportItem) for item in items)
