"""Timing machinery: interleaved variants, medians and ratios, query counts, and the tables.

Variants of one comparison run in the same process, alternately (A B A B …, with the order
reversed every other round), so that the machine's noise lands on all of them alike; the
ratios between their medians are the figures that matter, absolute times only indicate.
"""

from __future__ import annotations

import gc
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections
from django.test.utils import CaptureQueriesContext


@dataclass(eq=False)
class Scale:
    """One generated database: its label ("20k", or "20k/2m" for 2M articles), URL, and the
    Django connection that serves it."""

    label: str
    url: str
    claims: int
    wrapper: Any = None
    articles: int = 100_000
    meta: dict[str, Any] = field(default_factory=dict)

    def activate(self) -> None:
        # Swapping the thread's "default" connection lets one process alternate between
        # databases without reconnecting, so cross-scale ratios are interleaved too.
        connections["default"] = self.wrapper


@dataclass
class Context:
    """What every case gets: the scales, how many runs, and logged-in test clients per scale."""

    scales: list[Scale]
    repeat: int
    quick: bool = False
    redis_url: str = ""
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    # Things cases share (a worker process) and how to stop them when the run ends.
    resources: dict[str, Any] = field(default_factory=dict)
    closers: list[Callable[[], Any]] = field(default_factory=list)

    def scale(self, label: str) -> Scale | None:
        return next((s for s in self.scales if s.label == label), None)

    @property
    def smallest(self) -> Scale:
        return min(self.scales, key=lambda s: s.claims)

    @property
    def largest(self) -> Scale:
        return max(self.scales, key=lambda s: s.claims)

    def client(self, scale: Scale, username: str = "") -> Any:
        """A test Client for this scale, logged in as `username` (anonymous when empty)."""
        from django.contrib.auth import get_user_model
        from django.test import Client

        key = (scale.label, username)
        if key not in self._clients:
            scale.activate()
            client = Client()
            if username:
                client.force_login(get_user_model().objects.get(username=username))
            self._clients[key] = client
        return self._clients[key]

    def server_version(self) -> str:
        self.smallest.activate()
        with connections["default"].cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()
        for scale in self.scales:
            scale.wrapper.close()


@dataclass
class Variant:
    """One thing to time: a callable, and the scale (database) it runs against."""

    name: str
    fn: Callable[[], Any]
    scale: Scale | None = None


@dataclass
class Timing:
    name: str
    scale: str
    samples_ms: list[float]
    queries: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    def as_dict(self) -> dict[str, Any]:
        return {
            "variant": self.name,
            "scale": self.scale,
            "median_ms": round(self.median, 3),
            "min_ms": round(min(self.samples_ms), 3),
            "max_ms": round(max(self.samples_ms), 3),
            "n": len(self.samples_ms),
            "queries": self.queries,
        }


@dataclass
class Check:
    """A target from issue 5 and whether this run met it."""

    case: str
    description: str
    value: float
    limit: float
    unit: str = "×"
    scale: str = ""
    at_least: bool = False  # the target is a floor (value ≥ limit), not a ceiling

    @property
    def ok(self) -> bool:
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "value": round(self.value, 3), "ok": self.ok}


@dataclass
class CaseResult:
    """Everything one case measured: timings per comparison, targets, and free-form notes."""

    key: str
    title: str
    tables: list[tuple[str, list[Timing], str | None]] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, heading: str, timings: list[Timing], baseline: str | None = None) -> None:
        self.tables.append((heading, timings, baseline))

    def check(
        self, description: str, value: float, limit: float, *, unit: str = "×", scale: str = "", at_least: bool = False
    ) -> Check:
        item = Check(self.key, description, value, limit, unit, scale, at_least)
        self.checks.append(item)
        return item

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "tables": [
                {
                    "heading": heading,
                    "baseline": baseline,
                    "rows": [{**t.as_dict(), "ratio": _ratio(t, timings, baseline)} for t in timings],
                }
                for heading, timings, baseline in self.tables
            ],
            "checks": [c.as_dict() for c in self.checks],
            "notes": self.notes,
            "extra": self.extra,
        }


