"""Duplicate-claim detection that works across languages and workflow states.

A new claim is compared with existing claims that share at least one telling word with it
(in either language, through the cognate map) or come from the same claimant. Each pair
gets a 0–1 score from three signals:

* **words** — overlap of canonical tokens (stemmed per language, folded, mapped through the
  cognate map and the Norwegian–English lexicon, with names through the alias table), half
  Dice and half the share of the shorter claim's words, so "Russland har ingen planer om å
  invadere Ukraina" and "Russia has no plans to invade Ukraine" share every content word and
  a paraphrase that adds a few words still scores;
* **n-grams** — cosine of character 4-gram profiles of the folded text, which catches
  spelling variants (Sergej/Sergei) within a language (between languages it is not used);
* **entities** — overlap of names, acronyms and numbers.

Two claims about the same event that differ in a number or date ("100 000 soldiers" and
"50 000 soldiers") are different claims, so disagreeing numbers cut the score, and a number
on one side only cuts it less. Numbers and dates are normalised first ("2,5 millioner" =
"2.5 million", "1. mars" = "1 March"). Weights and threshold are chosen on labelled pairs
(bench/duplicates.py).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q, QuerySet

from claims.discovery import lexicon as lx
from claims.discovery import text as tx
from claims.discovery.text import cosine, gram_norm, ngram_profile
from claims.models import Claim
from claims.search import search_claims_any

# Chosen on the tuning half of the labelled pairs (bench/duplicates.py; held-out figures in
# bench/results/duplicates.md), as are the weights and multipliers below.
THRESHOLD = 0.45
POOL_LIMIT = 500
POOL_TERMS = 12
RECENT_FALLBACK = 100
WEIGHTS = {"words": 0.6, "ngrams": 0.3, "entities": 0.1}
NUMBER_MISMATCH = 0.4  # the score is multiplied by this when the claims' numbers disagree
SAME_CLAIMANT_BONUS = 0.05
# A paraphrase often adds or drops words ("more than", "this year"): the share of the shorter
# claim's words found in the other counts beside the Dice overlap.
OVERLAP_MIX = 0.5
# One claim gives a number and the other none: often a different claim about the same event.
ONE_SIDED_NUMBER = 0.7
# Character n-grams say little between languages (cognates aside): they weigh this much less.
CROSS_LANGUAGE_NGRAMS = 0.0


@dataclass(frozen=True)
class ClaimFeatures:
    """What the comparison needs of one claim; cheap to build (tokenising is cached per word)."""

    tokens: frozenset[str]
    text: str  # its n-grams are counted when first compared (most pairs never get that far)
    entities: frozenset[str]
    numbers: frozenset[str]
    claimant_id: int | None
    language: str = ""

    @cached_property
    def grams(self) -> Counter[str]:
        return ngram_profile(self.text)

    @cached_property
    def grams_norm(self) -> float:
        """The n-gram profile's Euclidean norm, computed once per claim, not once per pair."""
        return gram_norm(self.grams)

    @classmethod
    def of(cls, claim: Claim) -> ClaimFeatures:
        text = claim_text(claim)
        # Names in either language ("Verdens helseorganisasjon"/"WHO") as one term and entity.
        words = tx.cased_words(text)  # once, for the aliases and the tokens
        aliases = frozenset(lx.alias_term(key) for key in lx.alias_keys_in(words))
        entities = frozenset(tx.entities(text)) | aliases
        return cls(
            tokens=frozenset(tx.tokens(text, claim.language, words=words)) | aliases,
            text=text,
            entities=entities,
            numbers=frozenset(e for e in entities if e[:1].isdigit() or e.startswith("date")),
            claimant_id=claim.claimant_id,
            language=tx.base_language(claim.language),
        )


def claim_text(claim: Claim) -> str:
    return f"{claim.claim_reviewed}\n{claim.text}".strip()


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _weights(a: ClaimFeatures, b: ClaimFeatures) -> dict[str, float]:
    weights = dict(WEIGHTS)
    if a.language and b.language and a.language != b.language:
        weights["ngrams"] *= CROSS_LANGUAGE_NGRAMS
    if not (a.entities or b.entities):
        # Neither claim names anyone: judge on the words alone rather than count a zero.
        weights["entities"] = 0.0
    return weights


