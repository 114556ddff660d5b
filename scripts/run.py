"""`make run`: prepare the database, then supervise the web app and a Celery worker.

Steps: migrate, make sure an `admin` superuser exists with a known password, load the
demo desk (when the `load_demo` command exists), then start `runserver` and
`celery worker -B` side by side. Ctrl-C (SIGINT) or SIGTERM stops both; if either
exits on its own, the other is stopped too, so nothing is ever left running.

Children run in their own sessions so that the terminal's Ctrl-C reaches only this
supervisor; it then shuts them down in order (the worker gets a warm shutdown and may
finish the task in hand) and kills whatever is left of their process groups.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = os.environ.get("FACTCHECK_HOST", "127.0.0.1")
PORT = int(os.environ.get("FACTCHECK_PORT", "8000"))
STOP_GRACE_SECONDS = 15

_ENSURE_ADMIN = """
import os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

user, _ = get_user_model().objects.get_or_create(username="admin", defaults={"email": "admin@localhost"})
user.is_active = user.is_staff = user.is_superuser = True
user.set_password(os.environ["FACTCHECK_ADMIN_PASSWORD"])
user.save()
group = Group.objects.filter(name="Admin").first()
if group:
    user.groups.add(group)
"""


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def site_url(host: str, port: int) -> str:
    """The public base URL of this local run: where a browser on this machine reaches it."""
    shown_host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104 - a name to show, not bind
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    return f"http://{shown_host}:{port}"


# What a second terminal's manage.py needs to see the same desk as this run (manage.py reads
# var/run.env for any of these its environment does not set).
RUN_ENV_KEYS = (
    "DJANGO_DEBUG",
    "FACTCHECK_SITE_URL",
    "EMAIL_BACKEND",
    "DATABASE_URL",
    "REDIS_URL",
    "FACTCHECK_VAR_DIR",
)


def dev_env(host: str = HOST, port: int = PORT) -> dict[str, str]:
    env = dict(os.environ)
    # DEBUG is off by default everywhere else; only this local run switches it on.
    env["DJANGO_DEBUG"] = "1"
    # Mails (tipsters' notices) are printed to the web and worker logs, never sent.
    env.setdefault("EMAIL_BACKEND", "console")
    env.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    env["PYTHONUNBUFFERED"] = "1"
    # Links in published fact-checks and ClaimReview must point where this run serves.
    env.setdefault("FACTCHECK_SITE_URL", site_url(host, port))
    return env


def write_run_env(env: dict[str, str], var_dir: Path) -> Path:
    """Write var/run.env so `manage.py …` in another terminal uses this run's settings."""
    path = var_dir / "run.env"
    lines = [f"{key}={env[key]}" for key in RUN_ENV_KEYS if env.get(key)]
    path.touch(mode=0o600)
    header = "# Written by `make run` (scripts/run.py); read by manage.py. Safe to delete.\n"
    path.write_text(header + "\n".join(lines) + "\n")
    return path


def manage(*args: str, env: dict[str, str], capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    if result.returncode != 0:
        if capture and result.stdout:
            print(result.stdout, end="")
        raise SystemExit(f"manage.py {' '.join(args)} failed (exit {result.returncode})")
    return result.stdout or ""


def shown(path: Path) -> str:
    """A path as a newcomer would type it: relative to the checkout when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def admin_password(var_dir: Path) -> tuple[str, str]:
    """The admin password and where it came from: the environment, or a generated one kept in var/."""
    if os.environ.get("FACTCHECK_ADMIN_PASSWORD"):
        return os.environ["FACTCHECK_ADMIN_PASSWORD"], "from FACTCHECK_ADMIN_PASSWORD"
    stored = var_dir / "admin-password"
    if stored.exists() and stored.read_text().strip():
        return stored.read_text().strip(), f"generated earlier, kept in {shown(stored)}"
    password = secrets.token_urlsafe(12)
    stored.touch(mode=0o600)
    stored.write_text(password + "\n")
    return password, f"generated, kept in {shown(stored)}"


def demo_logins(output: str) -> list[str]:
    """The desk users' login lines from load_demo's output ("Demo logins …:" then indented lines)."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Demo logins")), None)
    if start is None:
        return []
    logins = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        username, *password, role = line.split()
        if username != "admin":  # shown separately, with the password set here
            logins.append(f"{username} / {' '.join(password)}   ({role})")
    return logins


def prepare(env: dict[str, str], var_dir: Path) -> tuple[str, str, list[str]]:
    """Migrate, set the admin login, load the demo; returns (admin password, its origin, demo logins)."""
    say("Applying database migrations")
    manage("migrate", "--noinput", env=env)
    # The admin first: load_demo leaves existing users as they are, so the password set
    # here is the one that works, whatever load_demo would have given a new `admin`.
    password, origin = admin_password(var_dir)
    say("Ensuring the admin login")
    manage("shell", "-c", _ENSURE_ADMIN, env={**env, "FACTCHECK_ADMIN_PASSWORD": password}, capture=True)
    logins: list[str] = []
    commands = manage("help", "--commands", env=env, capture=True).split()
    if "load_demo" in commands:
        say("Loading the demo desk (load_demo)")
        output = manage("load_demo", env=env, capture=True)
        print(output, end="" if output.endswith("\n") else "\n", flush=True)
        logins = demo_logins(output)
    else:
        say("No load_demo command; starting with an empty desk")
    return password, origin, logins


