"""The jobs themselves: discovery for a claim, a feed harvest, fetching article pages.

Each `run_*` takes a job already claimed with `jobs.claim_job`, does the work through the
providers and the hardened client, records progress as it goes and finishes the job. The
Celery tasks and the management commands both call these, so a command run and a worker
run behave the same. Nothing here enqueues anything: that is the tasks' business (they pass
`on_stored` to queue the analysis of stored pages; commands leave it out and analyse inline).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings

from claims.discovery import text as tx
from claims.discovery.feeds import harvest
from claims.discovery.http import Fetcher, FetchError, TransientFetchError
from claims.discovery.jobs import JobRecorder, irrelevant_article_ids, store_page, store_suggestions
from claims.discovery.providers import DiscoveryContext, ProviderFailed, all_providers
from claims.discovery.providers.article_page import page_response, page_values_of, record_fetch_error
from claims.models import Appearance, Article, FetchJob
from claims.sidedb import side_call
from claims.urlnorm import normalize_url
from claims.watch import hooks as watch_hooks

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
# Told the ids of articles whose text was stored, for analysis (`analyse_articles`).
StoredCallback = Callable[[list[int]], Any]
_WORD = re.compile(r"[^\W\d_][\w\-]*", re.UNICODE)
MAX_WORDS = 10
MAX_VARIANTS = 2


# --- Queries ------------------------------------------------------------------------------------


def search_terms(claim: Any, *, words: int = MAX_WORDS, variants: int = MAX_VARIANTS) -> list[str]:
    """Words to look for, most telling first: names and acronyms, then long words.

    Each word brings a few known spellings in the other language (Ukraina → Ukraine), so a
    Norwegian claim also pulls English articles out of the index.
    """
    claimant = claim.claimant.name if claim.claimant_id and claim.claimant else ""
    source = f"{claim.claim_reviewed}\n{claim.text}\n{claimant}"
    seen: dict[str, tuple[int, int, str]] = {}
    for position, word in enumerate(_WORD.findall(source)):
        low = word.lower()
        if len(low) < 3 or low in tx.STOPWORDS or low in seen:
            continue
        is_name = word[:1].isupper() or (word.isupper() and len(word) >= 2)
        seen[low] = (0 if is_name else 1, position if is_name else -len(word), word)
    terms: list[str] = []
    for _kind, _order, word in sorted(seen.values())[:words]:
        spellings = [word, *(v for v in tx.cognate_spellings().get(word.lower(), ()) if v.lower() != word.lower())]
        for spelling in spellings[: variants + 1]:
            if spelling.lower() not in {t.lower() for t in terms}:
                terms.append(spelling)
    return terms


def keyword_query(claim: Any, *, words: int = 4) -> str:
    """A short query for external search APIs: the first few telling words of the claim itself."""
    claimant = claim.claimant.name if claim.claimant_id and claim.claimant else ""
    own = [w for w in _WORD.findall(f"{claim.claim_reviewed} {claim.text} {claimant}") if w.lower() not in tx.STOPWORDS]
    picked: list[str] = []
    for word in sorted(own, key=lambda w: (not w[:1].isupper(), -len(w))):
        if len(word) >= 3 and word.lower() not in {p.lower() for p in picked}:
            picked.append(word)
        if len(picked) >= words:
            break
    return " ".join(picked)


def _rank(claim: Any, articles: list[Article], *, limit: int) -> list[tuple[Article, float, dict[str, Any]]]:
    """Rank with what the desk has taught: this claim's marks and the desk re-ranker, if any."""
    from claims.discovery.ranking import rank_for_claim
    from claims.selectors import active_ranker, marked_articles

    relevant, irrelevant = marked_articles(claim=claim) if claim.pk else ([], [])
    model = active_ranker()
    return rank_for_claim(claim, articles, limit=limit, relevant=relevant, irrelevant=irrelevant, model=model)


# --- Discovery for a claim ------------------------------------------------------------------------


