"""The production shape on loopback, started from the project's own Procfile and supervisor.

"Machine A" runs Gunicorn (2 workers), the `default` queue's worker and the beat; "machine B"
runs the `fetch` queue's worker. Over HTTP only, a reviewer records a claim and asks for
related articles; B is SIGKILLed in the middle of that job, "machine C" starts a new `fetch`
worker, and the job finishes once. The reviewer cites a found article, drafts the verdict,
an editor publishes, and the public page serves it. A second beat on B waits as a standby.
All on PostgreSQL (through Django's connection pool) and Redis, as docs/deployment.md says.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from knox.models import AuthToken

from claims.models import Article, Feed, FetchJob, RelatedArticle
from tests.factories import UserFactory
from tests.fixtures.web.server import SlowServer
from tests.test_worker_discovery import stuck_on

pytestmark = [
    pytest.mark.worker,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("DEPLOY_TEST_REDIS_URL", "redis://127.0.0.1:6379/10")
HARD_LIMIT = 10
VISIBILITY = 2 * HARD_LIMIT  # production keeps an hour; a killed worker's message returns after this
SLOW_PAGE = "/pages/geneva_talks_en.html"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the deployment test)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Machine:
    """`scripts/procfile.py TYPES…` as one machine of the deployment would run it."""

    def __init__(self, name: str, types: list[str], env: dict[str, str], tmp: Path) -> None:
        self.name = name
        self.log = tmp / f"{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "procfile.py"), *types, "--log-dir", str(tmp / f"{name}-logs")],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def crash(self) -> None:
        """SIGKILL every process of this machine at once: no warm shutdown, no acknowledgement."""
        for pid in self.children():
            os.killpg(pid, signal.SIGKILL)  # each child leads its own group (its pool processes)
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.crash()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def deployment(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        # Not a gap: `make test`'s PostgreSQL pass runs it (and fails in CI if Redis is missing).
        pytest.skip("the deployment test runs on PostgreSQL (DATABASE_URL=postgres://…, `make test-pg`)")
    import redis

    broker = redis.Redis.from_url(REDIS_URL)
    try:
        broker.ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")
    broker.flushdb()  # this database belongs to this test

    db = connection.settings_dict
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "FETCH_", "DB_", "EMAIL_"))
        and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no TLS proxy in front of this test.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SESSION_COOKIE_SECURE="0",
        DJANGO_CSRF_COOKIE_SECURE="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        FACTCHECK_SITE_URL=f"http://127.0.0.1:{port}",
        FACTCHECK_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        DB_POOL_MAX_SIZE="2",
        REDIS_URL=REDIS_URL,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        DEFAULT_CONCURRENCY="1",
        FETCH_CONCURRENCY="1",
        FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
        DISCOVERY_PROVIDERS="article_page,feeds,local",
        CELERY_TASK_HARD_TIME_LIMIT=str(HARD_LIMIT),
        CELERY_TASK_SOFT_TIME_LIMIT=str(HARD_LIMIT - 2),
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY),
        WEBHOOK_RETRY_DELAYS="1,2",  # the visibility timeout must outlast every retry's wait
        # Retries wait less than the visibility timeout; a short lease lets the redelivered
        # message find the killed run dead rather than busy (claims.discovery.jobs).
        JOB_RETRY_BACKOFF_MAX=str(VISIBILITY - 5),
        JOB_LEASE_SECONDS="8",
        BEAT_LOCK_TTL="5",
    )
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert collect.returncode == 0, collect.stderr
    machines: list[Machine] = []

    def start(name: str, *types: str) -> Machine:
        machine = Machine(name, list(types), env, tmp_path)
        machines.append(machine)
        return machine

    yield start, f"http://127.0.0.1:{port}"
    for machine in machines:
        machine.stop()
    for machine in machines:
        print(f"--- {machine.name} ---\n{machine.output()[-6000:]}")
    broker.flushdb()


def call(base: str, method: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw.strip().startswith((b"{", b"[")) else {"_text": raw}
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def _ready(base: str) -> bool:
    try:
        return call(base, "GET", "/readyz")[0] == 200
    except OSError:
        return False


def test_the_production_shape_survives_a_lost_worker_machine(deployment):
    start, base = deployment
    reviewer = UserFactory(username="rita", role="Reviewer")
    editor = UserFactory(username="erik", role="Editor")
    rita, erik = AuthToken.objects.create(reviewer)[1], AuthToken.objects.create(editor)[1]

    with SlowServer(slow_once={SLOW_PAGE}, slow_seconds=120) as pages:
        Feed.objects.create(url=pages.url("/feeds/utenriks_atom.xml"), name="Fjordposten", language="nb")
        Feed.objects.create(url=pages.url("/feeds/world_rss.xml"), name="Harbour Times", language="en")

        machine_a = start("machine-a", "web", "worker-default", "beat")
        wait_for(lambda: _ready(base), timeout=90, what="/readyz to answer 200")
        wait_for(
            lambda: "This beat holds the lease" in machine_a.output(), timeout=60, what="A's beat to hold the lease"
        )
        machine_b = start("machine-b", "worker-fetch", "beat")
        wait_for(lambda: "waits as a standby" in machine_b.output(), timeout=60, what="B's beat to wait as a standby")
        assert call(base, "GET", "/healthz") == (200, {"status": "ok"})

        status, claim = call(
            base,
            "POST",
            "/api/v1/claims/",
            rita,
            {
                "text": "Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet med Blinken i Genève.",
                "claim_reviewed": "Russland avviser planer om å invadere Ukraina",
                "language": "nb",
                "claimant": "Sergej Lavrov",
            },
        )
        assert status == 201, claim
        status, started = call(base, "POST", f"/api/v1/claims/{claim['id']}/fetch-related/", rita)
        assert status == 202, started
        job_id = started["job"]["id"]

        # Machine B's fetch worker is inside the job, waiting on the slow page: pull the plug.
        wait_for(lambda: stuck_on(pages, SLOW_PAGE), timeout=90, what="the fetch worker to reach the slow page")
        assert FetchJob.objects.get(pk=job_id).status == FetchJob.Status.RUNNING
        assert "This beat holds the lease" not in machine_b.output()  # A's beat alone sent jobs
        machine_b.crash()
        harvested = Article.objects.count()

        start("machine-c", "worker-fetch")
        job = wait_for(
            lambda: (
                (body := call(base, "GET", f"/api/v1/jobs/{job_id}/", rita)[1])["status"]
                in {"succeeded", "partial", "failed"}
                and body
            ),
            timeout=VISIBILITY + 90,
            what="the job to finish on machine C",
        )
        requests = list(pages.requests)

    assert job["status"] in {"succeeded", "partial"}, job
    assert FetchJob.objects.get(pk=job_id).attempts == 2  # the same job re-claimed, not a second one
    assert FetchJob.objects.filter(kind=FetchJob.Kind.DISCOVER).count() == 1
    # Once: each feed read once, no page but the one B died on fetched twice, no article stored twice.
    assert requests.count("/feeds/utenriks_atom.xml") == 1 and requests.count("/feeds/world_rss.xml") == 1
    fetched = [r for r in requests if r.startswith("/pages/")]
    assert fetched.count(SLOW_PAGE) == 2 and all(fetched.count(p) == 1 for p in set(fetched) - {SLOW_PAGE})
    assert Article.objects.count() == harvested
    linked = list(RelatedArticle.objects.filter(claim_id=claim["id"]).values_list("article_id", flat=True))
    assert linked and len(linked) == len(set(linked))

    # The rest of the claim's life, over HTTP on machine A.
    status, related = call(base, "GET", f"/api/v1/claims/{claim['id']}/related-articles/", rita)
    assert status == 200 and related, related
    best = related[0] if isinstance(related, list) else related["results"][0]
    for state in ("triaged", "in_research"):
        assert call(base, "POST", f"/api/v1/claims/{claim['id']}/transition/", rita, {"to": state})[0] == 200
    status, review = call(
        base,
        "POST",
        "/api/v1/reviews/",
        rita,
        {
            "claim": claim["id"],
            "rating": "false",
            "headline": "Russland samlet likevel styrker ved grensen",
            "rationale": "Samtidig med forsikringene i Genève viste satellittbilder en stadig større oppbygging.",
        },
    )
    assert status == 201, review
    status, cited = call(base, "POST", f"/api/v1/related-articles/{best['id']}/to-evidence/", rita)
    assert status == 200, cited
    assert call(base, "POST", f"/api/v1/claims/{claim['id']}/transition/", rita, {"to": "in_review"})[0] == 200
    status, published = call(base, "POST", f"/api/v1/claims/{claim['id']}/transition/", erik, {"to": "published"})
    assert status == 200 and published["status"] == "published", published
    status, page = call(base, "GET", f"/factchecks/{published['slug']}/")
    assert status == 200 and b"ClaimReview" in page["_text"]

    assert machine_a.output().count("Booting worker with pid") == 2  # Gunicorn's two web workers
