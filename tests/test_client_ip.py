"""claims.client_ip: REMOTE_ADDR unless trusted proxies are configured, then only the hop they wrote."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory, override_settings

from claims.client_ip import UNKNOWN, client_ip, parse_ip

NETS = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8")]


def _request(remote: str | None = "203.0.113.7", xff: str | None = None):
    meta = {}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    request = RequestFactory().get("/", **meta)
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    return request


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("198.51.100.4", "198.51.100.4"),
        (" 198.51.100.4 ", "198.51.100.4"),
        ("198.51.100.4:8080", "198.51.100.4"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
        ("fe80::1%eth0", "fe80::1"),
        ("unknown", None),
        ("", None),
        (None, None),
        ("1.2.3.4.5", None),
        ("a\x00b", None),
    ],
)
def test_parse_ip(value, expected):
    parsed = parse_ip(value)
    assert (str(parsed) if parsed else None) == expected


def test_without_configuration_the_header_is_ignored():
    assert client_ip(_request(xff="1.1.1.1")) == "203.0.113.7"
    assert client_ip(_request(xff="1.1.1.1, 2.2.2.2")) == "203.0.113.7"
    assert client_ip(_request()) == "203.0.113.7"


def test_missing_or_garbled_remote_addr_is_one_shared_identity():
    assert client_ip(_request(remote=None)) == UNKNOWN
    assert client_ip(_request(remote="not-an-ip", xff="1.1.1.1")) == UNKNOWN


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_proxy_takes_the_last_hop_not_what_the_client_wrote():
    # The client sent "6.6.6.6"; the load balancer appended the address it saw.
    assert client_ip(_request(remote="10.0.0.2", xff="6.6.6.6, 198.51.100.9")) == "198.51.100.9"
    assert client_ip(_request(remote="10.0.0.2", xff="198.51.100.9")) == "198.51.100.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_proxies_take_the_second_hop_from_the_right():
    xff = "6.6.6.6, 198.51.100.9, 10.0.0.5"
    assert client_ip(_request(remote="10.0.0.2", xff=xff)) == "198.51.100.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_fewer_hops_than_proxies_falls_back_to_remote_addr():
    # The request bypassed a proxy: its one hop may be the client's own invention.
    assert client_ip(_request(remote="198.51.100.20", xff="6.6.6.6")) == "198.51.100.20"
    assert client_ip(_request(remote="198.51.100.20")) == "198.51.100.20"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_garbled_hop_stops_at_the_last_address_a_proxy_wrote():
    assert client_ip(_request(remote="10.0.0.2", xff="1.1.1.1, garbage, 10.0.0.5")) == "10.0.0.5"
    assert client_ip(_request(remote="10.0.0.2", xff="1.1.1.1, 198.51.100.9, garbage")) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_NETWORKS=NETS)
def test_networks_walk_past_trusted_proxies():
    xff = "6.6.6.6, 198.51.100.9, 10.1.2.3"
    assert client_ip(_request(remote="10.0.0.2", xff=xff)) == "198.51.100.9"
    assert client_ip(_request(remote="fd00::2", xff="2001:db8::5")) == "2001:db8::5"


@override_settings(TRUSTED_PROXY_NETWORKS=NETS)
def test_networks_ignore_the_header_from_an_untrusted_peer():
    assert client_ip(_request(remote="198.51.100.30", xff="6.6.6.6")) == "198.51.100.30"


@override_settings(TRUSTED_PROXY_NETWORKS=NETS)
def test_networks_all_trusted_answers_the_leftmost():
    assert client_ip(_request(remote="10.0.0.2", xff="10.9.9.9, 10.1.1.1")) == "10.9.9.9"


@override_settings(TRUSTED_PROXY_NETWORKS=NETS)
def test_networks_garbled_hop_answers_the_proxy_that_wrote_it():
    assert client_ip(_request(remote="10.0.0.2", xff="1.1.1.1, bogus")) == "10.0.0.2"


def test_settings_refuse_both_kinds_of_trust(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TRUSTED_", "DJANGO_"))},
        "DJANGO_DEBUG": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "TRUSTED_PROXY_NETWORKS": "10.0.0.0/8",
        "FACTCHECK_VAR_DIR": str(tmp_path),
    }
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='factcheck.settings'; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT or TRUSTED_PROXY_NETWORKS" in result.stderr
