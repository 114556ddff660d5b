"""Wikipedia (any MediaWiki) search in the claim's language: background knowledge."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from claims.discovery.extract import content_hash
from claims.discovery.jobs import upsert_article
from claims.discovery.providers.base import DiscoveryContext, Provider, api_timestamp, fetch_json
from claims.models import Article

RESULTS = 8
# Wikipedia's subdomain for a BCP-47 primary tag, where it differs.
_WIKI_LANGUAGE = {"nb": "no", "nob": "no", "nno": "nn"}


def wiki_language(language: str) -> str:
    tag = (language or "en").lower().replace("_", "-").split("-")[0]
    tag = _WIKI_LANGUAGE.get(tag, tag)
    return tag if tag.isalpha() and 2 <= len(tag) <= 3 else "en"


class WikipediaProvider(Provider):
    """`generator=search` with plain-text intro extracts: one request, clean text, canonical URLs."""

    name = "wikipedia"

    def unavailable(self) -> str | None:
        return None if settings.DISCOVERY_WIKIPEDIA_API_URL else "no API URL configured"

    def candidates(self, ctx: DiscoveryContext) -> list[Article]:
        language = wiki_language(ctx.claim.language)
        api = settings.DISCOVERY_WIKIPEDIA_API_URL.replace("{lang}", language)
        data = fetch_json(
            ctx.fetcher,
            api,
            params={
                "action": "query",
                "format": "json",
                "formatversion": "2",
                "generator": "search",
                "gsrsearch": ctx.query,
                "gsrlimit": RESULTS,
                "gsrnamespace": 0,
                "prop": "extracts|info",
                "exintro": 1,
                "explaintext": 1,
                "exlimit": RESULTS,
                "inprop": "url",
            },
        )
        pages = sorted((data.get("query") or {}).get("pages") or [], key=lambda p: p.get("index", 0))
        articles = []
        for page in pages:
            url = page.get("canonicalurl") or page.get("fullurl")
            text = (page.get("extract") or "").strip()
            if not url or page.get("missing"):
                continue
            article = upsert_article(
                url=url,
                provider=self.name,
                title=page.get("title", ""),
                outlet="Wikipedia",
                language="nb" if language == "no" else language,
                text=text,
                summary=text[:500],
                content_hash=content_hash(text) if text else "",
                fetched_at=timezone.now(),
                published_at=api_timestamp(page.get("touched")),
            )
            if article is not None:
                articles.append(article)
        ctx.recorder.stat(self.name, language=language, found=len(articles))
        return articles
