"""An article's sentences as the recurrence matcher reads them, and the country they speak of.

Where a text is cut into sentences (`sentences_with_offsets`, with their character offsets) and a
sentence into the clauses that are windows of their own (`_CLAUSE` and the words that frame a
clause, read by `ClaimIndex._clauses`); the closing attribution that is not compared
(`_unattributed`); a sentence's words as said (`_said`: the speaker's "we", a quote that names
no country speaks of the desk's own); and the countries a passage names against a claim's
(`_abroad`, `_elsewhere`). They live apart from claims/watch/recurrences.py, which scores the
windows cut here against the live claims and imports these names, so that module stays short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from claims.discovery import lexicon as lx
from claims.watch.recurrence_features import Features, words_of
from claims.watch.recurrence_words import HOME_COUNTRY, OTHER_COUNTRIES

HOME_KEY = "@" + HOME_COUNTRY
_SENTENCE_SPAN = re.compile(r"[^\n]+")
# A sentence begins with a capital, a digit, an opening quote or a speech dash ("– Vi har …",
# the Norwegian press's way of quoting).
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+(?=[\"'«“(]*[A-ZÆØÅÉ0-9]|[–—-]\s)")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences_with_offsets(text: str) -> list[Sentence]:
    """The text's sentences, each with its [start, end) character offsets in `text`."""
    found: list[Sentence] = []
    for line in _SENTENCE_SPAN.finditer(text or ""):
        offset, body = line.start(), line.group(0)
        cut = 0
        for boundary in _BOUNDARY.finditer(body):
            found.extend(_span(text, offset + cut, offset + boundary.start()))
            cut = boundary.end()
        found.extend(_span(text, offset + cut, offset + len(body)))
    return found


# "…, sa ministeren." / '"…," the minister said.' / "…, ifølge SSB.": who said it is not what was said.
_ATTRIBUTION = re.compile(
    r"(?:,\s*[\"'»”’]?\s*|[\"'»”’]\s*)"
    r"(?:(?:sa|sier|skriver|mener|forteller|opplyser|understreker|påpeker|hevder|ifølge)"
    r"|(?:said|says|told|wrote|writes|added|according\s+to)"
    r"|(?:[\w'’.-]+\s+){1,6}(?:said|says|told\s+\w+|wrote|added))"
    r"(?:\s+[^,.!?]{0,80})?[.!?]?\s*$",
    re.IGNORECASE,
)


_WE = re.compile(r"\b(?:vi|oss|vår|vårt|våre|we|us|our)\b", re.IGNORECASE)
# Where a sentence's clauses meet: a comma, a dash, a colon or semicolon, "that"/"at".
_CLAUSE = re.compile(r",\s+|\s+[–—]\s+|[;:]\s+|\s+(?:that|at)\s+")
_WORDS = re.compile(r"\w+")
CLAUSE_WORDS = 4  # a head or tail shorter than this is not a window of its own
_FRAMING = frozenset({"that", "at"})  # what comes before reports the clause after
_FRAMED_BY = {"en": "that", "nb": "at"}


def _unattributed(sentence: str) -> str:
    """The sentence without its closing attribution: the quote is compared, not the speaker
    (the passage shown keeps it)."""
    return _ATTRIBUTION.sub("", sentence) or sentence


def _span(text: str, start: int, end: int) -> list[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Sentence(start, end, text[start:end])] if end - start >= 12 else []


@lru_cache(maxsize=1)
def _other_countries() -> frozenset[str]:
    """Every other country's alias term: those the shared aliases name and the rest of the world."""
    return OTHER_COUNTRIES | frozenset(lx.alias_term(key) for key in lx.country_keys())


def _elsewhere(claim: Features, rest: Features) -> bool:
    """The rest of a sentence names a country the claim does not name."""
    return not (rest.tokens & _other_countries()) <= claim.tokens


def _names_a_country(tokens: frozenset[str]) -> bool:
    return HOME_KEY in tokens or not tokens.isdisjoint(_other_countries())


def _abroad(claim: Features, window: Features) -> bool:
    """The claim names no country, so it is about the desk's own; the passage is about another
    country's and does not name the desk's."""
    return (
        not _names_a_country(claim.tokens)
        and HOME_KEY not in window.tokens
        and not window.tokens.isdisjoint(_other_countries())
    )


_HOME_KEYS = frozenset({HOME_KEY, HOME_COUNTRY})


def _said(text: str, language: str | None) -> Features:
    """A sentence's words (`words_of`) without its attribution; `completed` with
    `_unattributed(text)` adds the rest of its features. A quote that names no one and nothing
    ("– Vi solgte 9,4 millioner billetter i fjor, sa lederen for …") speaks of the desk's own
    country, as a claim that names none is about it (`_abroad`): it counts as naming Norway.
    Only quotes: an unattributed sentence that names nothing is as often about somewhere the
    article named before (measured: +7 repeats and +9 false alerts; quotes alone +3 and none)."""
    said = _unattributed(text)
    window = words_of(said, language)
    if said != text:
        if _WE.search(said):
            # "– Vi tok imot 1,1 millioner gjester i 2023, sa direktøren i Kristiansand Dyrepark":
            # the speaker's "we" is the body the attribution names.
            speaker = words_of(text[len(said) :], language)
            if speaker.names:
                window = replace(window, tokens=window.tokens | frozenset().union(*speaker.names))
        if not (window.names or _names_a_country(window.tokens)):
            window = replace(window, tokens=window.tokens | _HOME_KEYS)
    return window
