"""URL normalisation, so one document is one Source/Article however it was linked."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Tracking parameters that never change what page is served.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
_TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "igshid", "ocid", "cmpid", "ref_src", "_ga"}


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host
    if parts.username:
        netloc = f"{parts.username}@{host}"
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{netloc}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_PARAMS
        ]
    )
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def url_variants(url: str) -> list[str]:
    """The normalised forms of `url` that are the same page to a reader: http or https, with
    or without "www.", with or without a trailing slash. For looking a pasted link up among
    stored ones (which keep whatever form was first stored)."""
    base = urlsplit(normalize_url(url))
    host = base.netloc.removeprefix("www.")
    hosts = [host] if not host or "@" in host else [host, f"www.{host}"]
    path = base.path.rstrip("/")
    paths: list[str] = [path or "/"] if not path else [path, f"{path}/"]
    forms = []
    for scheme in (base.scheme, *({"http", "https"} - {base.scheme})):
        for netloc in hosts:
            for each in paths:
                forms.append(urlunsplit((scheme, netloc, each, base.query, "")))
    return list(dict.fromkeys([normalize_url(url), *forms]))