def run_discovery(
    job: FetchJob,
    *,
    fetcher: Fetcher | None = None,
    on_progress: ProgressCallback | None = None,
    can_retry: bool = False,
    on_stored: StoredCallback | None = None,
) -> FetchJob:
    """Gather candidates from every enabled provider, fetch the promising pages, rank, store.

    With `can_retry`, a run in which every provider failed for a transient reason gives the
    job back and raises that error, so the task retries with backoff. Pages stored on the
    way go to `on_stored` for analysis, as in `fetch_articles`.
    """
    recorder = JobRecorder(job, on_progress=on_progress)
    claim = job.claim
    if claim is None:
        recorder.error("discovery", "the claim no longer exists")
        return recorder.finish(FetchJob.Status.FAILED)
    fetcher = fetcher or Fetcher()
    ctx = DiscoveryContext(
        claim=claim, fetcher=fetcher, recorder=recorder, terms=search_terms(claim), query=keyword_query(claim)
    )
    recorder.stat("query", terms=ctx.terms, query=ctx.query)
    providers = all_providers()
    runnable = [p for p, reason in providers if reason is None]
    recorder.set_total(len(runnable) + 1)
    candidates: dict[int, Article] = {}
    provider_of: dict[int, str] = {}
    succeeded, transient = 0, []
    for provider, reason in providers:
        if reason is not None:
            recorder.stat(provider.name, skipped=str(reason))
            continue
        started = time.monotonic()
        try:
            found = provider.candidates(ctx)
        except FetchError as exc:
            recorder.error(provider.name, exc)
            recorder.stat(provider.name, failed=True)
            if not exc.permanent:
                transient.append(exc)
        except ProviderFailed:
            recorder.stat(provider.name, failed=True)
        except Exception as exc:  # a provider bug must not lose the other providers' work
            logger.exception("discovery provider %s failed for job %s", provider.name, job.pk)
            recorder.error(provider.name, exc)
            recorder.stat(provider.name, failed=True)
        else:
            succeeded += 1
            for article in found:
                candidates.setdefault(article.pk, article)
                provider_of.setdefault(article.pk, provider.name)
        recorder.timed(provider.name, started)
        recorder.advance()
    if runnable and not succeeded and transient and can_retry:
        recorder.release()
        raise transient[0]
    pool = _without_own_sources(claim, candidates)
    pool = _fetch_promising_pages(claim, pool, fetcher=fetcher, recorder=recorder, on_stored=on_stored)
    started = time.monotonic()
    ranked = _rank(claim, pool, limit=settings.DISCOVERY_MAX_SUGGESTIONS)
    counts = store_suggestions(claim=claim, ranked=ranked, provider_of=provider_of)
    recorder.stat("ranking", candidates=len(pool), suggested=len(ranked), **counts)
    recorder.timed("ranking", started)
    recorder.advance()
    if runnable and not succeeded:
        return recorder.finish(FetchJob.Status.FAILED)
    return recorder.finish()


def _without_own_sources(claim: Any, candidates: dict[int, Article]) -> list[Article]:
    """Drop what the reviewer rejected and the claim's own appearances."""
    rejected = irrelevant_article_ids(claim)
    own = {normalize_url(url) for url in Appearance.objects.filter(claim=claim).values_list("source__url", flat=True)}
    return [a for pk, a in candidates.items() if pk not in rejected and a.url not in own]


def _fetch_promising_pages(
    claim: Any, pool: list[Article], *, fetcher: Fetcher, recorder: JobRecorder, on_stored: StoredCallback | None
) -> list[Article]:
    """Fetch the text of the best-looking candidates we only know by title and summary.

    A first ranking on what we have picks which pages are worth a request; the final
    ranking then sees their full text.
    """
    budget = settings.DISCOVERY_MAX_PAGE_FETCHES
    # Nothing to fetch, nothing to choose: the first ranking (about as long as the final
    # one, bench case 8) is skipped when every candidate already has its text.
    if not budget or all(a.fetched_at is not None or a.text for a in pool):
        return pool
    from claims.discovery.ranking import order_for_claim

    wanted = [a for a in order_for_claim(claim, pool) if a.fetched_at is None and not a.text][:budget]
    if not wanted:
        return pool
    recorder.set_total(recorder.total + len(wanted))
    started = time.monotonic()
    stored, failed, _transient = _fetch_pages(wanted, fetcher=fetcher, recorder=recorder)
    if stored:
        (on_stored or analyse_articles)(stored)
    recorder.stat("pages", wanted=len(wanted), fetched=len(stored), failed=failed)
    recorder.timed("pages", started)
    fresh = {a.pk: a for a in Article.objects.filter(pk__in=[a.pk for a in wanted]).defer("search_vector")}
    return [fresh.get(a.pk, a) for a in pool]


