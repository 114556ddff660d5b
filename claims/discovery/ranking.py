"""Rank candidate articles for a claim, and say why each one ranks where it does.

Four signals, each normalised to 0–1 over the candidate set, then combined:

* **lexical** — BM25 (bm25s) over canonical tokens: stemmed in each text's own language
  (Norwegian or English, PyStemmer), folded, and mapped through the cognate map and the
  Norwegian–English lexicon (`claims.discovery.lexicon`), so "invasjonen" and "invasion",
  "makspris" and "price cap" are one term; names in either language are one alias term;
* **ngram** — BM25 over character 4-grams of the folded title and lead: language
  independent, it catches cognates nobody listed ("sanksjoner"/"sanctions");
* **entities** — the idf-weighted share of the claim's names, acronyms and numbers that
  the article mentions (Lavrov, NATO, INF, 100 000); names carry most of the evidence
  across languages;
* **recency** — a Gaussian in days around the claim date: an article from the week of
  the claim is more likely to be about it than one from the same place a year earlier.

    score = (w_lex·lexical + w_ngram·ngram + w_ent·entities) · (floor + (1 − floor)·recency)

Lexical scores are normalised mostly per article language (`Weights.per_language`): a
Norwegian claim shares fewer words with an English article than with a Norwegian one, and
without this the best English evidence would sit below mediocre Norwegian matches.

Recency multiplies rather than adds: a perfectly dated article about something else must
not outrank an on-topic one, but of two on-topic articles the one near the claim wins.
The weights are chosen by leave-one-topic-out cross-validation over the two labelled
corpora (`bench/tuning.py`, figures in `bench/results/quality.md`).

Indexes are cached per candidate set (and per article's content), so re-ranking the same
local index for many claims builds it once.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import bm25s
import numpy as np
from django.conf import settings

from claims.discovery import feedback
from claims.discovery import lexicon as lx
from claims.discovery import text as tx
from claims.discovery.arrays import FEW_BEST  # noqa: F401  (re-exported)
from claims.discovery.arrays import best_first as _best_first
from claims.discovery.arrays import bm25_index as _bm25
from claims.discovery.arrays import bm25_scores as _bm25_scores
from claims.discovery.arrays import bm25_scores_of_ids as _bm25_scores_of_ids  # noqa: F401  (re-exported)
from claims.discovery.arrays import normalise as _normalise
from claims.discovery.arrays import normalise_by_language as _normalise_by_language
from claims.discovery.why import SNIPPET_CHARS, explain, snippet_for  # noqa: F401  (re-exported)
from claims.models import Article, Claim


@dataclass(frozen=True)
class Weights:
    """How the signals combine.

    The defaults are the grid point bench/tuning.py chooses on both labelled corpora (all
    seven topics); its leave-one-topic-out figures, the honest ones, are the headline of
    bench/results/quality.md.
    """

    lexical: float = 0.7
    ngram: float = 0.1
    entities: float = 0.2
    recency_floor: float = 0.4  # what an article far from the claim date keeps of its score
    recency_days: float = 45.0  # the Gaussian's standard deviation, in days
    undated: float = 0.5  # recency of an article (or claim) without a date
    # BM25 is normalised by a blend of the best score in the article's own language and the
    # best overall, so the best English article for a Norwegian claim is not held down by
    # the Norwegian words it cannot share. 0 = global only, 1 = per language only.
    per_language: float = 0.75
    # Pseudo-relevance feedback: the `feedback_docs` best articles are taken as relevant and
    # their telling terms pull alike articles up (claims.discovery.feedback, as a reviewer's
    # marks would), by `feedback_weight`. 0 = off. Chosen per fold like the weights above.
    feedback_docs: int = 2
    feedback_weight: float = 1.0


DEFAULT_WEIGHTS = Weights()
NGRAM_LEAD_CHARS = 1500
NGRAM_MAX_DF = 0.2  # query n-grams found in more than this share of the candidates are skipped
FEEDBACK_MIN_CANDIDATES = 20  # pseudo-relevance feedback only over at least this many candidates


# --- Per-article features, cached by content -----------------------------------------------


@dataclass(frozen=True)
class DocFeatures:
    """What the ranker needs of one article, computed once per content."""

    tokens: tuple[str, ...]
    grams: tuple[str, ...]
    entities: frozenset[str]
    language: str
    published: dt.date | None


def _article_key(article: Article) -> tuple[Any, ...]:
    # content_hash is set by extraction; without it, Python's string hash (computed in C,
    # and cached on the string) stands in. This runs for every candidate on every query.
    basis = article.content_hash or hash((article.title, article.summary, article.text))
    return (article.id or article.url, basis, article.language, article.published_at)


class _LRU:
    """Least recently used out, bounded by entries and, with `weigh`, by an estimate of bytes."""

    def __init__(self, size: int, *, budget: int = 0, weigh: Callable[[Any], int] | None = None) -> None:
        self.size = size
        self.budget = budget
        self.weigh = weigh
        self.weight = 0
        self.data: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self.lock:
            entry = self.data.get(key)
            if entry is None:
                return None
            self.data.move_to_end(key)
            return entry[0]

    def put(self, key: Any, value: Any) -> None:
        weight = self.weigh(value) if self.weigh else 0
        with self.lock:
            previous = self.data.pop(key, None)
            if previous is not None:
                self.weight -= previous[1]
            self.data[key] = (value, weight)
            self.weight += weight
            while len(self.data) > self.size or (self.budget and self.weight > self.budget and len(self.data) > 1):
                _key, (_value, dropped) = self.data.popitem(last=False)
                self.weight -= dropped

    def __len__(self) -> int:
        return len(self.data)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()
            self.weight = 0


def _feature_bytes(feats: DocFeatures) -> int:
    # What an article's features hold, estimated from their lengths: measured with tracemalloc
    # on bench corpus articles of 800 to 16,000 characters (9–68 KB an article), this errs
    # high on short articles and is within 1% on long ones, so the budget is never overrun.
    return 24 * len(feats.tokens) + 16 * len(feats.grams) + 64 * len(feats.entities) + 512


# Discovery runs on the `fetch` queue beside the harvest, so what it keeps between jobs
# comes out of the same worker's 400 MB (docs/deployment.md). A job ranks its pool twice
# (once to pick the pages to fetch, once with their text), so the features must hold one
# job's pool (the local index gives 400 candidates, ~12 MB of features on 5,000-character
# articles); a later job gains little from more, since pools of different claims share
# few articles (bench/ranking_memory.py measures both). DISCOVERY_FEATURE_CACHE_MB sets it.
FEATURE_CACHE_BYTES = settings.DISCOVERY_FEATURE_CACHE_MB * 2**20
_FEATURES = _LRU(4096, budget=FEATURE_CACHE_BYTES, weigh=_feature_bytes)
# An index holds its articles' features and text: ~15 MB for a pool of 400 such articles.
# The pipeline's two rankings of one job, and a re-run that found nothing new, reuse one.
_INDEXES = _LRU(2)


def article_language(article: Article) -> str:
    if article.language:
        return tx.base_language(article.language)
    return tx.guess_language(f"{article.title}\n{article.summary}\n{article.text[:3000]}")


def features_for(article: Article) -> DocFeatures:
    key = _article_key(article)
    cached = _FEATURES.get(key)
    if cached is not None:
        return cached
    lang = article_language(article)
    title = article.title or ""
    body = f"{article.summary}\n{article.text}".strip()
    # The title counts twice in the lexical index: it says what the article is about.
    tokens = tx.tokens(title, lang) * 2 + tx.tokens(body, lang)
    # Names in either language ("Verdens helseorganisasjon", "WHO") as one term each.
    aliases = [lx.alias_term(key) for key in sorted(lx.alias_keys(f"{title}\n{body}"))]
    lead = f"{title}\n{body[:NGRAM_LEAD_CHARS]}"
    published = article.published_at.date() if article.published_at else None
    feats = DocFeatures(
        tokens=tuple(tokens + aliases),
        grams=tuple(tx.ngrams(lead)),
        entities=frozenset(tx.entities(f"{title}\n{body}")) | frozenset(aliases),
        language=lang,
        published=published,
    )
    _FEATURES.put(key, feats)
    return feats


# --- The index over one candidate set ------------------------------------------------------


@dataclass
class CandidateIndex:
    """BM25 over tokens and over n-grams, entity postings and dates for a list of articles."""

    articles: list[Article]
    features: list[DocFeatures]
    lexical: bm25s.BM25
    ngram: bm25s.BM25
    entity_postings: dict[str, np.ndarray]
    entity_idf: dict[str, float]
    published_ordinal: np.ndarray  # NaN when undated
    language_groups: list[np.ndarray]  # row numbers of the articles in each language
    token_sets: list[frozenset[str]] = field(default_factory=list)
    doc_terms: feedback.DocTerms | None = None  # the lexical index by article, for the feedback
    # Precomputed once per index so a query does not redo them over every row (same results):
    # each row's language group (an index into `language_groups`), and the distinct
    # publication days with each row's place among them (a few thousand days for 10 000
    # articles, so recency's exp runs over the days, not the rows).
    language_of_row: np.ndarray | None = None
    published_days: np.ndarray | None = None
    published_day_of_row: np.ndarray | None = None

    @classmethod
    def build(cls, articles: list[Article]) -> CandidateIndex:
        features = [features_for(a) for a in articles]
        postings: dict[str, list[int]] = {}
        for i, feats in enumerate(features):
            for entity in feats.entities:
                postings.setdefault(entity, []).append(i)
        n = max(len(articles), 1)
        lexical = _bm25([list(f.tokens) for f in features])
        languages = sorted({f.language for f in features})
        language_of_row = np.asarray([languages.index(f.language) for f in features], dtype=np.intp)
        published_ordinal = np.asarray(
            [f.published.toordinal() if f.published else np.nan for f in features], dtype=np.float64
        )
        published_days, published_day_of_row = np.unique(published_ordinal, return_inverse=True)
        return cls(
            articles=articles,
            features=features,
            lexical=lexical,
            ngram=_bm25([list(f.grams) for f in features]),
            entity_postings={e: np.asarray(ix, dtype=np.int32) for e, ix in postings.items()},
            entity_idf={e: math.log(1 + (n - len(ix) + 0.5) / (len(ix) + 0.5)) for e, ix in postings.items()},
            published_ordinal=published_ordinal,
            language_groups=[np.flatnonzero(language_of_row == g) for g in range(len(languages))],
            token_sets=[frozenset(f.tokens) for f in features],
            doc_terms=feedback.DocTerms.build(lexical, len(articles)),
            language_of_row=language_of_row,
            published_days=published_days,
            published_day_of_row=published_day_of_row.astype(np.intp, copy=False),
        )

    def __len__(self) -> int:
        return len(self.articles)


def index_for(articles: list[Article]) -> CandidateIndex:
    """The index for this candidate set, built once and cached while the set is unchanged."""
    key = tuple(_article_key(a) for a in articles)
    cached = _INDEXES.get(key)
    if cached is None:
        cached = CandidateIndex.build(articles)
        _INDEXES.put(key, cached)
        return cached
    # Same content, but fresh model instances from a new query: hand back those.
    return replace(cached, articles=articles)


def clear_caches() -> None:
    _FEATURES.clear()
    _INDEXES.clear()


# --- Queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What the ranker looks for, built from a claim (or from plain text in tests and bench)."""

    text: str
    language: str
    date: dt.date | None = None
    claimant: str = ""

    @classmethod
    def for_claim(cls, claim: Claim) -> Query:
        claimant = claim.claimant.name if claim.claimant_id and claim.claimant else ""
        parts = [claim.claim_reviewed, claim.text]
        return cls(
            text="\n".join(p for p in parts if p), language=claim.language, date=claim.claim_date, claimant=claimant
        )

    @property
    def full_text(self) -> str:
        return f"{self.text}\n{self.claimant}".strip()


