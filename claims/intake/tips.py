"""The tip engine: what makes two reader tips the same question (pure, no writes).

Two tips are *identical* when their text is the same after case-folding and collapsing
whitespace and punctuation, or when they point at the same URL with similar text; the
services count an identical tip as one more request on the existing row. Tips that are
merely *similar* (the duplicate finder's score, which works across languages) are grouped
into one inbox item.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from claims.discovery.duplicates import ClaimFeatures, similarity
from claims.models import Claim
from claims.urlnorm import normalize_url

# Tips this similar (0–1, the duplicate finder's scale) are one question in the inbox.
GROUP_THRESHOLD = 0.6
# Same URL: the text only has to be about the same thing.
SAME_URL_THRESHOLD = 0.35

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalize_text(text: str) -> str:
    """Case-folded, NFKC, punctuation and runs of whitespace collapsed to one space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def text_key(text: str) -> str:
    return _digest(normalize_text(text))


def url_key(url: str) -> str:
    return _digest(normalize_url(url)) if url.strip() else ""


def features(text: str, language: str) -> ClaimFeatures:
    """The duplicate finder's features of a tip, built from an unsaved claim-shaped object."""
    return ClaimFeatures.of(Claim(text=text, language=language or "en"))


def tip_similarity(a: ClaimFeatures, b: ClaimFeatures) -> float:
    score, _signals = similarity(a, b)
    return score
