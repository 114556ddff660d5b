#!/usr/bin/env python3
"""`make audit`: known vulnerabilities in the pinned requirements, and an honest verdict.

pip-audit prints "No known vulnerabilities found" even when it could look up none of the
packages (offline, or a registry mirror without PyPI's JSON API): every package is then
"skipped", and the happy sentence describes an audit that never happened. This wrapper
reads pip-audit's JSON report and says which of three things is true:

* exit 0 — every pinned package was looked up and none has a known vulnerability;
* exit 1 — at least one known vulnerability (listed with the versions that fix it);
* exit 2 — NOT AUDITED, or only partly: the packages that could not be looked up are
  named, and nothing is claimed about them.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"


@dataclass
class Verdict:
    """What one pip-audit report shows, and the exit code that says it."""

    audited: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    vulnerable: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def code(self) -> int:
        if self.vulnerable:
            return 1
        if self.skipped or not self.audited:
            return 2
        return 0

    def lines(self) -> list[str]:
        total = len(self.audited) + len(self.skipped)
        out: list[str] = []
        for name, vulns in sorted(self.vulnerable.items()):
            for vuln in vulns:
                fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
                aliases = ", ".join(vuln.get("aliases") or [])
                out.append(
                    f"VULNERABLE {name} {vuln.get('version', '')}: {vuln.get('id')} ({aliases}) — fixed in {fixes}"
                )
        if not self.audited:
            reasons = sorted(set(self.skipped.values()))[:1]
            out.append(
                f"NOT AUDITED: none of the {total} pinned packages could be looked up, so nothing is known "
                "about their vulnerabilities (pip-audit's own 'No known vulnerabilities found' would be wrong here)."
            )
            if reasons:
                out.append(f"  first reason given: {reasons[0]}")
            out.append("  Run `make audit` where PyPI's JSON API (or OSV: AUDIT_SERVICE=osv) is reachable.")
        elif self.skipped:
            out.append(
                f"PARTLY AUDITED: {len(self.audited)} of {total} packages looked up; "
                f"not audited: {', '.join(sorted(self.skipped))}."
            )
        if self.audited and not self.vulnerable:
            out.append(f"No known vulnerabilities in the {len(self.audited)} packages that were looked up.")
        return out


def read_report(report: dict[str, Any]) -> Verdict:
    verdict = Verdict()
    for dep in report.get("dependencies", []):
        name = dep.get("name", "?")
        if dep.get("skip_reason"):
            verdict.skipped[name] = dep["skip_reason"]
            continue
        verdict.audited.append(name)
        vulns = dep.get("vulns") or []
        if vulns:
            verdict.vulnerable[name] = [{**v, "version": dep.get("version", "")} for v in vulns]
    return verdict


def pinned_names(requirements: Path) -> list[str]:
    names = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-") and "==" in line:
            names.append(line.split("==", 1)[0].strip())
    return names


def run_pip_audit(requirements: Path) -> dict[str, Any]:
    # AUDIT_COMMAND lets a test (or an unusual set-up) put another pip-audit in its place.
    command = shlex.split(os.environ.get("AUDIT_COMMAND", f"{shlex.quote(sys.executable)} -m pip_audit"))
    service = os.environ.get("AUDIT_SERVICE", "pypi")
    args = [
        *command,
        "--requirement",
        str(requirements),
        "--no-deps",  # requirements.txt pins every package, dependencies included
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--vulnerability-service",
        service,
        "--format",
        "json",
    ]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603 - no shell
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        # pip-audit itself failed (no network at all, say): that is not an audit either.
        detail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"dependencies": [], "error": detail}


def main(argv: list[str]) -> int:
    requirements = Path(argv[1]) if len(argv) > 1 else REQUIREMENTS
    report = run_pip_audit(requirements)
    verdict = read_report(report)
    if report.get("error"):
        print(f"pip-audit could not run: {report['error']}")
        for name in pinned_names(requirements):
            verdict.skipped.setdefault(name, f"pip-audit could not run: {report['error']}")
    for line in verdict.lines():
        print(line)
    return verdict.code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
