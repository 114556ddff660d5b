"""The public tip page /tips/: no login, both languages, honeypot, consent, size cap and the
per-IP rate limits (also across two real web processes sharing Redis)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from claims.models import Tip, TipContact
from tests.factories import ClaimFactory, ReviewFactory

ROOT = Path(__file__).resolve().parent.parent
NB = "Ordføreren påsto at bybanen har kostet tre milliarder mer enn planlagt."


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def post(client, **data):
    return client.post("/tips/", {"text": NB, "url": "", "contact": "", **data})


@pytest.mark.django_db
def test_the_page_needs_no_login_and_speaks_norwegian(client):
    response = client.get("/tips/", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Send oss et tips" in body and "Hva ble påstått?" in body
    english = client.get("/tips/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Send us a tip" in english


@pytest.mark.django_db
def test_public_fact_check_pages_link_to_it(client, reviewer):
    claim = ReviewFactory(claim=ClaimFactory(status="published"), author=reviewer).claim
    for path in ("/factchecks/", f"/factchecks/{claim.slug}/"):
        assert 'href="/tips/"' in client.get(path).content.decode(), path


@pytest.mark.django_db
def test_a_tip_is_stored_as_given_and_shown_escaped_in_the_admin(client, admin_client):
    text = '<script>alert("x")</script> Bybanen kostet tre milliarder ekstra'
    response = client.post("/tips/", {"text": text, "url": "https://avis.example.no/a"}, HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 302 and response["Location"] == "/tips/?sent=1"
    tip = Tip.objects.get()
    assert tip.text == text and tip.language == "nb" and tip.url == "https://avis.example.no/a"
    page = admin_client.get("/admin/claims/tip/").content.decode()
    assert "&lt;script&gt;" in page and '<script>alert("x")' not in page
    assert "Takk!" in client.get("/tips/?sent=1", HTTP_ACCEPT_LANGUAGE="nb").content.decode()


@pytest.mark.django_db
def test_the_same_tip_twice_is_one_tip_with_two_requests(client):
    post(client)
    post(client, text=NB.upper() + "!!")
    assert Tip.objects.get().requests == 2


@pytest.mark.django_db
def test_honeypot_stores_nothing_but_looks_like_success(client):
    response = post(client, website="http://spam.example")
    assert response.status_code == 302
    assert not Tip.objects.exists()


@pytest.mark.django_db
def test_contact_needs_the_consent_box(client):
    response = post(client, contact="leser@example.no")
    assert response.status_code == 400
    assert not Tip.objects.exists()
    post(client, contact="leser@example.no", consent="on")
    assert TipContact.objects.get().consent is True


@pytest.mark.django_db
def test_bad_input_is_a_400_with_field_errors(client):
    response = post(client, text="", url="not a url")
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"text", "url"}
    assert post(client, text="x" * 5001).status_code == 400
    assert not Tip.objects.exists()


@pytest.mark.django_db
def test_a_body_over_64_kb_is_413_and_nothing_is_stored(client):
    response = post(client, text="x" * 70_000)
    assert response.status_code == 413
    assert not Tip.objects.exists()


@pytest.mark.django_db
@override_settings(TIPS_RATE_PER_MINUTE=5, TIPS_RATE_PER_DAY=50)
def test_the_sixth_post_in_a_minute_is_429_even_when_invalid(client):
    statuses = [post(client, text="").status_code for _ in range(5)]
    assert statuses == [400] * 5  # bad requests count too
    limited = post(client)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert not Tip.objects.exists()
    # Another address is not affected.
    assert client.post("/tips/", {"text": NB}, REMOTE_ADDR="192.0.2.77").status_code == 302


@pytest.mark.django_db
@override_settings(TIPS_RATE_PER_MINUTE=100, TIPS_RATE_PER_DAY=3)
def test_the_daily_limit_holds_across_minutes(client):
    from claims.intake.limits import tip_rate_check

    start = 1_800_000_000.0
    verdicts = [tip_rate_check("198.51.100.1", now=start + i * 120) for i in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after > 3600


# --- Two web processes sharing Redis ----------------------------------------------------

SERVE = """
import sys
from wsgiref.simple_server import make_server, WSGIRequestHandler
import django
django.setup()
from django.core.wsgi import get_wsgi_application
class Quiet(WSGIRequestHandler):
    def log_message(self, *args): pass
server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
print(server.server_port, flush=True)
server.serve_forever()
"""


def _start_web(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = proc.stdout.readline().strip()
    if not line.isdigit():
        proc.kill()
        raise AssertionError(f"web process did not start: {line} {proc.stderr.read()}")
    return proc, f"http://127.0.0.1:{line}"


@pytest.mark.redis
@pytest.mark.slow
def test_limits_hold_across_two_web_processes_sharing_redis(tmp_path):
    url = settings.REDIS_URL
    if not url:
        pytest.skip("REDIS_URL is not set; `make test` runs this in its PostgreSQL + Redis pass")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TIPS_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        REDIS_URL=url,
        FACTCHECK_VAR_DIR=str(tmp_path / "var"),
        TIPS_RATE_PER_MINUTE="5",
    )
    import redis

    redis.Redis.from_url(url).flushdb()  # the counters of earlier runs
    procs = []
    try:
        (a, base_a), (b, base_b) = _start_web(env), _start_web(env)
        procs = [a, b]
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base_a + "/tips/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

        def send(base: str) -> int:
            # An empty tip: counted, then refused as invalid, and no database is needed.
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "text": ""}).encode()
            request = urllib.request.Request(base + "/tips/", data=body, headers={"Referer": base + "/tips/"})
            try:
                return opener.open(request).status
            except urllib.error.HTTPError as exc:
                return exc.code

        # The limit counts per clock minute: seven requests across a minute's end would be
        # counted in two windows, so they start early in one.
        if time.time() % 60 > 40:
            time.sleep(60 - time.time() % 60 + 0.1)
        statuses = [send(base) for base in (base_a, base_b, base_a, base_b, base_a, base_b, base_a)]
        assert statuses[:5] == [400] * 5
        assert statuses[5:] == [429, 429], "the second process saw the first one's count"
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(timeout=10)
        time.sleep(0)