def similarity_at_least(
    a: ClaimFeatures, b: ClaimFeatures, threshold: float, *, shared: int | None = None
) -> float | None:
    """`similarity(a, b)`'s score when it reaches `threshold`, else None — usually without
    computing the n-gram cosine: the word overlap (two set operations) bounds the score.

    For the many-to-many comparisons of a harvest (every candidate sentence against a pool
    of claims, ~700 pairs an article), where almost every pair is far below the threshold;
    hence the arithmetic inline, in the same order as `similarity` (the same floats).
    `shared`: how many tokens the two have in common, when the caller has counted them.
    """
    words = _words(a.tokens, b.tokens) if shared is None else words_of(shared, len(a.tokens), len(b.tokens))
    entities = _dice(a.entities, b.entities) if a.entities or b.entities else 0.0
    w_ngrams = (
        WEIGHTS["ngrams"] * CROSS_LANGUAGE_NGRAMS
        if a.language and b.language and a.language != b.language
        else WEIGHTS["ngrams"]
    )
    w_entities = WEIGHTS["entities"] if a.entities or b.entities else 0.0
    total = WEIGHTS["words"] + w_ngrams + w_entities
    # The best the n-grams could add is a cosine of 1; the multipliers are at most 1.
    bound = (WEIGHTS["words"] * words + w_ngrams + w_entities * entities) / total
    if a.claimant_id and a.claimant_id == b.claimant_id:
        bound += SAME_CLAIMANT_BONUS
    if min(1.0, bound) < threshold:
        return None
    score = _score(a, b, words, cosine(a.grams, b.grams, a.grams_norm, b.grams_norm), entities)
    return score if score >= threshold else None


def needs_a_shared_word(threshold: float) -> bool:
    """Whether two claims sharing no word (token) are sure to score below `threshold`:
    then a many-to-many comparison need only pair those sharing one. With no shared word the
    word signal is 0, and the bound in `similarity_at_least` is at most the n-grams' and the
    entities' weights over the total, plus the claimant bonus."""
    best = 0.0
    for ngrams in (WEIGHTS["ngrams"], WEIGHTS["ngrams"] * CROSS_LANGUAGE_NGRAMS):
        for entities in (WEIGHTS["entities"], 0.0):
            best = max(best, (ngrams + entities) / (WEIGHTS["words"] + ngrams + entities))
    return min(1.0, best + SAME_CLAIMANT_BONUS) + 1e-9 < threshold


def words_needed(threshold: float) -> float:
    """The least word signal (`words_of`) with which a pair can reach `threshold`: the bound in
    `similarity_at_least` at its most generous (a full n-gram cosine, entities all shared, the
    same claimant). A many-to-many comparison may skip pairs below it without computing more."""
    needed = math.inf
    for ngrams in (WEIGHTS["ngrams"], WEIGHTS["ngrams"] * CROSS_LANGUAGE_NGRAMS):
        for entities in (WEIGHTS["entities"], 0.0):
            total = WEIGHTS["words"] + ngrams + entities
            needed = min(needed, ((threshold - SAME_CLAIMANT_BONUS) * total - ngrams - entities) / WEIGHTS["words"])
    return needed


def similarity(a: ClaimFeatures, b: ClaimFeatures) -> tuple[float, dict[str, float]]:
    """The 0–1 duplicate score of two claims and the signals behind it."""
    signals = {
        "words": _words(a.tokens, b.tokens),
        "ngrams": cosine(a.grams, b.grams, a.grams_norm, b.grams_norm),
        "entities": _dice(a.entities, b.entities) if a.entities or b.entities else 0.0,
    }
    score = _score(a, b, signals["words"], signals["ngrams"], signals["entities"])
    return score, {k: round(v, 4) for k, v in signals.items()}


def _words(a: frozenset[str], b: frozenset[str]) -> float:
    """The word signal: Dice and the shorter claim's share found, mixed (one intersection)."""
    return words_of(len(a & b), len(a), len(b))


def words_of(shared: int, size_a: int, size_b: int) -> float:
    if not (size_a and size_b):
        return 0.0
    return (1 - OVERLAP_MIX) * (2 * shared / (size_a + size_b)) + OVERLAP_MIX * (shared / min(size_a, size_b))


