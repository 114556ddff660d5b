"""Case 5: the discovery pipeline per item, and one whole discovery job on a real worker.

- feed parsing: `claims.discovery.feeds.parse_feed` on the corpus feeds and the fixture feeds,
  next to bare feedparser;
- extraction: `claims.discovery.extract.extract` (trafilatura plus our metadata rules) on
  every corpus page, against a bare `lxml.html` parse of the same pages;
- ranking: `claims.discovery.ranking.score_all` per query over 10 000 articles of the
  bench's index, and the full `rank` (top 20 with explanations and snippets);
- end to end: a discovery job for a claim, sent to a real `celery worker` that harvests the
  corpus feeds from a local server, fetches the promising pages, searches the 100k-article
  index and ranks; the job's own timings say where the time goes.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

from bench.harness import CaseResult, Context, Scale, Timing, Variant, get, measure
from bench.support import WEB_FEEDS, CorpusServer, Worker, corpus_pages, wait_for

RANK_DOCS = 10_000
CLAIM_TEXT = "Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet med Blinken i Genève."
CLAIM_SLUG = "bench-discovery-lavrov-geneve"


def _feeds(server: CorpusServer) -> list[tuple[str, bytes, str]]:
    import urllib.request

    feeds = []
    for lang in ("nb", "en"):
        url = server.url(f"/feeds/corpus-{lang}.xml")
        with urllib.request.urlopen(url) as response:  # noqa: S310 - our own server on 127.0.0.1
            feeds.append((f"corpus-{lang}.xml", response.read(), url))
    for name in ("utenriks_atom.xml", "world_rss.xml"):
        content = (WEB_FEEDS / name).read_bytes().replace(b"{base}", server.base.encode())
        feeds.append((name, content, server.url(f"/feeds/{name}")))
    return feeds


def feed_parsing(ctx: Context, result: CaseResult, server: CorpusServer) -> None:
    import feedparser

    from claims.discovery.feeds import parse_feed

    feeds = _feeds(server)
    items = sum(len(parse_feed(c, url=u, content_type="application/rss+xml").entries) for _n, c, u in feeds)

    def ours() -> None:
        for _name, content, url in feeds:
            parse_feed(content, url=url, content_type="application/rss+xml")

    def bare() -> None:
        for _name, content, _url in feeds:
            feedparser.parse(content)

    variants = [Variant("feedparser.parse (bare)", bare), Variant("parse_feed (cleaned entries)", ours)]
    timings = measure(variants, repeat=ctx.repeat)
    per_item = [Timing(f"{t.name}, per item", "", [s / items for s in t.samples_ms]) for t in timings]
    result.table(f"feed parsing: {len(feeds)} feeds, {items} items", [*timings, *per_item], baseline=timings[0].name)


def extraction(ctx: Context, result: CaseResult) -> None:
    import lxml.html

    from claims.discovery.extract import extract

    pages = corpus_pages()

    def ours() -> None:
        for name, html in pages:
            extract(html, url=f"https://news.example/{name}")

    def bare() -> None:
        for _name, html in pages:
            lxml.html.fromstring(html)

    variants = [Variant("lxml.html.fromstring (bare parse)", bare), Variant("extract()", ours)]
    timings = measure(variants, repeat=ctx.repeat)
    per_page = [Timing(f"{t.name}, per page", "", [s / len(pages) for s in t.samples_ms]) for t in timings]
    result.table(f"extraction: {len(pages)} corpus pages", [*timings, *per_page], baseline=timings[0].name)
    ratio = get(timings, "extract()").median / get(timings, variants[0].name).median
    result.check("extraction ≤ 15× a bare lxml parse", ratio, 15.0, scale=f"{len(pages)} corpus pages")


def ranking(ctx: Context, result: CaseResult, scale: Scale) -> None:
    from claims.discovery import ranking as rk
    from claims.models import Article, Claim

    scale.activate()
    articles = list(Article.objects.defer("search_vector").order_by("-published_at", "-id")[:RANK_DOCS])
    rk.clear_caches()
    started = time.perf_counter()
    index = rk.index_for(articles)
    build_ms = (time.perf_counter() - started) * 1000
    claims = list(Claim.objects.select_related("claimant").order_by("id")[:40])
    queries = [rk.Query.for_claim(c) for c in claims]

    def score_each() -> None:
        for query in queries:
            rk._analyse.cache_clear()  # each query analysed afresh, as a new claim would be
            rk.score_all(index, query)

    def rank_each() -> None:
        for query in queries:
            rk._analyse.cache_clear()
            rk.rank(query, articles, limit=20)

    variants = [Variant("score_all", score_each), Variant("rank (top 20, explanations, snippets)", rank_each)]
    timings = measure(variants, repeat=max(3, ctx.repeat // 2))
    per_query = [Timing(f"{t.name}, per query", "", [s / len(queries) for s in t.samples_ms]) for t in timings]
    result.table(
        f"ranking: {len(queries)} claims as queries over {len(articles)} articles (bm25s; index built once in "
        f"{build_ms / 1000:.1f} s, then cached)",
        per_query,
    )
    result.check(
        f"ranking ≤ 1 ms per query over {len(articles) // 1000}k documents",
        per_query[0].median,
        1.0,
        unit=" ms",
        scale=f"{scale.label} index",
    )
    result.extra["ranking_index_build_s"] = round(build_ms / 1000, 2)


# --- End to end ---------------------------------------------------------------------------


def _setup_claim_and_feeds(server: CorpusServer) -> tuple[Any, list[Any]]:
    from claims.models import Claim, Claimant, Feed

    # The generated feeds point at .example hosts; only the corpus feeds may be harvested.
    Feed.objects.exclude(url__startswith="http://127.0.0.1:").update(enabled=False)
    claimant, _ = Claimant.objects.get_or_create(name="Sergej Lavrov")
    claim, _ = Claim.objects.get_or_create(
        slug=CLAIM_SLUG,
        defaults={
            "text": CLAIM_TEXT,
            "claim_reviewed": "Russland avviser planer om å invadere Ukraina",
            "language": "nb",
            "claimant": claimant,
            "claim_date": dt.date(2022, 1, 21),
            "status": "in_research",
        },
    )
    feeds = [
        Feed.objects.create(url=server.url(f"/feeds/corpus-{lang}.xml"), name=f"Corpus {lang}", language=lang)
        for lang in ("nb", "en")
    ]
    return claim, feeds


def _reset(claim: Any, feeds: list[Any]) -> None:
    """Make the next job do the whole work again: no harvested articles, no suggestions."""
    from claims.models import Article, Feed, FetchJob, RelatedArticle

    RelatedArticle.objects.filter(claim=claim).delete()
    FetchJob.objects.filter(claim=claim).delete()
    Article.objects.filter(url__startswith="http://127.0.0.1:").delete()
    Feed.objects.filter(pk__in=[f.pk for f in feeds]).update(etag="", last_modified="", last_harvested_at=None)


def cleanup_discovery(server_base: str = "http://127.0.0.1:") -> None:
    from claims.models import Article, Claim, Feed, FetchJob

    Claim.objects.filter(slug=CLAIM_SLUG).delete()
    FetchJob.objects.filter(feed__url__startswith=server_base).delete()
    Feed.objects.filter(url__startswith=server_base).delete()
    Article.objects.filter(url__startswith=server_base).delete()


def get_worker(ctx: Context) -> Worker:
    if "worker" not in ctx.resources:
        import redis

        redis.Redis.from_url(ctx.redis_url).flushdb()  # DB 10 is the bench's own
        worker = Worker(database_url=ctx.smallest.url, redis_url=ctx.redis_url)
        ctx.closers.append(worker.stop)
        worker.wait_ready()
        ctx.resources["worker"] = worker
    return ctx.resources["worker"]


def end_to_end(ctx: Context, result: CaseResult, scale: Scale, server: CorpusServer) -> None:
    from claims import tasks
    from claims.discovery.jobs import create_job
    from claims.models import FetchJob, RelatedArticle

    scale.activate()
    cleanup_discovery()
    claim, feeds = _setup_claim_and_feeds(server)
    worker = get_worker(ctx)
    runs = 3 if ctx.quick else 6
    totals, queued, breakdown, suggested = [], [], [], []
    for _ in range(runs):
        _reset(claim, feeds)
        job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
        sent = time.perf_counter()
        tasks.discover_related.delay(job.pk)
        wait_for(
            lambda j=job: FetchJob.objects.filter(pk=j.pk, finished_at__isnull=False).exists(),
            timeout=300,
            what="the discovery job",
            interval=0.02,
        )
        totals.append((time.perf_counter() - sent) * 1000)
        job.refresh_from_db()
        if job.status not in (FetchJob.Status.SUCCEEDED, FetchJob.Status.PARTIAL):
            raise RuntimeError(f"discovery job {job.pk} {job.status}: {job.errors}")
        queued.append((job.started_at - job.created_at).total_seconds() * 1000)
        breakdown.append(job.timings)
        suggested.append(RelatedArticle.objects.filter(claim=claim).count())
    result.table(
        f"one discovery job end to end on a real worker ({runs} runs, each from a clean state: 2 corpus feeds "
        f"harvested, pages fetched from 127.0.0.1, {scale.label} claims and 100k articles in the index)",
        [Timing("send → job finished", scale.label, totals), Timing("created → started (queue)", scale.label, queued)],
    )
    keys = sorted({k for t in breakdown for k in t}, key=lambda k: (k == "total", k))
    parts = {k: statistics.median([t.get(k, 0.0) for t in breakdown]) * 1000 for k in keys}
    total = parts.get("total") or 1.0
    result.notes.append(
        "Where a job's time goes (median ms, share of the job's own total): "
        + ", ".join(f"{k} {v:.0f} ({v / total:.0%})" for k, v in parts.items() if k != "total")
        + f"; total {total:.0f} ms. 'pages' is fetching and extracting the promising pages; 'local' searches the "
        "100k-article index with PostgreSQL full-text search; ranking includes storing the suggestions."
    )
    stats = breakdown[-1]
    result.extra["end_to_end"] = {"timings_ms": {k: round(v, 1) for k, v in parts.items()}, "suggested": suggested,
                                  "last_job_timings": stats}  # fmt: skip
    result.notes.append(
        f"Suggestions stored per run: {suggested}; worker log: {worker.log.relative_to(worker.log.parents[2])}"
    )


def run_discovery(ctx: Context) -> CaseResult:
    result = CaseResult("5", "Discovery pipeline: feeds, extraction, ranking, and one job end to end")
    scale = ctx.smallest
    server = CorpusServer()
    try:
        feed_parsing(ctx, result, server)
        extraction(ctx, result)
        ranking(ctx, result, scale)
        end_to_end(ctx, result, scale, server)
    finally:
        scale.activate()
        cleanup_discovery()
        server.close()
    return result
