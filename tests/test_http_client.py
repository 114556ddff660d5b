"""The hardened client against real local servers: caps, timeouts, redirects, types, errors."""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import ssl
import time

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Response

from claims.discovery import http
from claims.discovery.http import (
    BadContentType,
    Fetcher,
    FetchTimeout,
    HTTPClientError,
    HTTPServerError,
    InvalidURL,
    PermanentFetchError,
    RefusedAddress,
    TLSError,
    TooLarge,
    TooManyRedirects,
    TransientFetchError,
)
from tests.fixtures.web.server import LOOPBACK, SlowServer, serve


@pytest.fixture(autouse=True)
def allow_loopback(settings):
    """The test servers live on 127.0.0.1; everything else stays blocked."""
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK


@pytest.fixture
def slow_server():
    with SlowServer() as server:
        yield server


def test_fetches_a_page_with_our_user_agent_and_decodes_it(httpserver, settings):
    serve(httpserver, "/a", "pages/geneva_talks_nb.html")
    result = http.fetch(httpserver.url_for("/a"))
    assert result.status == 200
    assert result.content_type == "text/html"
    assert "Utenriksministrene møttes i Genève" in result.text()
    assert result.address == "127.0.0.1"
    (request, _response), *_ = httpserver.log
    assert request.headers["User-Agent"] == settings.FETCH_USER_AGENT
    assert "text/html" in request.headers["Accept"]


def test_size_cap_from_content_length(httpserver, settings):
    settings.FETCH_MAX_BYTES = 10_000
    httpserver.expect_request("/huge").respond_with_data(b"a" * 50_000, content_type="text/html")
    with pytest.raises(TooLarge) as info:
        http.fetch(httpserver.url_for("/huge"))
    assert info.value.permanent


def test_size_cap_while_streaming_without_content_length(httpserver, settings):
    settings.FETCH_MAX_BYTES = 10_000

    def chunks():
        for _ in range(100):
            yield b"<p>" + b"b" * 1000 + b"</p>"

    httpserver.expect_request("/stream").respond_with_response(Response(chunks(), content_type="text/html"))
    with pytest.raises(TooLarge):
        http.fetch(httpserver.url_for("/stream"))


def test_size_cap_counts_decompressed_bytes(httpserver, settings):
    """A small gzip body that inflates past the cap (a zip bomb) stops at the cap."""
    settings.FETCH_MAX_BYTES = 100_000
    bomb = gzip.compress(b"0" * 5_000_000)
    assert len(bomb) < settings.FETCH_MAX_BYTES
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(TooLarge):
        http.fetch(httpserver.url_for("/bomb"))


def test_timeout_before_headers(slow_server, settings):
    settings.FETCH_TOTAL_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as info:
        http.fetch(slow_server.url("/sleep?s=5"))
    assert time.monotonic() - started < 3
    assert not info.value.permanent


def test_total_deadline_stops_a_dripping_body(slow_server, settings):
    """One byte every 0.1 s never trips a per-read timeout; the total deadline still holds."""
    settings.FETCH_TOTAL_TIMEOUT = 1
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        http.fetch(slow_server.url("/drip?s=6"))
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("status", "error", "permanent"),
    [
        (404, HTTPClientError, True),
        (410, HTTPClientError, True),
        (403, HTTPClientError, True),
        (500, HTTPServerError, False),
        (503, HTTPServerError, False),
        (429, HTTPServerError, False),
    ],
)
def test_error_statuses_are_permanent_or_transient(httpserver, status, error, permanent):
    httpserver.expect_request("/x").respond_with_data("no", status=status, content_type="text/html")
    with pytest.raises(error) as info:
        http.fetch(httpserver.url_for("/x"))
    assert info.value.permanent is permanent
    assert info.value.status == status
    assert isinstance(info.value, PermanentFetchError if permanent else TransientFetchError)


def test_retry_after_is_kept_for_rate_limits(httpserver):
    httpserver.expect_request("/x").respond_with_data("slow down", status=429, headers={"Retry-After": "120"})
    with pytest.raises(HTTPServerError) as info:
        http.fetch(httpserver.url_for("/x"))
    assert info.value.retry_after == 120


def test_connection_refused_is_transient():
    # A port nothing listens on: bind, read the number, close.
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TransientFetchError):
        http.fetch(f"http://127.0.0.1:{port}/")