def _score(a: ClaimFeatures, b: ClaimFeatures, words: float, ngrams: float, entities: float) -> float:
    weights = _weights(a, b)
    score = (weights["words"] * words + weights["ngrams"] * ngrams + weights["entities"] * entities) / sum(
        weights.values()
    )
    if a.numbers and b.numbers and not (a.numbers & b.numbers):
        score *= NUMBER_MISMATCH
    elif bool(a.numbers) != bool(b.numbers):
        score *= ONE_SIDED_NUMBER
    if a.claimant_id and a.claimant_id == b.claimant_id:
        score += SAME_CLAIMANT_BONUS
    return max(0.0, min(1.0, score))


def _pool_terms(claim: Claim) -> list[str]:
    """The claim's most telling words and their spellings in the other language."""
    terms: list[str] = []
    for concept in pool_concepts(claim, limit=POOL_TERMS):
        terms.extend(t for t in concept if t not in terms)
    return terms[:POOL_TERMS]


def pool_concepts(claim: Claim, *, limit: int) -> list[list[str]]:
    """The claim's telling words, each with its other spellings: [["russland", "russia", …], …].

    Names first (they cross languages), then long words (they are rare); about `limit`
    spellings in all. A concept is one word of the claim however it is spelt, so "shares
    two words" means two different words, not "Russland" and "Russia".
    """
    return concepts_of(telling_words(claim_text(claim)), tx.base_language(claim.language), limit=limit)


def telling_words(text: str) -> list[str]:
    """The words of a text that may tell what it is about (four letters or more, no stopword),
    in text order: `concepts_of` ranks them. A text's list is its sentences' lists joined."""
    return [w for w in tx.cased_words(text) if len(w) >= 4 and w.lower() not in tx.STOPWORDS]


def concepts_of(telling: list[str], language: str, *, limit: int) -> list[list[str]]:
    """`pool_concepts` of a text whose `telling_words` are given (in text order)."""
    words = sorted(telling, key=lambda w: (not w[:1].isupper(), -len(w)))
    groups = tx.cognate_spellings()
    seen: set[str] = set()
    concepts: list[list[str]] = []
    count = 0
    for word in words:
        translated = lx.other_language_words(word, language)
        concept: list[str] = []
        for spelling in (word, *groups.get(word.lower(), ()), *translated):
            lowered = spelling.lower()
            if " " not in spelling and len(spelling) >= 3 and lowered not in seen:
                seen.add(lowered)
                concept.append(lowered)
        if concept:
            concepts.append(concept)
            count += len(concept)
        if count >= limit:
            break
    return concepts


def candidate_pool(claim: Claim, *, limit: int = POOL_LIMIT) -> QuerySet[Claim]:
    """Claims worth comparing, from the full-text index: any shared telling word or cognate,
    the same claimant, or among the most recent claims. Any language, any status."""
    base = Claim.objects.exclude(pk=claim.pk).exclude(duplicate_of=claim)
    terms = _pool_terms(claim)
    # The word matches first, in one index scan (best first on PostgreSQL), then OR-ed in as
    # ids: the search SQL names the claims table, so as a subquery it would be correlated
    # with the outer row (a scan per claim).
    matched = list(search_claims_any(base, terms).values_list("pk", flat=True)[:limit]) if terms else []
    condition = Q(pk__in=matched)
    if claim.claimant_id:
        condition |= Q(claimant_id=claim.claimant_id)
    recent = list(base.order_by("-created_at", "-id").values_list("pk", flat=True)[:RECENT_FALLBACK])
    condition |= Q(pk__in=recent)
    return (
        base.filter(condition)
        .only("id", "text", "claim_reviewed", "language", "claimant_id", "status")
        .order_by("-updated_at", "-id")[:limit]
    )


def find_duplicates(claim: Claim, *, threshold: float = THRESHOLD, limit: int = 10) -> list[tuple[Claim, float]]:
    """Claims that probably say the same as `claim`, best first, with a 0–1 score."""
    target = ClaimFeatures.of(claim)
    scored = []
    for other in candidate_pool(claim):
        score, _signals = similarity(target, ClaimFeatures.of(other))
        if score >= threshold:
            scored.append((other, round(score, 4)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].pk))
    return scored[:limit]
