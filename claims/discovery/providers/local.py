"""LocalIndex: the desk's own Article index (harvested feeds, fetched pages, API results)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from claims.discovery.providers.base import DiscoveryContext, Provider
from claims.models import Article
from claims.search import search_articles

PER_TERM = 80
POOL = 400
# Candidates are looked for around the claim date; undated articles are always included.
WINDOW = dt.timedelta(days=540)


def search_index(
    terms: list[str], *, queryset: QuerySet[Article] | None = None, around: dt.date | None = None, limit: int = POOL
) -> list[Article]:
    """Articles matching any of `terms` (full text on PostgreSQL, substring on SQLite).

    One query per term, OR-ed in Python: the search helpers AND the words of one query,
    and a claim's words rarely all appear in one article, least of all across languages.
    """
    base = (queryset if queryset is not None else Article.objects.all()).defer("search_vector")
    if around is not None:
        start = dt.datetime.combine(around - WINDOW, dt.time.min, tzinfo=dt.UTC)
        end = dt.datetime.combine(around + WINDOW, dt.time.max, tzinfo=dt.UTC)
        base = base.filter(Q(published_at__isnull=True) | Q(published_at__range=(start, end)))
    found: dict[int, Article] = {}
    for term in terms:
        for article in search_articles(base, term).order_by("-published_at", "-id")[:PER_TERM]:
            found.setdefault(article.pk, article)
        if len(found) >= limit:
            break
    return list(found.values())[:limit]


class LocalIndexProvider(Provider):
    """Everything already in the index that shares a telling word with the claim."""

    name = "local"

    def candidates(self, ctx: DiscoveryContext) -> list[Article]:
        articles = search_index(ctx.terms, around=ctx.claim.claim_date)
        ctx.recorder.stat(self.name, found=len(articles))
        return articles
