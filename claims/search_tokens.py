"""The index tokens of claim search, and the query texts built from them: pure Python.

A word's tokens (lower-cased and folded, its Norwegian and English Snowball stems, its
genitive-free form, a compound's known halves) make `Claim.search_folded` (`index_text`);
a query's words become groups of forms that must equal a token or may start one
(`query_groups`), and the groups a PostgreSQL tsquery text (`tsquery_text`, and for
comparison pools `_combos_tsquery` and `_rank_tsquery`). `claims.search` holds the
statements that use them (claim search, comparison pools, article search) and re-exports
these names; they live apart because they need no database, no settings and no Django
(bench/generate.py builds the shadow column with them), and so that module stays short.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from claims.discovery import lexicon
from claims.discovery.cognates import NAMES
from claims.discovery.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_NORWEGIAN
from claims.discovery.text import _stemmer, fold

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Function words only: a content word such as "onsdag" or "said" stays searchable.
SEARCH_STOPWORDS = frozenset(STOPWORDS_NORWEGIAN) | frozenset(STOPWORDS_EN_PLUS)
MAX_QUERY_WORDS = 12
# A folded word is used as a prefix from this length on; a stem from the longer one (a short
# stem such as "russi", from "Russia", would also find "russisk").
PREFIX_MIN = 4
STEM_PREFIX_MIN = 6
# Halves of a compound are indexed from this length on (short words would split anything).
COMPOUND_PART_MIN = 4


def _folded(word: str) -> str:
    return fold(word).replace(" ", "")


@lru_cache(maxsize=200_000)
def _stems(word: str) -> frozenset[str]:
    """A lower-cased word's folded Norwegian and English stems, with and without a genitive -s."""
    forms = {word}
    if len(word) >= 5 and word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])  # "Lavrovs", "Russlands": the stemmers leave some genitives alone
    stems = set()
    for form in forms:
        for lang in ("nb", "en"):
            stem = _folded(_stemmer(lang).stemWord(form))
            if stem:
                stems.add(stem)
    return frozenset(stems)


@lru_cache(maxsize=200_000)
def word_index_tokens(word: str) -> frozenset[str]:
    """The index tokens of one word as written (any case)."""
    low = word.lower()
    tokens = set(_stems(low))
    folded = _folded(low)
    if folded:
        tokens.add(folded)
    tokens.update(compound_stems(low))
    return frozenset(t for t in tokens if t)


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    """Place and people names the desk's cognate map knows: never split ("Russland" is not russ + land)."""
    return frozenset(_folded(v) for canonical, variants in NAMES.items() for v in (canonical, *variants))


def _known_nb(stem: str) -> bool:
    return len(stem) >= COMPOUND_PART_MIN and lexicon.nb_term(stem) is not None


@lru_cache(maxsize=200_000)
def compound_stems(word: str) -> tuple[str, ...]:
    """The Norwegian stems of a compound's two halves when the lexicon knows both
    ("strømprisene" → ("strom", "pris")), so "prisene" finds it too. Halves stay
    Norwegian (no translation: search is not cross-language); unknown halves are not guessed."""
    if len(word) < 2 * COMPOUND_PART_MIN or not word.isalpha() or _folded(word) in _names():
        return ()
    stem = _stemmer("nb").stemWord
    for cut in range(COMPOUND_PART_MIN, len(word) - COMPOUND_PART_MIN + 1):
        tail = _folded(stem(word[cut:]))
        if not _known_nb(tail) or word[cut:] in SEARCH_STOPWORDS:
            continue
        left = word[:cut]
        for head in (left, left[:-1] if left[-1:] in {"s", "e"} else None):
            head_stem = _folded(stem(head)) if head else ""
            if head and head not in SEARCH_STOPWORDS and (_known_nb(head_stem) or _known_nb(_folded(head))):
                return (head_stem, tail)
    return ()