def test_content_type_is_checked_before_reading(httpserver):
    httpserver.expect_request("/doc.pdf").respond_with_data(b"%PDF-1.7", content_type="application/pdf")
    with pytest.raises(BadContentType) as info:
        http.fetch(httpserver.url_for("/doc.pdf"))
    assert info.value.permanent
    # The same URL is fine for a call that accepts anything.
    assert http.fetch(httpserver.url_for("/doc.pdf"), accept=None).content == b"%PDF-1.7"


def test_redirects_are_followed_and_capped(httpserver, settings):
    settings.FETCH_MAX_REDIRECTS = 2
    serve(httpserver, "/final", "pages/geneva_talks_en.html")
    httpserver.expect_request("/r1").respond_with_data("", status=301, headers={"Location": "/r2"})
    httpserver.expect_request("/r2").respond_with_data("", status=302, headers={"Location": "/final"})
    result = http.fetch(httpserver.url_for("/r1"))
    assert result.final_url.endswith("/final")
    assert len(result.redirects) == 2
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with pytest.raises(TooManyRedirects):
        http.fetch(httpserver.url_for("/loop"))


def test_authorization_is_dropped_on_redirect(httpserver):
    httpserver.expect_request("/start").respond_with_data("", status=302, headers={"Location": "/next"})
    httpserver.expect_request("/next").respond_with_data("<p>ok</p>", content_type="text/html")
    http.fetch(httpserver.url_for("/start"), headers={"Authorization": "Bearer secret-token"})
    (first, _), (second, _) = httpserver.log
    assert first.headers.get("Authorization") == "Bearer secret-token"
    assert "Authorization" not in second.headers


def test_caller_headers_stay_behind_when_a_redirect_leaves_the_origin(httpserver):
    other = HTTPServer(host="127.0.0.1", port=0)
    other.start()
    try:
        other.expect_request("/landing").respond_with_data("<p>ok</p>", content_type="text/html")
        httpserver.expect_request("/same").respond_with_data("", status=302, headers={"Location": "/away"})
        httpserver.expect_request("/away").respond_with_data(
            "", status=302, headers={"Location": other.url_for("/landing")}
        )
        http.fetch(httpserver.url_for("/same"), headers={"X-Api-Key": "secret-key"})
        (first, _), (second, _) = httpserver.log
        (third, _) = other.log[0]
    finally:
        other.clear()
        other.stop()
    # Same origin: the key goes along; another origin (another port) never sees it.
    assert first.headers.get("X-Api-Key") == second.headers.get("X-Api-Key") == "secret-key"
    assert "X-Api-Key" not in third.headers
    assert third.headers.get("User-Agent")


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/file", "file:///etc/passwd", "gopher://127.0.0.1/", "javascript:alert(1)", "/relative/only"],
)
def test_only_http_and_https(url):
    with pytest.raises(InvalidURL):
        http.fetch(url)


def test_credentials_in_urls_are_refused(httpserver):
    with pytest.raises(InvalidURL):
        http.fetch(httpserver.url_for("/").replace("http://", "http://user:pw@"))
    assert len(httpserver.log) == 0


def test_redirect_to_another_scheme_is_refused(httpserver):
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(InvalidURL):
        http.fetch(httpserver.url_for("/go"))


def test_not_modified_is_a_result_not_an_error(httpserver):
    httpserver.expect_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    result = http.fetch(httpserver.url_for("/feed"), headers={"If-None-Match": '"v1"'}, accept=http.FEED_TYPES)
    assert result.not_modified and result.content == b""


def test_environment_proxies_are_ignored(httpserver, monkeypatch):
    """A proxy from the environment would connect somewhere other than the checked address."""
    monkeypatch.setenv("HTTP_PROXY", "http://10.255.255.1:3128")
    monkeypatch.setenv("http_proxy", "http://10.255.255.1:3128")
    httpserver.expect_request("/p").respond_with_data("<p>direct</p>", content_type="text/html")
    assert http.fetch(httpserver.url_for("/p")).text() == "<p>direct</p>"


def test_errors_survive_pickling():
    """Celery's prefork pool pickles exceptions between processes."""
    import pickle

    error = HTTPClientError("HTTP 404 from x", status=404, url="http://x/")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 — our own object
    assert (type(copy), copy.status, copy.permanent, copy.url) == (HTTPClientError, 404, True, "http://x/")


# --- The connection goes to the address that was checked ----------------------------------------------


