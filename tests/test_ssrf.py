"""SSRF protection: blocked addresses in every notation, refused before any connection is made.

Only the loopback test servers are ever connected to. Every other address in these tests is
refused by the resolver check before a socket is opened, which the tests show by the
server's empty log (for loopback spellings) and by the error type (RefusedAddress, never a
timeout or a connection error).
"""

from __future__ import annotations

import ipaddress
import time

import pytest

from claims.discovery import http
from claims.discovery.addresses import refusal_reason
from claims.discovery.http import RefusedAddress
from claims.discovery.jobs import claim_job, create_job
from claims.discovery.pipeline import run_discovery
from claims.models import FetchJob
from tests.factories import AppearanceFactory, ClaimFactory, SourceFactory
from tests.fixtures.web.server import LOOPBACK

BLOCKED = [
    "127.0.0.1",
    "127.255.255.254",
    "0.0.0.0",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "169.254.0.1",
    "100.64.0.1",  # CGNAT
    "100.127.255.254",
    "198.18.0.1",  # benchmarking
    "192.0.0.1",
    "192.0.2.10",  # documentation
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "::",
    "::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::1",
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",
    "2001::1",  # Teredo
    "2001:db8::1",  # documentation
    "fc00::1",  # unique local
    "fd12:3456:789a::1",
    "fe80::1",  # link-local
    "fec0::1",
    "ff02::1",  # multicast
]


def test_every_reserved_range_is_refused(figure):
    refused = [a for a in BLOCKED if refusal_reason(ipaddress.ip_address(a))]
    assert refused == BLOCKED
    figure("no_ssrf", "reserved addresses refused (IPv4, IPv6, mapped, NAT64, 6to4, Teredo)", len(refused))
    figure("no_ssrf", "spellings of loopback refused before connecting", len(LOOPBACK_SPELLINGS))


@pytest.mark.parametrize("address", BLOCKED)
def test_block_list(address):
    assert refusal_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "151.101.1.164", "2606:4700:4700::1111", "2a02:26f0::1"])
def test_public_addresses_pass(address):
    assert refusal_reason(ipaddress.ip_address(address)) is None


def test_is_private_alone_would_miss_these():
    """The reason for an explicit list: the stdlib flags do not cover every range on 3.11."""
    for address in ("64:ff9b::7f00:1", "2002:7f00:1::", "100.64.0.1"):
        assert refusal_reason(ipaddress.ip_address(address)) is not None


def test_allowed_networks_open_only_what_they_name():
    allowed = LOOPBACK
    assert refusal_reason(ipaddress.ip_address("127.0.0.1"), allowed) is None
    assert refusal_reason(ipaddress.ip_address("::ffff:127.0.0.1"), allowed) is None  # same address
    assert refusal_reason(ipaddress.ip_address("127.0.0.2"), allowed) is not None
    assert refusal_reason(ipaddress.ip_address("10.0.0.1"), allowed) is not None


# --- Over real URLs: refused before any connection ------------------------------------------------

LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "localhost",
    "2130706433",  # decimal
    "0177.0.0.1",  # octal
    "0x7f000001",  # hex
    "0x7f.0.0.1",
    "127.1",  # short form
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_loopback_in_any_notation_is_refused_before_connecting(httpserver, host, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    httpserver.expect_request("/secret").respond_with_data("internal")
    with pytest.raises(RefusedAddress) as info:
        http.fetch(f"http://{host}:{httpserver.port}/secret")
    assert info.value.permanent
    assert len(httpserver.log) == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "0177.0.0.1", "0x7f000001", "127.1"])
def test_the_same_spellings_reach_the_server_once_allowed(httpserver, host, settings):
    """Positive control: the resolver really normalises them to 127.0.0.1."""
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    httpserver.expect_request("/ok").respond_with_data("<p>ok</p>", content_type="text/html")
    assert http.fetch(f"http://{host}:{httpserver.port}/ok").text() == "<p>ok</p>"
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(
    "host",
    [
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "198.18.0.1",
        "0.0.0.0",
        "167772161",  # 10.0.0.1 as a decimal
        "0xa9fea9fe",  # 169.254.169.254 in hex
        "0251.0376.0251.0376",  # 169.254.169.254 in octal
        "[64:ff9b::7f00:1]",
        "[2002:7f00:1::]",
        "[fd00::1]",
        "[fe80::1]",
        "[::ffff:169.254.169.254]",
    ],
)
def test_private_addresses_are_refused_without_a_connection_attempt(host, settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    settings.FETCH_CONNECT_TIMEOUT = 5
    started = time.monotonic()
    with pytest.raises(RefusedAddress):
        http.fetch(f"http://{host}/latest/meta-data/")
    # A connection attempt to an unroutable address would wait for the connect timeout.
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[::1]:{port}/inside",
        "http://[::ffff:127.0.0.2]:{port}/inside",
        "http://2130706434:{port}/inside",  # 127.0.0.2, not in the allowed /32
        "http://127.0.0.2:{port}/inside",
        "http://[64:ff9b::7f00:1]:{port}/inside",
    ],
)
def test_a_redirect_into_a_blocked_address_is_refused(httpserver, target, settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    httpserver.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": target.format(port=httpserver.port)}
    )
    httpserver.expect_request("/inside").respond_with_data("internal")
    with pytest.raises(RefusedAddress):
        http.fetch(httpserver.url_for("/start"))
    assert [request.path for request, _ in httpserver.log] == ["/start"]


@pytest.mark.django_db
def test_refusals_are_recorded_on_the_job(httpserver, settings):
    """A claim whose sources point inside the network: the job records each refusal, fetches nothing."""
    settings.FETCH_ALLOWED_NETWORKS = []
    settings.DISCOVERY_PROVIDERS = ["article_page"]
    claim = ClaimFactory()
    targets = [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/intranet",
        f"http://127.0.0.1:{httpserver.port}/admin",
        f"http://2130706433:{httpserver.port}/decimal",
        f"http://[::ffff:127.0.0.1]:{httpserver.port}/mapped",
    ]
    for url in targets:
        AppearanceFactory(claim=claim, source=SourceFactory(url=url))
    job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
    job, _state = claim_job(job.pk)
    run_discovery(job)
    job.refresh_from_db()
    refused = [e for e in job.errors if e["type"] == "RefusedAddress"]
    assert sorted(e["url"] for e in refused) == sorted(targets)
    assert all(e["permanent"] and e["provider"] == "article_page" for e in refused)
    assert job.provider_stats["article_page"] == {"appearances": 5, "fetched": 0, "failed": 5}
    assert job.status == FetchJob.Status.PARTIAL
    assert len(httpserver.log) == 0
