"""Recurrences: a newly stored article that repeats a claim the desk has already checked.

Each article is cut into sentences (with their character offsets) and every sentence, and
every pair of neighbouring sentences, is compared with the live fact-checks' claims. The
comparison works across Norwegian and English on the language-neutral keys that
claims/watch/recurrence_features.py extracts (stems mapped through the shared cognate map and
lexicons, compound halves: claims/watch/recurrence_keys.py; names, numbers).

A window's score against a claim is the share of the claim's (IDF-weighted) tokens the
window contains (raised for a window in the other language, whose translation loses words),
lowered when the two disagree on a number, on negation, on direction ("more" vs "fewer") or
on a name — the usual ways a same-topic sentence makes a *different* claim ("50 000
soldiers" vs "100 000 soldiers", "will join" vs "will not join", "prices in Sweden" vs
"prices in Norway"). Factors are chosen on the development part of bench/recurrences.py's
labelled set. In production each claim's best passage is re-scored by a logistic regression
over these same signals (claims/watch/rescorer.py), fitted on the development claims only.
Candidates come from an inverted index over the claims' tokens, so one article costs a few
dictionary look-ups per sentence whatever the number of live fact-checks. Pure: no database
writes here; `claims.services.recurrences` stores them.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from claims.discovery import text as tx
from claims.watch.quantities import compared_quantities, quantities_missing, this_year
from claims.watch.quantities import kinds as _kinds
from claims.watch.recurrence_features import (
    Features,
    _join,
    completed,
    features,
    names_differ,
    negation_differs,
    opposite_directions,
)
from claims.watch.recurrence_sentences import (
    _CLAUSE,
    _FRAMED_BY,
    _FRAMING,
    _WORDS,
    CLAUSE_WORDS,
    Sentence,
    _abroad,
    _elsewhere,
    _said,
    _unattributed,
    sentences_with_offsets,
)
from claims.watch.spelled_numbers import AGO

if TYPE_CHECKING:
    import numpy as np

    from claims.watch.rescorer import Rescorer

NUMBER_MISMATCH = 0.45
MISSING_NUMBER = 0.65
# The passage dates what the claim states undated ("In 2012, Norwegians lost more …" for
# "Norwegians lose more …"): most often the same words about another time. (0.75 until session
# 17, which chose 0.6 on the worn fresh parts: 7 fewer false alerts; the one repeat it cost,
# "som for ti år siden" for "på ti år", came back when "… ago" also states its span.)
YEAR_ADDED = 0.6
# The passage is the claim but for a word or two in its place ("girls" for "boys", "hotel"
# for "campsite"), in the claim's language: most often another claim on the same subject, while
# a repeat in other words changes more than that. Only the hand score sees it (the re-scorer's
# development claims hold few such near misses to weigh it on).
SWAP = 0.6
SWAP_WORDS = 2
NEGATION_MISMATCH = 0.55
DIRECTION_MISMATCH = 0.6
NAME_MISMATCH = 0.6
SUBJECT_MISMATCH = 0.6
EXTRA_ALPHA = 0.3  # how much a passage's words outside the claim lower its score (chosen on dev)
CROSS_LANGUAGE = 1.25  # a cross-language score is multiplied by this (translation loses words)
MAX_DF_SHARE = 0.01  # tokens in more of the claims than this do not nominate candidates
MIN_COVERAGE = 0.35  # candidates below this share of a claim's weight are not scored further

# The word layer lives in recurrence_features (a word's keys in recurrence_keys); `Features`
# and `features` are re-exported here because the matcher's callers (services, re-scorer,
# benches, tests) know them as part of this module.
__all__ = ["ClaimIndex", "Features", "LiveClaim", "Match", "features"]


def _quantity_factor(claim_numbers: frozenset[str], window_numbers: frozenset[str]) -> float:
    """What the quantities of a claim and a window do to the window's score."""
    return _quantity_factor_in(claim_numbers, window_numbers, this_year())


