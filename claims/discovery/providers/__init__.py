"""Sources of candidate articles, one small class each, enabled by settings.DISCOVERY_PROVIDERS."""

from __future__ import annotations

from django.conf import settings

from claims.discovery.providers.article_page import ArticlePageProvider
from claims.discovery.providers.base import DiscoveryContext, Provider, ProviderFailed
from claims.discovery.providers.factcheck_tools import FactCheckToolsProvider
from claims.discovery.providers.feed import FeedProvider
from claims.discovery.providers.gdelt import GdeltProvider
from claims.discovery.providers.local import LocalIndexProvider
from claims.discovery.providers.wikipedia import WikipediaProvider

REGISTRY: dict[str, type[Provider]] = {
    cls.name: cls
    for cls in (
        ArticlePageProvider,
        FeedProvider,
        FactCheckToolsProvider,
        WikipediaProvider,
        GdeltProvider,
        LocalIndexProvider,
    )
}


def all_providers() -> list[tuple[Provider, str | None]]:
    """Every provider in run order, with why it is skipped (None when it runs).

    Order follows settings.DISCOVERY_PROVIDER_NAMES: providers that add to the index run
    before the local index search that reads it.
    """
    enabled = set(settings.DISCOVERY_PROVIDERS)
    result = []
    for name in settings.DISCOVERY_PROVIDER_NAMES:
        provider = REGISTRY[name]()
        reason = provider.unavailable() if name in enabled else "disabled in settings (DISCOVERY_PROVIDERS)"
        result.append((provider, reason))
    return result


__all__ = ["REGISTRY", "DiscoveryContext", "Provider", "ProviderFailed", "all_providers"]
