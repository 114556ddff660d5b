"""Harvest throughput and worker memory on real Celery workers (issue 17, targets 3 and 4).

    python bench/harvest_scale.py [--database-url postgres://…/fc_bench_harvest] [--claims 20k]
                                  [--pages 2000] [--runs 3] [--workers 1,2] [--queues fetch]
                                  [--memory-pages 10000] [--no-write]

A threaded server on 127.0.0.1 serves one RSS feed of `--pages` news pages of 30–60 KB
(generated text from bench/corpus.py inside realistic page furniture: navigation, inline
styles, a state blob in a script, related links, a footer), each page unique. Each run
deletes what the last one stored, starts `n` worker processes (`celery worker -c 1` each,
the production command), queues one harvest job through the service, and times from the
queueing to the last page stored (`fetched_at`) and, when the workers also take the
`default` queue, to the last analysis task done. Runs alternate 1 and 2 workers.

Counted, never assumed: pages the server served more than once, duplicate article rows,
and tasks received more often than they succeeded or retried (from the workers' logs).
Memory: the resident set of each worker instance (main process and pool children, from
/proc) is sampled every 0.25 s; the memory run harvests `--memory-pages` with one worker
and reports the peak and the growth between the 1,000th and the last article stored.

`--queues fetch` (default) measures harvesting (fetch, extract, store, index) alone: the
stored pages' analysis messages wait in the `default` queue. `--queues fetch,default`
includes the analysis (candidates, recurrences) in the same worker processes.

`--text generated` (default) writes the pages' text with bench/corpus.py's templates, the
same templates the generated claims come from, so every sentence resembles hundreds of
claims (a worst case for the analysis). `--text corpus` writes each page from one
story of the labelled sets (an article of the ranking corpora tests/fixtures/corpus and
corpus2, or one topic's repeats, near misses and fillers in tests/fixtures/recurrences:
news written for this project), its sentences drawn in random order and number, so pages
read like the news a desk harvests, one story a page; each page is still unique.

None of those pages repeats a fact-check of the generated database (most news repeats none), so
no recurrence is stored. `--publish-labelled` publishes the labelled recurrence claims too: then
the pages that tell a recurrence topic's story repeat several, and a harvest stores recurrences
and announces their events (1,538 from 2,000 pages), a worst case. It changes the database for
good: give it one of its own (`--database-url …/fc_bench_harvest_labelled`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import TextMaker  # noqa: E402
from bench.harvest_candidates import ensure_data, setup_django  # noqa: E402
from bench.support import LoopbackServer  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = os.environ.get("BENCH_HARVEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_bench_harvest")
REDIS_URL = os.environ.get("BENCH_HARVEST_REDIS_URL", "redis://127.0.0.1:6379/14")
TARGET_RATE = 50.0  # articles per second, one worker process
TARGET_SCALING = 1.6  # two worker processes against one
TARGET_RSS_MB = 400
TARGET_GROWTH = 0.10


# --- Pages ------------------------------------------------------------------------------------


def _furniture(rng: random.Random, size: int) -> tuple[str, str]:
    """(head, tail) of a news page's markup around the article, about `size` bytes together."""
    sections = ["Nyheter", "Innenriks", "Utenriks", "Økonomi", "Sport", "Kultur", "Meninger", "Debatt", "Vær"]
    nav = "".join(f'<li><a href="/{s.lower()}/">{s}</a></li>' for s in sections * 3)
    style = "".join(
        f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 2654435761 % 0xFFFFFF:06x}}}" for i in range(60)
    )
    related = "".join(
        f'<li><a href="/nyheter/{rng.randrange(10**6)}">Les også: sak nummer {rng.randrange(10**6)}</a></li>'
        for _ in range(25)
    )
    head = f"<header><nav><ul>{nav}</ul></nav></header><style>{style}</style>"
    tail = f"<aside><h2>Mer fra avisa</h2><ul>{related}</ul></aside><footer><p>Ansvarlig redaktør: Desk</p></footer>"
    filler = max(0, size - len(head) - len(tail) - 200)
    state = json.dumps({"ads": [{"slot": i, "token": f"{rng.getrandbits(64):016x}"} for i in range(filler // 48)]})
    return head, tail + f'<script type="application/json" id="state">{state}</script>'


class CorpusText:
    """Headlines, leads and paragraphs from the labelled sets' sentences: each page tells one
    story (one labelled article's sentences, or one recurrence topic's), as news pages do."""

    def __init__(self, rng: random.Random) -> None:
        from bench.corpora import load_all

        self.rng = rng
        self.stories: dict[str, list[list[str]]] = {"nb": [], "en": []}
        for corpus in load_all():
            for article in corpus.articles:
                lang = "nb" if article.language in ("nb", "nn", "no") else "en"
                story = [t.strip() for t in re.split(r"(?<=[.!?])\s+", article.text) if 30 <= len(t) <= 400]
                if len(story) >= 3:
                    self.stories[lang].append(story)
        for path in sorted((ROOT / "tests" / "fixtures" / "recurrences").glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            by_topic: dict[tuple[str, str], list[str]] = {}
            for topic, by_lang in data.get("fillers", {}).items():
                for lang, texts in by_lang.items():
                    by_topic.setdefault((topic, "nb" if lang == "nb" else "en"), []).extend(texts)
            for claim in data.get("claims", []):
                for lang, text in claim.get("repeats", []) + claim.get("near", []):
                    by_topic.setdefault((claim.get("topic", ""), "nb" if lang == "nb" else "en"), []).append(text)
            for (_topic, lang), story in by_topic.items():
                if len(story) >= 3:
                    self.stories[lang].append(story)
        self._story: list[str] = []

    def article(self, lang: str) -> tuple[str, str, str]:
        self._story = self.rng.choice(self.stories[lang])
        title, summary = self.rng.sample(self._story, 2)
        return "", title.rstrip("."), summary

    def body(self, lang: str, _topic: str, sentences: int) -> str:
        return " ".join(self.rng.choices(self._story, k=sentences))


def _new_words(rng: random.Random, count: int) -> str:
    """A sentence of `count` made-up words, new to every cache (names, places, rare words: a
    real year of feeds keeps bringing them; the labelled sets' sentences do not)."""
    letters = "abdefghiklmnoprstuvyæøå"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(5, 14))) for _ in range(count)]
    return " ".join(words).capitalize() + "."


def build_pages(
    n: int, *, base: str, seed: int = 17, text: str = "generated", new_words: int = 0
) -> tuple[dict[str, bytes], bytes]:
    """`n` unique pages of 30–60 KB, and the RSS feed listing them (newest first); with
    `new_words`, each page's article also has a paragraph of that many words no page had."""
    rng = random.Random(seed)
    fresh = random.Random(seed + 1)  # its own stream: the pages are the same with or without it
    maker: Any = CorpusText(rng) if text == "corpus" else TextMaker(rng)
    pages: dict[str, bytes] = {}
    items = []
    when = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    for i in range(n):
        lang = "nb" if i % 3 else "en"
        topic, title, summary = maker.article(lang)[:3]
        body = "".join(f"<p>{escape(maker.body(lang, topic, rng.randint(3, 6)))}</p>" for _ in range(rng.randint(4, 8)))
        if new_words:
            body += f"<p>{escape(_new_words(fresh, new_words))}</p>"
        path = f"/nyheter/{i:06d}-{re.sub(r'[^a-z0-9]+', '-', title.lower())[:50].strip('-')}"
        head, tail = _furniture(rng, rng.randint(30_000, 60_000) - len(body))
        published = when - dt.timedelta(minutes=i)
        quoted = escape(title, {'"': "&quot;"})
        # The tags news sites carry (Open Graph, article:published_time), as the corpus pages do.
        tags = (
            f'<meta property="og:title" content="{quoted}"><meta property="og:site_name" content="Benchavisa">'
            f'<meta property="article:published_time" content="{published.isoformat()}">'
        )
        html = (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>{tags}'
            f'<link rel="canonical" href="{base}{path}"><meta name="author" content="Desk reporter"></head>'
            f"<body>{head}<main><article><h1>{escape(title)}</h1><p class=lead>{escape(summary)}</p>"
            f"{body}</article></main>{tail}</body></html>"
        )
        pages[path] = html.encode()
        items.append(
            f"<item><title>{escape(title)}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
            f"<pubDate>{format_datetime(published)}</pubDate><description>{escape(summary)}</description></item>"
        )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Benchavisa</title>'
        f"<link>{base}/</link><language>nb</language>{''.join(items)}</channel></rss>"
    ).encode()
    return pages, feed


class PageServer(LoopbackServer):
    """The pages and their feed (/feed.xml) on 127.0.0.1, counting every request per path."""

    def __init__(self, n: int, *, text: str = "generated", new_words: int = 0) -> None:
        self.pages: dict[str, bytes] = {}
        self.feed = b""
        super().__init__(self._route)
        # the links need the server's port
        self.pages, self.feed = build_pages(n, base=self.base, text=text, new_words=new_words)

    def _route(self, path: str) -> tuple[bytes, str] | None:
        if path == "/feed.xml":
            return self.feed, "application/rss+xml"
        page = self.pages.get(path)
        return (page, "text/html; charset=utf-8") if page is not None else None


# --- Memory -------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _tree(pid: int) -> list[int]:
    """A process and its live descendants (from /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += _children(current)
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB (from /proc)."""
    total = 0
    for current in _tree(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        total += int(match.group(1)) if match else 0
    return total / 1024


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process and its descendants have used (from /proc): the live
    ones, and those gone that their parent has waited for (a pool child replaced)."""
    total = 0
    for current in _tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime: the 14th to 17th fields
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / _TICKS


def host_cpu() -> tuple[float, float]:
    """(all CPU time, stolen CPU time) of the machine so far, in seconds (/proc/stat): on a virtual
    machine the host can take CPU from it, and a run that lost more of it is slower for that."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    return sum(values[:8]) / _TICKS, (values[7] if len(values) > 7 else 0) / _TICKS


class MemorySampler(threading.Thread):
    """Samples each worker's resident memory and, with it, how many pages were stored so far."""

    def __init__(self, pids: list[int], stored: Any) -> None:
        super().__init__(daemon=True)
        self.pids, self.stored = pids, stored
        self.samples: list[tuple[int, list[float]]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.25):
            self._sample()
        # One more after the run: when the last page and its analysis land between two ticks,
        # no sample saw the last article stored, and the growth had no end point (session 15).
        self._sample()

    def _sample(self) -> None:
        self.samples.append((self.stored(), [tree_rss_mb(pid) for pid in self.pids]))

    def peak(self) -> float:
        return max((max(rss) for _n, rss in self.samples), default=0.0)

    def at(self, stored: int) -> float | None:
        later = [max(rss) for n, rss in self.samples if n >= stored]
        return later[0] if later else None


# --- One run ------------------------------------------------------------------------------------


BENCH_FEED = "bench harvest"
# What a run writes and the next one deletes: rewritten (VACUUM FULL, small once the last run's
# pages are gone) before each run, so that every run starts from the same tables and indexes.
# A plain VACUUM left the indexes' bloat: after eight runs one worker did 18.3 articles/s
# against 20.1/s on a newly generated database (this machine's PostgreSQL has autovacuum off).
_VACUUMED = (
    "claims_article",
    "claims_candidateclaim",
    "claims_historicalcandidateclaim",
    "claims_recurrence",
    "claims_historicalrecurrence",
    "claims_feed",
    "claims_fetchjob",
)


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in _VACUUMED:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")  # constant names


LABELLED_PREFIX = "labelled-"


def publish_labelled() -> int:
    """The labelled recurrence claims (tests/fixtures/recurrences) as published fact-checks, once
    per database: the corpus pages that tell a recurrence topic's story repeat them, so a harvest
    also stores recurrences and announces their events. A worst case beside the plain database,
    where no page repeats a fact-check (as most news does not); returns how many were added."""
    from django.utils import timezone

    from bench import recurrences as labelled
    from claims.models import Claim
    from claims.workflow import ClaimStatus

    have = set(Claim.objects.filter(slug__startswith=LABELLED_PREFIX).values_list("slug", flat=True))
    now = timezone.now()
    rows = [
        Claim(
            text=claim["claim"],
            language=claim["language"],
            status=ClaimStatus.PUBLISHED,
            published_at=now,
            slug=f"{LABELLED_PREFIX}{claim['id']}",
        )
        for claim in labelled.load()["claims"]
        if f"{LABELLED_PREFIX}{claim['id']}" not in have
    ]
    Claim.objects.bulk_create(rows)
    return len(rows)


def run_once(server: PageServer, *, workers: int, queues: str, database_url: str, memory: bool = False) -> dict:
    from django.db import connection
    from django.db.models import Count, Max, Q

    from bench.support import Worker, wait_for
    from claims import services
    from claims.models import Article, CandidateClaim, Feed, FetchJob, Recurrence

    # Every earlier run's pages, not only this server's: each run's server has its own port, so
    # its pages, their candidates and its feed would otherwise pile up run after run (16,900
    # pages after 8 runs) and each run would start from a larger database than the last.
    earlier = Article.objects.filter(feed__name=BENCH_FEED)
    # History rows outlive what they record (by design): the bench's own go with its pages, and
    # so do those of pages gone before (the generated database has no candidates of its own).
    gone = Q(article_id__in=earlier.values("pk")) | ~Q(article_id__in=Article.objects.values("pk"))
    for history in (CandidateClaim.history, Recurrence.history):
        history.filter(gone).delete()
    earlier.delete()
    Feed.objects.filter(name=BENCH_FEED).exclude(url=f"{server.base}/feed.xml").delete()
    feed, _ = Feed.objects.update_or_create(
        url=f"{server.base}/feed.xml", defaults={"name": BENCH_FEED, "language": "nb", "enabled": True}
    )
    _vacuum()
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="", last_harvested_at=None)
    _flush_queues()
    with server.lock:
        server.requests.clear()
    n = len(server.pages)
    stored_q = Article.objects.filter(feed=feed, fetched_at__isnull=False)

    def stored() -> int:
        connection.close_if_unusable_or_obsolete()
        return stored_q.count()

    pool = [
        Worker(database_url=database_url, redis_url=REDIS_URL, concurrency=1, queues=queues) for _ in range(workers)
    ]
    try:
        for worker in pool:
            worker.wait_ready()
        sampler = MemorySampler([w.process.pid for w in pool], stored)
        sampler.start()
        cpu_before = sum(tree_cpu_s(w.process.pid) for w in pool)
        host_before = host_cpu()
        started_wall = time.monotonic()
        services.harvest_job_start(feed_id=feed.pk)
        wait_for(lambda: stored() >= n, timeout=max(600, n / 2), what=f"{n} pages stored", interval=0.25)
        stored_s = time.monotonic() - started_wall
        analysed_s = None
        if "default" in queues:
            wait_for(lambda: _analysis_done(pool, n), timeout=max(900, n), what="the analysis", interval=0.25)
            analysed_s = time.monotonic() - started_wall
        # The workers' own CPU time for the whole run (fetching and, with `default`, analysis):
        # what the rate would cost on a quiet machine; the wall clock also counts waits and
        # what the host stole from this virtual machine (its share of the CPU time, here).
        cpu_s = sum(tree_cpu_s(w.process.pid) for w in pool) - cpu_before
        host_after = host_cpu()
        host_total = host_after[0] - host_before[0]
        steal = (host_after[1] - host_before[1]) / host_total if host_total else 0.0
        sampler.done.set()
        sampler.join()
        job = FetchJob.objects.filter(feed=feed).order_by("-id").first()
        span = stored_q.aggregate(last=Max("fetched_at"))["last"]
        job_s = (span - job.started_at).total_seconds() if job and job.started_at and span else None
        duplicates = (
            Article.objects.filter(url__startswith=server.base).values("url").annotate(n=Count("id")).filter(n__gt=1)
        ).count()
        logs = "".join(w.log_text() for w in pool)
        result = {
            "workers": workers,
            "queues": queues,
            "pages": n,
            "stored_s": round(stored_s, 2),
            "job_to_last_stored_s": round(job_s, 2) if job_s else None,
            "rate": round(n / (job_s or stored_s), 1),
            "analysed_s": round(analysed_s, 2) if analysed_s else None,
            # From the job's start, as the stored rate is: a fresh worker's pool process builds
            # the live index before it takes the job (factcheck/celery.py, session 22).
            "analysed_rate": round(n / (analysed_s - (stored_s - job_s if job_s else 0.0)), 1) if analysed_s else None,
            "pages_served_twice": sum(1 for p, c in server.requests.items() if p != "/feed.xml" and c > 1),
            "duplicate_rows": duplicates,
            "tasks_run_twice": _tasks_run_twice(logs),
            "peak_rss_mb": round(sampler.peak(), 1),
            "worker_cpu_ms_per_article": round(1000 * cpu_s / n, 2),
            "host_steal": round(steal, 3),
            "recurrences_stored": Recurrence.objects.filter(article__feed=feed).count(),
        }
        if memory:
            first, last = sampler.at(1000), sampler.at(n)
            result["rss_at_1000_mb"] = round(first, 1) if first else None
            result[f"rss_at_{n}_mb"] = round(last, 1) if last else None
            result["growth"] = round(last / first - 1, 3) if first and last else None
        return result
    finally:
        for worker in pool:
            worker.stop()


def _flush_queues() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _analysis_done(pool: list[Any], pages: int) -> bool:
    import redis

    if redis.Redis.from_url(REDIS_URL).llen("default"):
        return False
    logs = "".join(w.log_text() for w in pool)
    received = len(re.findall(r"Task claims\.tasks\.analyse_articles\[[^\]]+\] received", logs))
    finished = len(re.findall(r"Task claims\.tasks\.analyse_articles\[[^\]]+\] (?:succeeded|raised)", logs))
    return received > 0 and received == finished


def _tasks_run_twice(logs: str) -> int:
    """Task ids that succeeded more than once (a message handled twice)."""
    done = Counter(re.findall(r"Task [\w.]+\[([0-9a-f-]+)\] succeeded", logs))
    return sum(1 for count in done.values() if count > 1)


# --- Main -----------------------------------------------------------------------------------------


def _median(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(values), 1) if values else None


def _row(*cells: Any) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _check(what: str, measured: Any, limit: str, ok: bool) -> str:
    return _row(what, measured, limit, "yes" if ok else "**no**")


def write(results: dict[str, Any]) -> Path:
    by = {w: [r for r in results["runs"] if r["workers"] == w] for w in results["worker_counts"]}
    rate = {w: _median(runs, "rate") for w, runs in by.items()}
    lines = [
        "# Harvest throughput and worker memory (issue 17, targets 3 and 4)",
        "",
        f"Generated by `python bench/harvest_scale.py` on {results['started']} ({results['machine']}; load average "
        f"{results['load']} when it started). {results['pages']} loopback pages of 30–60 KB in one feed, "
        f"{results['claims']} claims in the database; page text: {results.get('text', 'generated')}; "
        f"queues taken: `{results['queues']}`; "
        f"{results['rounds']} runs per worker count, alternating. Each worker is one `celery worker -c 1` process.",
        "",
        "| target | measured | limit | met |",
        "|---|---:|---:|:---:|",
    ]
    one, two = rate.get(1), rate.get(2)
    if one:
        lines.append(_check("articles stored per second, one worker", one, f"≥ {TARGET_RATE:g}", one >= TARGET_RATE))
    analysed = _median(by.get(1, []), "analysed_rate")
    if analysed:
        lines.append(_check("articles stored and analysed per second, one worker", analysed, f"≥ {TARGET_RATE:g}",
                            analysed >= TARGET_RATE))  # fmt: skip
    if one and two:
        scaling = round(two / one, 2)
        lines.append(_check("two workers / one", f"{scaling}×", f"≥ {TARGET_SCALING}×", scaling >= TARGET_SCALING))
    twice = sum(r["pages_served_twice"] + r["duplicate_rows"] + r["tasks_run_twice"] for r in results["runs"])
    lines.append(_check("pages served twice + duplicate rows + tasks run twice, all runs", twice, "0", twice == 0))
    memory = results.get("memory")
    if memory:
        peak, pages = memory["peak_rss_mb"], memory["pages"]
        lines.append(_check(f"peak RSS of a worker instance ({pages} pages)", f"{peak} MB", f"< {TARGET_RSS_MB} MB",
                            peak < TARGET_RSS_MB))  # fmt: skip
        if memory.get("growth") is not None:
            growth = memory["growth"]
            lines.append(_check(f"RSS growth, 1,000th → {pages}th article", f"{growth * 100:.1f}%",
                                f"≤ {TARGET_GROWTH * 100:g}%", growth <= TARGET_GROWTH))  # fmt: skip
    cpu = _median(by.get(1, []), "worker_cpu_ms_per_article")
    if cpu:
        steal = [r["host_steal"] for r in by.get(1, []) if r.get("host_steal") is not None]
        lines += [
            "",
            f"One worker's own CPU time (user + system, main process and pool child), median: {cpu} ms an "
            f"article stored{' and analysed' if 'default' in results['queues'] else ''}, "
            f"{1000 / cpu:.1f} articles per CPU-second. The wall-clock rate is lower by the waits "
            "(PostgreSQL, Redis, the page server, on the same two cores) and by what the host took from this "
            f"virtual machine: {', '.join(_share(v) for v in steal)} of its CPU time in those runs.",
        ]
    header = ["run", "workers", "queued → last stored, s", "job start → last stored, s", "articles/s"]
    header += ["queued → analysed, s", "served twice", "duplicate rows", "tasks twice", "peak RSS MB"]
    header += ["worker CPU ms/article", "host steal"]
    lines += ["", _row(*header), _row(*["---:"] * len(header))]
    for i, r in enumerate(results["runs"], 1):
        lines.append(
            _row(i, r["workers"], r["stored_s"], r["job_to_last_stored_s"], r["rate"], r["analysed_s"] or "–",
                 r["pages_served_twice"], r["duplicate_rows"], r["tasks_run_twice"], r["peak_rss_mb"],
                 r.get("worker_cpu_ms_per_article", "–"), _share(r.get("host_steal")))
        )  # fmt: skip
    if memory:
        lines += ["", f"Memory run: {json.dumps(memory)}"]
    md = RESULTS / f"{results.get('name', 'harvest_scale')}.md"
    md.write_text("\n".join(lines) + "\n")
    md.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    return md


def main(argv: list[str] | None = None) -> int:
    from bench.database import parse_count

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--claims", default="20k")
    parser.add_argument("--pages", type=parse_count, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--queues", default="fetch")
    parser.add_argument("--text", choices=("generated", "corpus"), default="generated")
    parser.add_argument("--memory-pages", type=parse_count, default=10_000, help="0 skips the memory run")
    parser.add_argument(
        "--new-words", type=int, default=0, help="made-up words per memory-run page, new to every cache"
    )
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--name", default="harvest_scale", help="results file name in bench/results/")
    parser.add_argument(
        "--publish-labelled",
        action="store_true",
        help="publish the labelled recurrence claims too (a worst case: use a database of its own)",
    )
    args = parser.parse_args(argv)

    meta = ensure_data(args.database_url, parse_count(args.claims))
    setup_django(args.database_url, redis_url=REDIS_URL)
    if args.publish_labelled:
        print(f"[bench] published {publish_labelled()} labelled fact-checks", flush=True)
    counts = [int(w) for w in args.workers.split(",")]
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
        "pages": args.pages,
        "claims": meta.get("claims"),
        "queues": args.queues,
        "text": args.text,
        "new_words": args.new_words,
        "name": args.name,
        "rounds": args.runs,
        "worker_counts": counts,
        "runs": [],
    }
    server = PageServer(args.pages, text=args.text)
    try:
        for i in range(args.runs):
            for workers in counts if i % 2 == 0 else reversed(counts):
                result = run_once(server, workers=workers, queues=args.queues, database_url=args.database_url)
                print(json.dumps(result), flush=True)
                results["runs"].append(result)
    finally:
        server.close()
    if args.memory_pages:
        server = PageServer(args.memory_pages, text=args.text, new_words=args.new_words)
        try:
            results["memory"] = run_once(
                server, workers=1, queues=args.queues, database_url=args.database_url, memory=True
            )
            print(json.dumps(results["memory"]), flush=True)
        finally:
            server.close()
    if not args.no_write:
        print(write(results).read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
