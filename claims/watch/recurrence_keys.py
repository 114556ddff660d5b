"""A word's keys for recurrence matching: its stem mapped through the shared cognate map, the
nb–en lexicon and the recurrence word list, and a Norwegian compound's known halves
(claims/watch/recurrence_features.py builds a text's features from them). Every step is cached
per (word, language): a harvest meets the same words in sentence after sentence; the caches are
bounded and listed in docs/deployment.md.
"""

from __future__ import annotations

from functools import lru_cache

import Stemmer

from claims.discovery import lexicon as lx
from claims.discovery import text as tx
from claims.watch.recurrence_words import EXTRA_STOPWORDS, LEXICON

COMPOUND_MIN = 6  # Norwegian words from this length are also split into known halves


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


@lru_cache(maxsize=tx.WORD_CACHE)
def word_keys(word: str, lang: str) -> tuple[str, ...]:
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
    if keys and keys[0] not in _translated():
        # The word itself untranslated (discovery's compound split may have found halves in
        # it: "konsertene" as kone + ert): its base form may be a word the lexicon knows.
        base = degree_base(word.lower(), lang)
        if base:
            keys = [base]
    if lang == "nb" and len(folded) >= 7 and not any(k in _known_targets() for k in keys):
        whole = _inflected(folded)
        if whole is None:
            keys.extend(_compound(folded))
        elif whole not in keys:
            keys.append(whole)
    if keys and len(folded) >= 6 and not any(k in _translated() for k in keys):
        # An untranslated word meets its look-alike in the other language by its first five
        # letters ("olympiske", "Olympic"; "statistikk", "statistics").
        keys.append("~" + folded[:5])
    return tuple(dict.fromkeys(keys))


# Comparatives and superlatives ("weakest", "svakeste", "høyere") carry their adjective's
# meaning, a Norwegian weak verb's past tense or participle ("røykte", "kjøpt") its verb's, and a short
# Norwegian noun's plural or definite form ("bruer", "veiene") its noun's: the stemmers leave
# them apart from it (a stem of three letters is left whole), so the lexicon's translation is
# missed. Only a word the lexicon does not know is cut, and only to a base it translates.
_DEGREE = {
    "en": (("iest", "y"), ("ier", "y"), ("est", ""), ("st", ""), ("er", ""), ("r", "")),
    "nb": (("este", ""), ("est", ""), ("ere", ""), ("te", ""), ("de", ""), ("ene", ""), ("er", ""), ("en", ""),
           ("et", ""), ("t", "")),
}  # fmt: skip


def degree_base(word: str, lang: str) -> str | None:
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
        # A half the shared lexicon translates ("ferje" in "bilferjer", "hund" in "hundebitt"),
        # of four letters or more: shorter ones split almost anything. Session 20, every part
        # but dev: 523 found / 89 false alerts -> 534 / 92 (three letters: 543 / 95). Of three
        # letters, a lemma of the written pairs only ("elg" in "Elgbestanden", "bil", "tog"):
        # session 21, 631 / 84 -> 642 / 91.
        term = lx.nb_term(stem) if len(candidate) >= 4 else lx.nb_word(candidate) if len(candidate) == 3 else None
        if term:
            return term
    return None


@lru_cache(maxsize=tx.WORD_CACHE)
def _compound(folded: str) -> tuple[str, ...]:
    """Both halves of a compound when each is a known word (either half may carry a linking s/e)."""
    for cut in range(2, len(folded) - 2):
        head, tail = _part_key(folded[:cut]), _part_key(folded[cut:])
        if head and tail:
            return (head, tail)
    return ()


# Endings of a Norwegian word's inflected forms ("offentlige", "toalettene").
_INFLECTIONS = ("ene", "er", "en", "et", "e", "a")


def _inflected(folded: str) -> str | None:
    """The translation of the word an inflected form is of, when the shared lexicon has that
    word as written: "offentlige" is "offentlig" (public), not offent + lige (a league)."""
    words = lx.lexicon().words
    for ending in _INFLECTIONS:
        base = folded[: -len(ending)]
        # A compound itself ("klimagassutslipp"): its halves are kept, each a word of its own.
        if folded.endswith(ending) and base in words and not _compound(base):
            return words[base]
    return None


@lru_cache(maxsize=tx.WORD_CACHE)
def all_keys(cased: str, lang: str) -> tuple[str, ...]:
    """A word's keys as a name (capitalised) and as a word, plus the parts of a compound."""
    word = cased.lower()
    keys = list(word_keys(cased if cased[:1].isupper() and not cased.isupper() else word, lang))
    if cased != word:
        keys.extend(word_keys(word, lang))
    if lang == "nb" and len(word) >= COMPOUND_MIN and not any(key in _translated() for key in keys):
        keys.extend(key for parts in _part_keys(word) for key in parts)
    return tuple(dict.fromkeys(keys))


def _part_keys(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A Norwegian compound's halves as keys, two ways: the cognate map's split (through the
    lexicon) and the known-word split; each is () where it finds none."""
    lexicon = _lexicon_map()
    return tuple(lexicon.get(part, part) for part in tx.compound_parts(word)), _compound(tx.fold(word))


@lru_cache(maxsize=tx.WORD_CACHE)
def compound_halves(cased: str, lang: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The keys of a Norwegian compound's first and of its second half, as `all_keys` adds them."""
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
