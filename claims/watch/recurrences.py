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
"prices in Norway"). Factors are chosen on the development part of bench/recurrences.py's
labelled set. In production each claim's best passage is re-scored by a logistic regression
over these same signals (claims/watch/rescorer.py), fitted on the development claims only.
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
from typing import TYPE_CHECKING

import numpy as np
import Stemmer

from claims.discovery import lexicon as lx
from claims.discovery import text as tx
from claims.watch.quantities import compared_quantities, quantities, quantities_missing
from claims.watch.quantities import kinds as _kinds
from claims.watch.recurrence_words import DOWN_WORDS, EXTRA_STOPWORDS, LEXICON, NEGATIONS, UP_WORDS

if TYPE_CHECKING:
    from claims.watch.rescorer import Rescorer

NUMBER_MISMATCH = 0.45
MISSING_NUMBER = 0.65
# The passage dates what the claim states undated ("In 2012, Norwegians lost more …" for
# "Norwegians lose more …"): most often the same words about another time.
YEAR_ADDED = 0.75
# The passage is the claim but for a word or two in its place ("girls" for "boys", "hotel"
# for "campsite"), in the claim's language: most often another claim on the same subject, while
# a repeat in other words changes more than that. Only the hand score sees it (the re-scorer's
# development claims hold few such near misses to weigh it on).
SWAP = 0.7
SWAP_WORDS = 2
NEGATION_MISMATCH = 0.55
DIRECTION_MISMATCH = 0.6
NAME_MISMATCH = 0.6
SUBJECT_MISMATCH = 0.6
EXTRA_ALPHA = 0.3  # how much a passage's words outside the claim lower its score (chosen on dev)
COMPOUND_MIN = 6  # Norwegian words from this length are also split into known halves
CROSS_LANGUAGE = 1.25  # a cross-language score is multiplied by this (translation loses words)
MAX_DF_SHARE = 0.01  # tokens in more of the claims than this do not nominate candidates
MIN_COVERAGE = 0.35  # candidates below this share of a claim's weight are not scored further
_SENTENCE_SPAN = re.compile(r"[^\n]+")
# A sentence begins with a capital, a digit, an opening quote or a speech dash ("– Vi har …",
# the Norwegian press's way of quoting).
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+(?=[\"'«“(]*[A-ZÆØÅÉ0-9]|[–—-]\s)")
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
    if word.islower():
        # Irregular verb forms the stemmers cannot reach ("vunnet" → vinne, "won" → win).
        word = lx.lemma(word, lang) or word
    lexicon = _lexicon_map()
    keys = [lexicon.get(token, token) for token in tx.tokens(word, lang)]
    folded = tx.fold(word)
    if folded in lexicon:
        keys = [lexicon[folded]]
    if keys:
        # Every translation the shared lexicon has, not only the ranker's one ("kaste" →
        # throw as well as cast), so the two languages meet on any of them.
        keys.extend(lx.senses(tx.fold(_stemmer(lang).stemWord(word.lower())), lang))
    if keys and not any(k in _translated() for k in keys):
        base = _degree_base(word.lower(), lang)
        if base:
            keys = [base]
    if lang == "nb" and len(folded) >= 7 and not any(k in _known_targets() for k in keys):
        keys.extend(_compound(folded))
    if keys and len(folded) >= 6 and not any(k in _translated() for k in keys):
        # An untranslated word meets its look-alike in the other language by its first five
        # letters ("olympiske", "Olympic"; "statistikk", "statistics").
        keys.append("~" + folded[:5])
    return tuple(dict.fromkeys(keys))


# Comparatives and superlatives ("weakest", "svakeste", "høyere") carry their adjective's
# meaning; the stemmers leave them apart from it, so the lexicon's translation is missed.
_DEGREE = {
    "en": (("iest", "y"), ("ier", "y"), ("est", ""), ("st", ""), ("er", ""), ("r", "")),
    "nb": (("este", ""), ("est", ""), ("ere", "")),
}


def _degree_base(word: str, lang: str) -> str | None:
    """The translated key of a comparative or superlative's adjective, if the lexicon knows it."""
    for suffix, replacement in _DEGREE[lang]:
        if len(word) - len(suffix) < 3 or not word.endswith(suffix):
            continue
        base = word[: -len(suffix)] + replacement
        for candidate in (base, base[:-1] if len(base) > 3 and base[-1] == base[-2] else ""):
            if not candidate:
                continue
            keys = [_lexicon_map().get(t, t) for t in tx.tokens(candidate, lang)]
            if keys and keys[0] in _translated():
                return keys[0]
    return None


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


@dataclass(frozen=True)
class Features:
    """What the comparison needs of a claim or a window of an article."""

    tokens: frozenset[str]
    numbers: frozenset[str]
    negated: bool
    language: str = ""
    up: bool = False  # says something rose, is more or higher
    down: bool = False  # says something fell, is less or lower
    names: frozenset[frozenset[str]] = frozenset()  # each name (not sentence-initial) or known entity as its keys
    words: frozenset[frozenset[str]] = frozenset()  # each word as its keys (name, word, compound parts)
    entities: tuple[frozenset[str], ...] = ()  # the known entities (alias table, cognate names), in order
    # Norwegian compounds split into known halves: (the word's group, its first half's keys,
    # its second half's keys).
    halves: tuple[tuple[frozenset[str], frozenset[str], frozenset[str]], ...] = ()


@lru_cache(maxsize=200_000)
def _all_keys(cased: str, lang: str) -> tuple[str, ...]:
    """A word's keys as a name (capitalised) and as a word, plus the parts of a compound."""
    word = cased.lower()
    keys = list(_word_keys(cased if cased[:1].isupper() and not cased.isupper() else word, lang))
    if cased != word:
        keys.extend(_word_keys(word, lang))
    if lang == "nb" and len(word) >= COMPOUND_MIN and not any(key in _translated() for key in keys):
        keys.extend(key for parts in _part_keys(word) for key in parts)
    return tuple(dict.fromkeys(keys))


def _part_keys(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A Norwegian compound's halves as keys, two ways: the cognate map's split (through the
    lexicon) and the known-word split; each is () where it finds none."""
    lexicon = _lexicon_map()
    return tuple(lexicon.get(part, part) for part in tx.compound_parts(word)), _compound(tx.fold(word))


@lru_cache(maxsize=200_000)
def _halves(cased: str, lang: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The keys of a Norwegian compound's first and of its second half, as `_all_keys` adds them."""
    word = cased.lower()
    if lang != "nb" or len(word) < COMPOUND_MIN:
        return None
    first: set[str] = set()
    second: set[str] = set()
    for parts in _part_keys(word):
        if len(parts) == 2:
            first.add(parts[0])
            second.add(parts[1])
    if not first or not second or first & second:
        return None
    return frozenset(first), frozenset(second)


@lru_cache(maxsize=1)
def _translated() -> frozenset[str]:
    """Keys a word of either language is translated or mapped onto (not a bare stem)."""
    from claims.discovery import lexicon as lx

    lexicon = lx.lexicon()
    return _known_targets() | frozenset(lexicon.nb.values()) | frozenset(lexicon.en.values())


def _alias_spans(words: list[str]) -> dict[int, list[str]]:
    """Word position → the alias keys naming something there (shared nb/en alias table):
    "Kina" and "China" both carry ``@china``, "United States" and "USA" ``@usa``."""
    table = lx.aliases()
    found: dict[int, list[str]] = {}
    folded = [tx.folded_word(w) for w in words]
    # Multi-word terms of the shared lexicon ("young people", "price cap", "nuclear weapons").
    for start, end, term in lx.phrase_terms(folded):
        for j in range(start, end):
            found.setdefault(j, []).append(term)
    for i, word in enumerate(words):
        # A genitive s ("Kinas", "Norway's" is cut at the apostrophe) names the same thing.
        key = table.exact.get(word) or (table.exact.get(word[:-1]) if word[-1:] == "s" else None)
        if key:
            found.setdefault(i, []).extend(_alias(key))
        for variant, alias in table.folded.get(folded[i], ()):
            if tuple(folded[i : i + len(variant)]) == variant:
                for j in range(i, i + len(variant)):
                    found.setdefault(j, []).extend(_alias(alias))
                break
    return found


def _alias(key: str) -> list[str]:
    """An alias's keys: its own and, for a seat of government, the state's ("Moscow insisted")."""
    state = lx.stands_for().get(key)
    return ["@" + key, "@" + state] if state else ["@" + key]


def _is_alias(keys: list[str]) -> bool:
    return any(key[:1] == "@" for key in keys)


def _is_name(word: str, position: int, group: frozenset[str]) -> bool:
    """A capitalised word after the first; first in the sentence a capital says nothing,
    unless no lexicon knows the word ("Rwanda har …", not "Matprisene har …")."""
    if not word[:1].isupper() or word.lower() in tx.STOPWORDS:
        return False
    return bool(position) or (len(word) >= 3 and group.isdisjoint(_translated()) and not word.isdigit())


@lru_cache(maxsize=1)
def _entity_vocabulary() -> frozenset[str]:
    return tx.entities_vocabulary()


@lru_cache(maxsize=200_000)
def _plain_word(cased: str, lang: str) -> tuple[tuple[str, ...], frozenset[str], bool, bool, bool] | None:
    """What `features` makes of a word no alias covers, once per word and language rather
    than once per sentence it is in: its keys, their group, whether it is a known entity, and
    whether it counts as a name first in a sentence and after the first. None: no keys."""
    keys = _all_keys(cased, lang)
    if not keys:
        return None
    group = frozenset(keys)
    return keys, group, not _entity_vocabulary().isdisjoint(group), _is_name(cased, 0, group), _is_name(cased, 1, group)


def features(text: str, language: str | None) -> Features:
    lang = tx.base_language(language) if language else tx.guess_language(text)
    keys: set[str] = set()
    names: set[frozenset[str]] = set()
    groups: set[frozenset[str]] = set()
    entities: list[frozenset[str]] = []
    halves: list[tuple[frozenset[str], frozenset[str], frozenset[str]]] = []
    words = tx.cased_words(text)
    aliases = _alias_spans(words)
    known = _entity_vocabulary()
    for position, word in enumerate(words):
        if position in aliases:
            word_keys = tuple(dict.fromkeys((*_all_keys(word, lang), *aliases[position])))
            if not word_keys:
                continue
            group = frozenset(word_keys)
            entity = _is_alias(aliases[position]) or not known.isdisjoint(group)
            name = _is_name(word, position, group)
        else:
            plain = _plain_word(word, lang)
            if plain is None:
                continue
            word_keys, group, entity, name_first, name_later = plain
            name = name_later if position else name_first
            split = _halves(word, lang)
            if split is not None and split[0] <= group and split[1] <= group:
                halves.append((group, *split))
        keys.update(word_keys)
        groups.add(group)
        # A known entity (a country, organisation, office holder) counts wherever it stands,
        # also first in the sentence; another capitalised word only after the first.
        if entity:
            names.add(group)
            if group not in entities:
                entities.append(group)
        elif name:
            names.add(group)
    lowered = {w.lower() for w in _WORD.findall(text)}
    negated = bool(lowered & NEGATIONS) or any(w.endswith("n't") for w in lowered)
    return Features(
        frozenset(keys),
        quantities(text, lang),
        negated,
        lang,
        bool(lowered & UP_WORDS),
        bool(lowered & DOWN_WORDS),
        frozenset(names),
        frozenset(groups),
        tuple(entities),
        tuple(halves),
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
        a.words | b.words,
        entities=a.entities + tuple(e for e in b.entities if e not in a.entities),
        halves=a.halves + b.halves,
    )


@lru_cache(maxsize=65_536)  # a window meets hundreds of claims, and many claims state the same figures
def _quantity_factor(claim_numbers: frozenset[str], window_numbers: frozenset[str]) -> float:
    """What the quantities of a claim and a window do to the window's score."""
    claim_kinds, window_kinds = _kinds(claim_numbers), _kinds(window_numbers)
    factor = 1.0
    if claim_numbers:
        if any(not (q & w) for q, w in compared_quantities(claim_kinds, window_kinds)):
            factor *= NUMBER_MISMATCH
        elif quantities_missing(claim_kinds, window_kinds):
            factor *= MISSING_NUMBER
    if window_kinds["year"] and not claim_kinds["year"]:
        factor *= YEAR_ADDED
    return factor


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


@dataclass(frozen=True)
class Match:
    claim_id: int
    start: int
    end: int
    passage: str
    score: float


# A claim's best window: (score, start, end, the window's features, its word weights).
Passage = tuple[float, int, int, Features, tuple[list[tuple[frozenset[str], float]], float]]


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
            if 1 <= len(others) <= SWAP_WORDS and feats.language == window.language:
                missing = sum(1 for g, _w in self.groups[claim] if g.isdisjoint(tokens))
                if 1 <= missing <= SWAP_WORDS:
                    score *= SWAP
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
        # Another subject: the passage's first known entity is one the claim does not name
        # ("Japan kills more whales than Norway" for "Norway kills more whales than …").
        if feats.entities and window.entities and window.entities[0].isdisjoint(feats.tokens):
            score *= SUBJECT_MISMATCH
        return score

    def _shared(self, window: Features) -> np.ndarray | None:
        """Per live claim (its position) the weight of the rarer tokens it shares with the
        window; None when it shares none. Summed token by token in the window's order, so a
        claim's sum is the same float a loop over the postings gives."""
        tokens = [t for t in window.tokens if t in self._arrays]
        if not tokens:
            return None
        arrays = [self._arrays[t] for t in tokens]
        weights = np.repeat([self.idf[t] for t in tokens], [len(a) for a in arrays])
        return np.bincount(np.concatenate(arrays), weights=weights, minlength=len(self.ids))

    def _nominated(self, shared: np.ndarray | None) -> list[int]:
        """The claims that share at least MIN_COVERAGE of their weight (and any at all)."""
        if shared is None:
            return []
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
        feats = [features(_unattributed(s.text), language) for s in sentences]
        # Candidate weights once per sentence; a pair of sentences adds its two sentences'.
        shared = [self._shared(f) for f in feats]
        best: dict[int, Passage] = {}
        for i, sentence in enumerate(sentences):
            windows = [(sentence.start, sentence.end, feats[i], self._nominated(shared[i]))]
            if i + 1 < len(sentences):
                joined = _join(feats[i], feats[i + 1])
                one, two = shared[i], shared[i + 1]
                pair = one if two is None else two if one is None else one + two
                windows.append((sentence.start, sentences[i + 1].end, joined, self._nominated(pair)))
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
