"""Bytes to text, decided by us before any parser sees the document.

Order: a byte-order mark; the charset in the HTTP Content-Type header; the document's own
declaration (``<meta charset>`` / ``http-equiv`` for HTML, the XML declaration for feeds);
then detection. Detection prefers windows-1252 over its Central European neighbours when
the bytes fit it: an undeclared Norwegian page in windows-1252 is otherwise easily guessed
as cp1250, which turns "særlig" into "sćrlig" without any error.

Labels follow browsers (WHATWG): "iso-8859-1", "latin1" and "ascii" mean windows-1252, and a
document that calls itself UTF-16 in a meta tag while being read as bytes is UTF-8.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WINDOWS_1252_LABELS = {"latin-1", "iso8859-1", "ascii", "cp1252"}
# Python codecs a label can name that are no character encoding of a web document: host-name
# and mail transforms (idna, punycode, utf-7, which browsers refuse too) and Python's "undefined".
_NOT_DOCUMENT_ENCODINGS = {"idna", "punycode", "utf-7", "undefined", "raw-unicode-escape", "unicode-escape"}
# Single-byte Latin encodings a detector may confuse with windows-1252 on Nordic text.
_LATIN_FAMILY = {
    "cp1250", "cp1252", "cp1257", "latin_1", "iso8859_1", "iso8859_2", "iso8859_3", "iso8859_4",
    "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
    "mac_roman", "mac_latin2", "mac_iceland", "cp850", "cp437", "cp865", "ascii",
}  # fmt: skip

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([\w.:+-]+)["']""", re.IGNORECASE)
# Declarations beyond this point are not looked for; real pages declare early.
_PRESCAN_BYTES = 32_768


@dataclass(frozen=True)
class Decoded:
    """A decoded document: the text, the Python codec used, and where the decision came from."""

    text: str
    encoding: str
    source: str  # "bom", "header", "meta", "xml", "detected"


def charset_from_content_type(value: str | None) -> str | None:
    match = _HEADER_CHARSET.search(value or "")
    return match.group(1) if match else None


def normalise_label(label: str | None, *, in_document: bool = False) -> str | None:
    """The Python codec for a declared charset label, or None if it is unknown."""
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().strip("\"'").lower())
    except (LookupError, ValueError):  # ValueError: a label with a NUL in it
        return None
    name = info.name
    # bytes-to-bytes transforms (zlib, base64, hex, bz2) and str-to-str ones (rot13) are codecs
    # too; a Content-Type or <meta> naming one must not reach bytes.decode().
    if not getattr(info, "_is_text_encoding", True) or name in _NOT_DOCUMENT_ENCODINGS:
        return None
    if name in _WINDOWS_1252_LABELS:
        return "cp1252"
    if in_document and name.startswith(("utf-16", "utf-32")):
        # A document that could be scanned as ASCII bytes is not UTF-16.
        return "utf-8"
    return name


def _bom(content: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name, len(bom)
    return None


def _fits(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _usable(content: bytes, encoding: str | None) -> bool:
    # A declared UTF-8 that the bytes break is a common misconfiguration (a CMS template
    # saying utf-8 around windows-1252 text); fall through to the next source then.
    if encoding is None:
        return False
    return encoding != "utf-8" or _fits(content, "utf-8")


def detect(content: bytes) -> str:
    """Best-guess codec for undeclared bytes, preferring windows-1252 among Latin encodings."""
    if _fits(content, "utf-8"):
        return "utf-8"
    best = charset_normalizer.from_bytes(content[:200_000]).best()
    guess = best.encoding if best is not None else None
    if (guess is None or guess in _LATIN_FAMILY) and _fits(content, "cp1252"):
        return "cp1252"
    return guess or "cp1252"


def _decode(content: bytes, encoding: str, source: str, skip: int = 0) -> Decoded:
    return Decoded(content[skip:].decode(encoding, errors="replace"), encoding, source)


def _decode_document(
    content: bytes, header_charset: str | None, declaration: re.Pattern[bytes], prescan: int, source: str
) -> Decoded:
    """BOM, HTTP header, the document's own declaration (found by `declaration`), then detection."""
    bom = _bom(content)
    if bom:
        return _decode(content, bom[0], "bom", bom[1])
    declared = normalise_label(header_charset)
    if declared is not None and _usable(content, declared):
        return _decode(content, declared, "header")
    match = declaration.search(content[:prescan])
    declared = normalise_label(match.group(1).decode("ascii", "ignore"), in_document=True) if match else None
    if declared is not None and _usable(content, declared):
        return _decode(content, declared, source)
    return _decode(content, detect(content), "detected")


def decode_html(content: bytes, header_charset: str | None = None) -> Decoded:
    """Decode an HTML page: BOM, HTTP header, ``<meta>`` declaration, then detection."""
    return _decode_document(content, header_charset, _META_CHARSET, _PRESCAN_BYTES, "meta")


def decode_xml(content: bytes, header_charset: str | None = None) -> Decoded:
    """Decode a feed: BOM, HTTP header, the XML declaration, then detection."""
    return _decode_document(content, header_charset, _XML_DECLARATION, 1024, "xml")