try:
    _LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:  # not glibc: children are still stopped on every normal exit path
    _LIBC = None


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the supervisor itself is killed, so nothing is orphaned."""
    os.setsid()
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _pump(stream: IO[str], prefix: str, log: IO[str]) -> None:
    for line in stream:
        sys.stdout.write(f"{prefix} {line}")
        sys.stdout.flush()
        log.write(line)
        log.flush()


class Child:
    """One supervised process, its output prefixed on the console and copied to var/log/."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log = self.log_path.open("a", encoding="utf-8")
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argument lists, no shell
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            # Safe here: every child is forked before the first output thread starts.
            preexec_fn=_die_with_parent,
        )
        self.pump = threading.Thread(target=_pump, args=(self.proc.stdout, f"[{name}]", self.log), daemon=True)

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)

    def stop(self, sig: int, *, whole_group: bool) -> None:
        """Send `sig` (to the main process or its whole group), wait, then kill anything left."""
        if self.proc.poll() is None:
            if whole_group:
                self.signal_group(sig)
            else:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                say(f"{self.name} did not stop in {STOP_GRACE_SECONDS}s; killing it")
        # Pool processes and the autoreloader's child share the group; none may outlive us.
        self.signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.pump.join(timeout=2)
        self.log.close()


def wait_for_web(url: str, child: Child, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and child.proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local URL
                if response.status < 500:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def supervise(children: list[Child], stopping: threading.Event) -> int:
    """Wait until asked to stop or until a child exits on its own (then 1: the rest must stop too)."""
    exit_code = 0
    while not stopping.is_set():
        for child in children:
            if child.proc.poll() is not None:
                say(f"{child.name} exited with code {child.proc.returncode}; stopping the rest")
                exit_code = 1
                stopping.set()
        stopping.wait(0.5)
    return exit_code


def main() -> int:
    env = dev_env()
    var_dir = Path(env.get("FACTCHECK_VAR_DIR", ROOT / "var"))
    log_dir = var_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    if not port_free(HOST, PORT):
        print(f"error: {HOST}:{PORT} is already in use. Stop what runs there or set FACTCHECK_PORT.", file=sys.stderr)
        return 1
    write_run_env(env, var_dir)

    try:
        password, origin, logins = prepare(env, var_dir)
    except KeyboardInterrupt:  # Ctrl-C during set-up: the manage.py step got it too
        say("Interrupted during set-up; nothing was started")
        return 130

    stopping = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGHUP, request_stop)

    url = env.get("DATABASE_URL", "")
    database = f"from DATABASE_URL ({url.partition(':')[0]})" if url else f"SQLite ({shown(var_dir / 'db.sqlite3')})"
    broker = "Redis" if env.get("REDIS_URL") else f"filesystem ({shown(var_dir / 'broker')}/)"
    say(f"Starting the web app on http://{HOST}:{PORT}/ and a Celery worker; database {database}, broker {broker}")
    children = [
        Child("web", [PYTHON, "manage.py", "runserver", f"{HOST}:{PORT}"], env, log_dir),
        Child(
            "worker",
            [PYTHON, "-m", "celery", "-A", "factcheck", "worker", "-B", "-Q", "default,fetch", "-l", "INFO", "-c", "2"],
            env,
            log_dir,
        ),
    ]
    for child in children:
        child.pump.start()
    web = children[0]
    if wait_for_web(f"http://{HOST}:{PORT}/admin/login/", web) and not stopping.is_set():
        print(
            "\n"
            "  factcheck is running.\n"
            f"  Admin:    http://{HOST}:{PORT}/admin/\n"
            f"  API:      http://{HOST}:{PORT}/api/v1/   (docs: http://{HOST}:{PORT}/api/docs/)\n"
            f"  Login:    admin / {password}   ({origin})\n"
            + "".join(f"  Demo:     {login}\n" for login in logins)
            + f"  Logs:     {shown(log_dir)}/web.log, worker.log\n"
            "  Press Ctrl-C to stop the web app and the worker.\n",
            flush=True,
        )

    exit_code = supervise(children, stopping)

    say("Stopping")
    # The worker first, SIGTERM to its main process only: a warm shutdown that lets the task
    # in hand finish (its pool processes must not be hit directly). The web app gets what
    # Ctrl-C would have sent it: SIGINT to its whole group, reloader and server alike.
    for child in reversed(children):
        if child.name == "worker":
            child.stop(signal.SIGTERM, whole_group=False)
        else:
            child.stop(signal.SIGINT, whole_group=True)
    say("Stopped")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
