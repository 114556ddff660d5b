"""Reading ClaimReviews out of what other desks publish (pure: no database, no network).

Sources: a fact-check page (JSON-LD in any of its shapes, microdata; extracted with
extruct), a schema.org DataFeed, a Google Fact Check Tools `claims:search` response, or
any JSON-LD document. Each ClaimReview becomes one `ImportItem`, numbered by its position
in the document (`item`). Malformed pieces become items with an `error`, never exceptions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

# JSON-LD deeper than this is refused: no real ClaimReview nests past a dozen levels, and the
# readers below walk documents recursively (json.loads itself stops near Python's recursion limit).
MAX_DEPTH = 64

SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:", "http://www.schema.org/")


@dataclass
class ReviewData:
    """Another desk's verdict, as they published it."""

    publisher: str = ""
    publisher_url: str = ""
    url: str = ""
    rating_text: str = ""
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    date: dt.date | None = None
    language: str = ""


@dataclass
class ImportItem:
    """One item to import: a ClaimReview (with the claim it reviews) or one CSV row."""

    position: int  # the item number in a JSON document, the physical line in a CSV
    claim_text: str = ""
    claimant: str = ""
    claim_date: dt.date | None = None
    language: str = ""
    appearance_urls: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    review: ReviewData | None = None
    verdict_text: str = ""  # CSV: the desk's own draft verdict, as a rating text
    error: str = ""


# --- Small readers of loosely typed JSON-LD ------------------------------------------------


def _types(node: dict) -> set[str]:
    raw = node.get("@type") or node.get("type") or []
    values = raw if isinstance(raw, list) else [raw]
    out = set()
    for value in values:
        if isinstance(value, str):
            for prefix in SCHEMA_PREFIXES:
                if value.startswith(prefix):
                    value = value[len(prefix) :]
            out.add(value)
    return out


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or ""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def _number(value: Any) -> float | None:
    """A rating number; 0 is a value. Strings like "2" or "2,5" are read, words are not."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def parse_date(value: Any) -> dt.date | None:
    """ISO dates and datetimes (with or without zone), and DD.MM.YYYY."""
    text = _text(value)
    if not text:
        return None
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = re.match(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def _url(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or ""
    text = _text(value)
    return text if text.lower().startswith(("http://", "https://")) else ""


def _depth_ok(document: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `document` nests lists and objects at most `limit` deep (checked without recursion)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return False
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return True


def _loads(raw: str | bytes, loads: Any = json.loads) -> Any:
    """JSON → Python; ValueError for anything unusable, nesting too deep included."""
    try:
        data = loads(raw)
    except RecursionError as exc:
        raise ValueError("The JSON nests too deeply.") from exc
    if not _depth_ok(data):
        raise ValueError(f"The JSON nests deeper than {MAX_DEPTH} levels.")
    return data


class _Graph:
    """Every node with an `@id`, so references ({"@id": "#org"}) can be followed."""

    def __init__(self, roots: list[Any]) -> None:
        self.by_id: dict[str, dict] = {}
        for root in roots:
            self._index(root)

    def _index(self, node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                self._index(child)
        elif isinstance(node, dict):
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 1:
                self.by_id.setdefault(node_id, node)
            for value in node.values():
                self._index(value)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict) and set(value) <= {"@id"} and value.get("@id") in self.by_id:
            return self.by_id[value["@id"]]
        if isinstance(value, str) and value in self.by_id:
            return self.by_id[value]
        return value


def _claim_reviews(node: Any, found: list[dict]) -> None:
    """ClaimReview nodes in document order, wherever they sit (arrays, @graph, DataFeed items)."""
    if isinstance(node, list):
        for child in node:
            _claim_reviews(child, found)
    elif isinstance(node, dict):
        if "ClaimReview" in _types(node):
            found.append(node)
            return
        for key, value in node.items():
            if key != "@context":
                _claim_reviews(value, found)


def _item_from_claimreview(
    node: dict, graph: _Graph, position: int, *, page_url: str, page_language: str
) -> ImportItem:
    author = graph.resolve(_first(graph.resolve(node.get("author")))) or graph.resolve(
        _first(graph.resolve(node.get("publisher")))
    )
    reviewed = graph.resolve(_first(node.get("itemReviewed"))) or {}
    if not isinstance(reviewed, dict):
        reviewed = {}
    rating = graph.resolve(_first(node.get("reviewRating"))) or {}
    if not isinstance(rating, dict):
        rating = {}
    claimant_node = graph.resolve(_first(reviewed.get("author")))
    appearances = []
    for key in ("firstAppearance", "appearance"):
        values = reviewed.get(key)
        for value in values if isinstance(values, list) else [values]:
            url = _url(graph.resolve(value))
            if url and url not in appearances:
                appearances.append(url)
    language = _text(node.get("inLanguage")) or _text(reviewed.get("inLanguage")) or page_language
    claim_text = _text(node.get("claimReviewed")) or _text(reviewed.get("name")) or _text(reviewed.get("text"))
    review = ReviewData(
        publisher=_text(author.get("name")) if isinstance(author, dict) else _text(author),
        publisher_url=_url(author.get("url")) if isinstance(author, dict) else "",
        url=_url(node.get("url")) or (node.get("@id", "") if _url(node.get("@id")) else "") or page_url,
        rating_text=_text(rating.get("alternateName")) or _text(rating.get("name")),
        rating_value=_number(rating.get("ratingValue")),
        best_rating=_number(rating.get("bestRating")),
        worst_rating=_number(rating.get("worstRating")),
        date=parse_date(node.get("datePublished")) or parse_date(node.get("dateCreated")),
        language=language,
    )
    item = ImportItem(
        position=position,
        claim_text=claim_text,
        claimant=_text(claimant_node.get("name")) if isinstance(claimant_node, dict) else _text(claimant_node),
        claim_date=parse_date(reviewed.get("datePublished")) or parse_date(reviewed.get("dateCreated")),
        language=language,
        appearance_urls=appearances,
        review=review,
    )
    if not claim_text:
        item.error = "The ClaimReview says nothing about the claim it reviews (no claimReviewed)."
    return item


def items_from_jsonld(documents: list[Any], *, page_url: str = "", page_language: str = "") -> list[ImportItem]:
    """Every ClaimReview in JSON-LD documents (or microdata turned into JSON-LD by extruct)."""
    graph = _Graph(documents)
    found: list[dict] = []
    _claim_reviews(documents, found)
    return [
        _item_from_claimreview(node, graph, n, page_url=page_url, page_language=page_language)
        for n, node in enumerate(found, start=1)
    ]


def _jsonld_blocks(html: str) -> list[Any]:
    """Each `application/ld+json` script parsed on its own, so one broken block (CMSs write
    them) does not take the others with it. Comments and trailing commas are tolerated."""
    import jstyleson
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    blocks = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(<!--|<!\[CDATA\[)|(-->|\]\]>)\s*$", "", raw)
        for loads in (json.loads, jstyleson.loads):
            try:
                blocks.append(_loads(raw, loads))
                break
            except ValueError:
                continue
    return blocks


def items_from_html(html: str, *, url: str) -> list[ImportItem]:
    """ClaimReviews in a fact-check page's JSON-LD blocks and microdata (via extruct)."""
    import extruct  # here, not at the top: it brings lxml and rdflib (~13 MB) into every process

    try:
        microdata = extruct.extract(html, base_url=url, syntaxes=["microdata"], uniform=True, errors="ignore")
    except KeyError:
        # extruct 0.18 with errors="ignore" drops a syntax it cannot read, then its uniform
        # step looks the syntax up anyway ("<body><!--"): such a page has no microdata.
        microdata = {}
    match = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z-]+)", html[:5000], re.I)
    language = match[1].split("-")[0].lower() if match else ""
    documents = [*_jsonld_blocks(html), *(d for d in microdata.get("microdata", []) if _depth_ok(d))]
    return items_from_jsonld(documents, page_url=url, page_language=language)


