#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

In a checkout where `make run` is (or was) running, var/run.env holds the settings that run
used (DEBUG, the site URL, the database); they apply here too unless the environment sets
them, so `manage.py issue_token …` in a second terminal works on the same desk as written in
README. A settings error is one line naming the variable, not a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def load_run_env() -> None:
    var_dir = Path(os.environ.get("FACTCHECK_VAR_DIR") or ROOT / "var")
    path = var_dir / "run.env"
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    load_run_env()
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - read the settings now, to report a bad one in one line
    except ImproperlyConfigured as exc:
        sys.exit(f"error: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