def index_text(*texts: str) -> str:
    """The shadow column's value: the distinct tokens of all the texts, space-padded for LIKE."""
    tokens: set[str] = set()
    for text in texts:
        for word in _WORD.findall(text or ""):
            tokens |= word_index_tokens(word)
    return f" {' '.join(sorted(tokens))} " if tokens else ""


def search_terms(query: str, *, limit: int = MAX_QUERY_WORDS) -> list[str]:
    """The query's searchable words, lower-cased: no stop words, no single letters."""
    words = [w.lower() for w in _WORD.findall(query or "")]
    kept = [w for w in words if w not in SEARCH_STOPWORDS and (len(w) > 1 or w.isdigit())]
    return kept[:limit]


Group = tuple[frozenset[str], frozenset[str]]


def query_groups(query: str) -> list[Group]:
    """Per query word: (forms that must equal a token, forms a token may start with)."""
    return [_word_group(word) for word in search_terms(query)]


@lru_cache(maxsize=20_000)
def _word_group(word: str) -> Group:
    # Kept per process: a harvest asks for the same words' groups article after article.
    folded = _folded(word)
    stems = _stems(word) | {folded}
    candidates = {folded} if len(folded) >= PREFIX_MIN else set()
    candidates |= {s for s in stems if len(s) >= STEM_PREFIX_MIN}
    return _simplest(stems, candidates)


def _simplest(exact: Iterable[str], prefixes: Iterable[str]) -> Group:
    """The same alternatives with nothing another one already covers: the shortest of the
    prefixes that start alike, no exact form that a prefix matches. The match is unchanged,
    and the GIN index reads every entry a prefix matches, once per prefix that does."""
    wanted = set(prefixes)
    kept = frozenset(p for p in wanted if not any(o != p and p.startswith(o) for o in wanted))
    return frozenset(s for s in exact if s and not any(s.startswith(p) for p in kept)), kept


def tsquery_text(groups: list[Group]) -> str:
    clauses = []
    for exact, prefixes in groups:
        alternatives = sorted(exact) + [f"{p}:*" for p in sorted(prefixes)]
        clauses.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(clauses)


def _word_groups(words: list[str] | list[list[str]]) -> list[Group]:
    groups: list[Group] = []
    for word in words:
        spellings = [word] if isinstance(word, str) else word
        found = [group for spelling in spellings for group in query_groups(spelling)]
        if isinstance(word, str):
            groups.extend(found)
        elif found:
            groups.append(_concept_group(tuple(found)))
    return groups


@lru_cache(maxsize=10_000)
def _concept_group(found: tuple[Group, ...]) -> Group:
    # One word however spelt: its forms are alternatives of one group ("krone:*" and
    # "kroner:*" from two spellings are one prefix).
    return _simplest((e for g in found for e in g[0]), (p for g in found for p in g[1]))


def _combos_tsquery(combos: list[list[Group]]) -> str:
    return " | ".join(f"({tsquery_text(combo)})" for combo in combos)


def _rank_tsquery(combos: list[list[Group]]) -> str:
    """The tsquery to rank a match of `_combos_tsquery(combos)` by: the same rank, cheaper.

    ts_rank scores a query whose top operator is OR by its distinct words alone (it sorts
    and deduplicates them, then sums each word's weight in the claim), whatever the ANDs
    below. So several combinations rank as the flat OR of their distinct words, which it
    sorts per row in a quarter of the time: a fifth of a harvest batch's pool statement.
    One combination (top operator AND) keeps its own query, and so does a word that is
    both whole and a prefix, which ts_rank keeps only one of, in no set order."""
    text = _combos_tsquery(combos)
    if len(combos) < 2:
        return text
    exact = {word for combo in combos for group in combo for word in group[0]}
    prefixes = {word for combo in combos for group in combo for word in group[1]}
    if exact & prefixes or len(exact) + len(prefixes) < 2:
        return text
    return " | ".join(sorted(exact) + [f"{p}:*" for p in sorted(prefixes)])
