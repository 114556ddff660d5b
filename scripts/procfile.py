"""Run process types from the Procfile and supervise them: `scripts/procfile.py [TYPE …]`.

With no TYPE, every type in the Procfile runs (one machine doing everything); name types to
split the desk over machines, e.g. `web beat` on one and `worker-fetch` on two others. Each
command runs through bash so the Procfile's `${VAR:-default}` forms work, with the project's
virtualenv first on PATH. If one process exits, the others are stopped; SIGINT or SIGTERM
stops them all, the workers with a warm shutdown (they finish the task in hand).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, Child, say, supervise

LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def read_procfile(path: Path) -> dict[str, str]:
    types: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if not match:
            raise SystemExit(f"{path}: not a Procfile line: {raw!r}")
        types[match.group(1)] = match.group(2)
    return types


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("types", nargs="*", help="process types to run (default: all)")
    parser.add_argument("--procfile", type=Path, default=ROOT / "Procfile")
    parser.add_argument("--log-dir", type=Path, help="where each process's log goes (default: $FACTCHECK_VAR_DIR/log)")
    args = parser.parse_args(argv)

    types = read_procfile(args.procfile)
    chosen = args.types or list(types)
    unknown = [name for name in chosen if name not in types]
    if unknown:
        parser.error(f"unknown process type(s) {', '.join(unknown)}; the Procfile has {', '.join(types)}")

    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    log_dir = args.log_dir or Path(env.get("FACTCHECK_VAR_DIR", ROOT / "var")) / "log"
    log_dir.mkdir(parents=True, exist_ok=True)

    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stopping.set())

    say(f"Starting {', '.join(chosen)}")
    children = [Child(name, ["bash", "-c", f"exec {types[name]}"], env, log_dir) for name in chosen]
    for child in children:
        child.pump.start()

    exit_code = supervise(children, stopping)

    say("Stopping")
    for child in reversed(children):
        # SIGTERM to the main process: Celery's warm shutdown, Gunicorn's graceful one.
        child.stop(signal.SIGTERM, whole_group=False)
    say("Stopped")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