def test_connects_to_the_checked_address_and_keeps_the_host_name(httpserver):
    """The resolver is asked once per hop; a second answer (a DNS rebinding) is never used."""
    answers = [[ipaddress.ip_address("127.0.0.1")], [ipaddress.ip_address("10.0.0.1")]]
    asked = []

    def rebinding_resolver(host, port):
        asked.append(host)
        return answers[min(len(asked) - 1, 1)]

    httpserver.expect_request("/pinned").respond_with_data("<p>pinned</p>", content_type="text/html")
    port = httpserver.port
    result = Fetcher(resolver=rebinding_resolver).fetch(f"http://news.rebind.test:{port}/pinned")
    assert result.text() == "<p>pinned</p>"
    assert asked == ["news.rebind.test"]
    (request, _), *_ = httpserver.log
    assert request.headers["Host"] == f"news.rebind.test:{port}"


def test_a_rebinding_answer_on_the_next_hop_is_checked_again(httpserver):
    answers = {"first.test": [ipaddress.ip_address("127.0.0.1")], "second.test": [ipaddress.ip_address("10.0.0.1")]}
    port = httpserver.port
    httpserver.expect_request("/hop").respond_with_data(
        "", status=302, headers={"Location": f"http://second.test:{port}/inside"}
    )
    with pytest.raises(RefusedAddress):
        Fetcher(resolver=lambda host, _port: answers[host]).fetch(f"http://first.test:{port}/hop")
    assert [r.path for r, _ in httpserver.log] == ["/hop"]


def test_the_adapter_refuses_a_request_nobody_checked(httpserver):
    session = requests.Session()
    session.mount("http://", http._PinnedAdapter())
    httpserver.expect_request("/x").respond_with_data("x")
    with pytest.raises(RefusedAddress):
        session.get(httpserver.url_for("/x"))
    assert len(httpserver.log) == 0


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.1 with a certificate for news.pinned.test only, and its CA file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "news.pinned.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("news.pinned.test")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server, str(cert_file)
    server.clear()
    server.stop()


def test_https_keeps_sni_and_certificate_check_on_the_name(tls_server):
    server, ca = tls_server
    server.expect_request("/secure").respond_with_data("<p>tls ok</p>", content_type="text/html")
    to_loopback = lambda host, port: [ipaddress.ip_address("127.0.0.1")]  # noqa: E731
    fetcher = Fetcher(resolver=to_loopback, verify=ca)
    assert fetcher.fetch(f"https://news.pinned.test:{server.port}/secure").text() == "<p>tls ok</p>"
    # Same address, another name: the certificate does not cover it.
    with pytest.raises(TLSError):
        fetcher.fetch(f"https://other.pinned.test:{server.port}/secure")


def test_a_fetcher_reuses_a_hosts_answer_for_a_while_and_checks_it_at_every_use(httpserver, settings, monkeypatch):
    asked = []

    def resolver(host, port):
        asked.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    httpserver.expect_request("/page").respond_with_data("<p>x</p>", content_type="text/html")
    url = f"http://news.cached.test:{httpserver.port}/page"
    fetcher = Fetcher(resolver=resolver)
    fetcher.fetch(url)
    fetcher.fetch(url)
    assert asked == ["news.cached.test"]  # once for the two pages
    # The kept answer is checked again at its next use: loopback no longer allowed, refused.
    settings.FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(RefusedAddress):
        fetcher.fetch(url)
    assert asked == ["news.cached.test"]
    # Past its age, the host is resolved again.
    settings.FETCH_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    monkeypatch.setattr(http, "ANSWER_SECONDS", 0.0)
    fetcher.fetch(url)
    assert asked == ["news.cached.test", "news.cached.test"]


def test_the_watchdog_makes_each_call_at_its_deadline_unless_cancelled():
    import time as clock

    fired: list[str] = []
    dog = http._watchdog()
    now = clock.monotonic()
    late = dog.start(now + 0.3, lambda: fired.append("late"))
    cancelled = dog.start(now + 0.1, lambda: fired.append("cancelled"))
    dog.start(now + 0.2, lambda: fired.append("soon"))
    dog.start(now + 0.05, lambda: 1 / 0)  # a failing call does not stop the watchdog
    dog.cancel(cancelled)
    clock.sleep(0.6)
    assert fired == ["soon", "late"]
    dog.cancel(late)  # after it fired: nothing to do
    assert http._watchdog() is dog  # one per process
