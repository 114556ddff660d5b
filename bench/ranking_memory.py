"""What discovery's ranking keeps between jobs, and what it saves (issue 17, target 4).

    python bench/ranking_memory.py [--articles 6000] [--claims 30] [--rounds 2] [--no-write]

Discovery jobs run on the `fetch` queue, in the same worker as the harvest, so the ranking's
caches (`claims/discovery/ranking.py`: each article's features, and the indexes of recent
candidate sets) come out of the same 400 MB. This bench runs the job's ranking as the
pipeline does it, for many claims one after another, in two fresh processes with the same
seeded data: one with the caches bounded as shipped, one with the bounds they had before
(50,000 articles' features, 8 indexes).

Per job: a pool of 400 articles of about 5,000 characters (the local index provider's
pool), drawn from a corpus of `--articles` (`bench/corpus.py`, fixed seed), 30 of them
known only by title and summary; `order_for_claim` over it (the pipeline's first ranking,
which picks the pages to fetch), then `rank_for_claim` with those 30 texts filled in (the
final ranking). Each claim runs once a round; a second round is the next day's re-check.
Measured: milliseconds per job, the process's resident memory after each job and its
peak, and what the caches hold at the end. Needs no database. Results:
bench/results/ranking_memory.{json,md}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
RESULTS = HERE / "bench" / "results"
POOL = 400
UNFETCHED = 30
SEED = 17
END = dt.datetime(2025, 12, 1, 12, 0, tzinfo=dt.UTC)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def side(name: str, n_articles: int, n_claims: int, rounds: int) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    import logging

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    from bench.corpus import TextMaker
    from claims.discovery import ranking
    from claims.models import Article, Claim

    if name == "before":
        ranking._FEATURES = ranking._LRU(50_000)
        ranking._INDEXES = ranking._LRU(8)
    rng = random.Random(SEED)
    maker = TextMaker(rng)
    corpus = []
    for i in range(1, n_articles + 1):
        lang = "nb" if rng.random() < 0.6 else "en"
        _topic, title, summary, body = maker.article(lang)
        # News articles run to a few thousand characters; the corpus's bodies are short.
        text = "\n\n".join([body, *(maker.article(lang)[3] for _ in range(6))])
        published = END - dt.timedelta(days=rng.random() * 365)
        corpus.append((i, title, summary, text, lang, published))
    claims = []
    for i in range(n_claims):
        lang = "en" if i % 3 == 0 else "nb"
        _sentence, text = maker.claim_text(lang)
        claims.append(Claim(text=text, claim_reviewed=text, language=lang, claim_date=END.date()))
    pools = [rng.sample(range(n_articles), POOL) for _ in claims]

    def article(row: int, *, fetched: bool) -> Article:
        i, title, summary, text, lang, published = corpus[row]
        return Article(
            id=i, url=f"https://news.example/a{i}", title=title, summary=summary, text=text if fetched else "",
            language=lang, published_at=published, content_hash=f"{i}:{int(fetched)}",
        )  # fmt: skip

    started_rss = rss_mb()
    jobs: list[dict[str, float]] = []
    for round_no in range(rounds):
        for claim, pool in zip(claims, pools, strict=True):
            started = time.perf_counter()
            first = [article(row, fetched=k >= UNFETCHED) for k, row in enumerate(pool)]
            ranking.order_for_claim(claim, first)
            final = [article(row, fetched=True) for row in pool]
            ranking.rank_for_claim(claim, final, limit=20)
            jobs.append({"round": round_no, "ms": (time.perf_counter() - started) * 1000, "rss_mb": rss_mb()})
    return {
        "side": name,
        "jobs": jobs,
        "rss_start_mb": started_rss,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "features_cached": len(ranking._FEATURES),
        "features_weight_mb": ranking._FEATURES.weight / 2**20,
        "indexes_cached": len(ranking._INDEXES),
    }


def run_side(name: str, args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    from bench.support import offline_env

    env = offline_env()
    command = [sys.executable, __file__, "--side", name, "--articles", str(args.articles)]
    command += ["--claims", str(args.claims), "--rounds", str(args.rounds)]
    out = subprocess.run(command, env=env, cwd=HERE, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def summary(result: dict[str, Any]) -> dict[str, Any]:
    by_round: dict[int, list[float]] = {}
    for job in result["jobs"]:
        by_round.setdefault(int(job["round"]), []).append(job["ms"])
    rss = [job["rss_mb"] for job in result["jobs"]]
    return {
        "median_ms_by_round": {r: round(statistics.median(ms), 1) for r, ms in by_round.items()},
        "rss_after_first_job_mb": round(rss[0], 1),
        "rss_after_last_job_mb": round(rss[-1], 1),
        "peak_rss_mb": round(result["peak_rss_mb"], 1),
        "features_cached": result["features_cached"],
        "features_weight_mb": round(result["features_weight_mb"], 1),
        "indexes_cached": result["indexes_cached"],
    }


def markdown(figures: dict[str, Any], meta: dict[str, Any]) -> str:
    before, after = figures["before"], figures["shipped"]
    lines = [
        "# Discovery ranking: what a worker keeps between jobs (issue 17, target 4)",
        "",
        f"Generated by `python bench/ranking_memory.py` on {meta['when']} ({meta['machine']}). "
        f"{meta['claims']} claims, each a pool of {POOL} articles of ~5,000 characters drawn from "
        f"{meta['articles']} ({UNFETCHED} fetched between the two rankings), {meta['rounds']} rounds.",
        "",
        "| | bounds before | shipped |",
        "|---|---:|---:|",
    ]
    for r in sorted(before["median_ms_by_round"]):
        lines.append(
            f"| median ms a job, round {int(r) + 1} | {before['median_ms_by_round'][r]} "
            f"| {after['median_ms_by_round'][r]} |"
        )
    for key, label in [
        ("rss_after_first_job_mb", "RSS after the first job, MB"),
        ("rss_after_last_job_mb", "RSS after the last job, MB"),
        ("peak_rss_mb", "peak RSS, MB"),
        ("features_cached", "articles' features cached at the end"),
        ("features_weight_mb", "their estimated size, MB"),
        ("indexes_cached", "candidate-set indexes cached"),
    ]:
        lines.append(f"| {label} | {before[key]} | {after[key]} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", choices=["before", "shipped"])
    parser.add_argument("--articles", type=int, default=6000)
    parser.add_argument("--claims", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.side:
        print(json.dumps(side(args.side, args.articles, args.claims, args.rounds)))
        return
    figures = {name: summary(run_side(name, args)) for name in ("before", "shipped")}
    meta = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "articles": args.articles,
        "claims": args.claims,
        "rounds": args.rounds,
    }
    text = markdown(figures, meta)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "ranking_memory.json").write_text(json.dumps({"meta": meta, "figures": figures}, indent=1) + "\n")
        (RESULTS / "ranking_memory.md").write_text(text)


if __name__ == "__main__":
    main()
