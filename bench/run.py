"""The benchmark suite (issue 5): `make bench`, or

    .venv/bin/python bench/run.py [--scale 20k,200k] [--cases api,compiled,growth,search,admin,discovery,celery,
                                  retrieval,million] [--repeat 15] [--quick] [--regenerate | --no-generate]

A scale is a claim count, optionally with an article count: `20k/2m` is 20k claims and 2M
articles in `fc_bench_20k_2m` (the others hold `--articles`, 100k by default). The 2M-article
and 1M-claim data sets take a quarter of an hour each to load, so only an explicit `--scale`
brings them in: `bench/run.py --scale 20k,20k/2m --cases retrieval` and
`bench/run.py --scale 20k,1m --articles 20000 --cases million --name million` (issue 17).

For each scale it makes sure the database `fc_bench_<scale>` holds the generated data set
(running bench/generate.py when it does not), then runs Django in this process against
those databases (DEBUG off, so no query log), drives the views with the test Client, and
writes bench/results/latest.json and latest.md (or partial.* for a subset).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import platform
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
from bench.harness import CaseResult, Scale, fmt_value, write_results  # noqa: E402

ALL_CASES = ("api", "compiled", "growth", "search", "admin", "discovery", "celery", "retrieval", "million")
DEFAULT_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_bench_{scale}")
DEFAULT_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
RESULTS = ROOT / "bench" / "results"
STATIC_DIR = ROOT / "var" / "bench-static"  # empty; only so WhiteNoise has a directory to watch


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def make_scale(label: str, default_articles: int) -> Scale:
    """A scale from its label: "20k" (claims; `default_articles` articles) or "20k/2m" (claims/articles)."""
    claims, _, articles = label.partition("/")
    name = label.replace("/", "_")
    count = parse_count(articles) if articles else default_articles
    return Scale(label, DEFAULT_URL.format(scale=name), parse_count(claims), articles=count)


def ensure_data(scale: Scale, *, regenerate: bool, allow_generate: bool) -> None:
    articles = scale.articles
    meta = read_marker(scale.url)
    fresh = meta is not None and (meta.get("claims"), meta.get("articles"), meta.get("version")) == (
        scale.claims,
        articles,
        GENERATOR_VERSION,
    )
    if fresh and not regenerate:
        scale.meta = meta
        return
    if not allow_generate:
        raise SystemExit(f"{scale.url} holds no {scale.label} data set; run without --no-generate.")
    log(f"generating the {scale.label} data set in {scale.url} …")
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--database-url", scale.url,
         "--claims", str(scale.claims), "--articles", str(articles)],
        check=True,
    )  # fmt: skip
    scale.meta = read_marker(scale.url) or {}


def setup_django(first_url: str) -> None:
    """Production-like settings (DEBUG off, Redis cache), adjusted only so the test Client can call in."""
    os.environ.update(
        {
            "DATABASE_URL": first_url,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "DJANGO_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SESSION_COOKIE_SECURE": "0",
            "DJANGO_CSRF_COOKIE_SECURE": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "REDIS_URL": DEFAULT_REDIS,
            "API_THROTTLE_ANON": "10000000/hour",
            "API_THROTTLE_USER": "10000000/hour",
            "LOG_LEVEL": "WARNING",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "STATIC_ROOT": str(STATIC_DIR),
        }
    )
    STATIC_DIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.test.utils import override_settings, setup_test_environment

    # The manifest storage needs collectstatic; plain storage renders the same admin pages.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        ROOT_URLCONF="bench.urls",
    ).enable()
    # The test Client wants the locmem mail backend and template-render signals of a test
    # environment; DEBUG stays off.
    setup_test_environment(debug=False)


def connect_scales(scales: list[Scale]) -> None:
    import dj_database_url
    from django.db import connections
    from django.db.utils import load_backend

    base = connections.settings["default"]
    for scale in scales:
        parsed = dj_database_url.parse(scale.url)
        settings_dict = copy.deepcopy(base)
        settings_dict.update({k: parsed[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")})
        scale.wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    # Content types are cached by id; the scales share them only if both were migrated alike.
    seen = set()
    for scale in scales:
        scale.activate()
        from django.contrib.contenttypes.models import ContentType

        seen.add(tuple(ContentType.objects.order_by("id").values_list("id", "app_label", "model")))
    if len(seen) > 1:
        raise SystemExit("The bench databases have different content type ids; regenerate them.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="factcheck benchmark suite (issue 5)")
    parser.add_argument("--scale", default="20k,200k", help="comma-separated claim counts, e.g. 20k,200k")
    parser.add_argument("--cases", default=",".join(ALL_CASES), help=f"comma-separated, from {', '.join(ALL_CASES)}")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per variant (default 15, quick 5)")
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller discovery/celery workloads")
    parser.add_argument("--articles", type=parse_count, default=100_000, help="articles in the index (default 100k)")
    parser.add_argument("--regenerate", action="store_true", help="reload the data sets even if present")
    parser.add_argument("--no-generate", action="store_true", help="fail instead of generating missing data")
    parser.add_argument("--name", default=None, help="results file name (default latest, or partial for a subset)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = set(cases) - set(ALL_CASES)
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    labels = [s.strip().lower() for s in args.scale.split(",") if s.strip()]
    scales = [make_scale(label, args.articles) for label in labels]
    repeat = args.repeat or (5 if args.quick else 15)

    for scale in scales:
        ensure_data(scale, regenerate=args.regenerate, allow_generate=not args.no_generate)
    setup_django(scales[0].url)
    connect_scales(scales)

    from bench.cases import REGISTRY
    from bench.harness import Context

    ctx = Context(scales=scales, repeat=repeat, quick=args.quick, redis_url=DEFAULT_REDIS)
    started = dt.datetime.now(dt.UTC)
    results: list[CaseResult] = []
    for key in cases:
        log(f"case {key} …")
        t = time.perf_counter()
        result = REGISTRY[key](ctx)
        results.append(result)
        for check in result.checks:
            limit = ("≥ " if check.at_least else "≤ ") + fmt_value(check.limit, check.unit)
            log(f"  {'ok  ' if check.ok else 'MISS'} {check.description} [{check.scale or '–'}]: "
                f"{fmt_value(check.value, check.unit)} (target {limit})")  # fmt: skip
        log(f"  ({time.perf_counter() - t:.0f}s)")
    ctx.close()

    meta: dict[str, Any] = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{ctx.server_version()}",
        "repeat": repeat,
        "quick": args.quick,
        "scales": [s.label for s in scales],
        "data": {s.label: s.meta for s in scales},
    }
    full = set(cases) == set(ALL_CASES) and len(scales) > 1
    md = write_results(results, meta, RESULTS, name=args.name or ("latest" if full else "partial"))
    log(f"wrote {md} and {md.with_suffix('.json')}")
    print(md.read_text())
    missed = [c for r in results for c in r.checks if not c.ok]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
