"""The scoring part of the ranking (`score_all`), trees side by side in one run (issue 16, item 6).

    python bench/ranking_speed.py --tree before=/tmp/tree-main --tree after=. \\
                                  [--tree pre-issue-16=/tmp/tree-517640a] [--rounds 12] [--no-write]

Needs no database: the driver writes 10 000 articles and 40 claims from the bench's
templates (`bench/corpus.py`, a fixed seed; the same generator as the bench database's
article index) to a temporary file, and each tree gets a long-lived process of its own
(the same interpreter, the tree's own `claims` package) that builds its ranking index over
them once. The driver then alternates the processes round after round, rotating which goes
first, so the noise of a shared machine falls on all alike; the ratios are the figures.

Per round and side: `score_all` for each of the 40 claims over the 10 000 articles, each
query analysed afresh (as a new claim would be), in ms per query. The last round also
returns every query's top 20, so the driver can say how far the results moved between
trees, and a digest of every query's scores (are they bit-identical?). Each sample also
records the scoring thread's CPU time, which leaves out the time other work held the core.
Results: bench/results/ranking_speed.{json,md}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import pickle
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
RESULTS = HERE / "bench" / "results"
DOCS = 10_000
QUERIES = 40
SEED = 16
TARGET_MS = 1.0
END = dt.datetime(2025, 12, 1, 12, 0, tzinfo=dt.UTC)


def make_corpus(path: Path) -> None:
    """Articles as (title, summary, text, language, published) and claims as (text, language, date)."""
    sys.path.insert(0, str(HERE))
    from bench.corpus import TextMaker

    rng = random.Random(SEED)
    maker = TextMaker(rng)
    articles = []
    for _ in range(DOCS):
        lang = "nb" if rng.random() < 0.6 else "en"
        _topic, title, summary, body = maker.article(lang)
        articles.append((title, summary, body, lang, END - dt.timedelta(days=rng.random() * 6 * 365)))
    claims = []
    for i in range(QUERIES):
        lang = "en" if i % 3 == 0 else "nb"
        _sentence, text = maker.claim_text(lang)
        claims.append((text, lang, (END - dt.timedelta(days=rng.random() * 6 * 365)).date()))
    path.write_bytes(pickle.dumps({"articles": articles, "claims": claims}))


# --- One side: a process serving commands on stdin --------------------------------------------


def serve(tree: Path, corpus: Path) -> None:
    os.chdir(tree)
    sys.path[:1] = [str(tree)]  # this tree's claims package, not the driver's
    import django

    django.setup()
    import logging

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    from claims.discovery import ranking as rk
    from claims.models import Article

    data = pickle.loads(corpus.read_bytes())  # noqa: S301 - the driver's own temporary file
    articles = [
        Article(id=i, url=f"https://news.example/a{i}", title=title, summary=summary, text=text, language=lang,
                published_at=published, content_hash=hashlib.sha256(text.encode()).hexdigest())
        for i, (title, summary, text, lang, published) in enumerate(data["articles"], start=1)
    ]  # fmt: skip
    queries = [rk.Query(text=text, language=lang, date=date) for text, lang, date in data["claims"]]
    started = time.perf_counter()
    index = rk.index_for(articles)
    reply({"ok": True, "build_s": time.perf_counter() - started, "articles": len(articles), "queries": len(queries)})

    def score() -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.thread_time()
        for query in queries:
            rk._analyse.cache_clear()  # each query analysed afresh, as a new claim would be
            rk.score_all(index, query)
        wall, cpu = time.perf_counter() - started, time.thread_time() - cpu
        return wall * 1000 / len(queries), cpu * 1000 / len(queries)

    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "quit":
            break
        if cmd["cmd"] == "score":
            passes = [score() for _ in range(cmd.get("repeat", 1))]
            reply({"ms": [wall for wall, _cpu in passes], "cpu_ms": [cpu for _wall, cpu in passes]})
        elif cmd["cmd"] == "top":
            scores = [rk.score_all(index, q).combined for q in queries]
            digest = hashlib.sha256(b"".join(c.tobytes() for c in scores)).hexdigest()
            reply({"top": [rk._best_first(c, 20) for c in scores], "digest": digest})


def reply(data: dict[str, Any]) -> None:
    sys.stdout.write("@@" + json.dumps(data) + "\n")
    sys.stdout.flush()


# --- The driver --------------------------------------------------------------------------------


class Process:
    def __init__(self, label: str, tree: Path, corpus: Path) -> None:
        self.label = label
        self.tree = tree
        sys.path.insert(0, str(HERE))
        from bench.support import offline_env

        env = offline_env()  # no database is touched: SQLite defaults
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(tree), "--corpus", str(corpus)],
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


def describe(tree: Path) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(tree), "log", "-1", "--format=%h %s"], capture_output=True, text=True, check=True
        ).stdout.strip()[:100]
    except (OSError, subprocess.CalledProcessError):
        marker = tree / "COMMIT"
        return marker.read_text().strip()[:100] if marker.exists() else str(tree)


def agreement(a: list[list[int]], b: list[list[int]]) -> dict[str, float]:
    """How far b's results are from a's: identical top 5, same top-20 set, mean top-20 overlap."""
    return {
        "top5_identical": sum(x[:5] == y[:5] for x, y in zip(a, b, strict=True)) / len(a),
        "top20_same_set": sum(set(x) == set(y) for x, y in zip(a, b, strict=True)) / len(a),
        "top20_overlap": statistics.mean(len(set(x) & set(y)) / max(len(x), 1) for x, y in zip(a, b, strict=True)),
    }


def run(trees: dict[str, Path], rounds: int, repeat: int) -> dict[str, Any]:
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.pickle"
        make_corpus(corpus)
        sides = {name: Process(name, tree, corpus) for name, tree in trees.items()}
        try:
            for proc in sides.values():  # the indexes build in parallel
                proc.info = proc.read()
            samples: dict[str, list[float]] = {name: [] for name in sides}
            cpu_samples: dict[str, list[float]] = {name: [] for name in sides}
            paired: dict[str, list[float]] = {name: [] for name in sides if name != "after"}
            names = list(sides)
            for r in range(rounds + 1):  # round 0 warms up and is dropped
                order = names[r % len(names) :] + names[: r % len(names)]
                if r % 2:
                    order.reverse()
                answers = {name: sides[name].ask(cmd="score", repeat=repeat) for name in order}
                if r == 0:
                    continue
                got = {name: statistics.median(answer["ms"]) for name, answer in answers.items()}
                for name, ms in got.items():
                    samples[name].append(ms)
                    cpu_samples[name].append(statistics.median(answers[name]["cpu_ms"]))
                for name in paired:
                    paired[name].append(got["after"] / got[name])
            answers = {name: proc.ask(cmd="top") for name, proc in sides.items()}
            tops = {name: answer["top"] for name, answer in answers.items()}
            digests = {name: answer["digest"] for name, answer in answers.items()}
        finally:
            for proc in sides.values():
                proc.close()
    return {
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_start": [round(x, 1) for x in load_start],
        "load_end": [round(x, 1) for x in os.getloadavg()],
        "rounds": rounds,
        "repeat": repeat,
        "articles": DOCS,
        "queries": QUERIES,
        "sides": {name: describe(tree) for name, tree in trees.items()},
        "build_s": {name: round(proc.info["build_s"], 1) for name, proc in sides.items()},
        "score_ms": samples,
        "score_cpu_ms": cpu_samples,
        "paired_after_over": {name: statistics.median(v) for name, v in paired.items()},
        "agreement_with_after": {
            name: {**agreement(tops[name], tops["after"]), "scores_identical": digests[name] == digests["after"]}
            for name in sides
            if name != "after"
        },
    }


def render(res: dict[str, Any]) -> str:
    names = list(res["sides"])
    med = {n: statistics.median(res["score_ms"][n]) for n in names}
    # On a shared machine the lower decile is the closest to the cost without contention.
    low = {n: statistics.quantiles(res["score_ms"][n], n=10)[0] for n in names}
    # The scoring thread's CPU time leaves out the time other work held the core.
    cpu = {n: statistics.median(res["score_cpu_ms"][n]) for n in names if res.get("score_cpu_ms", {}).get(n)}
    lines = [
        "# Ranking speed: `score_all` side by side (issue 16, item 6)",
        "",
        f"Generated by `python bench/ranking_speed.py` on {res['generated']} ({res['machine']}; load average "
        f"{', '.join(map(str, res['load_start']))} at the start and {', '.join(map(str, res['load_end']))} at the "
        "end, on a machine shared with other work, so the ratios are the figures and absolute times only "
        f"indicate). {res['rounds']} rounds after one warm-up, the sides rotating and alternating direction each "
        "round (paired: after against the side measured next to it in the same round); each sample is the "
        f"median of {res['repeat']} passes of {res['queries']} claims (each analysed "
        f"afresh) over {res['articles']} articles from the bench's templates (bench/corpus.py), the index built "
        "once per process.",
        "",
        *[f"- **{n}**: {res['sides'][n]}" for n in names],
        "",
        "| side | after / side, paired | after / side (medians) | after / side (lower deciles) | ms per query, "
        "median (min–max) | lower decile | CPU ms per query, median | index build (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in names:
        s = res["score_ms"][n]
        ratio = med["after"] / med[n]
        paired = res["paired_after_over"].get(n)
        lines.append(
            f"| {n} | {'—' if paired is None else f'{paired:.2f}×'} | {ratio:.2f}× | {low['after'] / low[n]:.2f}× | "
            f"{med[n]:.3f} ({min(s):.3f}–{max(s):.3f}) | {low[n]:.3f} | "
            f"{f'{cpu[n]:.3f}' if n in cpu else '—'} | {res['build_s'][n]} |"
        )
    lines += [
        "",
        f"Target: ≤ {TARGET_MS:.1f} ms per query for after: {med['after']:.3f} ms on this machine at this load "
        f"({'met' if med['after'] <= TARGET_MS else 'not met'} here)"
        + (f"; the scoring thread's CPU time {cpu['after']:.3f} ms." if "after" in cpu else "."),
        "",
        "How far after's results are from each side's (the same 40 queries; rows best first):",
        "",
        "| side | top 5 identical | top-20 set identical | mean top-20 overlap | all scores bit-identical |",
        "|---|---:|---:|---:|:---:|",
    ]
    for n, a in res["agreement_with_after"].items():
        same = {True: "yes", False: "no"}.get(a.get("scores_identical"), "—")
        lines.append(
            f"| {n} | {a['top5_identical']:.0%} | {a['top20_same_set']:.0%} | {a['top20_overlap']:.3f} | {same} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", action="append", default=[], help="label=path; 'after' is required")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.corpus)
        return 0
    trees = {label: Path(path).resolve() for label, path in (t.split("=", 1) for t in args.tree)}
    if "after" not in trees or len(trees) < 2:
        parser.error("give --tree after=PATH and at least one other --tree label=PATH")
    res = run(trees, args.rounds, args.repeat)
    text = render(res)
    print(text)
    if not args.no_write:
        (RESULTS / "ranking_speed.json").write_text(json.dumps(res, indent=2, default=str) + "\n")
        (RESULTS / "ranking_speed.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