def _recency(index: CandidateIndex, date: dt.date | None, weights: Weights) -> np.ndarray:
    if date is None:
        return np.full(len(index), weights.undated)
    # Over the distinct publication days, then spread to the rows: exp is the costly part
    # (most days are far from the claim and underflow, numpy's slow path), and rows share days.
    days_of, row_day = index.published_days, index.published_day_of_row
    if days_of is None or row_day is None:
        days_of, row_day = index.published_ordinal, None
    days = days_of - date.toordinal()
    exponent = -0.5 * (days / weights.recency_days) ** 2
    # Below -746 exp is 0.0 (under half the smallest subnormal); computing it is the slow
    # path of the C library, and most days are that far. Only the others go through exp.
    rec = np.zeros_like(exponent)
    near = exponent > -746.0
    rec[near] = np.exp(exponent[near])
    rec = np.where(np.isnan(days), weights.undated, rec)
    return rec if row_day is None else rec[row_day]


@dataclass
class Signals:
    lexical: np.ndarray
    ngram: np.ndarray
    entities: np.ndarray
    recency: np.ndarray
    combined: np.ndarray
    query_tokens: dict[str, str]
    query_entities: frozenset[str]


@lru_cache(maxsize=256)
def _analyse(text: str, language: str) -> tuple[dict[str, str], list[str], frozenset[str]]:
    """A query's tokens (with the surface words they came from), n-grams and entities."""
    words = tx.cased_words(text)  # once for the tokens, the names and the n-grams
    q_tokens = tx.query_tokens(text, language, words)
    aliases = {lx.alias_term(key): key.replace("_", " ") for key in sorted(lx.alias_keys_in(words))}
    for term, name in aliases.items():
        q_tokens.setdefault(term, name)
    # Claim words the cognate map knows as names (ukraina → ukrain) count as entities too,
    # since a lower-case claim summary still names its places.
    names = tx.entities_vocabulary()
    q_entities = frozenset(tx.entities(text) | {t for t in q_tokens if t in names} | set(aliases))
    return q_tokens, list(dict.fromkeys(tx.words_ngrams(words))), q_entities


