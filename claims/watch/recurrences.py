"""Recurrences: a newly stored article that repeats a claim the desk has already checked.

Each article is cut into sentences (with their character offsets) and every sentence, and
every pair of neighbouring sentences, is compared with the live fact-checks' claims. The
comparison works across Norwegian and English through discovery's text tools: tokens are
stemmed in their own language and mapped through the shared cognate map (plus a small
lexicon of general fact-check words below), names and numbers are language-neutral.

A window's score against a claim is the share of the claim's (IDF-weighted) tokens the
window contains (raised for a window in the other language, whose translation loses words),
lowered when the two disagree on a number, on negation, on direction ("more" vs "fewer") or
on a name — the usual ways a same-topic sentence makes a *different* claim ("50 000
soldiers" vs "100 000 soldiers", "will join" vs "will not join", "prices in Sweden" vs
"prices in Norway"). Factors and the threshold are chosen by leave-one-claim-out
cross-validation on the development part of bench/recurrences.py's labelled set.
Candidates come from an inverted index over the claims' tokens, so one article costs a few
dictionary look-ups per sentence whatever the number of live fact-checks. Pure: no database
writes here; `claims.services.recurrences` stores them.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from claims.discovery import text as tx
from claims.watch.recurrence_words import DOWN_WORDS, EXTRA_STOPWORDS, LEXICON, NEGATIONS, UP_WORDS

NUMBER_MISMATCH = 0.45
MISSING_NUMBER = 0.65
NEGATION_MISMATCH = 0.55
DIRECTION_MISMATCH = 0.6
NAME_MISMATCH = 0.6
COMPOUND_MIN = 6  # Norwegian words from this length are also split into known halves
CROSS_LANGUAGE = 1.25  # a cross-language score is multiplied by this (translation loses words)
MAX_DF_SHARE = 0.01  # tokens in more of the claims than this do not nominate candidates
MIN_COVERAGE = 0.35  # candidates below this share of a claim's weight are not scored further
_SENTENCE_SPAN = re.compile(r"[^\n]+")
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+(?=[\"'«“(]*[A-ZÆØÅÉ0-9])")
_WORD = re.compile(r"[\w']+", re.UNICODE)


@lru_cache(maxsize=2)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer("norwegian" if lang == "nb" else "english")


@lru_cache(maxsize=1)
def _lexicon_map() -> dict[str, str]:
    """Stem (either language, folded) → the lexicon's canonical token, for words the cognate map lacks."""
    mapping: dict[str, str] = {}
    for head, variants in LEXICON.items():
        known = tx.tokens(head.split("_")[0], "en")
        target = known[0] if known else "lx_" + tx.fold(_stemmer("en").stemWord(head))
        for variant in (head, *variants):
            if " " in variant:
                continue
            for lang in ("nb", "en"):
                mapping.setdefault(tx.fold(_stemmer(lang).stemWord(variant.lower())), target)
            mapping.setdefault(tx.fold(variant), target)
    return mapping


@lru_cache(maxsize=200_000)
def _word_keys(word: str, lang: str) -> tuple[str, ...]:
    """The canonical keys of one word: discovery's token, mapped through the lexicon, and the
    known parts of a Norwegian compound ("oljefondet" → oil, fund; "elbiler" → electric, car)."""
    if word.lower() in EXTRA_STOPWORDS:
        return ()
    lexicon = _lexicon_map()
    keys = [lexicon.get(token, token) for token in tx.tokens(word, lang)]
    folded = tx.fold(word)
    if folded in lexicon:
        keys = [lexicon[folded]]
    if lang == "nb" and len(folded) >= 7 and not any(k in _known_targets() for k in keys):
        keys.extend(_compound(folded))
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=1)
def _known_targets() -> frozenset[str]:
    return frozenset(_lexicon_map().values())


def _part_key(part: str) -> str | None:
    lexicon = _lexicon_map()
    for candidate in (part, part[:-1] if part[-1:] in {"s", "e"} else ""):
        if len(candidate) < 2:
            continue
        if candidate in lexicon:
            return lexicon[candidate]
        stem = tx.fold(_stemmer("nb").stemWord(candidate))
        if stem in lexicon:
            return lexicon[stem]
        token = tx.canonical(stem)
        if token != stem:
            return token
    return None


