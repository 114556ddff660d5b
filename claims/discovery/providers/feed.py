"""FeedProvider: harvest the configured feeds now, then offer their articles that match."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from claims.discovery.feeds import harvest
from claims.discovery.http import FetchError
from claims.discovery.providers.base import DiscoveryContext, Provider, ProviderFailed
from claims.discovery.providers.local import search_index
from claims.models import Article, Feed


class FeedProvider(Provider):
    """Enabled feeds not harvested within DISCOVERY_FEED_MAX_AGE_MINUTES are harvested first."""

    name = "feeds"

    def unavailable(self) -> str | None:
        return None if Feed.objects.filter(enabled=True).exists() else "no enabled feeds"

    def candidates(self, ctx: DiscoveryContext) -> list[Article]:
        feeds = list(Feed.objects.filter(enabled=True))
        fresh_after = timezone.now() - dt.timedelta(minutes=settings.DISCOVERY_FEED_MAX_AGE_MINUTES)
        harvested = stored = failed = 0
        for feed in feeds:
            if feed.last_harvested_at and feed.last_harvested_at > fresh_after and not feed.last_error:
                continue
            try:
                result = harvest(feed, fetcher=ctx.fetcher)
            except FetchError as exc:
                failed += 1
                ctx.recorder.error(self.name, exc, url=feed.url)
                continue
            harvested += 1
            stored += len(result.created)
        articles = search_index(ctx.terms, queryset=Article.objects.filter(feed__in=feeds), around=ctx.claim.claim_date)
        ctx.recorder.stat(
            self.name, feeds=len(feeds), harvested=harvested, failed=failed, stored=stored, found=len(articles)
        )
        if failed and failed == len(feeds) and not articles:
            raise ProviderFailed(self.name)
        return articles