@dataclass
class RawSignals:
    """The weight-independent part of the scoring, for one query over one index."""

    lexical: np.ndarray
    ngram: np.ndarray
    entities: np.ndarray
    query_tokens: dict[str, str]
    query_entities: frozenset[str]


def raw_signals(index: CandidateIndex, query: Query) -> RawSignals:
    """BM25 over tokens and n-grams and the entity share, before normalising and weighting."""
    n = len(index)
    q_tokens, q_grams, q_entities = _analyse(query.full_text, query.language)
    lexical = _bm25_scores(index.lexical, list(q_tokens), n)
    ngram = _bm25_scores(index.ngram, q_grams, n, max_df=NGRAM_MAX_DF)
    total = 0.0
    postings: list[np.ndarray] = []
    idfs: list[float] = []
    for entity in q_entities:
        idf = index.entity_idf.get(entity)
        if idf is None:
            total += math.log(1 + (n + 0.5) / 0.5)  # a claim name no article has still counts
            continue
        total += idf
        postings.append(index.entity_postings[entity])
        idfs.append(idf)
    # One bincount adds the names' idfs row by row in the same order as a loop would.
    entity_scores = (
        np.bincount(np.concatenate(postings), weights=np.repeat(idfs, [len(p) for p in postings]), minlength=n)[:n]
        if postings
        else np.zeros(n, dtype=np.float64)
    )
    entities = entity_scores / total if total > 0 else entity_scores
    return RawSignals(lexical, ngram, entities, q_tokens, q_entities)


