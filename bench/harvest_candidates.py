"""What candidate extraction costs a feed harvest, measured side by side in one run (issue 13).

    python bench/harvest_candidates.py [--database-url postgres://…/fc_bench_candidates]
                                       [--claims 20k] [--rounds 7] [--no-write]

The bench corpus (tests/fixtures/corpus/, 54 Norwegian and English news pages) is served
from 127.0.0.1 with one RSS feed per language; each round harvests both feeds and fetches
and extracts every page through the real pipeline (`run_harvest` + `fetch_articles`,
the hardened client included), against a PostgreSQL database holding the bench's
generated claims (so "already tracked" lookups search a realistic claim table). Rounds
alternate extraction off and on (off on on off …) after a warm-up of each; between rounds
the harvested articles and their candidates are deleted. Target: on ≤ 1.2 × off.

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


def setup_django(url: str) -> None:
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
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def run(rounds: int) -> dict[str, Any]:
    from django.conf import settings

    from bench.support import CorpusServer
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

        def harvest(candidates_on: bool) -> tuple[float, int, int]:
            reset()
            settings.CHECKWORTHINESS_CANDIDATES = candidates_on
            started = time.perf_counter()
            pages = 0
            for feed in feeds:
                job, _state = jobs.claim_job(jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=feed).pk)
                _job, created = pipeline.run_harvest(job)
                pages += pipeline.fetch_articles(created)["fetched"]
            elapsed = time.perf_counter() - started
            found = CandidateClaim.objects.filter(article__url__startswith=server.base).count()
            return elapsed, pages, found

        for on in (False, True):  # warm-up: imports, the model, PostgreSQL's caches
            harvest(on)
        samples: dict[bool, list[float]] = {False: [], True: []}
        pages = found = 0
        for i in range(rounds):
            order = (False, True) if i % 2 == 0 else (True, False)
            for on in order:
                elapsed, pages, n = harvest(on)
                samples[on].append(elapsed * 1000)
                if on:
                    found = n
        tracked = CandidateClaim.objects.filter(article__url__startswith=server.base, status="tracked").count()
        reset()
        off, on = statistics.median(samples[False]), statistics.median(samples[True])
        return {
            "claims_in_database": Claim.objects.count(),
            "feeds": len(feeds),
            "pages": pages,
            "rounds": rounds,
            "off_ms": [round(s, 1) for s in samples[False]],
            "on_ms": [round(s, 1) for s in samples[True]],
            "off_median_ms": round(off, 1),
            "on_median_ms": round(on, 1),
            "ratio": round(on / off, 3),
            "candidates_per_harvest": found,
            "tracked_in_last_round": tracked,
            "threshold": round(checkworthiness.threshold(), 4),
        }
    finally:
        server.close()


def to_markdown(result: dict[str, Any]) -> str:
    h = result["harvest"]
    verdict = "met" if h["ratio"] <= TARGET else "MISSED"
    return "\n".join(
        [
            "# Feed harvest with and without candidate extraction",
            "",
            f"Generated by `python bench/harvest_candidates.py` on {result['generated_at']} ({result['machine']}).",
            f"Each round harvests {h['feeds']} feeds of the bench corpus from 127.0.0.1 and fetches and extracts "
            f"their {h['pages']} pages through the real pipeline, against PostgreSQL with "
            f"{h['claims_in_database']} claims; rounds alternate extraction off and on ({h['rounds']} each, "
            "after a warm-up of each).",
            "",
            "| variant | median ms | min–max ms | ratio |",
            "|---|---:|---:|---:|",
            f"| candidates off (baseline) | {h['off_median_ms']} | {min(h['off_ms'])}–{max(h['off_ms'])} | 1.00 |",
            f"| candidates on | {h['on_median_ms']} | {min(h['on_ms'])}–{max(h['on_ms'])} | {h['ratio']:.2f} |",
            "",
            f"With extraction on, a harvest stores {h['candidates_per_harvest']} candidates at threshold "
            f"{h['threshold']} ({h['tracked_in_last_round']} of them already tracked claims). "
            f"Target ≤ {TARGET:.2f}×: **{verdict}**.",
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
