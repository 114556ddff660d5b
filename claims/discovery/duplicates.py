"""Duplicate-claim detection that works across languages.

Claims that say the same thing in Norwegian and English share names and cognates
(Ukraina/Ukraine, NATO, Lavrov), so character n-grams of the folded text carry a
language-independent signal that word matching misses.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from django.db import connection
from django.db.models import QuerySet

from claims.models import Claim
from claims.search import search_claims, search_terms

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss"})
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, transliterate Nordic letters and strip accents (Genève -> geneve)."""
    text = text.lower().translate(_FOLD)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text).strip()


def ngram_profile(text: str, n: int = 4) -> Counter[str]:
    profile: Counter[str] = Counter()
    for word in fold(text).split():
        padded = f" {word} "
        if len(padded) <= n:
            profile[padded] += 1
            continue
        for i in range(len(padded) - n + 1):
            profile[padded[i : i + n]] += 1
    return profile


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b.get(gram, 0) for gram, count in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _claim_text(claim: Claim) -> str:
    return f"{claim.claim_reviewed} {claim.text}"


def candidate_pool(claim: Claim, *, limit: int = 500) -> QuerySet[Claim]:
    """Claims worth comparing: those sharing a rare-ish term, plus the claimant's others."""
    base = Claim.objects.exclude(pk=claim.pk).only("id", "text", "claim_reviewed", "language", "claimant_id")
    terms = sorted({t for t in search_terms(_claim_text(claim), limit=40) if len(t) >= 4}, key=len, reverse=True)
    if connection.vendor == "postgresql" and terms:
        # OR over the longest terms keeps the pool small but cross-language (names match).
        from django.db.models import Q

        condition = Q()
        for term in terms[:8]:
            condition |= Q(pk__in=search_claims(Claim.objects.all(), term).values("pk"))
        if claim.claimant_id:
            condition |= Q(claimant_id=claim.claimant_id)
        return base.filter(condition).order_by("-updated_at")[:limit]
    return base.order_by("-updated_at")[:limit]


def find_duplicates(claim: Claim, *, threshold: float = 0.45, limit: int = 10) -> list[tuple[Claim, float]]:
    """Claims that probably say the same as `claim`, best first, with a 0–1 score."""
    target = ngram_profile(_claim_text(claim))
    scored = []
    for other in candidate_pool(claim):
        score = cosine(target, ngram_profile(_claim_text(other)))
        if claim.claimant_id and other.claimant_id == claim.claimant_id:
            score = min(1.0, score + 0.05)
        if score >= threshold:
            scored.append((other, round(score, 4)))
    scored.sort(key=lambda pair: pair[1], reverse=True)
    return scored[:limit]
