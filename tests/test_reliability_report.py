"""scripts/reliability.py: the report says what ran, what failed and what was measured."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("reliability", ROOT / "scripts" / "reliability.py")
reliability = importlib.util.module_from_spec(spec)
sys.modules["reliability"] = reliability  # dataclasses look their module up there
spec.loader.exec_module(reliability)

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
<testcase classname="tests.test_ssrf" name="test_block_list[10.0.0.1]" time="0.01"/>
<testcase classname="tests.test_ssrf" name="test_block_list[::1]" time="0.01"/>
<testcase classname="tests.test_login_lockout" name="test_lockout" time="0.2"><failure message="boom"/></testcase>
<testcase classname="tests.test_api_concurrency" name="test_race" time="0.0"><skipped message="needs pg"/></testcase>
</testsuite></testsuites>
"""


def test_every_promise_names_test_files_that_exist():
    for promise in reliability.PROMISES:
        assert promise.tests, promise.key
        for selector in promise.tests:
            assert (ROOT / selector.split("::")[0]).exists(), selector


def test_report_counts_outcomes_marks_failures_and_lists_figures(tmp_path):
    junit = tmp_path / "junit.xml"
    junit.write_text(JUNIT)
    (tmp_path / "figures.json").write_text(
        '[{"promise": "no_ssrf", "name": "reserved addresses refused", "value": 38, "unit": "", '
        '"test": "tests/test_ssrf.py::test_every_reserved_range_is_refused"}]'
    )
    cases = reliability.read_junit(junit)
    assert [c["outcome"] for c in cases] == ["passed", "passed", "failed", "skipped"]
    text = reliability.render(cases, reliability.read_figures(tmp_path), database="SQLite", commit="abc1234")
    assert "from commit `abc1234`, tests run on SQLite" in text
    assert "| [No request to an internal address](#no-ssrf) | 2 | 2 | 0 | 0 |" in text
    assert "Login lockout and client identity](#lockout) — **FAILED** | 1 | 0 | 1 | 0 |" in text
    assert "**Failed:** `tests/test_login_lockout.py::test_lockout`" in text
    assert "| reserved addresses refused | 38 | `tests/test_ssrf.py::test_every_reserved_range_is_refused` |" in text
    # A promise none of whose tests ran says so rather than passing quietly.
    assert "[Published work never changes silently](#published-work) — **not run** | 0 |" in text