def combine(index: CandidateIndex, raw: RawSignals, query: Query, weights: Weights = DEFAULT_WEIGHTS) -> Signals:
    """Normalise and weight raw signals into the final scores (cheap: tuning calls it a lot)."""
    lexical_n = _normalise_by_language(raw.lexical, index.language_groups, weights.per_language, index.language_of_row)
    ngram_n = _normalise(raw.ngram)
    recency = _recency(index, query.date, weights)
    # w_lex·lexical + w_ngram·ngram + w_ent·entities, then × factor, computed in place: the
    # same floating-point operations in the same order, without five temporary arrays.
    combined = lexical_n * weights.lexical
    part = np.multiply(ngram_n, weights.ngram)
    combined += part
    combined += np.multiply(raw.entities, weights.entities, out=part)
    factor = np.multiply(recency, 1 - weights.recency_floor)
    factor += weights.recency_floor
    combined *= factor
    if weights.feedback_docs > 0 and weights.feedback_weight > 0:
        combined = _pseudo_feedback(index, combined, factor, weights)
    return Signals(lexical_n, ngram_n, raw.entities, recency, combined, raw.query_tokens, raw.query_entities)


def _pseudo_feedback(index: CandidateIndex, combined: np.ndarray, factor: np.ndarray, weights: Weights) -> np.ndarray:
    """The best articles' telling terms, added to what is already on topic (nothing else gains),
    scaled back to 0–1 (`feedback.pseudo_feedback`). Only over a pool many times the feedback
    articles: in a handful of candidates the "best" are most of them, noise included."""
    if len(index) < FEEDBACK_MIN_CANDIDATES:
        return combined
    return feedback.pseudo_feedback(index, combined, factor, weights)


