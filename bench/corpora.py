"""The two labelled ranking corpora, loaded as unsaved Article rows plus judged claims.

* ``geneva`` — tests/fixtures/corpus/: 54 hand-made HTML pages about the January 2022
  Blinken–Lavrov talks, one topic, the corpus the first weights were tuned on.
* ``nordic`` — tests/fixtures/corpus2/: 152 articles in six topics (energy prices, health,
  domestic politics, a local story, the economy, transport), written for this project in a
  compact YAML form and wrapped here in their outlet's page (cookie banner, navigation,
  "read also" list, newsletter box, advert, footer, <meta> and JSON-LD dates), so that every
  page goes through the same extraction the fetcher uses.

The two are kept apart: every claim and article carries its corpus and topic, and the
figures in bench/results/quality.md are reported per corpus.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
GENEVA = ROOT / "tests" / "fixtures" / "corpus"
NORDIC = ROOT / "tests" / "fixtures" / "corpus2"
OSLO = dt.timezone(dt.timedelta(hours=1))


@dataclass
class Corpus:
    """One labelled corpus: its articles (unsaved rows) and its judged claims."""

    name: str
    articles: list[Any]
    claims: list[dict[str, Any]]
    relevant_grade: int = 2
    topics: list[str] = field(default_factory=list)


# --- Rendering the compact corpus into pages ----------------------------------------------


def _esc(value: str) -> str:
    return html.escape(value, quote=True)


def render_page(entry: dict[str, Any], outlet: dict[str, Any], url: str, related: list[str], seed: int) -> str:
    """One article as its outlet's web page, furniture and all."""
    published = entry["published"]
    author = outlet["authors"][seed % len(outlet["authors"])]
    lang = outlet["lang"]
    nav = " ".join(f'<a href="/{outlet["host"]}/{_esc(item.lower())}">{_esc(item)}</a>' for item in outlet["nav"])
    buttons = " ".join(f'<button type="button">{_esc(b)}</button>' for b in outlet["accept"])
    paragraphs = "\n".join(f"      <p>{_esc(p)}</p>" for p in entry["body"])
    related_items = "\n".join(
        f'        <li><a href="/{outlet["host"]}/sak/{i}">{_esc(title)}</a></li>' for i, title in enumerate(related)
    )
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": entry["title"],
            "datePublished": published,
            "author": {"@type": "Person", "name": author},
            "publisher": {"@type": "Organization", "name": outlet["name"]},
        },
        ensure_ascii=False,
    )
    byline = "Av" if lang == "nb" else "By"
    container = "article" if outlet.get("layout") == "article" else "div"
    story_class = "story" if container == "article" else "article-body"
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <title>{_esc(entry["title"])} – {_esc(outlet["name"])}</title>
  <link rel="canonical" href="{_esc(url)}">
  <meta property="og:type" content="article">
  <meta property="og:title" content="{_esc(entry["title"])}">
  <meta property="og:site_name" content="{_esc(outlet["name"])}">
  <meta name="description" content="{_esc(entry["lead"])}">
  <meta property="article:published_time" content="{published}">
  <meta name="author" content="{_esc(author)}">
  <script type="application/ld+json">{ld}</script>
  <script src="/{outlet["host"]}/static/tracking.js" async></script>
</head>
<body>
  <div id="cookie-consent" class="cookie-banner" role="dialog"><p>{_esc(outlet["cookie"])}</p> {buttons}</div>
  <header class="site-header"><div class="logo"><a href="/{outlet["host"]}/">{_esc(outlet["name"])}</a></div>
    <nav class="main-nav">{nav}</nav></header>
  <main id="main">
    <{container} class="{story_class}">
      <h1>{_esc(entry["title"])}</h1>
      <p class="byline">{byline} {_esc(author)} · <time datetime="{published}">{published[:10]}</time></p>
      <p class="lead"><strong>{_esc(entry["lead"])}</strong></p>
{paragraphs}
      <div class="ad" aria-label="ad">{_esc(outlet["ad"])}</div>
    </{container}>
    <aside class="related"><h2>{_esc(outlet["related"])}</h2>
      <ul>
{related_items}
      </ul>
    </aside>
    <section class="newsletter"><p>{_esc(outlet["newsletter"])}</p>
      <form><input type="email" name="email"></form></section>
  </main>
  <footer class="site-footer"><p>{_esc(outlet["footer"])}</p></footer>
