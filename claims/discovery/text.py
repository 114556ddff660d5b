"""Text helpers shared by ranking and duplicate detection: folding, stemming, entities, n-grams.

Everything here is pure and deterministic (no database, no network), so the ranker and the
duplicate finder can be tested and benchmarked on plain strings.

The desk works in Norwegian and English and a claim in one language often has its best
evidence in the other. Three things bridge the gap:

* Tokens are stemmed in their own language, folded (æ→ae, é→e) and then mapped through a
  small **cognate map** to one canonical form, so "Ukraina", "ukrainske" and "Ukraine's"
  all become ``ukrain`` and "invasjonen" meets "invasion".
* **Entities** (capitalised names, acronyms such as NATO/INF, numbers) go through the same
  canonical map; names carry most of the cross-language signal.
* **Character n-grams** of folded words catch the cognates nobody listed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import Stemmer

from claims.discovery import lexicon as lx
from claims.discovery import numbers
from claims.discovery.cognates import NAMES, WORDS
from claims.discovery.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_NORWEGIAN

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ß": "ss", "œ": "oe", "ł": "l", "đ": "d"})
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+(?=[\"'«“(]*[A-ZÆØÅÉ0-9])")


def fold(text: str) -> str:
    """Lower-case, transliterate Nordic letters and strip accents (Genève -> geneve)."""
    text = text.lower().translate(_FOLD)
    if not text.isascii():  # the slow path only when there is an accent to strip
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text).strip()


# --- Languages -----------------------------------------------------------------------------

_NB_STOP = frozenset(STOPWORDS_NORWEGIAN) | {
    "sier", "sa", "ble", "blir", "også", "mot", "etter", "mellom", "flere", "både", "får", "fikk",
    "kan", "skal", "vil", "må", "ikke", "hadde", "har", "mener", "ifølge", "dette", "disse",
    "denne", "onsdag", "torsdag", "fredag", "mandag", "tirsdag", "lørdag", "søndag", "nå", "dag",
}  # fmt: skip
_EN_STOP = frozenset(STOPWORDS_EN_PLUS) | {
    "said", "says", "would", "could", "also", "after", "between", "more", "has", "have", "had",
    "been", "its", "it's", "their", "than", "over", "about", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "year", "years", "new", "one", "two", "up", "down",
}  # fmt: skip
STOPWORDS = _NB_STOP | _EN_STOP
# Function words that only one of the two languages has, for telling them apart.
_NB_MARKERS = frozenset(
    {"og", "ikke", "som", "det", "er", "på", "av", "med", "til", "har", "om", "en", "et", "å", "fra"}
)
_EN_MARKERS = frozenset({"the", "and", "not", "is", "of", "with", "to", "has", "on", "a", "from", "that", "was", "are"})


def base_language(language: str | None) -> str:
    """The stemmer family for a BCP-47 tag: "nb", "nn", "no" → "nb"; anything else → "en"."""
    tag = (language or "").lower().split("-")[0]
    if tag in {"nb", "nn", "no", "nob", "nno", "nor"}:
        return "nb"
    if tag in {"da", "sv"}:
        return "nb"  # close enough for stemming names and cognates
    return "en"


def guess_language(text: str) -> str:
    """ "nb" or "en" from function-word counts; for articles whose page declared no language."""
    words = [w.lower() for w in _WORD.findall(text[:4000])]
    nb = sum(1 for w in words if w in _NB_MARKERS)
    en = sum(1 for w in words if w in _EN_MARKERS)
    return "nb" if nb > en else "en"


# How many distinct words each per-word cache below (and the recurrence matcher's, in
# claims/watch/recurrence_features.py) keeps. A word costs about 2.4 KB across those layers,
# so about 20 MB when every layer is full; news text is Zipfian, and the most recent words are
# the bulk of what the next article says. The bounds were 100,000-300,000 a cache, about
# 500 MB full: harvests of the bench's corpus never filled them, since its pages reuse a small
# vocabulary, but pages that keep bringing new words did (bench/harvest_scale.py --new-words:
# peak RSS 483 MB at 32,768 words, 415 MB at 8,192; bench/results/harvest_scale_corpus.md).
WORD_CACHE = 8_192


@lru_cache(maxsize=4)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer("norwegian" if lang == "nb" else "english")


# --- The cognate map (claims/discovery/cognates.py) -----------------------------------------

COGNATES: dict[str, tuple[str, ...]] = {**NAMES, **WORDS}


def _variant_keys(word: str) -> set[str]:
    keys = set()
    for lang in ("nb", "en"):
        parts = [fold(_stemmer(lang).stemWord(w)) for w in word.lower().split()]
        keys.add(" ".join(parts))
    keys.add(fold(word))
    return keys


@lru_cache(maxsize=1)
def _canonical_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for canonical, variants in COGNATES.items():
        target = fold(_stemmer("en").stemWord(canonical))
        for variant in (canonical, *variants):
            if " " in variant:
                continue  # multi-word phrases are matched by their parts
            for key in _variant_keys(variant):
                mapping.setdefault(key, target)
    return mapping


@lru_cache(maxsize=1)
def entities_vocabulary() -> frozenset[str]:
    """Canonical forms of the places, peoples and institutions in the cognate map."""
    return frozenset(fold(_stemmer("en").stemWord(name)) for name in NAMES) | frozenset(NAMES)


@lru_cache(maxsize=1)
def cognate_spellings() -> dict[str, tuple[str, ...]]:
    """Every one-word spelling in the cognate map (lower-cased) → all one-word spellings of it."""
    groups: dict[str, tuple[str, ...]] = {}
    for head, variants in COGNATES.items():
        spellings = tuple(dict.fromkeys(w for w in (head, *variants) if " " not in w))
        for spelling in spellings:
            groups.setdefault(spelling.lower(), spellings)
    return groups


def canonical(stem: str) -> str:
    """The shared form of a folded stem, or the stem itself when no cognate is known."""
    return _canonical_map().get(stem, stem)


# --- Tokens --------------------------------------------------------------------------------


def normalize_numbers(text: str) -> str:
    """Digit groups joined, "2.5k"/"2,5 millioner" written out, dates as DATEmmdd (numbers.py)."""
    return numbers.normalize(text)


def cased_words(text: str) -> list[str]:
    return _WORD.findall(normalize_numbers(text))


@lru_cache(maxsize=WORD_CACHE)
def name_key(word: str) -> str:
    """A name's key, the same in both languages: folded, one trailing "s" dropped.

    Stemmers treat names as words of their language (the Norwegian one turns "Blinken"
    into "blink", the English one leaves it), so names get a key of their own. Dropping
    one "s" everywhere handles the Norwegian genitive ("Lavrovs", "Putins") and is harmless
    when applied the same way to both sides ("Brussels" and "Brussel" meet as "brussel").
    """
    key = fold(word)
    if key in _canonical_map():
        return _canonical_map()[key]
    if len(key) >= 5 and key.endswith("s") and not key.endswith("ss"):
        key = key[:-1]
    return _canonical_map().get(key, key)


def _is_name(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() and len(word) >= 3


@lru_cache(maxsize=WORD_CACHE)
def word_token(word: str, lang: str) -> str | None:
    """One lower-cased word as its canonical token, or None for a stop word or a single letter.

    The cognate map first (names and the words it was built for), then the lexicon: a
    Norwegian word becomes its English translation's stem, an English synonym its
    canonical word, so both languages meet on one term.
    """
    if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
        return None
    stem = fold(_stemmer(lang).stemWord(word))
    if not stem:
        return None
    mapped = _canonical_map().get(stem)
    if mapped:
        return mapped
    if lang == "nb":
        return lx.nb_word(fold(word)) or lx.nb_term(stem) or lx.nb_term(fold(word)) or stem
    return lx.en_term(stem) or stem


@lru_cache(maxsize=WORD_CACHE)
def compound_parts(word: str) -> tuple[str, ...]:
    """Known parts of a Norwegian compound ("invasjonsplaner" → ("invas", "plan")).

    Norwegian writes "troop build-up" as one word, "troppeoppbygging"; splitting where both
    halves are in the cognate map lets it meet the English words. Unknown halves are not
    guessed at: a wrong split would do more harm than none.
    """
    if len(word) < 8:
        return ()
    known = _canonical_map()
    for cut in range(3, len(word) - 3):
        left, right = word[:cut], word[cut:]
        for head in (left, left[:-1] if left[-1:] in {"s", "e"} else None):
            if not head or len(head) < 3:
                continue
            head_key = fold(_stemmer("nb").stemWord(head))
            tail_key = fold(_stemmer("nb").stemWord(right))
            if head_key in known and tail_key in known:
                return (known[head_key], known[tail_key])
    # Then halves the lexicon knows ("strømregning" → electricity + bill), both at least
    # four letters long: the lexicon holds short words that would split almost anything.
    for cut in range(4, len(word) - 3):
        left, right = word[:cut], word[cut:]
        tail = lx.nb_term(fold(_stemmer("nb").stemWord(right)))
        if not tail or right in STOPWORDS:
            continue
        for head in (left, left[:-1] if left[-1:] in {"s", "e"} else None):
            if head and len(head) >= 4 and head not in STOPWORDS:
                head_term = lx.nb_term(fold(_stemmer("nb").stemWord(head))) or lx.nb_term(fold(head))
                if head_term:
                    return (head_term, tail)
    return ()


@lru_cache(maxsize=WORD_CACHE)
def _cased_tokens(cased: str, lang: str) -> tuple[str, ...]:
    word = cased.lower()
    token = word_token(word, lang)
    if not token:
        return ()
    out = [token]
    if _is_name(cased):
        key = name_key(cased)
        if key != token:
            out.append(key)
    if lang == "nb" and token not in _canonical_targets() and token == fold(_stemmer("nb").stemWord(word)):
        out.extend(compound_parts(word))
    return tuple(out)


@lru_cache(maxsize=WORD_CACHE)
def folded_word(word: str) -> str:
    return fold(word)


def _phrases(words: list[str]) -> list[tuple[int, int, str]]:
    """Multi-word terms of the lexicon in a list of surface words ("price cap" → price_cap)."""
    return lx.phrase_terms([folded_word(w) for w in words])


@lru_cache(maxsize=1)
def _canonical_targets() -> frozenset[str]:
    return frozenset(_canonical_map().values())


def tokens(text: str, language: str | None = None, *, words: list[str] | None = None) -> list[str]:
    """Canonical tokens of a text for the lexical index (stemmed in its language, folded, mapped).
    `words`: `cased_words(text)`, when the caller has them."""
    lang = base_language(language) if language else guess_language(text)
    out: list[str] = []
    if words is None:
        words = cased_words(text)
    for cased in words:
        out.extend(_cased_tokens(cased, lang))
    out.extend(term for _start, _end, term in _phrases(words))
    return out


def query_tokens(text: str, language: str | None, words: list[str] | None = None) -> dict[str, str]:
    """Canonical query tokens mapped to the first surface word that produced them.

    A query is stemmed in its own language and, for words the cognate map does not know,
    in the other language too, so an English word in a Norwegian claim (a name, "NATO")
    still meets its English stem. `words`: `cased_words(text)`, when the caller has them.
    """
    lang = base_language(language)
    out: dict[str, str] = {}
    if words is None:
        words = cased_words(text)
    for cased in words:
        for token in _query_word_tokens(cased, lang):
            if token not in out:
                out[token] = cased
    for start, end, term in _phrases(words):
        out.setdefault(term, " ".join(words[start:end]))
    return out


@lru_cache(maxsize=WORD_CACHE)
def _query_word_tokens(cased: str, lang: str) -> tuple[str, ...]:
    """The tokens one word of a query gives, in `query_tokens`'s order (cached per word: a
    claim is analysed afresh, its words mostly are not new)."""
    word = cased.lower()
    out = []
    token = word_token(word, lang)
    if token:
        out.append(token)
    # The other language's stem without translation: only names and cognates need it.
    if word not in STOPWORDS and len(word) >= 2:
        token = canonical(fold(_stemmer("en" if lang == "nb" else "nb").stemWord(word)))
        if token:
            out.append(token)
    if _is_name(cased) and word not in STOPWORDS:
        out.append(name_key(cased))
    if lang == "nb":
        out.extend(compound_parts(word))
    return tuple(out)


# --- Entities ------------------------------------------------------------------------------

_CAPITALISED = re.compile(r"\b[A-ZÆØÅÉÈÖÄÜ][\w\-]*(?:[’'][sS])?", re.UNICODE)
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_POSSESSIVE = re.compile(r"[’'][sS]$")


@lru_cache(maxsize=WORD_CACHE)
def _entity_keys(word: str) -> tuple[str, ...]:
    keys = []
    for part in _POSSESSIVE.sub("", word).split("-"):
        low = part.lower()
        acronym = part.isupper() and len(part) >= 2
        if not part[:1].isupper() or len(low) < 2 or (low in STOPWORDS and not acronym):
            continue
        keys.append(canonical(fold(low)) if acronym else name_key(part))
    return tuple(keys)


def entities(text: str) -> set[str]:
    """Names, acronyms and numbers in canonical form: {"lavrov", "nato", "geneva", "100000", …}.

    Capitalised words after a full stop are kept too unless they are stop words; a claim's
    names are what matter, and stop words cover most sentence-initial noise.
    """
    text = normalize_numbers(text)
    found: set[str] = set()
    for word in set(_CAPITALISED.findall(text)):
        found.update(_entity_keys(word))
    for match in _NUMBER.finditer(text):
        number = match.group(0).replace(",", ".")
        if len(number) >= 2:
            found.add(number)
    return found


# --- Character n-grams ---------------------------------------------------------------------


@lru_cache(maxsize=2 * WORD_CACHE)  # (word, n): two sizes of n-gram
def _word_grams(word: str, n: int) -> tuple[str, ...]:
    grams: list[str] = []
    for part in fold(word).split():
        if part in STOPWORDS:
            continue
        padded = f" {part} "
        if len(padded) <= n:
            grams.append(padded)
        else:
            grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return tuple(grams)


def ngrams(text: str, n: int = 4) -> list[str]:
    """Character n-grams of each folded word, padded with spaces (" nat", "nato", "ato ")."""
    return words_ngrams(cased_words(text), n)


def words_ngrams(words: list[str], n: int = 4) -> list[str]:
    """`ngrams` of a text from its `cased_words`."""
    grams: list[str] = []
    for word in words:
        grams.extend(_word_grams(word, n))
    return grams


def ngram_profile(text: str, n: int = 4) -> Counter[str]:
    return Counter(ngrams(text, n))


def gram_norm(grams: Counter[str]) -> float:
    return math.sqrt(sum(v * v for v in grams.values()))


def cosine(a: Counter[str], b: Counter[str], norm_a: float | None = None, norm_b: float | None = None) -> float:
    """The cosine of two n-gram profiles; `norm_a`/`norm_b` are their `gram_norm`s when known."""
    if not a or not b:
        return 0.0
    # Counts are integers, so the dot product is exact in any order: only the shared grams.
    dot = sum(a[gram] * b[gram] for gram in a.keys() & b.keys())
    norm = (gram_norm(a) if norm_a is None else norm_a) * (gram_norm(b) if norm_b is None else norm_b)
    return dot / norm if norm else 0.0


# --- Passages ------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """Sentences and paragraph lines of a plain text, for choosing a snippet."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*", text or ""):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            out.extend(s.strip() for s in _SENTENCE.split(paragraph) if s.strip())
    return out