def _ratio(timing: Timing, timings: list[Timing], baseline: str | None) -> float | None:
    if baseline is None:
        return None
    base = next((t for t in timings if t.name == baseline), None)
    if base is None or base.median <= 0:
        return None
    return round(timing.median / base.median, 2)


def _time_once(variant: Variant) -> float:
    if variant.scale is not None:
        variant.scale.activate()
    gc.collect()
    start = time.perf_counter()
    variant.fn()
    return (time.perf_counter() - start) * 1000


def measure(variants: Sequence[Variant], *, repeat: int, warmup: int = 2) -> list[Timing]:
    """Run every variant `repeat` times, interleaved, after `warmup` untimed calls each."""
    for variant in variants:
        for _ in range(warmup):
            _time_once(variant)
    samples: dict[str, list[float]] = {v.name: [] for v in variants}
    for round_no in range(repeat):
        order = variants if round_no % 2 == 0 else list(reversed(variants))
        for variant in order:
            samples[variant.name].append(_time_once(variant))
    return [Timing(v.name, v.scale.label if v.scale else "", samples[v.name]) for v in variants]


def count_queries(variant: Variant) -> tuple[int, list[str]]:
    """Queries one call makes (in a separate, untimed call: capturing slows queries down)."""
    if variant.scale is not None:
        variant.scale.activate()
    with CaptureQueriesContext(connections["default"]) as ctx:
        variant.fn()
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def with_query_counts(variants: Sequence[Variant], timings: list[Timing]) -> list[Timing]:
    by_name = {t.name: t for t in timings}
    for variant in variants:
        by_name[variant.name].queries = count_queries(variant)[0]
    return timings


def get(timings: list[Timing], name: str) -> Timing:
    return next(t for t in timings if t.name == name)


# --- Output ------------------------------------------------------------------------------


def fmt_value(value: float, unit: str) -> str:
    """2.96×, 12.2 ms, 3 queries."""
    if unit == "×":
        return f"{value:.2f}×"
    if unit.strip() == "ms":
        return f"{value:.1f} ms"
    return f"{value:g}{unit}"


def fmt_ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def markdown(results: list[CaseResult], meta: dict[str, Any]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run {meta['started']} on {meta['machine']}; repeat={meta['repeat']}; "
        f"scales: {', '.join(meta['scales'])}. Times in ms (median, min–max over the runs); "
        "ratios are against the row marked *baseline*. Absolute times are indicative only.",
        "",
    ]
    all_checks = [c for r in results for c in r.checks]
    if all_checks:
        lines += [
            "## Targets",
            "",
            "| case | target | scale | measured | limit | met |",
            "|---|---|---|---:|---:|:---:|",
        ]
        for c in all_checks:
            value = fmt_value(c.value, c.unit)
            limit = ("≥ " if c.at_least else "≤ ") + fmt_value(c.limit, c.unit)
            lines.append(
                f"| {c.case} | {c.description} | {c.scale} | {value} | {limit} | {'yes' if c.ok else '**no**'} |"
            )
        lines.append("")
    for result in results:
        lines += [f"## {result.key}. {result.title}", ""]
        for heading, timings, baseline in result.tables:
            lines += [f"**{heading}**", "", "| variant | scale | median | min–max | ratio | queries |",
                      "|---|---|---:|---:|---:|---:|"]  # fmt: skip
            for t in timings:
                ratio = _ratio(t, timings, baseline)
                marker = " *(baseline)*" if t.name == baseline else ""
                lines.append(
                    f"| {t.name}{marker} | {t.scale} | {fmt_ms(t.median)} | {fmt_ms(min(t.samples_ms))}–"
                    f"{fmt_ms(max(t.samples_ms))} | {'' if ratio is None else f'{ratio:.2f}×'} | "
                    f"{'' if t.queries is None else t.queries} |"
                )
            lines.append("")
        for note in result.notes:
            lines.append(f"- {note}")
        if result.notes:
            lines.append("")
    return "\n".join(lines)


def write_results(results: list[CaseResult], meta: dict[str, Any], out_dir: Path, *, name: str = "latest") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {"meta": meta, "cases": [r.as_dict() for r in results]}
    (out_dir / f"{name}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    md = out_dir / f"{name}.md"
    md.write_text(markdown(results, meta) + "\n")
    return md
