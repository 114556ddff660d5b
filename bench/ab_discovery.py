"""Discovery before and after a change, measured side by side in one run (issue 16, item 6).

    python bench/ab_discovery.py --before /tmp/tree-before [--after .] [--rounds 8]
                                 [--database-url postgres://…/fc_bench_20k] [--no-write]

Two source trees (say main before a merge, and after it) each get a long-lived Python
process of their own (the same interpreter, the tree's own `claims` package) against the
same bench database (bench/generate.py: 20k claims, 20k–100k articles in the discovery index).
The driver alternates them, A B then B A, round after round, so that the noise of a shared
machine falls on both alike; the ratios after/before are the figures. Per round and side:

- **scoring**: `ranking.score_all` per query for 40 claims over 10 000 articles of the
  index (the part the 1 ms target is about), each query analysed afresh; and the full
  `rank` (top 20 with explanations and snippets);
- **a discovery job end to end**: the `discover_related` task body run in the process
  (`apply()`: the job claimed, its lease, providers article_page + feeds + local, the two
  corpus feeds harvested from a local server, the promising pages fetched and extracted,
  the database's article index searched, ranked, suggestions stored), from a clean state each
  time. Celery's own per-task cost (a few ms, bench/results/latest.md case 6) is the same
  on both sides and left out.

A second phase repeats the job with reviewers' marks on the claim (3 relevant, 1
irrelevant) and, on the side whose code has one, a desk re-ranker in use: what learning
from marks adds to a job. Results: bench/results/discovery_ab.{json,md}.
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

HERE = Path(__file__).resolve().parent.parent
RESULTS = HERE / "bench" / "results"
DEFAULT_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_bench_{scale}").format(
    scale="20k"
)
RANK_DOCS = 10_000
QUERIES = 40
TARGET_SCORE_MS = 1.0
TARGET_JOB_RATIO = 1.2
CLAIM_SLUG = "bench-ab-discovery-lavrov"
CLAIM_TEXT = "Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet med Blinken i Genève."


# --- One side: a process serving commands on stdin --------------------------------------------


class Side:
    """The state of one tree's process: the ranking index, the queries, the claim and feeds."""

    def __init__(self, base: str) -> None:
        from django.db import IntegrityError

        from claims.discovery import ranking as rk
        from claims.models import Article, Claim, Claimant, Feed

        self.rk = rk
        # The sides start together: whichever comes second finds the rows the first made.
        for attempt in range(3):
            try:
                claimant, _ = Claimant.objects.get_or_create(name="Sergej Lavrov")
                self.claim, _ = Claim.objects.get_or_create(
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
                Feed.objects.exclude(url__startswith=base).update(enabled=False)
                self.feeds = [
                    Feed.objects.get_or_create(
                        url=f"{base}/feeds/corpus-{lang}.xml", defaults={"name": f"Corpus {lang}", "language": lang}
                    )[0]
                    for lang in ("nb", "en")
                ]
                break
            except IntegrityError:
                if attempt == 2:
                    raise
                time.sleep(0.5)
        self.base = base
        reply({"setup": True})  # the next side may start: the shared rows exist
        self.articles = list(Article.objects.defer("search_vector").order_by("-published_at", "-id")[:RANK_DOCS])
        rk.clear_caches()
        started = time.perf_counter()
        self.index = rk.index_for(self.articles)
        self.build_s = time.perf_counter() - started
        claims = list(Claim.objects.select_related("claimant").exclude(slug=CLAIM_SLUG).order_by("id")[:QUERIES])
        self.queries = [rk.Query.for_claim(c) for c in claims]

    def score(self) -> float:
        """Milliseconds per query of score_all over the index."""
        started = time.perf_counter()
        for query in self.queries:
            self.rk._analyse.cache_clear()  # each query analysed afresh, as a new claim would be
            self.rk.score_all(self.index, query)
        return (time.perf_counter() - started) * 1000 / len(self.queries)

    def rank(self) -> float:
        started = time.perf_counter()
        for query in self.queries:
            self.rk._analyse.cache_clear()
            self.rk.rank(query, self.articles, limit=20)
        return (time.perf_counter() - started) * 1000 / len(self.queries)

    def job(self) -> dict[str, Any]:
        from claims import tasks
        from claims.discovery.jobs import create_job
        from claims.models import Article, Feed, FetchJob, RelatedArticle

        # A clean state (as bench/cases/discovery.py): no harvested articles, no suggestions
        # but the reviewers' marks.
        RelatedArticle.objects.filter(claim=self.claim, status=RelatedArticle.Status.SUGGESTED).delete()
        FetchJob.objects.filter(claim=self.claim).delete()
        Article.objects.filter(url__startswith=self.base).delete()
        Feed.objects.filter(pk__in=[f.pk for f in self.feeds]).update(etag="", last_modified="", last_harvested_at=None)
        job = create_job(kind=FetchJob.Kind.DISCOVER, claim=self.claim)
        started = time.perf_counter()
        tasks.discover_related.apply(args=[job.pk])
        total_ms = (time.perf_counter() - started) * 1000
        job.refresh_from_db()
        if job.status not in (FetchJob.Status.SUCCEEDED, FetchJob.Status.PARTIAL):
            raise RuntimeError(f"discovery job {job.pk} {job.status}: {job.errors}")
        stored = RelatedArticle.objects.filter(claim=self.claim, status=RelatedArticle.Status.SUGGESTED).count()
        return {"ms": total_ms, "timings": job.timings, "suggested": stored}

    def marks(self, on: bool) -> dict[str, Any]:
        """Put 3 relevant and 1 irrelevant marks on the claim (and a desk re-ranker in use where
        the code has one), or take them away."""
        from claims.models import Article, RelatedArticle
        from claims.search import search_articles

        RelatedArticle.objects.filter(claim=self.claim).delete()
        model = None
        try:
            from claims.models import RankerModel

            model = RankerModel
        except ImportError:
            pass
        if model is not None:
            model.objects.all().delete()
        if not on:
            return {"marks": 0, "model": False}
        found = list(search_articles(Article.objects.all(), "Lavrov Ukraina")[:4])
        if len(found) < 4:
            found = list(Article.objects.order_by("-published_at")[:4])
        for article, status in zip(found, ["relevant", "relevant", "relevant", "irrelevant"], strict=True):
            RelatedArticle.objects.create(claim=self.claim, article=article, status=status, score=0.5)
        if model is not None:
            from claims.discovery import feedback

            desk = feedback.DeskModel(
                coef=[2.0, 0.6, 0.8, 0.5, -0.2, 0.4, 0.3][: len(feedback.FEATURES)],
                intercept=-2.0,
                mean=[0.0] * len(feedback.FEATURES),
                scale=[1.0] * len(feedback.FEATURES),
                marks=200,
            )
            model.objects.create(marks=200, active=True, params=desk.to_dict(), metrics={"bench": True})
        return {"marks": len(found), "model": model is not None}


def serve(tree: Path, base: str) -> None:
    os.chdir(tree)
    sys.path[:1] = [str(tree)]  # this tree's claims package, not the driver's
    import django

    django.setup()
    import logging

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    side = Side(base)
    reply({"ok": True, "build_s": side.build_s, "articles": len(side.articles), "queries": len(side.queries)})
    for line in sys.stdin:
        cmd = json.loads(line)
        name = cmd["cmd"]
        if name == "quit":
            break
        if name == "score":
            reply({"ms": [side.score() for _ in range(cmd.get("repeat", 1))]})
        elif name == "rank":
            reply({"ms": [side.rank() for _ in range(cmd.get("repeat", 1))]})
        elif name == "job":
            reply(side.job())
        elif name == "marks":
            reply(side.marks(cmd["on"]))


def reply(data: dict[str, Any]) -> None:
    sys.stdout.write("@@" + json.dumps(data) + "\n")
    sys.stdout.flush()


# --- The driver --------------------------------------------------------------------------------


class Process:
    def __init__(self, label: str, tree: Path, url: str, base: str) -> None:
        self.label = label
        self.tree = tree
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
            "DISCOVERY_PROVIDERS": "article_page,feeds,local",
            "LOG_LEVEL": "WARNING",
            "PYTHONHASHSEED": "0",
        }
        env.pop("REDIS_URL", None)
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(tree), "--base", base],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.info: dict[str, Any] = {}

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("@@"):
                return json.loads(line[2:])
        raise RuntimeError(f"{self.label}: the process exited ({self.proc.wait()})")

    def ask(self, **cmd: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write('{"cmd": "quit"}\n')
            self.proc.stdin.flush()
            self.proc.wait(timeout=30)


def git_describe(tree: Path) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(tree), "log", "-1", "--format=%h %s"], capture_output=True, text=True, check=True
        ).stdout.strip()[:100]
    except (OSError, subprocess.CalledProcessError):
        marker = tree / "COMMIT"
        return marker.read_text().strip()[:100] if marker.exists() else str(tree)


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def run(trees: dict[str, Path], url: str, rounds: int) -> dict[str, Any]:
    """Interleave the sides: `trees` maps a label to a tree; "before" and "after" are required,
    any other (say the code before the whole issue) is measured without the marks phase."""
    sys.path.insert(0, str(HERE))
    from bench.support import CorpusServer

    server = CorpusServer()
    sides: dict[str, Process] = {}
    try:
        for name, tree in trees.items():
            sides[name] = Process(name, tree, url, server.base)
            sides[name].read()  # its setup is done
        for proc in sides.values():  # the indexes build in parallel
            proc.info = proc.read()
        samples: dict[str, dict[str, list[float]]] = {s: {} for s in sides}
        jobs: dict[str, dict[str, list[dict[str, Any]]]] = {s: {"plain": [], "marked": []} for s in sides}

        def record(side: str, key: str, values: list[float]) -> None:
            samples[side].setdefault(key, []).extend(values)

        for phase in ("plain", "marked"):
            for name in sides:  # marks are per claim: every side shares the claim
                sides[name].ask(cmd="marks", on=False)
            if phase == "marked":
                sides["after"].ask(cmd="marks", on=True)
            names = list(sides) if phase == "plain" else ["before", "after"]
            for r in range(rounds + 1):  # round 0 warms up and is dropped
                order = names[r % len(names) :] + names[: r % len(names)]
                if r % 2:
                    order.reverse()
                for name in order:
                    if phase == "plain":
                        s = sides[name].ask(cmd="score", repeat=3)["ms"]
                        k = sides[name].ask(cmd="rank", repeat=1)["ms"]
                        if r:
                            record(name, "score_ms", s)
                            record(name, "rank_ms", k)
                for name in order:
                    job = sides[name].ask(cmd="job")
                    if r:
                        jobs[name][phase].append(job)
                        record(name, f"job_{phase}_ms", [job["ms"]])
                print(f"[ab] {phase} round {r}/{rounds} done", flush=True)
        for name in sides:
            sides[name].ask(cmd="marks", on=False)
    finally:
        for proc in sides.values():
            proc.close()
        server.close()
    out: dict[str, Any] = {"sides": {}, "ratios": {}}
    for name, proc in sides.items():
        parts: dict[str, dict[str, float]] = {}
        for phase, runs in jobs[name].items():
            keys = sorted({k for j in runs for k in j["timings"]})
            if runs:
                parts[phase] = {k: statistics.median([j["timings"].get(k, 0.0) for j in runs]) * 1000 for k in keys}
        out["sides"][name] = {
            "tree": git_describe(proc.tree),
            "index_build_s": round(proc.info["build_s"], 2),
            "articles": proc.info["articles"],
            "queries": proc.info["queries"],
            "timings": {k: summary(v) for k, v in samples[name].items()},
            "job_parts_ms": parts,
            "suggested": {phase: [j["suggested"] for j in runs] for phase, runs in jobs[name].items() if runs},
        }
    for ref in sides:
        if ref == "after":
            continue
        ratios: dict[str, float] = {}
        for key in samples[ref]:
            ratios[key] = statistics.median(samples["after"][key]) / statistics.median(samples[ref][key])
            # Paired too: in each round the two ran next to each other.
            pairs = [a / b for a, b in zip(samples["after"][key], samples[ref][key], strict=True)]
            ratios[f"{key}_paired"] = statistics.median(pairs)
        out["ratios"][ref] = ratios
    return out


