"""Google Fact Check Tools `claims:search`: what other desks have already published."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from claims.discovery.extract import content_hash
from claims.discovery.jobs import upsert_article
from claims.discovery.providers.base import DiscoveryContext, Provider, api_timestamp, fetch_json
from claims.models import Article

PAGE_SIZE = 20


class FactCheckToolsProvider(Provider):
    """Runs only with GOOGLE_FACTCHECK_API_KEY; the key travels in a header, never in a URL we log."""

    name = "factcheck_tools"

    def unavailable(self) -> str | None:
        if not settings.DISCOVERY_FACTCHECK_API_KEY:
            return "no API key configured (GOOGLE_FACTCHECK_API_KEY)"
        return None

    def candidates(self, ctx: DiscoveryContext) -> list[Article]:
        params = {"query": ctx.query, "pageSize": PAGE_SIZE}
        language = (ctx.claim.language or "").split("-")[0]
        if language:
            params["languageCode"] = language
        data = fetch_json(
            ctx.fetcher,
            settings.DISCOVERY_FACTCHECK_API_URL,
            params=params,
            headers={"X-Goog-Api-Key": settings.DISCOVERY_FACTCHECK_API_KEY},
        )
        articles = []
        for item in data.get("claims") or []:
            for review in item.get("claimReview") or []:
                url = review.get("url")
                if not url:
                    continue
                publisher = review.get("publisher") or {}
                claimant = item.get("claimant") or ""
                text = "\n".join(
                    part
                    for part in (
                        item.get("text", ""),
                        f"{claimant}" if claimant else "",
                        f"{review.get('textualRating', '')}".strip(),
                    )
                    if part
                )
                article = upsert_article(
                    url=url,
                    provider=self.name,
                    title=review.get("title") or item.get("text", ""),
                    outlet=publisher.get("name") or publisher.get("site") or "",
                    language=review.get("languageCode", ""),
                    published_at=api_timestamp(review.get("reviewDate") or item.get("claimDate")),
                    summary=f"{review.get('textualRating', '')}".strip(),
                    text=text,
                    content_hash=content_hash(text),
                    fetched_at=timezone.now(),
                )
                if article is not None:
                    articles.append(article)
        ctx.recorder.stat(self.name, found=len(articles))
        return articles
