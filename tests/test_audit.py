"""`make audit` (scripts/audit.py) never reports an audit that did not happen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "audit.py"


def run_audit(tmp_path: Path, report: dict | None, *, exit_code: int = 0) -> subprocess.CompletedProcess:
    """scripts/audit.py with a stand-in pip-audit that prints `report` (or fails with no output)."""
    fake = tmp_path / "fake_pip_audit.py"
    body = json.dumps(report) if report is not None else ""
    fake.write_text(
        "import sys\n"
        f"sys.stdout.write({body!r})\n"
        "sys.stderr.write('ConnectionError: the service is unreachable\\n')\n"
        f"sys.exit({exit_code})\n"
    )
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# pinned\ndjango==5.2.9\ncelery==5.7.0\n")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(requirements)],
        capture_output=True,
        text=True,
        env={"AUDIT_COMMAND": f"{sys.executable} {fake}", "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )


def dep(name: str, version: str, vulns: list | None = None) -> dict:
    return {"name": name, "version": version, "vulns": vulns or []}


def skipped(name: str) -> dict:
    return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name}"}


def test_nothing_looked_up_is_not_audited_not_clean(tmp_path):
    # What pip-audit reports behind a mirror without PyPI's JSON API, while printing
    # "No known vulnerabilities found".
    result = run_audit(tmp_path, {"dependencies": [skipped("django"), skipped("celery")], "fixes": []})
    assert result.returncode == 2
    assert "NOT AUDITED" in result.stdout
    assert "No known vulnerabilities" not in result.stdout.replace("'No known vulnerabilities found' would", "")


def test_every_package_looked_up_and_clean(tmp_path):
    result = run_audit(tmp_path, {"dependencies": [dep("django", "5.2.9"), dep("celery", "5.7.0")], "fixes": []})
    assert result.returncode == 0
    assert "No known vulnerabilities in the 2 packages" in result.stdout
    assert "NOT AUDITED" not in result.stdout


def test_a_known_vulnerability_fails_and_names_the_fix(tmp_path):
    vuln = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"], "fix_versions": ["5.2.10"], "description": "x"}
    report = {"dependencies": [dep("django", "5.2.9", [vuln]), dep("celery", "5.7.0")], "fixes": []}
    result = run_audit(tmp_path, report, exit_code=1)
    assert result.returncode == 1
    assert "VULNERABLE django 5.2.9: PYSEC-2099-1 (CVE-2099-0001) — fixed in 5.2.10" in result.stdout


def test_partly_looked_up_says_which_were_not(tmp_path):
    result = run_audit(tmp_path, {"dependencies": [dep("django", "5.2.9"), skipped("celery")], "fixes": []})
    assert result.returncode == 2
    assert "PARTLY AUDITED: 1 of 2" in result.stdout
    assert "not audited: celery" in result.stdout


@pytest.mark.parametrize("exit_code", [0, 1])
def test_pip_audit_that_cannot_run_is_not_an_audit(tmp_path, exit_code):
    result = run_audit(tmp_path, None, exit_code=exit_code)
    assert result.returncode == 2
    assert "pip-audit could not run: ConnectionError" in result.stdout
    assert "NOT AUDITED: none of the 2 pinned packages" in result.stdout
