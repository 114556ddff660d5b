"""What candidate extraction costs a feed harvest, measured side by side in one run (issue 13).

    python bench/harvest_candidates.py [--database-url postgres://…/fc_bench_candidates]
                                       [--claims 20k] [--rounds 7] [--no-write]

The bench corpus (tests/fixtures/corpus/, 54 Norwegian and English news pages) is served
from 127.0.0.1 with one RSS feed per language; each round harvests both feeds and fetches
and extracts every page through the real pipeline (`run_harvest` + `fetch_articles`,
the hardened client included), against a PostgreSQL database holding the bench's
generated claims (so "already tracked" lookups search a realistic claim table). Rounds
alternate the variants after a warm-up of each; between rounds the harvested articles and
their candidates are deleted. Target: on ≤ 1.2 × off. The worker queues the stored pages'
analysis as its own task, so the bench times the analysis apart and reports its
articles-per-second, beside the old inline variant for comparison.

The database is generated once by bench/generate.py (default 20k claims, 2k index articles)
when it does not hold that data set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.database import parse_count, read_marker  # noqa: E402
from bench.generate import GENERATOR_VERSION  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = os.environ.get("BENCH_CANDIDATES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_bench_candidates")
TARGET = 1.2
INDEX_ARTICLES = 2000


def ensure_data(url: str, claims: int) -> dict[str, Any]:
    meta = read_marker(url)
    wanted = (claims, INDEX_ARTICLES, GENERATOR_VERSION)
    if meta is None or (meta.get("claims"), meta.get("articles"), meta.get("version")) != wanted:
        print(f"[bench] generating {claims} claims in {url} …", flush=True)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "generate.py"), "--database-url", url,
             "--claims", str(claims), "--articles", str(INDEX_ARTICLES)],
            check=True,
        )  # fmt: skip
        meta = read_marker(url) or {}
    return meta


def setup_django(url: str, *, redis_url: str | None = None) -> None:
    """Production-like settings on the bench database; with `redis_url`, Celery sends real
    messages there (for workers the bench starts), without it the bench runs alone."""
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
            "LOG_LEVEL": "WARNING",
        }
    )
    if redis_url:
        os.environ.update({"REDIS_URL": redis_url, "CELERY_TASK_ALWAYS_EAGER": "0"})
    else:
        os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def run(rounds: int) -> dict[str, Any]:
    from django.conf import settings

    from bench.support import CorpusServer
    from claims import tasks
    from claims.discovery import jobs, pipeline
    from claims.intake import checkworthiness
    from claims.models import Article, CandidateClaim, Claim, Feed, FetchJob

    server = CorpusServer()
    try:
        feeds = [
            Feed.objects.update_or_create(
                url=server.url(f"/feeds/corpus-{lang}.xml"), defaults={"name": f"bench corpus {lang}", "language": lang}
            )[0]
            for lang in ("nb", "en")
        ]
        # The desk's model: the shipped one, whatever a developer retrained locally.
        settings.CHECKWORTHINESS_MODEL = str(checkworthiness.SHIPPED_MODEL)

        def reset() -> None:
            Article.objects.filter(url__startswith=server.base).delete()
            Feed.objects.filter(pk__in=[f.pk for f in feeds]).update(etag="", last_modified="", last_harvested_at=None)

        def harvest(variant: str) -> tuple[float, float, int, int]:
            """(harvest ms, analysis ms, pages, candidates) for one round of a variant.

            "off"/"on": the worker's path — the fetch task queues the stored pages' analysis
            (a real Celery message) and the analysis task runs after, timed on its own.
            "inline": the analysis inside the fetch, as before it had a task of its own.
            """
            reset()
            settings.CHECKWORTHINESS_CANDIDATES = variant != "off"
            stored: list[int] = []

            def queue(ids: list[int]) -> None:
                stored.extend(ids)
                tasks._queue_analysis(ids)

            on_stored = None if variant == "inline" else queue
            started = time.perf_counter()
            pages = 0
            for feed in feeds:
                job, _state = jobs.claim_job(jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=feed).pk)
                _job, created = pipeline.run_harvest(job)
                pages += pipeline.fetch_articles(created, on_stored=on_stored)["fetched"]
            harvest_ms = (time.perf_counter() - started) * 1000
            analysis_ms = 0.0
            if stored:
                started = time.perf_counter()
                pipeline.analyse_articles(stored)  # what the queued task runs
                analysis_ms = (time.perf_counter() - started) * 1000
            found = CandidateClaim.objects.filter(article__url__startswith=server.base).count()
            return harvest_ms, analysis_ms, pages, found

        variants = ("off", "on", "inline")
        for variant in variants:  # warm-up: imports, the model, PostgreSQL's caches
            harvest(variant)
        loads = [os.getloadavg()[0]]
        samples: dict[str, list[float]] = {v: [] for v in variants}
        analysis: dict[str, list[float]] = {v: [] for v in variants}
        pages = found = 0
        for i in range(rounds):
            for variant in variants if i % 2 == 0 else tuple(reversed(variants)):
                harvest_ms, analysis_ms, pages, n = harvest(variant)
                samples[variant].append(harvest_ms)
                analysis[variant].append(analysis_ms)
                if variant == "on":
                    found = n
            loads.append(os.getloadavg()[0])
        tracked = CandidateClaim.objects.filter(article__url__startswith=server.base, status="tracked").count()
        reset()
        median = {v: statistics.median(samples[v]) for v in variants}
        analysis_median = {v: statistics.median(analysis[v]) for v in variants}
        return {
            "claims_in_database": Claim.objects.count(),
            "feeds": len(feeds),
            "pages": pages,
            "rounds": rounds,
            "harvest_ms": {v: [round(x, 1) for x in samples[v]] for v in variants},
            "harvest_median_ms": {v: round(median[v], 1) for v in variants},
            "analysis_median_ms": {v: round(analysis_median[v], 1) for v in ("off", "on")},
            "analysis_ms_per_article": {v: round(analysis_median[v] / max(pages, 1), 2) for v in ("off", "on")},
            "ratio": round(median["on"] / median["off"], 3),
            "inline_ratio": round(median["inline"] / median["off"], 3),
            "candidates_per_harvest": found,
            "tracked_in_last_round": tracked,
            "threshold": round(checkworthiness.threshold(), 4),
            "load_average": [round(min(loads), 2), round(max(loads), 2)],
        }
    finally:
        server.close()


def to_markdown(result: dict[str, Any]) -> str:
    h = result["harvest"]
    verdict = "met" if h["ratio"] <= TARGET else "MISSED"
    med, runs = h["harvest_median_ms"], h["harvest_ms"]
    per_article = h["analysis_ms_per_article"]

    def row(label: str, variant: str, ratio: float) -> str:
        return f"| {label} | {med[variant]} | {min(runs[variant])}–{max(runs[variant])} | {ratio:.2f} |"

    return "\n".join(
        [
            "# Feed harvest with and without candidate extraction",
            "",
            f"Generated by `python bench/harvest_candidates.py` on {result['generated_at']} ({result['machine']}).",
            f"Each round harvests {h['feeds']} feeds of the bench corpus from 127.0.0.1 and fetches and extracts "
            f"their {h['pages']} pages through the real pipeline, against PostgreSQL with "
            f"{h['claims_in_database']} claims; rounds alternate the variants ({h['rounds']} each, "
            "after a warm-up of each).",
            "",
            "The worker's path: the page-fetching task stores the articles and queues their analysis "
            "(candidate claims, recurrences) as a task of its own (`claims.tasks.analyse_articles`, on the "
            "default queue, apart from the fetch queue). The harvest is the fetching; the analysis is timed "
            "separately below, and the old inline path is kept for comparison.",
            "",
            "| harvest variant | median ms | min–max ms | ratio |",
            "|---|---:|---:|---:|",
            row("candidates off (baseline)", "off", 1.0),
            row("candidates on (analysis queued)", "on", h["ratio"]),
            row("candidates on, analysed inline (before)", "inline", h["inline_ratio"]),
            "",
            "| analysis task, per article | candidates off | candidates on |",
            "|---|---:|---:|",
            f"| ms per article (recurrences; + scoring, tracking, storing when on) | {per_article['off']} "
            f"| {per_article['on']} |",
            f"| articles per second, one worker process | {1000 / max(per_article['off'], 0.001):.0f} "
            f"| {1000 / max(per_article['on'], 0.001):.0f} |",
            "",
            f"With extraction on, a harvest stores {h['candidates_per_harvest']} candidates at threshold "
            f"{h['threshold']} ({h['tracked_in_last_round']} of them already tracked claims). "
            f"Target (harvest on ≤ {TARGET:.2f} × off): **{verdict}**.",
            "",
            f"Load average (1 min) during the rounds: {h['load_average'][0]}–{h['load_average'][1]} on 2 shared "
            "cores. The analysis before and after a change, side by side: `bench/analysis_speed.py` "
            "(bench/results/analysis_speed.md).",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--claims", type=parse_count, default=20_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    ensure_data(args.database_url, args.claims)
    setup_django(args.database_url)
    result = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "harvest": run(args.rounds),
    }
    text = to_markdown(result)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "harvest_candidates.json").write_text(json.dumps(result, indent=1) + "\n")
        (RESULTS / "harvest_candidates.md").write_text(text)


if __name__ == "__main__":
    main()