def _remember_failure(url: str, exc: FetchError) -> None:
    # A permanent failure is final (fetched_at set, not tried again); a transient one is
    # left for the next job or the fetch_article retry.
    if exc.permanent:
        record_fetch_error(url, exc)
    else:
        Article.objects.filter(url=normalize_url(url)).update(fetch_error=str(exc)[:2000])


def _fetch_failed(recorder: JobRecorder, source: str, exc: FetchError, *, url: str, can_retry: bool) -> FetchJob:
    """Record the job's one fetch as failed: a transient failure with retries left gives the
    job back and is raised again for the task to retry; anything else closes the job."""
    recorder.error(source, exc, url=url)
    if not exc.permanent and can_retry:
        recorder.release()
        raise exc
    return recorder.finish(FetchJob.Status.FAILED)


# --- Feed harvest -------------------------------------------------------------------------------


def run_harvest(
    job: FetchJob,
    *,
    fetcher: Fetcher | None = None,
    on_progress: ProgressCallback | None = None,
    can_retry: bool = False,
) -> tuple[FetchJob, list[int]]:
    """Harvest the job's feed; returns the job and the ids of new articles (to fetch their pages)."""
    recorder = JobRecorder(job, on_progress=on_progress)
    feed = job.feed
    if feed is None:
        recorder.error("feeds", "the feed no longer exists")
        return recorder.finish(FetchJob.Status.FAILED), []
    recorder.set_total(1)
    started = time.monotonic()
    try:
        result = harvest(feed, fetcher=fetcher or Fetcher())
    except FetchError as exc:
        return _fetch_failed(recorder, "feeds", exc, url=feed.url, can_retry=can_retry), []
    recorder.stat("feeds", **result.as_stats())
    recorder.timed("harvest", started)
    recorder.advance()
    return recorder.finish(), result.created


# --- Article pages ------------------------------------------------------------------------------


def analyse_articles(article_ids: list[int]) -> int:
    """What the desk learns from newly stored articles: candidate claims (claims.intake) and
    repeats of published fact-checks (claims.watch). Returns how many articles were analysed.

    The Celery path runs this as its own task (`claims.tasks.analyse_articles`, queued by the
    page-fetching task) so that a harvest's fetching is not held up by it; commands and
    direct callers run it inline. A failure is logged and never costs the article, which is
    in the index either way; safe to repeat (candidates and recurrences are keyed).
    """
    from claims.intake.candidates import candidates_start, extract_for_article
    from claims.services.recurrences import live_index

    try:
        # The live fact-checks as the batch starts: one look for all its articles.
        index = live_index()
    except Exception:
        logger.exception("reading the live fact-checks failed; each article reads them itself")
        index = None
    articles = list(Article.objects.filter(pk__in=article_ids).defer("search_vector").order_by("id"))
    # The whole batch in a fixed number of statements (it finds what it would article by
    # article). Its tracking pools are read on a second connection while this thread
    # matches the articles against the live fact-checks (claims.sidedb).
    batch_failed = False
    pending = None
    try:
        pending = candidates_start(articles)
    except Exception:
        batch_failed = True
        logger.exception("candidate extraction failed for a batch of %s articles; trying each alone", len(articles))
    for article in articles:
        # The watch engine: does the article repeat a published fact-check? (issue 15)
        watch_hooks.article_stored(article, index=index)
    if pending is not None:
        try:
            pending.store()
        except Exception:
            batch_failed = True
            logger.exception("candidate extraction failed for a batch of %s articles; trying each alone", len(articles))
    if batch_failed:
        # One bad article (or a race with another worker over a candidate) must not cost the
        # others theirs: the batch's writes were rolled back, so each is tried alone.
        for article in articles:
            try:
                extract_for_article(article)
            except Exception:
                logger.exception("candidate extraction failed for article %s", article.pk)
    return len(articles)


