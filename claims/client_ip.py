"""The one notion of who is calling: the client's IP address.

Login lockouts, API throttles and reader-tip limits all count per client, so they must
agree on who the client is — and a client must not be able to pick its own identity.
`X-Forwarded-For` is a header anyone can send; it is read only when the operator says
proxies they run sit in front of the app, and then only the hop those proxies wrote:

- nothing configured (the default): `REMOTE_ADDR`, the peer of the TCP connection;
- `TRUSTED_PROXY_COUNT = n`: the n-th address from the right of `X-Forwarded-For`
  (each proxy appends the address it received the request from, so the last n entries
  were written by the n proxies and everything left of them by the client);
- `TRUSTED_PROXY_NETWORKS`: when `REMOTE_ADDR` is one of those networks, walk
  `X-Forwarded-For` from the right past addresses in them; the first one outside is the
  client.

A header with fewer hops than promised, or a hop that is not an address, means the
request did not come through the proxies as configured: the answer then falls back to the
nearest address that a trusted party wrote (at worst `REMOTE_ADDR`), never to one the
client wrote.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# What client_ip answers when the connection's own address is missing or unreadable (a
# test client, a misconfigured server): one shared bucket, so nothing escapes the limits.
UNKNOWN = "0.0.0.0"  # noqa: S104 - an identity, not an address anything binds to


def parse_ip(value: str | None) -> IPAddress | None:
    """An address from a header hop or REMOTE_ADDR: tolerates a port ("1.2.3.4:80",
    "[2001:db8::1]:443") and maps IPv4-in-IPv6 ("::ffff:1.2.3.4") to IPv4; None if not an address."""
    if not value:
        return None
    text = value.strip().strip('"')
    if text.startswith("["):  # [v6]:port
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # v4:port (a bare v6 address has at least two colons)
        text = text.split(":", 1)[0]
    text = text.split("%", 1)[0]  # an IPv6 zone id says nothing about the client
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def forwarded_hops(meta: dict[str, Any]) -> list[str]:
    """The X-Forwarded-For entries, left (the claimed origin) to right (the nearest proxy)."""
    raw = meta.get("HTTP_X_FORWARDED_FOR", "")
    return [hop.strip() for hop in str(raw).split(",") if hop.strip()]


def _by_count(remote: IPAddress, hops: list[str], count: int) -> IPAddress:
    if len(hops) < count:
        return remote
    # Walk from the nearest hop outwards so a garbled hop stops at the last good one.
    found = remote
    for hop in reversed(hops[-count:]):
        address = parse_ip(hop)
        if address is None:
            return found
        found = address
    return found


def _in(address: IPAddress, networks: Sequence[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def _by_networks(remote: IPAddress, hops: list[str], networks: Sequence[IPNetwork]) -> IPAddress:
    found = remote
    for hop in reversed(hops):
        if not _in(found, networks):
            return found
        address = parse_ip(hop)
        if address is None:
            return found
        found = address
    return found


def client_address(request: Any) -> IPAddress | None:
    """client_ip as an address object (None when even REMOTE_ADDR is unreadable)."""
    meta = getattr(request, "META", {})
    remote = parse_ip(meta.get("REMOTE_ADDR"))
    if remote is None:
        return None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    networks = getattr(settings, "TRUSTED_PROXY_NETWORKS", ())
    if count:
        return _by_count(remote, forwarded_hops(meta), count)
    if networks:
        return _by_networks(remote, forwarded_hops(meta), networks)
    return remote


def client_ip(request: Any) -> str:
    """The calling client's IP address as text, decided as the module docstring says.

    Accepts a Django HttpRequest or a DRF Request (anything with META).
    """
    address = client_address(request)
    return str(address) if address is not None else UNKNOWN
