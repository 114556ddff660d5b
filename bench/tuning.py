"""Choosing the ranker's weights honestly: a grid search scored by leave-one-topic-out.

The seven topics (the whole "geneva" corpus is one; "nordic" has six) take turns being
left out: the weights are chosen on the other six, then scored on the one left out. The
left-out scores, pooled over every claim, are the headline in bench/results/quality.md;
the weights chosen on all seven (what the ranker ships, `ranking.DEFAULT_WEIGHTS`) and
their in-sample scores are reported beside them, marked as such.

The weight-independent part of scoring (BM25, n-grams, entities) is computed once per
claim; each grid point only re-normalises and re-weights (`ranking.combine`), so the
whole search takes seconds.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

K_PRECISION, K_NDCG, K_RECALL = 5, 10, 20
GRID: dict[str, tuple[float, ...]] = {
    "lexical": (0.4, 0.5, 0.6, 0.7),
    "ngram": (0.1, 0.2, 0.3),
    "entities": (0.1, 0.2, 0.3),
    "recency_floor": (0.4, 0.55, 0.7, 0.85),
    "recency_days": (15.0, 45.0, 90.0),
    "per_language": (0.5, 0.75, 1.0),
}
# Pseudo-relevance feedback (top articles taken as relevant, `ranking.Weights.feedback_*`):
# chosen second, per fold on the fold's own topics, with the weights that fold chose.
FEEDBACK_GRID: tuple[tuple[int, float], ...] = ((0, 0.0), (2, 0.5), (2, 1.0), (3, 0.5), (3, 1.0), (5, 0.5), (5, 1.0))


@dataclass
class Prepared:
    """One judged claim with its candidate index and raw signals, ready to re-weight."""

    claim: dict[str, Any]
    corpus: str
    index: Any
    raw: Any
    query: Any
    ids: list[str]
    grades: np.ndarray  # grade of each candidate, aligned with the index
    ideal_dcg: float


def dcg(gains: np.ndarray) -> float:
    return float(sum((2.0**g - 1) / math.log2(i + 2) for i, g in enumerate(gains)))


def metrics(order: np.ndarray, grades: np.ndarray, ideal: float, relevant: int = 2) -> dict[str, float]:
    """P@5, R@20 and nDCG@10 of a ranking (row numbers, best first) against graded judgements."""
    top = grades[order[:K_RECALL]]
    total = int((grades >= relevant).sum())
    return {
        "precision@5": float((top[:K_PRECISION] >= relevant).sum()) / K_PRECISION,
        "recall@20": float((top >= relevant).sum()) / total if total else 1.0,
        "ndcg@10": dcg(top[:K_NDCG]) / ideal if ideal else 1.0,
    }


def prepare(corpora: list[Any]) -> list[Prepared]:
    from bench.quality import query_for
    from claims.discovery import ranking

    prepared = []
    for corpus in corpora:
        index = ranking.index_for(corpus.articles)
        ids = [a.corpus_id for a in corpus.articles]
        for claim in corpus.claims:
            query = query_for(claim)
            grades = np.asarray([claim["judgements"].get(i, 0) for i in ids], dtype=np.float64)
            ideal = dcg(np.sort(grades)[::-1][:K_NDCG])
            raw = ranking.raw_signals(index, query)
            prepared.append(Prepared(claim, corpus.name, index, raw, query, ids, grades, ideal))
    return prepared


def ranking_order(item: Prepared, weights: Any) -> np.ndarray:
    from claims.discovery import ranking

    combined = ranking.combine(item.index, item.raw, item.query, weights).combined
    # The ranker's own order: score descending, ties in candidate order, zeros dropped.
    order = np.lexsort((np.arange(len(combined)), -combined))
    return order[combined[order] > 0]


def evaluate(items: list[Prepared], weights: Any) -> list[dict[str, float]]:
    return [metrics(ranking_order(item, weights), item.grades, item.ideal_dcg) for item in items]


def objective(rows: list[dict[str, float]]) -> float:
    return float(np.mean([r["precision@5"] + r["ndcg@10"] for r in rows])) if rows else 0.0


def grid(base: Any) -> list[Any]:
    names = list(GRID)
    return [replace(base, **dict(zip(names, values, strict=True))) for values in itertools.product(*GRID.values())]


def topic_of(item: Prepared) -> str:
    return f"{item.corpus}/{item.claim['topic']}"


def _with_feedback(items: list[Prepared], mask: np.ndarray, weights: Any) -> tuple[Any, list[dict[str, float]]]:
    """The pseudo-relevance feedback setting that does best on the `mask`ed items, with `weights`;
    and every item's metrics under it."""
    best, best_rows, best_score = None, [], -1.0
    for docs, weight in FEEDBACK_GRID:
        candidate = replace(weights, feedback_docs=docs, feedback_weight=weight)
        rows = evaluate(items, candidate)
        score = objective([r for r, m in zip(rows, mask, strict=True) if m])
        if score > best_score + 1e-12:
            best, best_rows, best_score = candidate, rows, score
    return best, best_rows


def cross_validate(items: list[Prepared], base: Any) -> dict[str, Any]:
    """Leave one topic out: per-claim left-out metrics, the weights each fold chose, and
    the weights chosen on everything (with their in-sample metrics).

    Each fold chooses on its own topics only: first the grid point (without feedback), then
    the pseudo-relevance feedback setting with those weights."""
    base = replace(base, feedback_docs=0, feedback_weight=0.0)
    candidates = grid(base)
    # Per-claim metrics for every grid point, computed once; a fold only sums columns.
    table = [evaluate(items, w) for w in candidates]
    score = np.asarray([[r["precision@5"] + r["ndcg@10"] for r in rows] for rows in table])
    topics = sorted({topic_of(i) for i in items})
    left_out: list[dict[str, float] | None] = [None] * len(items)
    folds = {}
    for topic in topics:
        train = np.asarray([topic_of(i) != topic for i in items])
        best = int(np.argmax(score[:, train].mean(axis=1)))
        folds[topic], rows = _with_feedback(items, train, candidates[best])
        for row in np.flatnonzero(~train):
            left_out[row] = rows[row]
    best_all = int(np.argmax(score.mean(axis=1)))
    chosen, in_sample = _with_feedback(items, np.ones(len(items), dtype=bool), candidates[best_all])
    return {
        "left_out": left_out,
        "folds": folds,
        "chosen": chosen,
        "in_sample": in_sample,
        "grid_points": len(candidates),
        "feedback_grid": len(FEEDBACK_GRID),
    }
