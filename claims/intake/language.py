"""Which language an article and each of its sentences is in: Norwegian bokmål or English.

Function-word counts (the same markers the discovery index uses) plus the Nordic letters.
An article gets one language; a sentence keeps the article's unless its own evidence is
clear enough to overrule it (an English quote inside a Norwegian article), so short
sentences with one or two function words do not flip back and forth.
"""

from __future__ import annotations

import re

NORWEGIAN = "nb"
ENGLISH = "en"
SUPPORTED = (NORWEGIAN, ENGLISH)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NB = frozenset(
    {
        "og", "ikke", "som", "det", "er", "på", "av", "med", "til", "har", "om", "en", "et", "å", "fra",
        "jeg", "vi", "han", "hun", "de", "den", "var", "ble", "blir", "skal", "kan", "vil", "sa", "sier",
        "etter", "også", "men", "eller", "hadde", "seg", "sin", "sitt", "ifølge", "mot", "nå", "dette",
        "mener", "der", "når", "hva", "hvor", "hvorfor", "fikk", "får", "ingen", "noen", "alle", "mer",
    }
)  # fmt: skip
_EN = frozenset(
    {
        "the", "and", "not", "is", "of", "with", "to", "has", "on", "a", "from", "that", "was", "are",
        "we", "he", "she", "they", "it", "will", "would", "said", "says", "after", "also", "but",
        "or", "had", "have", "been", "his", "her", "their", "this", "these", "which", "what", "who",
        "according", "more", "than", "no", "nobody", "all", "there", "were", "be", "by", "an", "at",
    }
)  # fmt: skip
_NORDIC = re.compile(r"[æøåÆØÅ]")
# A sentence overrules its article only with this much more evidence for the other language.
SENTENCE_MARGIN = 3


def _evidence(text: str) -> tuple[int, int]:
    cased = _WORD.findall(text)
    words = [w.lower() for w in cased]
    # "i" is Norwegian "in" lower-case, and English "I" only capitalised after the first word
    # ("I fjor …" is Norwegian); counted as English either way, two of them made "Bompengene i
    # Bergen gikk ned … i fjor" English.
    nb = sum(1 for w in words if w in _NB) + 2 * len(_NORDIC.findall(text)) + cased.count("i")
    en = sum(1 for w in words if w in _EN) + sum(1 for w in cased[1:] if w == "I")
    return nb, en


def normalize(language: str | None) -> str | None:
    """The supported language a BCP-47 tag stands for ("nb-NO", "no", "nn" → "nb"), or None."""
    tag = (language or "").strip().lower().split("-")[0]
    if tag in {"nb", "no", "nn", "nob", "nno", "nor"}:
        return NORWEGIAN
    if tag in {"en", "eng"}:
        return ENGLISH
    return None


def detect(text: str, *, default: str = ENGLISH) -> str:
    """ "nb" or "en" for a whole text; `default` when there is no evidence either way."""
    nb, en = _evidence(text[:20000])
    if nb == en:
        return default
    return NORWEGIAN if nb > en else ENGLISH


def sentence_language(sentence: str, *, article_language: str) -> str:
    """The sentence's language: the article's, unless the sentence clearly says otherwise."""
    nb, en = _evidence(sentence)
    if article_language == NORWEGIAN and en >= nb + SENTENCE_MARGIN:
        return ENGLISH
    if article_language == ENGLISH and nb >= en + SENTENCE_MARGIN:
        return NORWEGIAN
    return article_language