# A window meets hundreds of claims, and many claims state the same figures. The year relative
# years are read from is part of the key.
@lru_cache(maxsize=65_536)
def _quantity_factor_in(claim_numbers: frozenset[str], window_numbers: frozenset[str], _year: int) -> float:
    claim_kinds, window_kinds = _kinds(claim_numbers), _kinds(window_numbers)
    factor = 1.0
    if claim_numbers:
        if any(not (q & w) for q, w in compared_quantities(claim_kinds, window_kinds)):
            factor *= NUMBER_MISMATCH
        elif quantities_missing(claim_kinds, window_kinds):
            factor *= MISSING_NUMBER
    # "… ago" over the span the claim states ("ti år") dates nothing the claim leaves open.
    spans_back = window_kinds["year"] == {AGO} and window_kinds["duration"] & claim_kinds["duration"]
    if window_kinds["year"] and not claim_kinds["year"] and not spans_back:
        factor *= YEAR_ADDED
    return factor


def _contradicts(claim: Features, sentence: Features) -> bool:
    """The sentence, alone, states what the claim does not: a figure of the same kind that
    differs, a negation the claim lacks, or the opposite direction."""
    if claim.numbers and sentence.numbers and _quantity_factor(claim.numbers, sentence.numbers) <= NUMBER_MISMATCH:
        return True
    if sentence.negated and negation_differs(claim, sentence):
        return True
    return opposite_directions(claim, sentence)


def _modified(claim: Features, window: Features) -> int:
    """The window's compounds that share their second half with the claim but not their first
    ("torskeeksport" against "lakseeksport", "Hyttegjester" against "hotellgjester"): words of
    the window's own for a swap, though a half of them is the claim's."""
    return sum(
        1
        for group, first, second in window.halves
        if not second.isdisjoint(claim.tokens) and first.isdisjoint(claim.tokens) and not group & claim.tokens - second
    )


@dataclass(frozen=True)
class Match:
    claim_id: int
    start: int
    end: int
    passage: str
    score: float


