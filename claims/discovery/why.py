"""Why an article ranks where it does: matched terms (with translations) and a snippet."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from claims.discovery import text as tx
from claims.models import Article
from claims.textcut import cut_at_word

if TYPE_CHECKING:
    from claims.discovery.ranking import CandidateIndex, Query, Signals

SNIPPET_CHARS = 300
TRANSLATION_SCAN_WORDS = 800


def snippet_for(article: Article, matched: set[str], language: str, limit: int = SNIPPET_CHARS) -> str:
    """The passage of the article that mentions most of the matched terms, as plain text."""
    best, best_score = "", -1.0
    candidates = tx.sentences(article.text) or tx.sentences(article.summary) or [article.title]
    for i, sentence in enumerate(candidates[:400]):
        found = set(tx.tokens(sentence, language)) & matched
        # Earlier sentences win ties: leads summarise.
        score = len(found) - i * 0.001
        if score > best_score:
            best, best_score = sentence, score
            if len(found) == len(matched):
                break
    if best and len(best) < limit // 2:
        idx = candidates.index(best)
        if idx + 1 < len(candidates):
            best = f"{best} {candidates[idx + 1]}"
    return cut_at_word(best, limit)


def _translations(article: Article, language: str, matched: set[str], query_words: dict[str, str]) -> dict[str, str]:
    """For matched terms the article spells differently from the claim, the article's word.

    "pristak" in a claim and "price cap" in an article meet as one term; the explanation
    names both, so a reviewer sees why an article in the other language was found.
    """
    wanted = {t for t in matched if not t.startswith("@")}
    found: dict[str, str] = {}
    words = tx.cased_words(f"{article.title}\n{article.text}")[:TRANSLATION_SCAN_WORDS]
    for start, end, term in tx._phrases(words):
        if term in wanted:
            found.setdefault(term, " ".join(words[start:end]))
    for cased in words:
        for token in tx._cased_tokens(cased, language):
            if token in wanted:
                found.setdefault(token, cased)
    stem = tx._stemmer(language).stemWord
    return {
        t: surface
        for t, surface in found.items()
        if tx.fold(stem(surface.lower())) != tx.fold(stem(query_words[t].lower()))
        and tx.fold(surface)[:4] != tx.fold(query_words[t])[:4]
    }


def explain(index: CandidateIndex, i: int, signals: Signals, query: Query) -> dict[str, Any]:
    feats = index.features[i]
    doc_tokens = index.token_sets[i]
    matched_tokens = {t for t in signals.query_tokens if t in doc_tokens}
    translated = _translations(index.articles[i], feats.language, matched_tokens, signals.query_tokens)
    # A translated match reads "claim word → article word" ("makspris → price cap").
    terms = list(
        dict.fromkeys(
            f"{signals.query_tokens[t]} → {translated[t]}" if t in translated else signals.query_tokens[t]
            for t in signals.query_tokens
            if t in matched_tokens
        )
    )
    entity_terms = sorted(signals.query_entities & feats.entities)
    published = feats.published
    days = (published - query.date).days if published and query.date else None
    return {
        "terms": terms,
        "translations": [[signals.query_tokens[t], surface] for t, surface in translated.items()],
        "entity_terms": entity_terms,
        "lexical": round(float(signals.lexical[i]), 4),
        "ngram": round(float(signals.ngram[i]), 4),
        "entities": round(float(signals.entities[i]), 4),
        "recency": round(float(signals.recency[i]), 4),
        "days_from_claim": days,
        "language": feats.language,
        "cross_language": feats.language != tx.base_language(query.language),
        "snippet": snippet_for(index.articles[i], matched_tokens | set(entity_terms), feats.language),
    }


def entity_names(keys: list[str], text: str, language: str) -> list[str]:
    """The claim's own spelling of matched name keys: "@russia" → "Russland", "lavrov" → "Lavrovs".

    Keys are folded for matching (and stored so in `why`); a reviewer should read the names
    as the claim writes them. An alias not spelt in the claim shows its first listed name.
    """
    from claims.discovery import lexicon as lx

    surface: dict[str, str] = {}
    for word in tx._CAPITALISED.findall(text):
        plain = tx._POSSESSIVE.sub("", word)
        for key in tx._entity_keys(word):
            surface.setdefault(key, plain)
    for cased in tx.cased_words(text):
        for token in tx._cased_tokens(cased, language):
            surface.setdefault(token, cased)
    folded_text = tx.fold(text)
    variants: dict[str, list[str]] = {}
    for row in lx._rows("aliases.tsv"):
        if len(row) >= 2:
            variants[row[0]] = [v.strip() for v in row[1].split("|") if v.strip()]
    out = []
    for key in keys:
        if key.startswith("@"):
            names = variants.get(key[1:], [])
            spelt = [n for n in names if re.search(rf"(?<!\w){re.escape(tx.fold(n))}(?!\w)", folded_text)]
            out.append((spelt or names or [key[1:].replace("_", " ").title()])[0])
        else:
            out.append(surface.get(key) or key.replace("_", " ").title())
    return list(dict.fromkeys(out))