@lru_cache(maxsize=100_000)
def _compound(folded: str) -> tuple[str, ...]:
    """Both halves of a compound when each is a known word (either half may carry a linking s/e)."""
    for cut in range(2, len(folded) - 2):
        head, tail = _part_key(folded[:cut]), _part_key(folded[cut:])
        if head and tail:
            return (head, tail)
    return ()


_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
# Quantities stated in words count as numbers: "half" and "a third" are different claims.
_QUANTITY_HEADS = ("half", "double", "third", "most", "highest", "lowest", "million", "billion", "percent")


@lru_cache(maxsize=1)
def _quantity_keys() -> frozenset[str]:
    return frozenset(_lexicon_map()[tx.fold(head)] for head in _QUANTITY_HEADS if tx.fold(head) in _lexicon_map())


@dataclass(frozen=True)
class Features:
    """What the comparison needs of a claim or a window of an article."""

    tokens: frozenset[str]
    numbers: frozenset[str]
    negated: bool
    language: str = ""
    up: bool = False  # says something rose, is more or higher
    down: bool = False  # says something fell, is less or lower
    names: frozenset[frozenset[str]] = frozenset()  # each name (not sentence-initial) as its keys
    words: frozenset[frozenset[str]] = frozenset()  # each word as its keys (name, word, compound parts)


@lru_cache(maxsize=200_000)
def _all_keys(cased: str, lang: str) -> tuple[str, ...]:
    """A word's keys as a name (capitalised) and as a word, plus the parts of a compound."""
    word = cased.lower()
    keys = list(_word_keys(cased if cased[:1].isupper() and not cased.isupper() else word, lang))
    if cased != word:
        keys.extend(_word_keys(word, lang))
    if lang == "nb" and len(word) >= COMPOUND_MIN and not any(key in _translated() for key in keys):
        lexicon = _lexicon_map()
        keys.extend(lexicon.get(part, part) for part in tx.compound_parts(word))
        keys.extend(_compound(tx.fold(word)))
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=1)
def _translated() -> frozenset[str]:
    """Keys a word of either language is translated or mapped onto (not a bare stem)."""
    from claims.discovery import lexicon as lx

    lexicon = lx.lexicon()
    return _known_targets() | frozenset(lexicon.nb.values()) | frozenset(lexicon.en.values())


def features(text: str, language: str | None) -> Features:
    lang = tx.base_language(language) if language else tx.guess_language(text)
    keys: set[str] = set()
    names: set[frozenset[str]] = set()
    groups: set[frozenset[str]] = set()
    words = tx.cased_words(text)
    for position, word in enumerate(words):
        word_keys = _all_keys(word, lang)
        keys.update(word_keys)
        if word_keys:
            groups.add(frozenset(word_keys))
        capitalised = word[:1].isupper() and word.lower() not in tx.STOPWORDS
        if position and word_keys and capitalised:
            names.add(frozenset(word_keys))
    lowered = {w.lower() for w in _WORD.findall(text)}
    negated = bool(lowered & NEGATIONS) or any(w.endswith("n't") for w in lowered)
    numbers = {m.group(0).replace(",", ".") for m in _DIGITS.finditer(tx.normalize_numbers(text))}
    numbers |= keys & _quantity_keys()
    return Features(
        frozenset(keys),
        frozenset(numbers),
        negated,
        lang,
        bool(lowered & UP_WORDS),
        bool(lowered & DOWN_WORDS),
        frozenset(names),
        frozenset(groups),
    )


def _join(a: Features, b: Features) -> Features:
    """Two neighbouring sentences read as one window."""
    return Features(
        a.tokens | b.tokens,
        a.numbers | b.numbers,
        a.negated or b.negated,
        a.language,
        a.up or b.up,
        a.down or b.down,
        a.names | b.names,
    )


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


def _span(text: str, start: int, end: int) -> list[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Sentence(start, end, text[start:end])] if end - start >= 12 else []


@dataclass(frozen=True)
class Match:
    claim_id: int
    start: int
    end: int
    passage: str
    score: float


@dataclass(frozen=True)
class LiveClaim:
    claim_id: int
    text: str
    language: str


def claim_text(claim_reviewed: str, text: str) -> str:
    # The claim as said is what articles repeat; the summary adds the desk's own words.
    return text or claim_reviewed