def analysis_warm_up() -> bool:
    """Build what the first analysed batch would otherwise build: the live fact-checks' index
    (about 5 s at 10,000 of them, and the lexicon tables it reads) and the scorers' weights.
    Called once as a worker that runs the analysis starts (factcheck/celery.py), before it
    takes work, so that its first harvest is not held up. Returns whether it was done: a
    database that is not reachable or not migrated yet is no reason to fail a worker's start
    (the first batch then builds them, as without a warm-up)."""
    from claims.intake import checkworthiness
    from claims.services.recurrences import live_index
    from claims.watch import rescorer

    try:
        live_index()
        rescorer.load()
        checkworthiness.current_model()
    except Exception:
        logger.warning("warming up the analysis failed; the first batch will build what it needs", exc_info=True)
        return False
    return True


def fetch_articles(
    article_ids: list[int],
    *,
    fetcher: Fetcher | None = None,
    recorder: JobRecorder | None = None,
    on_stored: StoredCallback | None = None,
) -> dict[str, Any]:
    """Fetch and extract the pages of these index articles (those not fetched yet).

    Safe to repeat: an article fetched (or permanently failed) before is skipped, so a retry
    of the batch only tries the ones that failed for a transient reason. Raises the first
    transient error at the end, after the rest of the batch was done. The articles whose
    text was stored go to `on_stored` (the worker queues their analysis), or, without one,
    are analysed here (`analyse_articles`) — before any error is raised, so none is missed.
    """
    fetcher = fetcher or Fetcher()
    todo = list(Article.objects.filter(pk__in=article_ids, fetched_at__isnull=True).only("id", "url", "provider"))
    stored, failed, first_transient = _fetch_pages(todo, fetcher=fetcher, recorder=recorder)
    if stored:
        (on_stored or analyse_articles)(stored)
    if first_transient is not None:
        raise first_transient
    return {"requested": len(article_ids), "fetched": len(stored), "failed": failed}


_AHEAD: dict[int, ThreadPoolExecutor] = {}
_ahead_lock = threading.Lock()


def _fetch_ahead() -> ThreadPoolExecutor:
    """The process's fetch-ahead thread (one per process: a thread started before a fork
    does not run in the child). It only talks HTTP through the batch's Fetcher, never to
    the database."""
    pid = os.getpid()
    with _ahead_lock:
        if pid not in _AHEAD:
            _AHEAD[pid] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fetch-ahead")
        return _AHEAD[pid]


def _fetch_pages(
    articles: list[Article], *, fetcher: Fetcher, recorder: JobRecorder | None
) -> tuple[list[int], int, TransientFetchError | None]:
    """Fetch each article's page, recording failures on the article (and the job, if any).

    Returns the ids of the articles whose text was stored, how many failed, and the first
    transient error.
    """
    stored_ids: list[int] = []
    failed = 0
    first_transient: TransientFetchError | None = None
    # Each page's UPDATE runs on the side connection (claims.sidedb) while the next page is
    # fetched and extracted; it is waited for before the next one is sent, and all of them
    # before the batch's analysis is queued. Each still commits on its own, at once.
    storing: tuple[int, Future[bool]] | None = None
    # The next page is requested on the fetch-ahead thread while this one is extracted: still
    # one request at a time, in order (one thread), but the wait for the site overlaps the
    # extraction instead of following it. Nothing past the batch's last page is requested.
    ahead = _fetch_ahead()
    responses = [ahead.submit(page_response, articles[0].url, fetcher=fetcher)] if articles else []
    for position, article in enumerate(articles):
        if position + 1 < len(articles):
            responses.append(ahead.submit(page_response, articles[position + 1].url, fetcher=fetcher))
        try:
            values = page_values_of(responses[position].result())
            if storing is not None and storing[1].result():
                stored_ids.append(storing[0])
            storing = (article.pk, side_call(store_page, article.pk, values))
        except FetchError as exc:
            failed += 1
            _remember_failure(article.url, exc)
            if recorder is not None:
                recorder.error("pages", exc, url=article.url)
            if isinstance(exc, TransientFetchError) and first_transient is None:
                first_transient = exc
        if recorder is not None:
            recorder.advance()
    if storing is not None and storing[1].result():
        stored_ids.append(storing[0])
    return stored_ids, failed, first_transient