def score_all(index: CandidateIndex, query: Query, weights: Weights = DEFAULT_WEIGHTS) -> Signals:
    """Every signal for every candidate, as arrays aligned with `index.articles`."""
    return combine(index, raw_signals(index, query), query, weights)


# --- Explanations --------------------------------------------------------------------------


# --- Entry points --------------------------------------------------------------------------


def rank(
    query: Query, articles: list[Article], *, limit: int = 20, weights: Weights = DEFAULT_WEIGHTS
) -> list[tuple[Article, float, dict[str, Any]]]:
    """Rank `articles` for `query`: (article, score 0–1, why) best first, at most `limit`."""
    articles = list(articles)
    if not articles or limit <= 0:
        return []
    index = index_for(articles)
    signals = score_all(index, query, weights)
    return [
        (index.articles[i], round(float(signals.combined[i]), 4), explain(index, i, signals, query))
        for i in _best_first(signals.combined, limit)
    ]


def rank_for_claim(
    claim: Claim,
    articles: list[Article],
    *,
    limit: int = 20,
    relevant: list[Article] | None = None,
    irrelevant: list[Article] | None = None,
    model: Any = None,
) -> list[tuple[Article, float, dict[str, Any]]]:
    """The pipeline's entry point: the best `limit` articles for a claim, with the reasons.

    `why` holds "terms" (the claim's words the article matched, "claim word → article word"
    where a translation matched), "translations", the signals ("lexical", "ngram",
    "entities", "recency") and "snippet", a plain-text passage around the best match.

    With the reviewers' marks (`relevant`, `irrelevant`: articles marked for this claim) the
    rest is re-ranked towards what was marked relevant (`claims.discovery.feedback`); with a
    desk `model` (the re-ranker learned from all marks) its probabilities replace the
    default weighting. Articles marked irrelevant inform the ranking but are not returned.
    """
    query = Query.for_claim(claim)
    if not relevant and not irrelevant and model is None:
        return rank(query, articles, limit=limit)
    articles = list(articles)
    present = {a.pk for a in articles if a.pk}
    rejected = {a.pk for a in irrelevant or [] if a.pk}
    extra = [a for a in [*(relevant or []), *(irrelevant or [])] if a.pk and a.pk not in present]
    pool = articles + list({a.pk: a for a in extra}.values())
    if not pool or limit <= 0:
        return []
    index = index_for(pool)
    row_of = {a.pk: i for i, a in enumerate(index.articles) if a.pk}
    relevant_rows = [row_of[a.pk] for a in relevant or [] if a.pk in row_of]
    irrelevant_rows = [row_of[a.pk] for a in irrelevant or [] if a.pk in row_of]
    signals = feedback.rescore_with_marks(index, query, DEFAULT_WEIGHTS, relevant_rows, irrelevant_rows, model=model)
    combined = signals.combined
    for row in irrelevant_rows:
        if index.articles[row].pk in rejected:
            combined[row] = 0.0
    return [
        (index.articles[i], round(min(float(combined[i]), 1.0), 4), explain(index, i, signals, query))
        for i in _best_first(combined, limit)
    ]


def order_for_claim(claim: Claim, articles: list[Article]) -> list[Article]:
    """The articles `rank_for_claim` would return, in its order, without the reasons.

    For choosing which pages to fetch: the reasons (a snippet per article) cost far more
    than the scores and would be thrown away.
    """
    articles = list(articles)
    if not articles:
        return []
    index = index_for(articles)
    signals = score_all(index, Query.for_claim(claim))
    return [index.articles[i] for i in _best_first(signals.combined, len(articles))]