</body>
</html>
"""


def _iso(value: Any) -> str:
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if when.tzinfo is None:
        when = when.replace(tzinfo=OSLO)
    return when.isoformat()


@lru_cache(maxsize=1)
def nordic_pages() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(pages, claims) of the compact corpus: each page with its id, topic, url and HTML."""
    outlets = yaml.safe_load((NORDIC / "outlets.yaml").read_text(encoding="utf-8"))
    entries, claims = [], []
    for path in sorted((NORDIC / "topics").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data["articles"]:
            entries.append({**entry, "topic": data["topic"], "published": _iso(entry["published"])})
        for claim in data["claims"]:
            claims.append(
                {
                    **claim,
                    "topic": data["topic"],
                    "language": claim["lang"],
                    "claim_date": str(claim["claim_date"]),
                    "cross_language": bool(claim.get("cross_language")),
                    "judgements": {str(k): int(v) for k, v in claim["judgements"].items()},
                }
            )
    pages = []
    for n, entry in enumerate(entries):
        outlet = outlets[entry["outlet"]]
        slug = "-".join(entry["title"].lower().split()[:6]).strip("–:'\"?")
        url = f"https://news.example/{outlet['host']}/{entry['published'][:10].replace('-', '/')}/{entry['id']}-{slug}"
        # "Read also" lists headlines from other topics, as real pages do: words the page
        # shows that are not the story's, which extraction has to leave out.
        others = [e["title"] for e in entries if e["topic"] != entry["topic"] and e["outlet"] == entry["outlet"]]
        related = [others[(n * 7 + k * 13) % len(others)] for k in range(3)] if others else []
        pages.append(
            {
                "id": entry["id"],
                "topic": entry["topic"],
                "language": entry["lang"],
                "url": url,
                "html": render_page(entry, outlet, url, related, n),
            }
        )
    return pages, claims


def _article_from_page(page_html: str, url: str, corpus_id: str, topic: str) -> Any:
    from claims.discovery.extract import extract
    from claims.models import Article

    page = extract(page_html, url=url)
    article = Article(
        url=url,
        canonical_url=page.canonical_url,
        title=page.title,
        outlet=page.site_name,
        author=page.author,
        published_at=page.published_at,
        language=page.language,
        summary=page.description,
        text=page.text,
        content_hash=page.content_hash,
        provider="fixture",
    )
    article.corpus_id = corpus_id  # for scoring; not model fields
    article.topic = topic
    return article


def load_nordic() -> Corpus:
    pages, claims = nordic_pages()
    articles = [_article_from_page(p["html"], p["url"], p["id"], p["topic"]) for p in pages]
    return Corpus("nordic", articles, claims, 2, sorted({p["topic"] for p in pages}))


def load_geneva() -> Corpus:
    manifest = json.loads((GENEVA / "manifest.json").read_text(encoding="utf-8"))["articles"]
    qrels = json.loads((GENEVA / "qrels.json").read_text(encoding="utf-8"))
    articles = [
        _article_from_page((GENEVA / e["filename"]).read_text(encoding="utf-8"), e["url"], e["id"], "geneva")
        for e in manifest
    ]
    langs = {e["id"]: e["language"] for e in manifest}
    claims = []
    for claim in qrels["claims"]:
        best = [doc for doc, grade in claim["judgements"].items() if grade == 3]
        cross = bool(best) and all(langs[doc] != claim["language"] for doc in best)
        claims.append({**claim, "topic": "geneva", "cross_language": cross})
    return Corpus("geneva", articles, claims, qrels["relevant_grade"], ["geneva"])


def load_all() -> list[Corpus]:
    return [load_geneva(), load_nordic()]