# A claim's best window: (score, start, end, the window's features, its word weights).
Passage = tuple[float, int, int, Features, tuple[list[tuple[frozenset[str], float]], float]]
# A window to score: (start, end, its features, the claims (positions) it is scored against).
Window = tuple[int, int, Features, list[int]]


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
        self.default_idf = math.log(1 + n) + 0.5  # a word no claim has is as rare as can be
        limit = max(50, int(MAX_DF_SHARE * n))
        # A claim word counts once, found through any of its keys, with its rarest key's weight.
        self.groups = [self._weighted(f) for f in self.features]
        self.totals = [sum(w for _g, w in groups) for groups in self.groups]
        # numpy is imported where it is used: the web processes and a worker's main process load
        # this module (the admin's imports) but never build an index (claims/discovery/stopwords.py).
        import numpy as np

        # The rarer tokens' postings as arrays, summed per sentence by numpy (a sentence meets
        # hundreds of postings; a Python loop over them was a sixth of matching). Dense
        # weights, one float per live claim: 80 KB a sentence at 10,000 live fact-checks.
        self._arrays = {t: np.asarray(p, dtype=np.intp) for t, p in postings.items() if len(p) <= limit}
        needed = np.asarray(self.totals, dtype=np.float64) * MIN_COVERAGE
        # Never 0, so that `shared >= needed` alone also asks for a shared token.
        self._needed = np.where(needed > 0, needed, np.nextafter(0.0, 1.0))

    def __len__(self) -> int:
        return len(self.ids)

    def _weighted(self, feats: Features) -> list[tuple[frozenset[str], float]]:
        """The claim's words with their weights; a compound split into known halves is two
        words of half its weight each, found through the whole word or through that half:
        "teaterbesøket" meets "kinobesøket" in "besøk" only, which is half a word found, while
        "besøk på kino" and "cinema visits" find both halves. A window's words alike: its
        "teater" is a word of its own the claim lacks."""
        idf, default = self.idf, self.default_idf
        if not feats.halves:
            return [(group, max([idf.get(t, default) for t in group])) for group in feats.words]
        split = {group: (first, second) for group, first, second in feats.halves}
        weighted: list[tuple[frozenset[str], float]] = []
        for group in feats.words:
            weight = max([idf.get(t, default) for t in group])
            if group in split:
                first, second = split[group]
                whole = group - first - second
                weighted += [(whole | first, weight / 2), (whole | second, weight / 2)]
            else:
                weighted.append((group, weight))
        return weighted

    def window_weights(self, window: Features) -> tuple[list[tuple[frozenset[str], float]], float]:
        """The window's words with their weights (a word no claim has is as rare as can be), and their sum."""
        weights = self._weighted(window)
        return weights, sum(w for _g, w in weights)

    def score(
        self,
        claim: int,
        window: Features,
        *,
        floor: float = 0.0,
        weights: tuple[list[tuple[frozenset[str], float]], float] | None = None,
    ) -> float:
        """The window's score against one claim; below `floor` it may stop early (every cut
        only lowers it). `weights` is `window_weights(window)`, passed in when reused."""
        feats = self.features[claim]
        tokens = window.tokens
        shared = sum(w for g, w in self.groups[claim] if not g.isdisjoint(tokens))
        score = shared / self.totals[claim] if self.totals[claim] else 0.0
        if feats.language and window.language and feats.language != window.language:
            # Translation loses words: the share of the claim found counts for more, capped at
            # 1 before the disagreements below, so they cut as deep as in one language.
            score = min(1.0, score * CROSS_LANGUAGE)
        if score < floor:
            return score
        # Quantities in one form (claims/watch/quantities.py): "one in five" is "20 percent",
        # "ti år" is "ten years"; stating others is another claim, stating none a weaker match.
        # Each kind apart (shares, factors, plain figures): "half of those under 30" and "one in
        # ten of those under 30" share the 30 but state different shares.
        # A passage that dates what the claim states undated is most often about another time.
        if feats.numbers or window.numbers:
            score *= _quantity_factor(feats.numbers, window.numbers)
        # The passage's own share in the claim: a passage about something else that only
        # borrows the claim's words ("children who do sport sleep better" for "… get better
        # grades") carries weight of its own the claim lacks. (1 - that share) ** EXTRA_ALPHA.
        if EXTRA_ALPHA and window.words:
            words, total = weights or self.window_weights(window)
            others = [w for g, w in words if g.isdisjoint(feats.tokens)]
            extra = sum(others)
            score *= (1 - extra / total) ** EXTRA_ALPHA if total else 1.0
            if feats.language == window.language and self._swaps(claim, window, len(others)):
                score *= SWAP
        if negation_differs(feats, window):
            score *= NEGATION_MISMATCH
        # Opposite directions: the claim says "more", the passage only "less" (or the reverse).
        if opposite_directions(feats, window):
            score *= DIRECTION_MISMATCH
        # Another name in place of the claim's: "prices in Sweden" is not "prices in Norway".
        if names_differ(feats, window):
            score *= NAME_MISMATCH
        if _abroad(feats, window):
            score *= NAME_MISMATCH
        # Another subject: the passage's first known entity is one the claim does not name
        # ("Japan kills more whales than Norway" for "Norway kills more whales than …").
        if feats.entities and window.entities and window.entities[0].isdisjoint(feats.tokens):
            score *= SUBJECT_MISMATCH
        return score

    def _completes(self, claim: int, one: Features, two: Features) -> bool:
        """Each of two sentences has a word of the claim the other lacks."""
        first = second = False
        for group, _weight in self.groups[claim]:
            in_one, in_two = not group.isdisjoint(one.tokens), not group.isdisjoint(two.tokens)
            first = first or (in_one and not in_two)
            second = second or (in_two and not in_one)
            if first and second:
                return True
        return False

    def _clauses(self, sentence: Sentence, language: str | None, nominated: list[int]) -> list[Window]:
        """The sentence's heads and tails at its clause boundaries, as windows of their own: a
        claim inside a longer sentence ("Rapporten, som også …, viser at CLAIM") is not diluted
        by the words around it. A part stands for a claim only when neither it nor the rest of
        the sentence contradicts that claim ("…, the lowest figure in a decade"; "It is not
        true that …"): a part that does is judged with its sentence, as before. The closing
        attribution is no boundary: without it the sentence is already compared."""
        if not nominated:
            return []
        text = _unattributed(sentence.text)
        parts = []
        # "at" frames a clause in Norwegian ("viser at …") and "that" in English; the other
        # language's word is no boundary ("at least once a year", a "that" in a quote).
        lang = tx.base_language(language) if language else ""
        foreign = _FRAMING - {_FRAMED_BY[lang]} if lang in _FRAMED_BY else frozenset()
        for boundary in _CLAUSE.finditer(text):
            head, tail = text[: boundary.start()], text[boundary.end() :]
            if boundary.group().strip().lower() in foreign:
                continue
            if len(_WORDS.findall(head)) >= CLAUSE_WORDS and len(_WORDS.findall(tail)) >= CLAUSE_WORDS:
                framed = boundary.group().strip() in _FRAMING
                parts.append((boundary.start(), boundary.end(), head, tail, framed))
        windows: list[Window] = []
        for cut, resume, head, tail, framed in parts:
            head_feats, tail_feats = features(head, language), features(tail, language)
            # The head's rest is the tail and the tail's the head: each is tested once per claim
            # and serves both windows.
            tail_fits = [c for c in nominated if not _contradicts(self.features[c], tail_feats)]
            fitting = [c for c in tail_fits if not _contradicts(self.features[c], head_feats)]
            windows.append((sentence.start, sentence.start + cut, head_feats, fitting))
            if framed:
                # "The report, which also covers the growing …, notes that CLAIM": what the frame
                # says of other things does not contradict the clause it reports; only a denial
                # of it does ("It is not true that CLAIM").
                # A denial frames a negated claim's clause too ("Det er ikke sant at … ikke
                # oppfyller …"): the clause agrees with the claim, and the frame denies it.
                fitting = [
                    c
                    for c in tail_fits
                    if not (
                        head_feats.negated
                        and (negation_differs(self.features[c], head_feats) or self.features[c].negated)
                    )
                ]
            else:
                # A tail after a comma whose head names a country the claim does not ("Sweden's
                # largest lake, Vänern, has an area of …") speaks of that country.
                fitting = [c for c in fitting if not _elsewhere(self.features[c], head_feats)]
            windows.append((sentence.start + resume, sentence.start + len(text), tail_feats, fitting))
        return windows

    def swapped(self, claim: int, passage: Passage) -> bool:
        """The passage is the claim with a word or two of its own in place of the claim's, in
        the claim's language (what `score` cuts by SWAP)."""
        feats, window = self.features[claim], passage[3]
        if feats.language != window.language:
            return False
        words, _total = passage[4] or self.window_weights(window)
        return self._swaps(claim, window, sum(1 for g, _w in words if g.isdisjoint(feats.tokens)))

    def _swapped(self, claim: int, sentence: Features) -> bool:
        """The sentence alone is the claim with a word or two of its own in place of the
        claim's ("Criminal cases …" for "Civil cases …"): a near miss, which the sentence
        beside it must not complete."""
        feats = self.features[claim]
        if feats.language != sentence.language:
            return False
        return self._swaps(claim, sentence, sum(1 for group in sentence.words if group.isdisjoint(feats.tokens)))

    def _swaps(self, claim: int, window: Features, others: int) -> bool:
        """One or two words of a window's own (`others` of them, plus its compounds that keep
        only the claim's second half: `_modified`) stand where one or two of the claim's are
        missing from it."""
        others += _modified(self.features[claim], window)
        if not 1 <= others <= SWAP_WORDS:
            return False
        missing = sum(1 for group, _w in self.groups[claim] if group.isdisjoint(window.tokens))
        return 1 <= missing <= SWAP_WORDS

    def _shared(self, window: Features) -> np.ndarray | None:
        """Per live claim (its position) the weight of the rarer tokens it shares with the
        window; None when it shares none. Summed token by token in the window's order, so a
        claim's sum is the same float a loop over the postings gives."""
        tokens = [t for t in window.tokens if t in self._arrays]
        if not tokens:
            return None
        import numpy as np

        arrays = [self._arrays[t] for t in tokens]
        weights = np.repeat([self.idf[t] for t in tokens], [len(a) for a in arrays])
        return np.bincount(np.concatenate(arrays), weights=weights, minlength=len(self.ids))

    def _nominated(self, shared: np.ndarray | None) -> list[int]:
        """The claims that share at least MIN_COVERAGE of their weight (and any at all)."""
        if shared is None:
            return []
        import numpy as np

        return np.flatnonzero(shared >= self._needed).tolist()

    def match(self, text: str, language: str | None, *, threshold: float, model: Rescorer | None = None) -> list[Match]:
        """The claims the text repeats (at most one match per claim: its best passage).

        With a `model` (claims/watch/rescorer.py) each claim's best passage down to the
        model's candidate floor is re-scored by it and `threshold` applies to its probability."""
        floor = threshold if model is None else model.floor
        found = []
        for claim, passage in self.passages(text, language, floor=floor).items():
            score, start, end = passage[:3]
            if model is not None:
                score = model.rescore(self, claim, passage)
                if score < threshold:
                    continue
            found.append(Match(self.ids[claim], start, end, text[start:end], round(score, 4)))
        return sorted(found, key=lambda m: (-m.score, m.claim_id))

    def passages(self, text: str, language: str | None, *, floor: float) -> dict[int, Passage]:
        """Per claim (its position in the index) the best-scoring window at or above `floor`."""
        if not self.ids or not text:
            return {}
        sentences = sentences_with_offsets(text)
        # A sentence's words first: they tell which claims it (or it and the next) may repeat.
        # The rest of its features are read only for a sentence that may repeat one (about
        # one in ten on the harvest bench).
        said = [_said(s.text, language) for s in sentences]
        # Candidate weights once per sentence; a pair of sentences adds its two sentences'.
        shared = [self._shared(f) for f in said]
        alone = [self._nominated(one) for one in shared]
        pairs: list[list[int]] = []
        for one, two in itertools.pairwise(shared):
            pairs.append(self._nominated(one if two is None else two if one is None else one + two))
        needed = {i for i, nominated in enumerate(alone) if nominated}
        needed.update(j for i, nominated in enumerate(pairs) if nominated for j in (i, i + 1))
        feats = [
            completed(words, _unattributed(sentence.text)) if i in needed else words
            for i, (sentence, words) in enumerate(zip(sentences, said, strict=True))
        ]
        best: dict[int, Passage] = {}
        for i, sentence in enumerate(sentences):
            if i not in needed:
                continue  # nothing nominated alone, nor with either neighbour
            windows = [(sentence.start, sentence.end, feats[i], alone[i])]
            if i + 1 < len(sentences) and pairs[i]:
                joined = _join(feats[i], feats[i + 1])
                # Two sentences are one passage only for a claim neither of them contradicts
                # alone: the pair is there for a claim said across two sentences, not to let
                # one sentence's figure or subject stand in for the other's ("More than 15
                # churches were sold. More than 150 new churches were built." is not "More
                # than 150 churches were sold").
                # And only when each sentence brings claim words the other lacks: a sentence
                # that adds none of them adds only words of its own, which would dilute the
                # other's disagreements (a swapped word) rather than complete the claim.
                nominated = [
                    c
                    for c in pairs[i]
                    if self._completes(c, feats[i], feats[i + 1])
                    and not any(_contradicts(self.features[c], f) or self._swapped(c, f) for f in feats[i : i + 2])
                ]
                windows.append((sentence.start, sentences[i + 1].end, joined, nominated))
            windows += self._clauses(sentence, language, windows[0][3])
            for start, end, window, nominated in windows:
                window_weights = None
                for claim in nominated:
                    window_weights = window_weights or self.window_weights(window)
                    score = self.score(claim, window, floor=floor, weights=window_weights)
                    if score < floor:
                        continue
                    # On a tie the tighter passage wins (a sentence over a pair of them).
                    held = best.get(claim)
                    if (
                        held is None
                        or score > held[0] + 1e-9
                        or (score > held[0] - 1e-9 and end - start < held[2] - held[1])
                    ):
                        best[claim] = (score, start, end, window, window_weights)
        return best
