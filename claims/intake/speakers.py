"""Who said it: a speaker guess from the sentence (or the one before it) and a claimant match.

News text names its speakers in a few fixed shapes — "sa Lavrov", "Lavrov sa",
"ifølge Pentagon", "Biden said", "said Biden", "according to the WHO" — with a capitalised
name next to a speech verb. Pronoun attributions ("she said", "sa han") point back to the
previous sentence, so the caller passes it as `previous`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# One capitalised name word, hyphens and Nordic letters allowed ("Jonas", "Gahr", "Støre",
# "Jean-Luc", "WHO", "McCarthy"); up to four in a row make the name.
_NAME_WORD = r"(?:[A-ZÆØÅÄÖÜ][\w’'\-]*)"
_NAME = rf"(?P<name>{_NAME_WORD}(?:\s+(?:van|von|de|der|la|al)?\s*{_NAME_WORD}){{0,3}})"
_VERBS_NB = (
    r"(?:sa|sier|hevder|hevdet|mener|meinte|opplyste|opplyser|skriver|skrev|forteller|fortalte|uttalte|"
    r"bekreftet|bekrefter|melder|meldte|påstår|påsto|advarte|advarer)"
)
_VERBS_EN = (
    r"(?:said|says|claimed|claims|told|wrote|writes|stated|states|confirmed|confirms|insisted|insists|"
    r"argued|argues|warned|warns|added|announced|reported|tweeted)"
)

_PATTERNS = [
    re.compile(rf"\b(?i:ifølge|according to)\s+(?i:the\s+)?{_NAME}", re.UNICODE),
    re.compile(rf"[,–—]\s*(?:{_VERBS_NB}|{_VERBS_EN})\s+{_NAME}", re.UNICODE),
    re.compile(rf"\b{_NAME}\s+(?:{_VERBS_NB}|{_VERBS_EN})\b", re.UNICODE),
    re.compile(rf"\b(?:{_VERBS_NB}|{_VERBS_EN})\s+{_NAME}", re.UNICODE),
]
_PRONOUN = re.compile(
    r"\b(?:(?:sa|sier|mener|hevder|skriver)\s+(?:han|hun|de)|(?:he|she|they)\s+(?:said|says|added|told))\b",
    re.IGNORECASE,
)
# Capitalised words that are not speakers: sentence openers, days, months, pronouns.
_NOT_NAMES = frozenset(
    {
        "The", "He", "She", "It", "They", "We", "I", "This", "That", "Han", "Hun", "De", "Det", "Den", "Vi",
        "Jeg", "Dette", "Men", "Og", "But", "And", "In", "På", "Etter", "After", "Monday", "Tuesday",
        "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mandag", "Tirsdag", "Onsdag", "Torsdag",
        "Fredag", "Lørdag", "Søndag", "Officials", "Police", "Politiet",
    }
)  # fmt: skip


def _clean(name: str) -> str | None:
    words = [w for w in name.split() if w]
    while words and words[0] in _NOT_NAMES:
        words.pop(0)
    name = " ".join(words).strip(" ’'-")
    name = re.sub(r"[’']s$", "", name)
    return name or None


def guess(sentence: str, *, previous: str = "") -> str | None:
    """The speaker a sentence names (or, for "she said", the one the previous sentence names)."""
    for pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            name = _clean(match.group("name"))
            if name:
                return name
    if previous and _PRONOUN.search(sentence):
        return guess(previous)
    return None


@dataclass
class ClaimantIndex:
    """Existing claimants by full name and by a surname only one of them has."""

    by_name: dict[str, int]
    by_last: dict[str, int]

    @classmethod
    def build(cls, claimants: Iterable[tuple[int, str]]) -> ClaimantIndex:
        by_name: dict[str, int] = {}
        last_count: dict[str, list[int]] = {}
        for pk, name in claimants:
            key = name.strip().lower()
            if not key:
                continue
            by_name.setdefault(key, pk)
            last_count.setdefault(key.split()[-1], []).append(pk)
        by_last = {last: ids[0] for last, ids in last_count.items() if len(ids) == 1}
        return cls(by_name=by_name, by_last=by_last)

    def match(self, speaker: str | None) -> int | None:
        """The id of the claimant this speaker most likely is ("Lavrov" → "Sergej Lavrov")."""
        if not speaker:
            return None
        key = speaker.strip().lower()
        if key in self.by_name:
            return self.by_name[key]
        return self.by_last.get(key.split()[-1]) if key else None
