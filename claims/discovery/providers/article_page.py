"""ArticlePage: fetch any article URL and extract its main text into the index."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from claims.discovery.extract import extract
from claims.discovery.http import HTML_TYPES, Fetcher, FetchError, FetchResult
from claims.discovery.jobs import upsert_article
from claims.discovery.providers.base import DiscoveryContext, Provider
from claims.models import Appearance, Article
from claims.urlnorm import normalize_url


def page_values(url: str, *, fetcher: Fetcher) -> dict[str, Any]:
    """Fetch, decode (our rules) and extract one page: the index columns it fills. FetchError on failure."""
    return page_values_of(page_response(url, fetcher=fetcher))


def page_response(url: str, *, fetcher: Fetcher) -> FetchResult:
    """Fetch one page (an HTML type only); FetchError on failure. No database access."""
    return fetcher.fetch(url, accept=HTML_TYPES)


def page_values_of(response: FetchResult) -> dict[str, Any]:
    """Decode (our rules) and extract a fetched page: the index columns it fills."""
    page = extract(response.text(kind="html"), url=response.final_url)
    return {
        "canonical_url": page.canonical_url,
        "title": page.title,
        "author": page.author,
        "published_at": page.published_at,
        "outlet": page.site_name,
        "language": page.language or _guess_language(page.text),
        "text": page.text,
        "summary": page.description,
        "content_hash": page.content_hash,
        "fetched_at": timezone.now(),
    }


def fetch_page(url: str, *, fetcher: Fetcher, provider: str = "article_page") -> Article | None:
    """Fetch, extract and store one page (its index row created if need be); FetchError on failure."""
    article = upsert_article(url=url, provider=provider, **page_values(url, fetcher=fetcher))
    if article is not None and article.fetch_error:
        Article.objects.filter(pk=article.pk).update(fetch_error="")
    return article


def record_fetch_error(url: str, exc: FetchError) -> None:
    """Remember a failed page on its article, so the index shows why it has no text."""
    Article.objects.filter(url=normalize_url(url)).update(fetch_error=str(exc)[:2000], fetched_at=timezone.now())


def _guess_language(text: str) -> str:
    if not text:
        return ""
    from claims.discovery.text import guess_language

    return guess_language(text)


class ArticlePageProvider(Provider):
    """The claim's own appearances, fetched into the index (not suggested back to the claim)."""

    name = "article_page"

    def candidates(self, ctx: DiscoveryContext) -> list[Article]:
        urls = list(Appearance.objects.filter(claim=ctx.claim).values_list("source__url", flat=True))
        already = set(
            Article.objects.filter(url__in=[normalize_url(u) for u in urls], fetched_at__isnull=False).values_list(
                "url", flat=True
            )
        )
        fetched = failed = 0
        for url in urls:
            if normalize_url(url) in already:
                continue
            try:
                fetch_page(url, fetcher=ctx.fetcher)
                fetched += 1
            except FetchError as exc:
                failed += 1
                ctx.recorder.error(self.name, exc, url=url)
        ctx.recorder.stat(self.name, appearances=len(urls), fetched=fetched, failed=failed)
        # The claim's own sources are where it was said, not evidence about it.
        return []
