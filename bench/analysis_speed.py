"""The analysis of stored articles (candidates, tracking, recurrences) side by side: this
checkout against another one (e.g. main before a change), same database, alternating.

    python bench/analysis_speed.py --before /path/to/other/checkout
        [--database-url postgres://…/fc_bench_candidates] [--passes 3] [--rounds 3] [--no-write]

The bench corpus pages (tests/fixtures/corpus/) are harvested once into the database (20k
generated claims, as bench/harvest_candidates.py makes it) without being analysed; then each
pass runs one child process per checkout (the order swapped every pass), and each child times
`pipeline.analyse_articles` over all the pages `--rounds` times after a warm-up, deleting the
candidates, recurrences and suggestions it made between rounds. Reported: the median ms per
article (wall and CPU), articles per second for one worker process, and the load average
(the machine is shared: the ratio is the figure to read).
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
if "--child" in sys.argv:
    # A child measures the checkout it runs in (its working directory), not this one.
    sys.path.insert(0, os.getcwd())

RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = os.environ.get("BENCH_CANDIDATES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_bench_candidates")
TARGET_MS = 20.0  # 50 articles per second per worker process


def _setup(url: str) -> None:
    from bench.harvest_candidates import setup_django

    setup_django(url)
    from django.conf import settings

    from claims.intake import checkworthiness

    settings.CHECKWORTHINESS_MODEL = str(checkworthiness.SHIPPED_MODEL)
    settings.CHECKWORTHINESS_CANDIDATES = True


def store_pages(url: str) -> int:
    """Harvest the corpus feeds into the database once, unanalysed; returns the page count."""
    _setup(url)
    from bench.support import CorpusServer
    from claims.discovery import jobs, pipeline
    from claims.models import Article, Feed, FetchJob

    server = CorpusServer()
    try:
        Article.objects.filter(url__startswith="http://127.0.0.1:").delete()
        stored: list[int] = []
        for lang in ("nb", "en"):
            feed = Feed.objects.update_or_create(
                url=server.url(f"/feeds/corpus-{lang}.xml"), defaults={"name": f"bench corpus {lang}", "language": lang}
            )[0]
            Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="", last_harvested_at=None)
            job, _state = jobs.claim_job(jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=feed).pk)
            _job, created = pipeline.run_harvest(job)
            pipeline.fetch_articles(created, on_stored=stored.extend)
        return len(stored)
    finally:
        server.close()


def child(url: str, rounds: int) -> dict[str, Any]:
    """Run in the checkout being measured (its code on sys.path): time the analysis."""
    _setup(url)
    from claims.discovery import pipeline
    from claims.models import Article, CandidateClaim, Recurrence, RelatedArticle

    pages = Article.objects.filter(url__startswith="http://127.0.0.1:").exclude(text="")
    ids = list(pages.order_by("id").values_list("pk", flat=True))

    def reset() -> None:
        CandidateClaim.objects.filter(article_id__in=ids).delete()
        Recurrence.objects.filter(article_id__in=ids).delete()
        RelatedArticle.objects.filter(article_id__in=ids).delete()

    reset()
    pipeline.analyse_articles(ids)  # warm-up: imports, the model, caches
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        reset()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        pipeline.analyse_articles(ids)
        wall.append((time.perf_counter() - wall0) * 1000 / len(ids))
        cpu.append((time.process_time() - cpu0) * 1000 / len(ids))
    made = CandidateClaim.objects.filter(article_id__in=ids)
    result = {
        "articles": len(ids),
        "wall_ms": wall,
        "cpu_ms": cpu,
        "candidates": made.count(),
        "tracked": made.exclude(claim=None).count(),
        "recurrences": Recurrence.objects.filter(article_id__in=ids).count(),
    }
    reset()
    return result


def _run_child(checkout: Path, url: str, rounds: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", "--database-url", url, "--rounds", str(rounds)],
        cwd=checkout, env={**os.environ, "PYTHONPATH": str(checkout)}, check=True, capture_output=True, text=True,
    )  # fmt: skip
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def compare(before: Path, url: str, passes: int, rounds: int) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    loads: list[float] = []
    for i in range(passes):
        order = ("before", "after") if i % 2 == 0 else ("after", "before")
        for name in order:
            loads.append(os.getloadavg()[0])
            runs[name].append(_run_child(before if name == "before" else ROOT, url, rounds))
    summary: dict[str, Any] = {}
    for name, results in runs.items():
        wall = [x for r in results for x in r["wall_ms"]]
        cpu = [x for r in results for x in r["cpu_ms"]]
        summary[name] = {
            "wall_ms_per_article": round(statistics.median(wall), 2),
            "wall_ms_range": [round(min(wall), 2), round(max(wall), 2)],
            "cpu_ms_per_article": round(statistics.median(cpu), 2),
            "articles_per_second": round(1000 / statistics.median(wall), 1),
            "candidates": results[-1]["candidates"],
            "tracked": results[-1]["tracked"],
            "recurrences": results[-1]["recurrences"],
        }
    summary["ratio"] = round(summary["after"]["wall_ms_per_article"] / summary["before"]["wall_ms_per_article"], 3)
    summary["articles"] = runs["after"][-1]["articles"]
    summary["load_average"] = [round(min(loads), 2), round(max(loads), 2)]
    return summary


def to_markdown(result: dict[str, Any]) -> str:
    s = result["analysis"]
    b, a = s["before"], s["after"]
    verdict = "met" if a["wall_ms_per_article"] <= TARGET_MS else "MISSED"
    return "\n".join(
        [
            "# Article analysis side by side (issue 17, target 3)",
            "",
            f"Generated by `python bench/analysis_speed.py --before {result['before_checkout']}` on "
            f"{result['generated_at']} ({result['machine']}), against PostgreSQL with {result['claims']} claims. "
            f"{s['articles']} bench corpus pages, analysed by `pipeline.analyse_articles` (what the "
            "`claims.tasks.analyse_articles` task runs) in one child process per checkout, "
            f"{result['passes']} passes alternating the order, {result['rounds']} timed rounds each after a warm-up. "
            f"Load average (1 min) during the runs: {s['load_average'][0]}–{s['load_average'][1]} on 2 shared cores.",
            "",
            "| analysis, per article | before | after | ratio |",
            "|---|---:|---:|---:|",
            f"| wall ms (median) | {b['wall_ms_per_article']} | {a['wall_ms_per_article']} | {s['ratio']:.2f} |",
            f"| wall ms (min–max) | {b['wall_ms_range'][0]}–{b['wall_ms_range'][1]} "
            f"| {a['wall_ms_range'][0]}–{a['wall_ms_range'][1]} | |",
            f"| CPU ms (median) | {b['cpu_ms_per_article']} | {a['cpu_ms_per_article']} | |",
            f"| articles per second, one worker process | {b['articles_per_second']} | {a['articles_per_second']} | |",
            f"| candidates / tracked / recurrences stored | {b['candidates']} / {b['tracked']} / {b['recurrences']} "
            f"| {a['candidates']} / {a['tracked']} / {a['recurrences']} | |",
            "",
            f"Target ≤ {TARGET_MS:.0f} ms per article (≥ 50 articles/s per worker): **{verdict}**.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--before", type=Path, help="the other checkout (e.g. a worktree of main before the change)")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args.database_url, args.rounds)))
        return
    if args.before is None:
        parser.error("--before is required")
    from bench.harvest_candidates import ensure_data

    ensure_data(args.database_url, 20_000)
    store_pages(args.database_url)
    from claims.models import Claim

    result = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "before_checkout": str(args.before),
        "claims": Claim.objects.count(),
        "passes": args.passes,
        "rounds": args.rounds,
        "analysis": compare(args.before.resolve(), args.database_url, args.passes, args.rounds),
    }
    text = to_markdown(result)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "analysis_speed.json").write_text(json.dumps(result, indent=1) + "\n")
        (RESULTS / "analysis_speed.md").write_text(text)


if __name__ == "__main__":
    main()
