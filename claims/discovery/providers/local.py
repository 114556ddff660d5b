"""LocalIndex: the desk's own Article index (harvested feeds, fetched pages, API results)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

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
    parts = [base]
    if around is not None:
        start = dt.datetime.combine(around - WINDOW, dt.time.min, tzinfo=dt.UTC)
        end = dt.datetime.combine(around + WINDOW, dt.time.max, tzinfo=dt.UTC)
        # Two queries, not one with `published_at IS NULL OR published_at BETWEEN …`: with the
        # OR, PostgreSQL walks the published_at index from the newest article down to the
        # window, testing every row on the way (about a second per term on a 100k index,
        # bench/ case 5); with the range alone the walk starts inside the window. Undated
        # articles come first, as NULLs sort first in the descending order.
        parts = [base.filter(published_at__isnull=True), base.filter(published_at__range=(start, end))]
    found: dict[int, Article] = {}
    for term in terms:
        wanted = PER_TERM
        for part in parts:
            rows = list(search_articles(part, term).order_by("-published_at", "-id")[:wanted]) if wanted else []
            for article in rows:
                found.setdefault(article.pk, article)
            wanted -= len(rows)
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
