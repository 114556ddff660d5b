"""Learning from the desk's marks: per-claim re-ranking and a desk-wide re-ranker.

**Per claim (Rocchio).** Once a reviewer has marked a few suggestions relevant or
irrelevant, the terms that the relevant articles share (weighted by how many of them
carry a term and by its idf) become an expansion query, and the terms peculiar to the
irrelevant ones a negative one. Both are scored with the same BM25 index as the claim:

    topical' = topical + alpha · expansion − beta · negative

then recency applies as before. Marked articles keep their marks; only the rest move.

**Across the desk (`DeskModel`).** A logistic regression on the signals every suggestion
already stores in its "why" (lexical, n-gram, entities, recency, cross-language), trained
from all marks by a periodic task (`claims.services.ranker`). Below `MIN_MARKS` marks, or
when it does not beat the default weights on the newest marks, the default weights stay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from claims.discovery.arrays import best_first, bm25_scores, bm25_scores_of_ids, normalise

# Chosen on both corpora by bench/feedback.py's simulation (bench/results/quality.md).
ALPHA = 1.0
BETA = 0.25
EXPANSION_TERMS = 50
# Pseudo-relevance feedback (no reviewer involved) expands with the best articles' first
# PRF_TERMS terms; see bench/results/ranking_speed.md for what fewer terms save.
PRF_TERMS = EXPANSION_TERMS
MIN_MARKS = 200
FEATURES = ("lexical", "ngram", "entities", "recency", "cross_language", "lexical_x_recency", "entities_x_recency")


# --- Per claim -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DocTerms:
    """Each article's term ids (the lexical index by article; bm25s keeps it by term), each
    term's idf as `_term_weights` computes it, and its place in alphabetical order (the
    tie-break of `expansion`). Built once per index, so the pseudo-relevance feedback reads
    the best articles' terms without a Python loop over them."""

    indptr: np.ndarray  # row r's term ids are terms[indptr[r]:indptr[r + 1]]
    terms: np.ndarray
    idf: np.ndarray
    order: np.ndarray
    placeholder: int  # bm25s's stand-in term for an empty article (-1 if none): not a term

    @classmethod
    def build(cls, model: Any, n: int) -> DocTerms:
        indices, indptr = model.scores["indices"], model.scores["indptr"]
        vocab: dict[str, int] = model.vocab_dict
        df = np.diff(indptr)
        term_of = np.repeat(np.arange(len(df), dtype=np.int32), df)
        by_doc = np.argsort(indices, kind="stable")
        doc_indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(indices, minlength=n)[:n], out=doc_indptr[1:])
        # bm25s adds "" to the vocabulary with an id past its postings; it is in no article.
        order = np.empty(max(len(vocab), len(df)), dtype=np.int64)
        order[[vocab[t] for t in sorted(vocab)]] = np.arange(len(vocab))
        return cls(
            indptr=doc_indptr,
            terms=term_of[by_doc],
            idf=np.log(1 + (max(n, 1) - df + 0.5) / (df + 0.5)),
            order=order,
            placeholder=vocab.get("\x00", -1),
        )

    def expansion_terms(self, rows: list[int], limit: int = EXPANSION_TERMS) -> np.ndarray:
        """Term ids of `expansion(index, rows, [], …)[0][:limit]`, in its order."""
        # np.unique(…, return_counts=True) written out: its Python layers cost more than the
        # sort over the two articles' terms (each article's term ids are distinct).
        terms = np.concatenate([self.terms[self.indptr[r] : self.indptr[r + 1]] for r in rows])
        terms.sort()
        first = np.ones(len(terms), dtype=bool)
        np.not_equal(terms[1:], terms[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        ids = terms[starts]
        counts = np.empty(len(starts), dtype=np.intp)
        np.subtract(starts[1:], starts[:-1], out=counts[:-1])
        counts[-1:] = len(terms) - starts[-1:]
        keep = ids != self.placeholder
        ids, counts = ids[keep], counts[keep]
        weights = counts / len(rows) * self.idf[ids]
        return ids[np.lexsort((self.order[ids], -weights))[:limit]]


def pseudo_feedback(
    index: Any, combined: np.ndarray, factor: np.ndarray, weights: Any, *, terms: int = PRF_TERMS
) -> np.ndarray:
    """The `weights.feedback_docs` best articles' telling terms (the Rocchio expansion of
    `feedback_signal` with them as the relevant ones) added to what is already on topic,
    scaled back to 0–1. Nothing without a first-pass score gains."""
    top = best_first(combined, weights.feedback_docs)
    if not top:
        return combined
    w = weights.feedback_weight
    term_ids = index.doc_terms.expansion_terms(top, terms)
    # max(combined + w · ALPHA · normalised expansion · factor, 0) / (1 + w), in place: the
    # same floating-point operations in the same order as the plain expression.
    boosted = normalise(bm25_scores_of_ids(index.lexical, term_ids, len(combined)))
    if ALPHA != 1.0:  # × 1.0 changes no value
        boosted *= ALPHA
    boosted *= w
    boosted *= factor
    boosted += combined
    np.maximum(boosted, 0.0, out=boosted)
    boosted /= 1 + w
    return np.where(combined > 0, boosted, combined)  # what had no topical signal keeps its zero


def _term_weights(index: Any, rows: list[int]) -> dict[str, float]:
    """Terms of the marked articles: share of them carrying the term × the term's idf."""
    if not rows:
        return {}
    model = index.lexical
    vocab, indptr = model.vocab_dict, model.scores["indptr"]
    n = max(len(index), 1)
    counts: dict[str, int] = {}
    for row in rows:
        for term in index.token_sets[row]:
            counts[term] = counts.get(term, 0) + 1
    weights = {}
    for term, count in counts.items():
        tid = vocab.get(term)
        if tid is None:
            continue
        df = int(indptr[tid + 1] - indptr[tid])
        weights[term] = (count / len(rows)) * math.log(1 + (n - df + 0.5) / (df + 0.5))
    return weights


def expansion(index: Any, relevant: list[int], irrelevant: list[int], query_terms: set[str]) -> tuple[list, list]:
    """(expansion terms, negative terms) from the marked rows, best first."""
    positive = _term_weights(index, relevant)
    negative = _term_weights(index, irrelevant)
    # Ties broken by the term itself: set order varies between processes (hash seeds).
    pos = sorted(positive, key=lambda t: (-positive[t], t))[:EXPANSION_TERMS]
    neg_candidates = [t for t in negative if t not in positive and t not in query_terms]
    neg = sorted(neg_candidates, key=lambda t: (-negative[t], t))[:EXPANSION_TERMS]
    return pos, neg


def feedback_signal(index: Any, relevant: list[int], irrelevant: list[int], query_terms: set[str]) -> np.ndarray:
    """alpha · expansion − beta · negative, each normalised to 0–1 over the candidates."""
    n = len(index)
    pos_terms, neg_terms = expansion(index, relevant, irrelevant, query_terms)
    signal = np.zeros(n, dtype=np.float64)
    if pos_terms:
        signal += ALPHA * normalise(bm25_scores(index.lexical, pos_terms, n))
    if neg_terms:
        signal -= BETA * normalise(bm25_scores(index.lexical, neg_terms, n))
    return signal


def rescore_with_marks(
    index: Any, query: Any, weights: Any, relevant: list[int], irrelevant: list[int], *, model: DeskModel | None = None
) -> Any:
    """The claim's signals with the marks folded in (`Signals.combined` re-ranks the rest)."""
    from claims.discovery.ranking import combine, raw_signals

    signals = combine(index, raw_signals(index, query), query, weights)
    if model is not None:
        signals.combined = model.score(signals, index, query)
    if not relevant and not irrelevant:
        return signals
    extra = feedback_signal(index, relevant, irrelevant, set(signals.query_tokens))
    factor = weights.recency_floor + (1 - weights.recency_floor) * signals.recency
    signals.combined = np.maximum(signals.combined + extra * factor, 0.0)
    return signals


# --- Across the desk -----------------------------------------------------------------------


def feature_rows(signals: dict[str, Any]) -> list[float]:
    """The re-ranker's inputs from one suggestion's signals (a stored "why" has them all)."""
    lex = float(signals.get("lexical") or 0.0)
    ent = float(signals.get("entities") or 0.0)
    rec = float(signals["recency"]) if signals.get("recency") is not None else 0.5
    return [
        lex,
        float(signals.get("ngram") or 0.0),
        ent,
        rec,
        1.0 if signals.get("cross_language") else 0.0,
        lex * rec,
        ent * rec,
    ]


@dataclass
class DeskModel:
    """A logistic regression over `FEATURES`; `to_dict`/`from_dict` are its stored form."""

    coef: list[float]
    intercept: float
    mean: list[float]
    scale: list[float]
    marks: int = 0
    metrics: dict[str, float] = field(default_factory=dict)

    def decision(self, x: np.ndarray) -> np.ndarray:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.coef) + self.intercept

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision(x)))

    def score(self, signals: Any, index: Any, query: Any) -> np.ndarray:
        from claims.discovery import text as tx

        lang = tx.base_language(query.language)
        cross = np.asarray([f.language != lang for f in index.features], dtype=np.float64)
        x = np.column_stack(
            [
                signals.lexical,
                signals.ngram,
                signals.entities,
                signals.recency,
                cross,
                signals.lexical * signals.recency,
                signals.entities * signals.recency,
            ]
        )
        # Candidates with no topical signal at all stay out, as with the default weights.
        topical = (signals.lexical + signals.ngram + signals.entities) > 0
        return np.where(topical, self.probability(x), 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "coef": [float(c) for c in self.coef],
            "intercept": float(self.intercept),
            "mean": [float(m) for m in self.mean],
            "scale": [float(s) for s in self.scale],
            "marks": self.marks,
            "metrics": self.metrics,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeskModel:
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError("stored re-ranker was trained on other features")
        return cls(
            coef=list(data["coef"]),
            intercept=float(data["intercept"]),
            mean=list(data["mean"]),
            scale=list(data["scale"]),
            marks=int(data.get("marks", 0)),
            metrics=dict(data.get("metrics", {})),
        )


def train(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 500) -> DeskModel:
    """L2-regularised logistic regression by Newton's method (a handful of features)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.column_stack([(x - mean) / scale, np.ones(len(x))])
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * l2
    penalty[-1, -1] = 0.0  # the intercept is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return DeskModel(coef=list(w[:-1]), intercept=float(w[-1]), mean=list(mean), scale=list(scale), marks=len(y))