def items_from_google(data: dict) -> list[ImportItem]:
    """A Fact Check Tools `claims:search` response: one item per claimReview of each claim."""
    items: list[ImportItem] = []
    position = 0
    for claim in data.get("claims") or []:
        if not isinstance(claim, dict):
            position += 1
            items.append(ImportItem(position=position, error="A claim entry is not an object."))
            continue
        reviews = claim.get("claimReview") or [{}]
        for review in reviews if isinstance(reviews, list) else [reviews]:
            position += 1
            if not isinstance(review, dict):
                items.append(ImportItem(position=position, error="A claimReview entry is not an object."))
                continue
            publisher = review.get("publisher")
            publisher = publisher if isinstance(publisher, dict) else {"name": publisher}
            site = _text(publisher.get("site"))
            item = ImportItem(
                position=position,
                claim_text=_text(claim.get("text")),
                claimant=_text(claim.get("claimant")),
                claim_date=parse_date(claim.get("claimDate")),
                language=_text(review.get("languageCode")),
                review=ReviewData(
                    publisher=_text(publisher.get("name")) or site,
                    publisher_url=site if site.startswith("http") else (f"https://{site}" if site else ""),
                    url=_url(review.get("url")),
                    rating_text=_text(review.get("textualRating")),
                    date=parse_date(review.get("reviewDate")),
                    language=_text(review.get("languageCode")),
                ),
            )
            if not item.claim_text:
                item.error = "The claim has no text."
            items.append(item)
    return items


def detect_json(data: Any) -> str:
    """ "google" for a claims:search response, "datafeed" for a DataFeed, else "jsonld"."""
    if isinstance(data, dict) and isinstance(data.get("claims"), list):
        return "google"
    if isinstance(data, dict) and ("DataFeed" in _types(data) or "dataFeedElement" in data):
        return "datafeed"
    return "jsonld"


def items_from_json(content: bytes) -> tuple[str, list[ImportItem]]:
    """The format found and its items; raises ValueError when the bytes are not JSON."""
    data = _loads(content.decode("utf-8-sig"))
    kind = detect_json(data)
    if kind == "google":
        return kind, items_from_google(data)
    return kind, items_from_jsonld([data])
