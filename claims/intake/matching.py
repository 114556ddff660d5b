"""Which existing claim a piece of text (a tip, an imported review) is about, if any."""

from __future__ import annotations

from django.conf import settings

from claims.discovery.duplicates import THRESHOLD
from claims.discovery.duplicates_external import Match, find_duplicates
from claims.models import Claim


def closest_match(text: str, language: str, *, threshold: float = THRESHOLD) -> Match | None:
    """The claim the duplicate finder (across languages, and through other desks' wordings in
    their reviews) scores highest for `text`, if any scores at least `threshold`."""
    # The finder compares a claim with the others; pk 0 is never assigned, so no claim is excluded.
    probe = Claim(pk=0, text=text, language=language or settings.LANGUAGE_CODE)
    found = find_duplicates(probe, threshold=threshold, limit=1)
    return found[0] if found else None


def closest_claim(text: str, language: str, *, threshold: float = THRESHOLD) -> tuple[Claim, float] | None:
    """`closest_match` as (claim, score)."""
    match = closest_match(text, language, threshold=threshold)
    return (match.claim, match.score) if match else None
