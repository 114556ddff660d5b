"""Sentence splitting for Norwegian bokmål and English news text, with exact offsets.

Rule-based on purpose: the general-purpose segmenters we looked at either know no
Norwegian abbreviations ("bl.a.", "f.eks.", "kl.", "nr.") or lose the character offsets
the candidates and the API need. A boundary is a full stop, question mark, exclamation
mark or ellipsis, optionally followed by closing quotes or brackets, then white space,
then something that can start a sentence (a capital, a digit, an opening quote or a
speech dash) — unless the word before the stop is a known abbreviation or an initial.
Line breaks always end a sentence (headlines, bylines and photo credits have no stop).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations that do not end a sentence even before a capital ("bl.a. Norge",
# "Mr. Smith", "kl. 14"). Compared lower-cased, without the final stop.
_ABBREVIATIONS = frozenset(
    {
        # Norwegian
        "bl.a", "f.eks", "kl", "nr", "ca", "dvs", "mht", "evt", "ev", "jf", "jfr", "pga", "inkl", "ekskl",
        "mill", "mrd", "kr", "st", "stk", "tlf", "adm", "dir", "prof", "dr", "hr", "fr", "fru", "ordf",
        "avd", "gnr", "bnr", "ref", "nov", "des", "jan", "feb", "aug", "sep", "sept", "okt", "vs", "mv",
        "o.l", "m.m", "m.fl", "a.s", "t.o.m", "f.o.m", "e.l", "bl", "iflg", "div", "ant", "forts", "sml",
        # English
        "mr", "mrs", "ms", "messrs", "sr", "jr", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
        "rev", "hon", "no", "nos", "vol", "fig", "approx", "dept", "est", "inc", "corp", "co", "ltd",
        "e.g", "i.e", "cf", "mt", "ft", "u.s", "u.k", "u.n", "e.u", "d.c", "a.m", "p.m", "mar",
        "apr", "jun", "jul", "oct",
    }
)  # fmt: skip
# Abbreviations that are often the last word of a sentence: a boundary after them holds
# when the next word usually starts a sentence ("… in the U.S. The president said …").
_SENTENCE_FINAL_ABBREVIATIONS = frozenset({"u.s", "u.k", "u.n", "e.u", "d.c", "a.m", "p.m", "osv", "etc", "mv", "m.m"})
_STARTERS = frozenset(
    {
        "the", "he", "she", "it", "they", "we", "i", "in", "a", "an", "this", "that", "but", "and", "on",
        "at", "his", "her", "their", "there", "its", "after", "officials", "de", "det", "den", "han", "hun",
        "vi", "jeg", "men", "og", "dette", "der", "etter", "da", "nå", "hans", "hennes",
    }
)  # fmt: skip

# A candidate end: terminal punctuation, closing quotes/brackets, white space, then what a
# sentence can begin with (capital incl. Nordic letters, digit, opening quote, speech dash).
_BOUNDARY = re.compile(
    r"(?P<end>[.!?…]+[\"'»”’)\]]*)(?P<space>\s+)(?=[\"'«“‘(\[]*[A-ZÆØÅÄÖÜÉÈ0-9]|[–—-]\s)",
    re.UNICODE,
)
_LINE_BREAK = re.compile(r"\s*\n\s*")
_WORD_BEFORE = re.compile(r"([\w.]+)$", re.UNICODE)


@dataclass(frozen=True)
class Span:
    """A sentence and where it sits in the text it came from (Python string offsets)."""

    start: int
    end: int
    text: str


def _ends_in_abbreviation(chunk: str, stop: str, following: str) -> bool:
    """True when the full stop at the end of `chunk` belongs to an abbreviation or initial."""
    if not stop.startswith(".") or stop.startswith(".."):
        return False
    match = _WORD_BEFORE.search(chunk)
    if not match:
        return False
    word = match.group(1).rstrip(".").lower()
    if not word:
        return False
    next_word = following.lstrip("\"'«“‘([").split(" ", 1)[0].strip(".,:;").lower()
    if word in _SENTENCE_FINAL_ABBREVIATIONS:
        return next_word not in _STARTERS
    if word in _ABBREVIATIONS:
        return True
    # A single capital letter before the stop is an initial ("Jonas G. Støre", "J. K. Rowling").
    if len(word) == 1 and word.isalpha() and match.group(1)[:1].isupper():
        return True
    # "U.S.A." style: letters separated by stops.
    return bool(re.fullmatch(r"(?:[a-zæøå]\.)+[a-zæøå]", word))


def _split_line(text: str, offset: int, spans: list[Span]) -> None:
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end("end")
        stop = match.group("end").rstrip("\"'»”’)]")
        if _ends_in_abbreviation(text[start : match.start("end")], stop, text[match.end() : match.end() + 40]):
            continue
        _add(text, start, end, offset, spans)
        start = match.end()
    _add(text, start, len(text), offset, spans)


def _add(text: str, start: int, end: int, offset: int, spans: list[Span]) -> None:
    # Trim white space without losing the offsets.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(offset + start, offset + end, text[start:end]))


def split(text: str) -> list[Span]:
    """The sentences of `text` in document order; `text[s.start:s.end] == s.text` for each."""
    spans: list[Span] = []
    position = 0
    for brk in _LINE_BREAK.finditer(text):
        _split_line(text[position : brk.start()], position, spans)
        position = brk.end()
    _split_line(text[position:], position, spans)
    return spans


def paragraph_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The offsets of the paragraph (text between blank lines or line breaks) holding a span."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return left, len(text) if right == -1 else right
