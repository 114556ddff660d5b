"""GDELT DOC 2.0 article search (off unless DISCOVERY_PROVIDERS lists "gdelt")."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from claims.discovery.jobs import upsert_article
from claims.discovery.providers.base import DiscoveryContext, Provider, fetch_json
from claims.models import Article

RESULTS = 25
_LANGUAGES = {"english": "en", "norwegian": "nb", "swedish": "sv", "danish": "da", "german": "de", "french": "fr"}
_SOURCE_LANG = {"nb": "norwegian", "nn": "norwegian", "no": "norwegian", "en": "english"}


class GdeltProvider(Provider):
    """Titles and URLs only; their text is fetched later like any feed article's."""

    name = "gdelt"

    def unavailable(self) -> str | None:
        return None if settings.DISCOVERY_GDELT_API_URL else "no API URL configured"

    def candidates(self, ctx: DiscoveryContext) -> list[Article]:
        params = {"query": ctx.query, "mode": "ArtList", "format": "json", "maxrecords": RESULTS, "sort": "HybridRel"}
        claim_date = ctx.claim.claim_date
        if claim_date:
            params["startdatetime"] = (claim_date - dt.timedelta(days=14)).strftime("%Y%m%d000000")
            params["enddatetime"] = (claim_date + dt.timedelta(days=14)).strftime("%Y%m%d235959")
        data = fetch_json(ctx.fetcher, settings.DISCOVERY_GDELT_API_URL, params=params)
        articles = []
        for item in data.get("articles") or []:
            article = upsert_article(
                url=item.get("url", ""),
                provider=self.name,
                title=item.get("title", ""),
                outlet=item.get("domain", ""),
                language=_LANGUAGES.get(str(item.get("language", "")).lower(), ""),
                published_at=_seendate(item.get("seendate")),
            )
            if article is not None:
                articles.append(article)
        ctx.recorder.stat(self.name, found=len(articles))
        return articles


def _seendate(value: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value or "", "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None
