"""Recall and precision of claim search on the labelled query set, written to bench/results/.

    .venv/bin/python bench/search_quality.py                      # SQLite (in memory)
    DATABASE_URL=postgres://…/fc_me .venv/bin/python bench/search_quality.py --create-db

Runs tests/test_search_quality.py (the same thresholds the suite checks) with
SEARCH_QUALITY_REPORT=1, which writes search_quality_<backend>.{md,json}.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    env = {**os.environ, "SEARCH_QUALITY_REPORT": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "tests/test_search_quality.py", *sys.argv[1:]]
    sys.exit(subprocess.call(command, cwd=ROOT, env=env))