class ClaimIndex:
    """An inverted index over the live claims' tokens, built once per set of live claims."""

    def __init__(self, claims: Iterable[LiveClaim]) -> None:
        self.ids: list[int] = []
        self.features: list[Features] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for claim in claims:
            feats = features(claim.text, claim.language)
            if not feats.tokens:
                continue
            index = len(self.ids)
            self.ids.append(claim.claim_id)
            self.features.append(feats)
            for token in feats.tokens:
                postings[token].append(index)
        n = max(len(self.ids), 1)
        self.idf = {t: math.log(1 + n / len(p)) + 0.5 for t, p in postings.items()}
        limit = max(50, int(MAX_DF_SHARE * n))
        self.postings = {t: p for t, p in postings.items() if len(p) <= limit}
        # A claim word counts once, found through any of its keys, with its rarest key's weight.
        self.groups = [[(g, max(self.idf[t] for t in g)) for g in f.words] for f in self.features]
        self.totals = [sum(w for _g, w in groups) for groups in self.groups]

    def __len__(self) -> int:
        return len(self.ids)

    def score(self, claim: int, window: Features) -> float:
        feats = self.features[claim]
        tokens = window.tokens
        shared = sum(w for g, w in self.groups[claim] if not g.isdisjoint(tokens))
        score = shared / self.totals[claim] if self.totals[claim] else 0.0
        if feats.language and window.language and feats.language != window.language:
            # Translation loses words: the share of the claim found counts for more, capped at
            # 1 before the disagreements below, so they cut as deep as in one language.
            score = min(1.0, score * CROSS_LANGUAGE)
        # Figures and quantity words are compared apart: "6 percent" does not agree with
        # "20 percent" because both say "percent".
        quantities = _quantity_keys()
        claim_digits, window_digits = feats.numbers - quantities, window.numbers - quantities
        claim_words, window_words = feats.numbers & quantities, window.numbers & quantities
        if (claim_digits and window_digits and not (claim_digits & window_digits)) or (
            claim_words and window_words and not (claim_words & window_words)
        ):
            score *= NUMBER_MISMATCH
        elif claim_digits and not window_digits:
            score *= MISSING_NUMBER
        if feats.negated != window.negated:
            score *= NEGATION_MISMATCH
        # Opposite directions: the claim says "more", the passage only "less" (or the reverse).
        if (feats.up and not feats.down and window.down and not window.up) or (
            feats.down and not feats.up and window.up and not window.down
        ):
            score *= DIRECTION_MISMATCH
        # Another name in place of the claim's: "prices in Sweden" is not "prices in Norway".
        if feats.names and window.names:
            missing = any(not (name & window.tokens) for name in feats.names)
            other = any(not (name & feats.tokens) for name in window.names)
            if missing and other:
                score *= NAME_MISMATCH
        return score

    def candidates(self, window: Features) -> dict[int, float]:
        """Claims sharing rarer tokens with the window, with the weight they share."""
        weight: dict[int, float] = defaultdict(float)
        for token in window.tokens:
            for claim in self.postings.get(token, ()):
                weight[claim] += self.idf[token]
        return weight

    def match(self, text: str, language: str | None, *, threshold: float) -> list[Match]:
        """The claims the text repeats (at most one match per claim: its best passage)."""
        if not self.ids or not text:
            return []
        sentences = sentences_with_offsets(text)
        feats = [features(s.text, language) for s in sentences]
        # Candidate weights once per sentence; a pair of sentences reuses its two sentences' sets.
        weights = [self.candidates(f) for f in feats]
        best: dict[int, Match] = {}
        for i, sentence in enumerate(sentences):
            windows = [(sentence.start, sentence.end, feats[i], weights[i])]
            if i + 1 < len(sentences):
                joined = _join(feats[i], feats[i + 1])
                pair = dict(weights[i])
                for claim, weight in weights[i + 1].items():
                    pair[claim] = pair.get(claim, 0.0) + weight
                windows.append((sentence.start, sentences[i + 1].end, joined, pair))
            for start, end, window, candidates in windows:
                for claim, shared in candidates.items():
                    if shared < MIN_COVERAGE * self.totals[claim]:
                        continue
                    score = self.score(claim, window)
                    if score < threshold:
                        continue
                    # On a tie the tighter passage wins (a sentence over a pair of them).
                    held = best.get(self.ids[claim])
                    if (
                        held is None
                        or score > held.score + 1e-9
                        or (score > held.score - 1e-9 and end - start < held.end - held.start)
                    ):
                        best[self.ids[claim]] = Match(self.ids[claim], start, end, text[start:end], round(score, 4))
        return sorted(best.values(), key=lambda m: (-m.score, m.claim_id))
