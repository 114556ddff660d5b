"""A Norwegian–English lexicon for news vocabulary, phrase detection and a table of aliases.

Used on both sides of every match (ranking and duplicate detection) through
`claims.discovery.text`: a Norwegian word becomes the stem of its English translation
("oppsigelser" → ``layoff``, "sykehus" → ``hospit``), an English synonym folds onto one word
("job cuts" → ``layoff``), a multi-word translation is one joined term ("pristak" and
"price cap" both → ``price_cap``), and a name in either language becomes one key
("Verdens helseorganisasjon", "World Health Organization", "WHO" → ``who``).

Sources (claims/discovery/lexicon_data/, see its README.md):

* ``news_nb_en.tsv`` — news vocabulary written for this project (CC0); it wins over
* ``freedict_eng_nor.tsv`` — the single-word pairs of FreeDict's English–Norwegian
  dictionary (WikDict, from Wiktionary; CC BY-SA 3.0), built by scripts/build_lexicon.py;
* ``aliases.tsv`` — countries, organisations, parties, offices and office holders (CC0).

Everything is loaded once per process and looked up through plain dicts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "lexicon_data"
MAX_PHRASE = 3


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([cell.strip() for cell in line.split("\t")])
    return rows


def _bigrams(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


def _likeness(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


@dataclass(frozen=True)
class Lexicon:
    """Lookups from folded stems and folded word sequences to canonical English terms."""

    nb: dict[str, str]  # folded Norwegian stem → canonical term
    en: dict[str, str]  # folded English stem → canonical term (synonyms only)
    phrases: dict[tuple[str, ...], str]  # folded words (either language) → canonical term
    pairs: int  # distinct Norwegian–English pairs loaded, for the record


def english_term(phrase: str) -> str:
    """The canonical form of an English word or phrase: stems joined by "_"."""
    from claims.discovery.text import _stemmer, fold

    words = fold(phrase).split()
    return "_".join(fold(_stemmer("en").stemWord(w)) for w in words)


def _nb_key(word: str) -> str:
    from claims.discovery.text import _stemmer, fold

    return fold(_stemmer("nb").stemWord(word.lower()))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    from claims.discovery.text import fold

    nb: dict[str, str] = {}
    en: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    pairs: set[tuple[str, str]] = set()

    written = _rows("news_nb_en.tsv")
    # English synonyms first, so that a translation lands on the synonym's canonical word.
    for source, target, *_ in (row for row in written if row[0].startswith("=")):
        words = tuple(fold(source[1:]).split())
        if len(words) == 1:
            en.setdefault(english_term(source[1:]), english_term(target))
        else:
            phrases.setdefault(words, english_term(target))

    def canonical_english(phrase: str) -> str:
        words = tuple(fold(phrase).split())
        term = english_term(phrase)
        return phrases.get(words) or en.get(term) or term

    # Then the written pairs: they win every conflict with FreeDict's.
    for source, target, *_ in (row for row in written if not row[0].startswith("=")):
        pairs.add((source, target))
        term = canonical_english(target)
        words = tuple(fold(source).split())
        if len(words) > 1:
            phrases.setdefault(words, term)
        else:
            nb.setdefault(_nb_key(source), term)
        if " " in target.strip():
            phrases.setdefault(tuple(fold(target).split()), term)

    # FreeDict: for each Norwegian word, the English headword it is offered first for,
    # preferring a look-alike (cognate) and then the shorter word.
    offered: dict[str, list[tuple[int, float, int, str]]] = {}
    for english, norwegian, _pos, rank in _rows("freedict_eng_nor.tsv"):
        pairs.add((norwegian, english))
        offered.setdefault(norwegian, []).append((int(rank), -_likeness(norwegian, english), len(english), english))
    for norwegian, options in offered.items():
        key = _nb_key(norwegian)
        if key not in nb:
            nb[key] = english_term(min(options)[3])
    return Lexicon(nb=nb, en=en, phrases=phrases, pairs=len(pairs))


def nb_term(stem: str) -> str | None:
    """The canonical English term for a folded Norwegian stem, if the lexicon has one."""
    return lexicon().nb.get(stem)


def en_term(stem: str) -> str | None:
    """The canonical term an English stem is folded onto, if it is a listed synonym."""
    return lexicon().en.get(stem)


def phrase_terms(words: list[str]) -> list[tuple[int, int, str]]:
    """Known phrases in a list of folded words: (start, end, term), longest first at each start."""
    table = lexicon().phrases
    found = []
    for i in range(len(words)):
        for size in range(MAX_PHRASE, 1, -1):
            if i + size <= len(words):
                term = table.get(tuple(words[i : i + size]))
                if term:
                    found.append((i, i + size, term))
                    break
    return found


# --- Aliases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasTable:
    """Compiled alias variants: one pattern over folded text, one over the raw text."""

    folded: re.Pattern[str] | None
    exact: re.Pattern[str] | None
    keys: dict[str, str]  # folded or exact variant → key


@lru_cache(maxsize=1)
def aliases() -> AliasTable:
    from claims.discovery.text import fold

    keys: dict[str, str] = {}
    folded_variants, exact_variants = [], []
    for key, variants in _rows("aliases.tsv"):
        for variant in (v.strip() for v in variants.split("|")):
            if not variant:
                continue
            # A single capitalised word ("Støre", "WHO", "Ap") is a name only in capitals.
            if " " not in variant and "-" not in variant and variant[:1].isupper():
                keys.setdefault(variant, key)
                exact_variants.append(variant)
            else:
                folded_variant = fold(variant)
                keys.setdefault(folded_variant, key)
                folded_variants.append(folded_variant)

    def compile_(variants: list[str]) -> re.Pattern[str] | None:
        if not variants:
            return None
        ordered = sorted(set(variants), key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(v) for v in ordered) + r")(?!\w)")

    return AliasTable(folded=compile_(folded_variants), exact=compile_(exact_variants), keys=keys)


@lru_cache(maxsize=20_000)
def _alias_keys_cached(text: str) -> frozenset[str]:
    from claims.discovery.text import fold

    table = aliases()
    found = set()
    if table.exact is not None:
        # A possessive or genitive s ("Støres", "Norway's") still names the same thing.
        for match in table.exact.finditer(re.sub(r"(?<=\w)(?:['’]s|s)(?!\w)", "", text)):
            found.add(table.keys[match.group(0)])
        for match in table.exact.finditer(text):
            found.add(table.keys[match.group(0)])
    if table.folded is not None:
        for match in table.folded.finditer(fold(text)):
            found.add(table.keys[match.group(0)])
    return frozenset(found)


def alias_keys(text: str) -> frozenset[str]:
    """Keys of every alias named in `text` ({"who", "prime_minister", "stoere", …})."""
    return _alias_keys_cached(text) if len(text) < 2000 else _alias_keys_cached.__wrapped__(text)


def alias_term(key: str) -> str:
    """An alias key as a term of the lexical index, apart from ordinary words."""
    return f"@{key}"
