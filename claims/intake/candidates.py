"""From an article's text to candidate claims: split, detect language, score, guess speakers,
and find which candidates repeat a claim the desk already tracks.

`score_text` is pure (the API's /checkworthiness/ endpoint and the benchmark use it);
`extract_for_article` is the one call the fetch pipeline makes per stored article: it reads
what it needs and hands the result to `claims.services.candidates.candidates_store`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import Q

from claims.discovery import duplicates
from claims.intake import checkworthiness, language, sentences, speakers

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoredSentence:
    """One sentence of a text with its offsets, language, score and speaker guess."""

    start: int
    end: int
    text: str
    language: str
    score: float
    speaker: str | None


def score_text(
    text: str, *, language_hint: str | None = None, model: checkworthiness.Model | None = None, limit: int | None = None
) -> tuple[str, list[ScoredSentence]]:
    """The text's language and every sentence scored, in document order."""
    model = model or checkworthiness.current_model()
    text_language = language.normalize(language_hint) or language.detect(text)
    spans = sentences.split(text)
    if limit is not None:
        spans = spans[:limit]
    scored: list[ScoredSentence] = []
    previous = ""
    for span in spans:
        lang = language.sentence_language(span.text, article_language=text_language)
        scored.append(
            ScoredSentence(
                start=span.start,
                end=span.end,
                text=span.text,
                language=lang,
                score=round(model.score(span.text, lang), 4),
                speaker=speakers.guess(span.text, previous=previous),
            )
        )
        previous = span.text
    return text_language, scored


@dataclass(frozen=True)
class Tracked:
    """An existing claim a candidate sentence repeats, and how close the match is."""

    claim_id: int
    score: float


def _probe(text: str, lang: str, claimant_id: int | None = None) -> Any:
    # The duplicate finder reads these attributes of a claim; a sentence has them too.
    return SimpleNamespace(text=text, claim_reviewed="", language=lang, claimant_id=claimant_id)


# A sentence in an article that repeats a claim: stricter than the duplicate-suggestion
# threshold between two claims (duplicates.THRESHOLD, lowered for paraphrases in issue 16),
# since an article holds many sentences on the claim's topic that are not the claim.
TRACK_THRESHOLD = 0.6


def tracked_claims(found: list[ScoredSentence], *, threshold: float = TRACK_THRESHOLD) -> dict[int, Tracked]:
    """For each sentence (by index) that repeats an existing claim, in any language, that claim.

    One pool query per article: the claims sharing a telling word (or its cognate) with
    any of the sentences, compared with each sentence by the duplicate finder's similarity.
    """
    from claims.models import Claim
    from claims.search import search_claims

    if not found:
        return {}
    combined = _probe(" ".join(s.text for s in found), found[0].language)
    condition = Q()
    for term in duplicates._pool_terms(combined):
        condition |= Q(pk__in=search_claims(Claim.objects.all(), term).values("pk"))
    if not condition:
        return {}
    pool = list(
        Claim.objects.filter(condition, duplicate_of__isnull=True)
        .only("id", "text", "claim_reviewed", "language", "claimant_id")
        .order_by("-updated_at", "-id")[: duplicates.POOL_LIMIT]
    )
    if not pool:
        return {}
    pool_features = [(c.pk, duplicates.ClaimFeatures.of(c)) for c in pool]
    matches: dict[int, Tracked] = {}
    for index, sentence in enumerate(found):
        probe = duplicates.ClaimFeatures.of(_probe(sentence.text, sentence.language))
        best: Tracked | None = None
        for claim_id, other in pool_features:
            score, _signals = duplicates.similarity(probe, other)
            if score >= threshold and (best is None or score > best.score):
                best = Tracked(claim_id=claim_id, score=round(score, 4))
        if best is not None:
            matches[index] = best
    return matches


def claimant_index() -> speakers.ClaimantIndex:
    from claims.models import Claimant

    return speakers.ClaimantIndex.build(Claimant.objects.values_list("pk", "name"))


def extract_for_article(article: Any) -> int:
    """Score a stored article and keep its check-worthy sentences as candidates; returns how many.

    Called by the fetch pipeline for every article it stores text for. Safe to repeat: the
    candidates are keyed by (article, start) and decisions already made are kept.
    """
    from claims.services.candidates import candidates_store

    if not settings.CHECKWORTHINESS_CANDIDATES or not (article.text or "").strip():
        return 0
    model = checkworthiness.current_model()
    cut = checkworthiness.threshold()
    _lang, scored = score_text(
        article.text, language_hint=article.language, model=model, limit=settings.CHECKWORTHINESS_MAX_SENTENCES
    )
    kept = [s for s in scored if s.score >= cut]
    if not kept:
        return 0
    tracked = tracked_claims(kept)
    people = claimant_index()
    return candidates_store(
        article=article,
        found=kept,
        tracked={i: (t.claim_id, t.score) for i, t in tracked.items()},
        claimants={i: people.match(s.speaker) for i, s in enumerate(kept)},
        model_version=model.version,
    )
