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

from dataclasses import dataclass, field
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
    words: dict[str, str]  # folded Norwegian lemma, as written → canonical term (before the stem)
    en: dict[str, str]  # folded English stem → canonical term (synonyms only)
    phrases: dict[tuple[str, ...], str]  # folded words (either language) → canonical term
    pairs: int  # distinct Norwegian–English pairs loaded, for the record
    starts: frozenset[str] = frozenset()  # first words of the phrases, to skip most positions
    # English phrases with their last word in the plural ("district courts") and hyphenated
    # terms read as two words ("part-time"), for the recurrence matcher only
    # (phrase_terms(plurals=True)); the ranker reads phrases as written.
    plurals: dict[tuple[str, ...], str] = field(default_factory=dict)


def english_term(phrase: str) -> str:
    """The canonical form of an English word or phrase: stems joined by "_"."""
    from claims.discovery.text import _stemmer, fold

    words = fold(phrase).split()
    return "_".join(fold(_stemmer("en").stemWord(w)) for w in words)


def _plural_form(words: tuple[str, ...]) -> tuple[str, ...]:
    """An English phrase with its last word in the plural ("district court" → "district
    courts", "care city" → "care cities"): the phrase table is read word for word."""
    last = words[-1]
    if last.endswith("y") and last[-2:-1] not in {"a", "e", "o", "u"}:
        plural = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        plural = last + "es"
    else:
        plural = last + "s"
    return (*words[:-1], plural)


def _nb_key(word: str) -> str:
    from claims.discovery.text import _stemmer, fold

    return fold(_stemmer("nb").stemWord(word.lower()))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    from claims.discovery.text import fold

    nb: dict[str, str] = {}
    words_of: dict[str, str] = {}
    en: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    plurals: dict[tuple[str, ...], str] = {}
    pairs: set[tuple[str, str]] = set()

    written = _rows("news_nb_en.tsv")
    # English synonyms first, so that a translation lands on the synonym's canonical word.
    for source, target, *_ in (row for row in written if row[0].startswith("=")):
        words = tuple(fold(source[1:]).split())
        if len(words) == 1:
            en.setdefault(english_term(source[1:]), english_term(target))
        else:
            phrases.setdefault(words, english_term(target))
            plurals.setdefault(_plural_form(words), english_term(target))

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
            words_of.setdefault(fold(source.lower()), term)
        target_words = tuple(fold(target).split())
        if " " in target.strip():
            phrases.setdefault(target_words, term)
            plurals.setdefault(_plural_form(target_words), term)
        elif len(target_words) > 1:
            # English text splits "part-time" into two words; the matcher reads them as the
            # Norwegian word's term ("deltid"). The ranker does not: left-out P@5 0.863 → 0.850.
            plurals.setdefault(target_words, term)
            plurals.setdefault(_plural_form(target_words), term)

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
    starts = frozenset(words[0] for words in [*phrases, *plurals])
    plurals = {words: term for words, term in plurals.items() if words not in phrases}
    return Lexicon(nb=nb, words=words_of, en=en, phrases=phrases, pairs=len(pairs), starts=starts, plurals=plurals)


def nb_word(word: str) -> str | None:
    """The canonical English term of a written pair whose Norwegian lemma is this folded word.

    Stems collide ("leder" and "ledighet" both stem to "led", "tid" and "tidlig" to "tid"), and
    the first pair of a stem takes it; the word itself, when it is a lemma of its own, says which."""
    return lexicon().words.get(word)


def nb_term(stem: str) -> str | None:
    """The canonical English term for a folded Norwegian stem, if the lexicon has one."""
    return lexicon().nb.get(stem)


def en_term(stem: str) -> str | None:
    """The canonical term an English stem is folded onto, if it is a listed synonym."""
    return lexicon().en.get(stem)


def phrase_terms(words: list[str], *, plurals: bool = False) -> list[tuple[int, int, str]]:
    """Known phrases in a list of folded words: (start, end, term), longest first at each start.
    With `plurals`, an English phrase's last word may also be in the plural."""
    lex = lexicon()
    table, starts = lex.phrases, lex.starts
    found = []
    for i, word in enumerate(words):
        if word not in starts:
            continue
        for size in range(MAX_PHRASE, 1, -1):
            if i + size <= len(words):
                span = tuple(words[i : i + size])
                term = table.get(span) or (lex.plurals.get(span) if plurals else None)
                if term:
                    found.append((i, i + size, term))
                    break
    return found


MAX_SENSES = 4


