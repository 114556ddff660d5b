"""What a text says, in keys that Norwegian and English share: the word layer of recurrence
matching (claims/watch/recurrences.py compares what this module extracts).

A word's keys (its stem mapped through the shared cognate map, the nb–en lexicon and the
recurrence word list; a Norwegian compound's known halves) come from
claims/watch/recurrence_keys.py; here names and known entities are kept apart, as are
quantities (claims/watch/quantities.py), negation and direction. Every per-word step is cached
per (word, language), because a harvest meets the same words in sentence after sentence; the
caches are bounded and listed in docs/deployment.md.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from claims.discovery import lexicon as lx
from claims.discovery import text as tx
from claims.watch.quantities import quantities, share_positions
from claims.watch.recurrence_keys import all_keys, compound_halves, degree_base
from claims.watch.recurrence_words import (
    CAPITAL_PHRASES,
    DOWN_WORDS,
    EXCEPTIONS,
    HOME_CAPITAL,
    HOME_COUNTRY,
    HOME_PHRASES,
    NEGATIONS,
    PASSING_WORDS,
    REFUTED_CLAUSE,
    REFUTING,
    REFUTING_DEGREE,
    UP_WORDS,
)
from claims.watch.spelled_numbers import spelled_out

_WORD = re.compile(r"[\w']+", re.UNICODE)


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
    # A bound on a figure ("over 11 millioner", "fewer than 5,000", "minst én gang") is not a
    # change: "fell to just over 11 million" says "fell", whatever its "over" says.
    above: bool = False  # a lower bound: "over", "more than", "at least"
    below: bool = False  # an upper bound: "under", "fewer than", "less than"
    # A comparison's two sides, as keys of the words before and after its "than"/"enn"
    # (empty when the text compares nothing): "more on X than on Y" is not "more on Y than on X".
    before_than: frozenset[str] = frozenset()
    after_than: frozenset[str] = frozenset()
    # A superlative ("the highest in Europe", "more than any other") and a negated comparison
    # that states one ("No other country has as much …", "Aldri før har kronen vært så svak").
    superlative: bool = False
    turned: bool = False


_EMPTY: frozenset[Any] = frozenset()


def _frozen(items: set[Any]) -> frozenset[Any]:
    # Since Python 3.10 every empty frozenset is an object of its own (216 bytes), and most
    # claims have no comparison sides and many no names: one shared empty set saves ~5 MB at
    # 10,000 live fact-checks (the live index is the largest thing a harvesting worker holds).
    return frozenset(items) if items else _EMPTY


def _alias_spans(words: list[str]) -> dict[int, list[str]]:
    """Word position → the alias keys naming something there (shared nb/en alias table):
    "Kina" and "China" both carry ``@china``, "United States" and "USA" ``@usa``."""
    table = lx.world_aliases()
    found: dict[int, list[str]] = {}
    folded = [tx.folded_word(w) for w in words]
    # Multi-word terms of the shared lexicon ("young people", "price cap", "nuclear weapons").
    for start, end, term in lx.phrase_terms(folded, plurals=True):
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
        for phrase, home in _HOME_STARTS.get(folded[i], ()):
            if tuple(folded[i : i + len(phrase)]) == phrase:
                found.setdefault(i + len(phrase) - 1, []).extend(_alias(home))
                break
    return found


_HOME_STARTS: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrases, _home in ((HOME_PHRASES, HOME_COUNTRY), (CAPITAL_PHRASES, HOME_CAPITAL)):
    for _phrase in _phrases:
        _HOME_STARTS.setdefault(_phrase[0], []).append((_phrase, _home))
for _starts in _HOME_STARTS.values():
    _starts.sort(key=lambda item: -len(item[0]))  # the longest phrase at a word first


def _alias(key: str) -> list[str]:
    """An alias's keys: its own and, for a seat of government, the state's ("Moscow insisted")."""
    state = lx.stands_for().get(key)
    return ["@" + key, "@" + state] if state else ["@" + key]


def _is_alias(keys: list[str]) -> bool:
    return any(key[:1] == "@" for key in keys)


def _is_name(word: str, position: int) -> bool:
    """A capitalised word after the first (`_capitalised`). First in the sentence a capital says
    nothing: an unknown word there was most often a common word the lexicon lacks ("Turnout",
    "Jegerne"), which then cut a repeat as another name; the names that matter there are known
    entities (the alias tables, every country among them, and the cognate map's names), which
    count wherever they stand. Session 20, every part but dev: 520 -> 523 found, false alerts
    alike."""
    return bool(position) and _capitalised(word)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word.lower() not in tx.STOPWORDS


@lru_cache(maxsize=1)
def _entity_vocabulary() -> frozenset[str]:
    return tx.entities_vocabulary()


@lru_cache(maxsize=tx.WORD_CACHE)
def _plain_word(cased: str, lang: str) -> tuple[tuple[str, ...], frozenset[str], bool, bool] | None:
    """What `features` makes of a word no alias covers, once per word and language rather
    than once per sentence it is in: its keys, their group, whether it is a known entity, and
    whether it counts as a name after the first word of a sentence. None: no keys."""
    keys = all_keys(cased, lang)
    if not keys:
        return None
    group = frozenset(keys)
    return keys, group, not _entity_vocabulary().isdisjoint(group), _capitalised(cased)


# A hedge whose last word is a word of its own elsewhere: "om lag" is "about" ("om" is a
# stopword already), not a team or a layer.
_HEDGES = frozenset({("om", "lag")})


def features(text: str, language: str | None) -> Features:
    """Everything the comparison reads of a text (`words_of`, then `completed`)."""
    return completed(words_of(text, language), text)


def words_of(text: str, language: str | None) -> Features:
    """A text's words, names and entities, without what is read from them as they stand in
    order (quantities, negation, directions, comparisons): enough to tell which claims share
    enough words with it to be compared at all. Most of an article's sentences share too few
    with every live claim, and `completed` is left for those that do."""
    lang = tx.base_language(language) if language else tx.guess_language(text)
    text = spelled_out(text, lang)
    keys: set[str] = set()
    names: set[frozenset[str]] = set()
    groups: set[frozenset[str]] = set()
    entities: list[frozenset[str]] = []
    halves: list[tuple[frozenset[str], frozenset[str], frozenset[str]]] = []
    words = tx.cased_words(text)
    aliases = _alias_spans(words)
    known = _entity_vocabulary()
    pivot = _comparison(words)
    sides: tuple[set[str], set[str]] = (set(), set())
    lowered = [w.lower() for w in words]
    shares = share_positions(lowered)
    for position, word in enumerate(words):
        if position in shares or (position and (lowered[position - 1], lowered[position]) in _HEDGES):
            continue
        if position in aliases:
            word_keys = tuple(dict.fromkeys((*all_keys(word, lang), *aliases[position])))
            if not word_keys:
                continue
            group = frozenset(word_keys)
            entity = _is_alias(aliases[position]) or not known.isdisjoint(group)
            name = _is_name(word, position)
        else:
            plain = _plain_word(word, lang)
            if plain is None:
                continue
            word_keys, group, entity, capitalised = plain
            name = bool(position) and capitalised
            split = compound_halves(word, lang)
            if split is not None and split[0] <= group and split[1] <= group:
                halves.append((group, *split))
        keys.update(word_keys)
        groups.add(group)
        if pivot is not None:
            sides[position > pivot].update(word_keys)
        # A known entity (a country, organisation, office holder) counts wherever it stands,
        # also first in the sentence; another capitalised word only after the first.
        if entity:
            names.add(group)
            if group not in entities:
                entities.append(group)
        elif name:
            names.add(group)
    return Features(
        frozenset(keys),
        _EMPTY,
        False,
        lang,
        names=_frozen(names),
        words=frozenset(groups),
        entities=tuple(entities),
        halves=tuple(halves),
        before_than=_frozen(sides[0]),
        after_than=_frozen(sides[1]),
    )


def completed(words: Features, text: str) -> Features:
    """`words` (`words_of(text, …)`, its tokens perhaps added to) with what is read from the
    text's words in order: its quantities, negation, directions, bounds and superlatives."""
    lang = words.language
    text = spelled_out(text, lang)
    ordered = [w.lower() for w in _WORD.findall(text)]
    lowered = set(ordered)
    up, down, above, below = _directions(ordered)
    superlative, turned = _superlatives(ordered, lang)
    return replace(
        words,
        numbers=quantities(text, lang),
        negated=_negated(ordered),
        up=up,
        down=down,
        above=above,
        below=below,
        superlative=superlative,
        # "no other", "never": a negation of who or when; "does not" denies the comparison itself,
        # and an exception does not turn it ("than any other except Iceland")
        turned=turned and not lowered.isdisjoint(_NOBODY) and not lowered & EXCEPTIONS,
    )


_SUPERLATIVE_WORDS = frozenset(
    {"most", "least", "best", "worst", "fewest", "record", "mest", "minst", "flest", "færrest", "beste", "verst",
     "verste", "størst", "største", "rekord", "rekordhøy", "rekordlav"}
)  # fmt: skip
# "than any other", "enn noe annet", "than ever", "in history"
_SUPERLATIVE_PAIRS = frozenset(
    {("any", "other"), ("noe", "annet"), ("noen", "annen"), ("noen", "andre"), ("alle", "andre"), ("than", "ever"),
     ("enn", "noensinne"), ("in", "history"), ("noen", "gang")}
)  # fmt: skip
# "as much as", "så mange som", "like mye som": a comparison of equals, which a negation makes a superlative
_EQUAL = {"as": "as", "så": "som", "like": "som"}
_NEVER = {"never": "before", "aldri": "før"}
_NOBODY = frozenset({"no", "none", "nobody", "nothing", "never", "ingen", "intet", "ingenting", "aldri"})


def _superlatives(words: list[str], lang: str) -> tuple[bool, bool]:
    """(states a superlative, has a comparison a negation would make one) of lowered words."""
    superlative = turned = False
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        degree = word.endswith(("est", "este")) and len(word) > 5 and degree_base(word, lang) is not None
        if word in _SUPERLATIVE_WORDS or (word, following) in _SUPERLATIVE_PAIRS or degree:
            superlative = True
        near = words[i + 1 : i + 7]
        if word in _THAN or (word in _EQUAL and _EQUAL[word] in near[1:]) or (word in _NEVER and _NEVER[word] in near):
            turned = True
    return superlative, turned


def _comparison(words: list[str]) -> int | None:
    """The position of the text's "than"/"enn" that compares two things (not one that bounds
    a figure: "more than 30"), or None."""
    for i, word in enumerate(words):
        if word.lower() in _THAN and not (i + 1 < len(words) and _is_figure(words[i + 1].lower())):
            return i
    return None


# What may follow "over", "more than", "at least" when they bound a figure ("over halvparten").
_FIGURE_WORDS = frozenset(
    {"half", "halvparten", "one", "a", "an", "en", "ett", "én", "every", "hver", "hvert", "twice"}
)
_THAN = frozenset({"than", "enn"})
_AT_LEAST = frozenset({"least", "minst"})


def _is_figure(word: str) -> bool:
    return word[:1].isdigit() or word in _FIGURE_WORDS


def _directions(words: list[str]) -> tuple[bool, bool, bool, bool]:
    """(up, down, above, below) of a text's lowered words: a direction word before a figure,
    directly or through "than" ("over 30", "more than 30", "at least 30"), bounds the figure;
    elsewhere it states a change or a comparison."""
    up = down = above = below = False
    for i, word in enumerate(words):
        if word not in UP_WORDS and word not in DOWN_WORDS and word not in PASSING_WORDS:
            continue
        following = words[i + 1] if i + 1 < len(words) else ""
        bound = _is_figure(following) or (following in _THAN and i + 2 < len(words) and _is_figure(words[i + 2]))
        if word in PASSING_WORDS:
            above = above or bound
        elif bound and (word in UP_WORDS or word in _AT_LEAST):
            above = True
        elif bound:
            below = True
        elif word in UP_WORDS:
            up = True
        else:
            down = True
    return up, down, above, below


def opposite_directions(claim: Features, window: Features) -> bool:
    """The claim says "more" and the window only "less", or the reverse; or the claim bounds
    its figure from below ("over 30") and the window only from above ("under 30")."""
    return (
        _opposite(claim.up, claim.down, window.up, window.down)
        or _opposite(claim.above, claim.below, window.above, window.below)
        or (_sides_swapped(claim, window) and claim.negated == window.negated)
    )


NAME_PREFIX = 5  # letters a name and its other-language form share ("Follo"/"Follobanen")


def _has_name(name: frozenset[str], tokens: frozenset[str]) -> bool:
    """The name, or a word that begins as it does: a compound or inflection of the name
    ("Follobanen" for "the Follo Line", "Vys tog" for "Vy's trains", "Universitetet" for
    "University") is the same name in the other language, not another name in its place."""
    if not name.isdisjoint(tokens) or any(key[-1] == "s" and key[:-1] in tokens for key in name if len(key) >= 3):
        return True  # the Norwegian genitive: "Vys tog" is Vy's trains
    heads = {key[:NAME_PREFIX] for key in name if len(key) >= NAME_PREFIX - 1 and key[:1].isalpha()}
    return any(token[:NAME_PREFIX] in heads for token in tokens if len(token) >= NAME_PREFIX - 1)


def names_differ(claim: Features, window: Features) -> bool:
    """A name of the claim's is missing from the window and the window has one of its own."""
    if not (claim.names and window.names):
        return False
    missing = any(not _has_name(name, window.tokens) for name in claim.names)
    return missing and any(not _has_name(name, claim.tokens) for name in window.names)


_BE = frozenset({"is", "are", "was", "were", "er", "var"})
# "fail to meet" is "do not meet" (a failed bank is no negation).
_FAIL = frozenset({"fail", "fails", "failed", "failing"})
# "not true that", "ikke riktig at": a frame that denies the clause after it
_DENYING = frozenset({"not", "ikke"})
_TRUE = frozenset({"true", "correct", "right", "sant", "riktig", "korrekt"})


def _negated(ordered: list[str]) -> bool:
    """Whether lowered words deny what they say. A frame that calls the statement false ("It is
    false that …", "Det er ikke sant at …", "…, is wrong") denies it, and a negated statement in
    such a frame ("It is not true that 20 percent fail to meet …") says the reverse of the
    negation: the frame's own "not" is no negation of the statement's."""
    framed: set[int] = set()
    for i, word in enumerate(ordered):
        following = ordered[i + 1] if i + 1 < len(ordered) else ""
        after = ordered[i + 2] if i + 2 < len(ordered) else ""
        # "false that", "…, is wrong" (not "it is wrong to …")
        two = (word in REFUTING and following in REFUTED_CLAUSE) or (
            word in _BE and following in REFUTING and after not in {"to", "å"}
        )
        if word in _BE and following in REFUTING_DEGREE and after in REFUTING:
            framed.update((i, i + 1, i + 2))  # "…, er sterkt overdrevet"
            continue
        # "not true that", "ikke riktig at", "stemmer ikke at"
        three = (word in _DENYING and following in _TRUE and after in REFUTED_CLAUSE) or (word, following, after) == (
            "stemmer",
            "ikke",
            "at",
        )
        if two:
            framed.update((i, i + 1))
        elif three:
            framed.update((i, i + 1, i + 2))
    inner = any(
        (word in NEGATIONS or word.endswith("n't")) and i not in framed for i, word in enumerate(ordered)
    ) or any(a in _FAIL and b == "to" for a, b in itertools.pairwise(ordered))
    return inner != bool(framed)


def negation_differs(claim: Features, window: Features) -> bool:
    """One of the two is negated and the other not, unless the negation turns a comparison
    round: "No European country gave more than Germany" says "Germany gave more than any other",
    and "Aldri før har kronen vært så svak" says "the krone is at its weakest"."""
    return (
        claim.negated != window.negated
        and not _sides_swapped(claim, window)
        and not (claim.superlative and window.turned)
        and not (window.superlative and claim.turned)
    )


def _sides_swapped(claim: Features, window: Features) -> bool:
    """Both compare, and the window puts on each side a word the claim has only on the other
    ("taper mer på Norsk Tipping enn på utenlandske nettsteder" for the reverse)."""
    if not (claim.after_than and window.after_than):
        return False
    claim_before = claim.before_than - claim.after_than
    claim_after = claim.after_than - claim.before_than
    window_before = window.before_than - window.after_than
    window_after = window.after_than - window.before_than
    return not claim_after.isdisjoint(window_before) and not claim_before.isdisjoint(window_after)


def _opposite(up: bool, down: bool, other_up: bool, other_down: bool) -> bool:
    return (up and not down and other_down and not other_up) or (down and not up and other_up and not other_down)


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
        above=a.above or b.above,
        below=a.below or b.below,
        before_than=a.before_than if a.after_than else b.before_than,
        after_than=a.after_than or b.after_than,
        superlative=a.superlative or b.superlative,
        turned=a.turned or b.turned,
    )
