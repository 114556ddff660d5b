#!/usr/bin/env python3
"""`make reliability`: run the tests behind each of the desk's promises, write docs/reliability.md.

Each promise names the test files (or single tests) that pin it. The script runs them once
(on PostgreSQL + Redis when they answer, since the concurrency tests need real concurrent
connections; on SQLite otherwise, and the report says which), reads pytest's JUnit XML and
the figures tests record with the `figure` fixture (tests/conftest.py), and renders the
report: for every promise, how many tests back it, how they ended, and what they measured.
A failing test makes the report say FAILED beside its promise and the command exit 1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "reliability.md"
WORK = ROOT / "var" / "reliability"


@dataclass(frozen=True)
class Promise:
    """One thing the desk promises, how it keeps it, and the tests that pin it."""

    key: str
    title: str
    promise: str
    how: str
    tests: tuple[str, ...]


PROMISES = (
    Promise(
        "no_lost_update",
        "No lost update",
        "Two people saving the same claim, verdict or appearance from the same version: exactly one "
        "write is accepted, the other is told (412 in the API, a message in the admin), and the history "
        "holds one row per accepted write.",
        "The version check and the write are one `UPDATE … WHERE version = n`; the API needs `If-Match`.",
        ("tests/test_api_concurrency.py", "tests/test_admin_concurrency.py", "tests/test_history.py"),
    ),
    Promise(
        "published_work",
        "Published work never changes silently",
        "A published verdict changes only through a correction with a public note; an empty rationale or "
        "headline on a live verdict is refused.",
        "`claim_correct` is the only write path for a live verdict; `review_save` refuses the rest.",
        ("tests/test_corrections.py",),
    ),
    Promise(
        "no_lost_job",
        "No lost or stranded job",
        "A job whose worker is killed, or whose message a broker crash lost, still finishes, exactly once; "
        "a job that cannot is reported stuck and can be retried. Notifications and webhooks are not lost "
        "either, and webhooks about one claim arrive in order.",
        "A lease with a heartbeat tells a dead run from a busy one; a periodic sweep re-sends queued jobs "
        "whose message is gone; tasks are enqueued on commit and are idempotent; desk events are rows written "
        "with their change (an outbox), processed once and swept when their task is lost.",
        (
            "tests/test_worker_loss.py",
            "tests/test_job_recovery.py",
            "tests/test_tasks_on_commit.py",
            "tests/test_watch_outbox.py",
        ),
    ),
    Promise(
        "no_ssrf",
        "No request to an internal address",
        "No outbound fetch (feeds, pages, imports, webhooks) reaches a private, loopback, link-local or "
        "otherwise reserved address, in any notation or through a redirect.",
        "One hardened HTTP client resolves the host, refuses reserved addresses before connecting and "
        "re-checks every redirect.",
        ("tests/test_ssrf.py", "tests/test_http_client.py"),
    ),
    Promise(
        "lockout",
        "Login lockout and client identity",
        "Repeated wrong passwords lock a username out from that client; wrong API tokens are throttled; "
        "a forged X-Forwarded-For does not escape either.",
        "django-axes keyed by username + client IP; one `client_ip()` trusts only configured proxies.",
        ("tests/test_login_lockout.py", "tests/test_client_ip.py"),
    ),
    Promise(
        "data_kept_deleted",
        "Data kept, and deleted when promised",
        "Every change to a claim, verdict and appearance is kept with who and when; readers' contact "
        "addresses are deleted after the retention period and never leave through the API.",
        "django-simple-history on the desk's rows; a daily purge task for tip contacts.",
        ("tests/test_tips.py", "tests/test_history.py"),
    ),
    Promise(
        "bad_input",
        "Bad input is a 4xx, never a 5xx",
        "NUL characters, broken cursors, out-of-range dates and unknown fields are answered with a clear "
        "400/404/413, as the OpenAPI document says; nothing is half-written; no third-party bytes (feeds, "
        "pages, imports) crash a parser.",
        "Refused at the edge (middleware, parsers, strict serializers) before any query sees them.",
        (
            "tests/test_middleware.py",
            "tests/test_api_fields.py",
            "tests/test_api_schema_truth.py",
            "tests/test_parser_properties.py",
        ),
    ),
)


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def run_tests(env: dict[str, str]) -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    for old in WORK.glob("figures*.json"):
        old.unlink()
    files = sorted({t for p in PROMISES for t in p.tests})
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "--create-db"]
    args += ["--junitxml", str(WORK / "junit.xml"), *files]
    env = {**env, "RELIABILITY_FIGURES": str(WORK / "figures.json")}
    return subprocess.run(args, cwd=ROOT, env=env, check=False).returncode  # noqa: S603 - fixed arguments, no shell


def read_junit(path: Path) -> list[dict[str, Any]]:
    cases = []
    # pytest's own output, just written by the run above: not untrusted input.
    for case in ET.parse(path).getroot().iter("testcase"):  # noqa: S314
        outcome = "passed"
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        module = (case.get("classname") or "").replace(".", "/") + ".py"
        cases.append({"file": module, "name": case.get("name", ""), "outcome": outcome, "time": case.get("time")})
    return cases


def read_figures(work: Path) -> list[dict[str, Any]]:
    figures: list[dict[str, Any]] = []
    for path in sorted(work.glob("figures*.json")):
        figures.extend(json.loads(path.read_text(encoding="utf-8")))
    return figures


def _belongs(case: dict[str, Any], selector: str) -> bool:
    file, _, name = selector.partition("::")
    return case["file"] == file and (not name or case["name"].split("[")[0] == name)


def render(cases: list[dict[str, Any]], figures: list[dict[str, Any]], *, database: str, commit: str) -> str:
    by_promise: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for figure in figures:
        by_promise[figure["promise"]].append(figure)
    lines = [
        "# Reliability: what the desk promises, and the tests that hold it to it",
        "",
        f"Generated by `make reliability` on {dt.date.today().isoformat()} from commit `{commit}`, "
        f"tests run on {database}. Do not edit by hand: change the tests or `scripts/reliability.py`, then "
        "run `make reliability` again.",
        "",
        "| Promise | Tests | Passed | Failed | Skipped |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    sections = []
    for promise in PROMISES:
        mine = [c for c in cases if any(_belongs(c, s) for s in promise.tests)]
        count = {k: sum(1 for c in mine if c["outcome"] == k) for k in ("passed", "failed", "skipped")}
        state = " — **FAILED**" if count["failed"] else ("" if mine else " — **not run**")
        lines.append(
            f"| [{promise.title}](#{promise.key.replace('_', '-')}){state} | {len(mine)} "
            f"| {count['passed']} | {count['failed']} | {count['skipped']} |"
        )
        section = [
            f'<a id="{promise.key.replace("_", "-")}"></a>',
            f"## {promise.title}",
            "",
            f"**Promise.** {promise.promise}",
            "",
            f"**How.** {promise.how}",
            "",
            f"**Tests.** {', '.join(f'`{t}`' for t in promise.tests)}: {count['passed']} passed, "
            f"{count['failed']} failed, {count['skipped']} skipped.",
        ]
        if count["skipped"]:
            section.append(f"(Skipped tests need what this run lacked; on {database}.)")
        if count["failed"]:
            failed = [f"`{c['file']}::{c['name']}`" for c in mine if c["outcome"] == "failed"]
            section.append(f"**Failed:** {', '.join(failed)}")
        measured = by_promise.get(promise.key, [])
        if measured:
            section += ["", "| Measured | Value | Test |", "| --- | ---: | --- |"]
            for figure in measured:
                value = figure["value"]
                shown = f"{value:.1f}" if isinstance(value, float) else str(value)
                unit = f" {figure['unit']}" if figure.get("unit") else ""
                section.append(f"| {figure['name']} | {shown}{unit} | `{figure['test']}` |")
        sections.append("\n".join(section))
    return "\n".join(lines) + "\n\n" + "\n\n".join(sections) + "\n"


def main() -> int:
    env = dict(os.environ)
    pg = env.get("PG_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/factcheck")
    redis = env.get("PG_REDIS_URL", "redis://127.0.0.1:6379/0")
    if "DATABASE_URL" not in env and reachable(pg, 5432) and reachable(redis, 6379):
        env.update(DATABASE_URL=pg, REDIS_URL=redis)
    database = "PostgreSQL + Redis" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    status = run_tests(env)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, as make itself finds it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    report = render(read_junit(WORK / "junit.xml"), read_figures(WORK), database=database, commit=commit or "?")
    OUT.write_text(report, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} (pytest exit {status})")
    return 0 if status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