@lru_cache(maxsize=1)
def _sense_tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Every translation of a word, not only the one the ranker keeps: folded Norwegian stem →
    canonical terms of its English words, and English stem → canonical terms of its
    Norwegian words (so "weakest"'s adjective and "svak" can meet through either side)."""
    lex = lexicon()
    nb: dict[str, list[str]] = {}
    en: dict[str, list[str]] = {}
    written = [(s, t) for s, t, *_ in _rows("news_nb_en.tsv") if not s.startswith("=")]
    freedict = sorted(
        ((int(rank), norwegian, english) for english, norwegian, _pos, rank in _rows("freedict_eng_nor.tsv")),
        key=lambda row: row[0],
    )
    for norwegian, english in [*written, *((n, e) for _r, n, e in freedict)]:
        if " " in norwegian.strip():
            continue
        nb_key = _nb_key(norwegian)
        english_key = english_term(english)
        term = lex.en.get(english_key) or lex.phrases.get(tuple(english.lower().split())) or english_key
        nb.setdefault(nb_key, []).append(term)
        if " " not in english.strip():
            en.setdefault(english_key, []).append(lex.nb.get(nb_key, term))

    def bounded(table: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        return {key: tuple(dict.fromkeys(terms))[:MAX_SENSES] for key, terms in table.items()}

    return bounded(nb), bounded(en)


def senses(stem: str, language: str) -> tuple[str, ...]:
    """All canonical terms a folded stem translates to or from (at most MAX_SENSES), for
    matchers that compare one passage with one claim and can afford a word several keys."""
    nb, en = _sense_tables()
    return (nb if language == "nb" else en).get(stem, ())


@lru_cache(maxsize=1)
def _norwegian_for() -> dict[str, tuple[str, ...]]:
    """Canonical term → the written Norwegian words for it (for searching Norwegian text)."""
    out: dict[str, list[str]] = {}
    for source, target, *_ in _rows("news_nb_en.tsv"):
        if not source.startswith("=") and " " not in source:
            out.setdefault(english_term(target), []).append(source)
    return {term: tuple(words[:3]) for term, words in out.items()}


# A harvest asks about the same words article after article (a tenth of drawing a batch's
# tracking pools): the answers for this many (word, language) pairs are kept, the least
# recently used dropped. Immutable, so a caller cannot change what the next one gets.
@lru_cache(maxsize=8192)  # per word, as the word caches of claims/discovery/text.py (WORD_CACHE)
def other_language_words(word: str, language: str) -> tuple[str, ...]:
    """Words to search the other language's text for: a Norwegian word's English translation
    ("oppsigelser" → "layoff"), an English word's Norwegian ones ("layoffs" → "oppsigelse")."""
    from claims.discovery.text import _stemmer, fold, word_token

    if language == "nb":
        term = word_token(word.lower(), "nb")
        if not term or term == fold(_stemmer("nb").stemWord(word.lower())):
            return ()
        return tuple(part for part in term.split("_") if len(part) >= 4)
    term = word_token(word.lower(), "en")
    return tuple(_norwegian_for().get(term or "", ()))


# --- Aliases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasTable:
    """Alias variants indexed by their first word: folded phrases, and exact capitalised names."""

    folded: dict[str, list[tuple[tuple[str, ...], str]]]  # first folded word → (words, key), longest first
    exact: dict[str, str]  # a single capitalised name ("Støre", "WHO") → key


def _alias_table(*names: str) -> AliasTable:
    from claims.discovery.text import fold

    folded: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    exact: dict[str, str] = {}
    for name in names:
        for key, variants in _rows(name):
            for variant in (v.strip() for v in variants.split("|")):
                if not variant:
                    continue
                # A single capitalised word ("Støre", "WHO", "Ap") is a name only in capitals.
                if " " not in variant and "-" not in variant and variant[:1].isupper():
                    exact.setdefault(variant, key)
                else:
                    words = tuple(fold(variant).split())
                    folded.setdefault(words[0], []).append((words, key))
    for options in folded.values():
        options.sort(key=lambda option: -len(option[0]))
    return AliasTable(folded=folded, exact=exact)


@lru_cache(maxsize=1)
def aliases() -> AliasTable:
    """The names of lexicon_data/aliases.tsv (the ranker, duplicates and the recurrence matcher)."""
    return _alias_table("aliases.tsv")


@lru_cache(maxsize=1)
def world_aliases() -> AliasTable:
    """aliases.tsv and every other country (lexicon_data/countries.tsv), for the recurrence
    matcher: there a country no claim names still names another country than the claim's.
    The ranker keeps aliases() (with the countries its left-out nDCG@10 fell 0.919 -> 0.917)."""
    return _alias_table("aliases.tsv", "countries.tsv", "places.tsv")


@lru_cache(maxsize=1)
def country_keys() -> frozenset[str]:
    """The keys of lexicon_data/countries.tsv ("rwanda", "iceland", …)."""
    return frozenset(key for key, *_ in _rows("countries.tsv"))


@lru_cache(maxsize=1)
def _irregular() -> dict[tuple[str, str], str]:
    return {(language, form): lemma for language, form, lemma, *_ in _rows("irregular_forms.tsv")}


def lemma(word: str, language: str) -> str | None:
    """The lemma of an irregular verb form ("vunnet" → "vinne", "won" → "win"), if listed
    in lexicon_data/irregular_forms.tsv; `word` lower-cased, `language` "nb" or "en"."""
    return _irregular().get((language, word))


@lru_cache(maxsize=1)
def stands_for() -> dict[str, str]:
    """Alias key → the alias key it stands for in news reports ("moscow" → "russia"), from
    lexicon_data/stands_for.tsv: seats of government used for the state."""
    return {key: state for key, state, *_ in _rows("stands_for.tsv")}


def alias_keys_in(words: list[str]) -> frozenset[str]:
    """Keys of the aliases named in a list of surface words (as `text.cased_words` gives)."""
    from claims.discovery.text import folded_word

    table = aliases()
    found = set()
    folded = [folded_word(w) for w in words]
    for i, word in enumerate(words):
        # A genitive s ("Støres", "Statnetts") still names the same thing.
        key = table.exact.get(word) or (table.exact.get(word[:-1]) if word[-1:] == "s" else None)
        if key:
            found.add(key)
        for variant, key in table.folded.get(folded[i], ()):
            if tuple(folded[i : i + len(variant)]) == variant:
                found.add(key)
                break
    return frozenset(found)


def alias_keys(text: str) -> frozenset[str]:
    """Keys of every alias named in `text` ({"who", "prime_minister", "stoere", …})."""
    from claims.discovery.text import cased_words

    return alias_keys_in(cased_words(text))


def alias_term(key: str) -> str:
    """An alias key as a term of the lexical index, apart from ordinary words."""
    return f"@{key}"
