"""What the discovery and Celery cases need besides Django: the local corpus server and a worker.

`CorpusServer` serves the labelled fixture corpus (tests/fixtures/corpus/: Norwegian and
English news pages with their boilerplate) on 127.0.0.1, with one RSS feed per language
listing those pages, so a discovery job harvests, fetches and ranks real pages without
touching the internet. `Worker` is a real `celery worker` process on the bench's Redis
database, started by the bench and stopped (its process group only) when the run ends.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent


def offline_env() -> dict[str, str]:
    """The environment of a bench child process that touches no database or broker: this
    process's, without DATABASE_URL and REDIS_URL (SQLite and in-memory defaults), with
    production-like Django settings and a fixed hash seed so runs compare."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "LOG_LEVEL": "WARNING",
            "PYTHONHASHSEED": "0",
        }
    )
    return env


CORPUS = ROOT / "tests" / "fixtures" / "corpus"
WEB_FEEDS = ROOT / "tests" / "fixtures" / "web" / "feeds"
LOGS = ROOT / "var" / "bench-logs"


def corpus_manifest() -> list[dict[str, Any]]:
    return json.loads((CORPUS / "manifest.json").read_text())["articles"]


def corpus_pages() -> list[tuple[str, str]]:
    """(file name, HTML) of every page in the corpus."""
    return [(a["filename"], (CORPUS / a["filename"]).read_text(encoding="utf-8")) for a in corpus_manifest()]


def rss_for(base: str, language: str) -> bytes:
    items = []
    for article in corpus_manifest():
        if article["language"] != language:
            continue
        published = dt.datetime.fromisoformat(article["published"])
        items.append(
            "<item>"
            f"<title>{escape(article['title'])}</title>"
            f"<link>{base}/corpus/{article['filename']}?utm_source=rss</link>"
            f"<guid>{escape(article['url'])}</guid>"
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{escape(article['title'])}</description>"
            "</item>"
        )
    name = "Korpusavisa" if language == "nb" else "Corpus Herald"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{name}</title><link>{base}/</link><language>{language}</language>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


Route = Callable[[str], "tuple[bytes, str] | None"]


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1: GET answers `route(path)` (body and content
    type, or None for a 404), and every request is counted per path (query string cut)."""

    def __init__(self, route: Route) -> None:
        self.requests: Counter[str] = Counter()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with server.lock:
                    server.requests[path] += 1
                found = route(path)
                if found is None:
                    self.send_error(404)
                    return
                body, content_type = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class CorpusServer(LoopbackServer):
    """/feeds/corpus-{nb,en}.xml and /corpus/<page>: the labelled corpus on loopback."""

    def __init__(self) -> None:
        self.pages = {name: html.encode() for name, html in corpus_pages()}
        super().__init__(self._route)

    def _route(self, path: str) -> tuple[bytes, str] | None:
        match = re.fullmatch(r"/feeds/corpus-(nb|en)\.xml", path)
        if match:
            return rss_for(self.base, match.group(1)), "application/rss+xml"
        if path.startswith("/corpus/") and path[len("/corpus/") :] in self.pages:
            return self.pages[path[len("/corpus/") :]], "text/html; charset=utf-8"
        return None


class Worker:
    """`celery -A factcheck worker` (prefork, one process) against a bench database and Redis DB."""

    def __init__(
        self, *, database_url: str, redis_url: str, concurrency: int = 1, queues: str = "fetch,default"
    ) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.log = LOGS / f"worker-{uuid.uuid4().hex[:8]}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key"),
            "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
            "DISCOVERY_PROVIDERS": "article_page,feeds,local",
            "LOG_LEVEL": "INFO",
            "CELERY_TASK_ALWAYS_EAGER": "0",
        }
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "factcheck", "worker", "-Q", queues,
                "-c", str(concurrency), "-P", "prefork", "-l", "INFO", "-I", "bench.celery_tasks",
                "-n", f"bench-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited: {self.log_text()[-2000:]}")
            if " ready." in self.log_text():
                return
            time.sleep(0.2)
        raise RuntimeError(f"the worker did not start in {timeout:g} s: {self.log_text()[-2000:]}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def task_runtimes(self) -> dict[str, list[float]]:
        """Seconds each finished task ran, by task name, from the worker's log."""
        found: dict[str, list[float]] = {}
        for name, seconds in re.findall(r"Task ([\w.]+)\[[^\]]+\] succeeded in ([0-9.e-]+)s", self.log_text()):
            found.setdefault(name, []).append(float(seconds))
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def wait_for(predicate: Any, *, timeout: float, what: str, interval: float = 0.005) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