def _cell(t: dict[str, float] | None) -> str:
    return f"{t['median']:.2f} ({t['min']:.2f}–{t['max']:.2f})" if t else "—"


def markdown(result: dict[str, Any], meta: dict[str, Any]) -> str:
    sides = result["sides"]
    a = sides["after"]
    refs = [name for name in sides if name != "after"]
    ratios = result["ratios"]
    score_after = a["timings"]["score_ms"]["median"]
    job_ratio = ratios["before"]["job_plain_ms"]
    lines = [
        "# Discovery before and after, side by side (issue 16, item 6)",
        "",
        f"Generated by `python bench/ab_discovery.py` on {meta['when']} ({meta['machine']}; load average "
        f"{meta['load']} when it started, on a machine shared with other work, so the ratios are the figures and "
        f"absolute times only indicate). {meta['rounds']} rounds after one warm-up, the sides rotating and "
        "alternating direction each round, each side a long-lived process with its own source tree against the "
        f"same database ({meta['database']}).",
        "",
        *[f"- **{name}**: {side['tree']}" for name, side in sides.items()],
        "",
        "## Targets",
        "",
        "| target | measured | limit | met |",
        "|---|---:|---:|:---:|",
        f"| discovery job end to end, after / before | {job_ratio:.2f}× | ≤ {TARGET_JOB_RATIO:.2f}× | "
        f"{'yes' if job_ratio <= TARGET_JOB_RATIO else '**no**'} |",
        f"| scoring (`score_all`) per query over {a['articles'] // 1000}k documents, after, on this loaded machine "
        f"| {score_after:.2f} ms | ≤ {TARGET_SCORE_MS:.1f} ms "
        f"| {'yes' if score_after <= TARGET_SCORE_MS else '**no**'} |",
    ]
    lines += [
        "",
        "## Times (ms: median, min–max) and ratios",
        "",
        "| measurement | " + " | ".join(sides) + " | " + " | ".join(f"after / {r}" for r in refs) + " |",
        "|---|" + "---:|" * (len(sides) + len(refs)),
    ]
    names = {
        "score_ms": f"score_all per query ({a['queries']} claims, {a['articles']} articles)",
        "rank_ms": "rank per query (top 20, explanations, snippets)",
        "job_plain_ms": "discovery job end to end, a claim without marks",
        "job_marked_ms": "discovery job end to end, 3 relevant + 1 irrelevant marks (and a desk re-ranker in use "
        "on the side that has one)",
    }
    for key, label in names.items():
        cells = [_cell(side["timings"].get(key)) for side in sides.values()]
        rats = [f"{ratios[r][key]:.2f}×" if key in ratios[r] else "—" for r in refs]
        lines.append(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(rats) + " |")
    lines += [
        "",
        "Paired ratios (median over the rounds of after / the other side run next to it): "
        + "; ".join(
            f"after / {r}: "
            + ", ".join(
                f"{k.removesuffix('_ms_paired')} {v:.2f}×" for k, v in ratios[r].items() if k.endswith("_paired")
            )
            for r in refs
        )
        + ".",
        "",
        "Ranking index of the articles built once per process (then cached): "
        + ", ".join(f"{name} {side['index_build_s']:.1f} s" for name, side in sides.items())
        + ".",
        "",
        "Where a job's time goes (median ms of the job's own timings; 'pages' fetches and extracts the promising "
        "pages, 'local' searches the database's article index, 'ranking' includes storing the suggestions):",
        "",
    ]
    keys = sorted(
        {k for side in sides.values() for p in side["job_parts_ms"].values() for k in p},
        key=lambda k: (k == "total", k),
    )
    lines += ["| side, phase | " + " | ".join(keys) + " |", "|---|" + "---:|" * len(keys)]
    for label, side in sides.items():
        for phase, parts in side["job_parts_ms"].items():
            lines.append(f"| {label}, {phase} | " + " | ".join(f"{parts.get(k, 0):.0f}" for k in keys) + " |")
    lines += [
        "",
        "Suggestions stored per job: " + "; ".join(f"{name} {side['suggested']}" for name, side in sides.items()) + ".",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="the source tree before the change")
    parser.add_argument("--after", type=Path, default=HERE, help="the source tree after it (default: this one)")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="LABEL=TREE",
        help="another tree to compare, e.g. pre-issue=/tmp/x",
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve.resolve(), args.base)
        return 0
    if not args.before:
        parser.error("--before is required")
    sys.path.insert(0, str(HERE))
    from bench.database import read_marker

    meta_db = read_marker(args.database_url)
    if not meta_db:
        parser.error(f"{args.database_url} holds no bench data set: run bench/generate.py first")
    trees = {label: Path(path).resolve() for label, path in (item.split("=", 1) for item in args.also)}
    trees |= {"before": args.before.resolve(), "after": args.after.resolve()}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    result = run(trees, args.database_url, args.rounds)
    meta = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "rounds": args.rounds,
        "load": load,
        "database": f"{meta_db.get('claims')} claims, {meta_db.get('articles')} articles",
    }
    text = markdown(result, meta)
    print(text)
    if not args.no_write:
        (RESULTS / "discovery_ab.json").write_text(json.dumps({"meta": meta, **result}, indent=2) + "\n")
        (RESULTS / "discovery_ab.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
