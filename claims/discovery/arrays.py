"""The ranker's array kernels: BM25 sums over postings, normalising, the best rows.

Everything here is per query over every candidate, so it is written for speed with one rule:
the result is the plain computation's *bit for bit* (the same floating-point operations in
the same order), so a speed-up can never move a ranking. tests/test_ranking_precompute.py
holds them to it.
"""

from __future__ import annotations

import math

import bm25s
import numpy as np

try:
    # scipy's compiled sparse kernels (scipy comes pinned with scikit-learn and bm25s). The
    # module is private, so it is optional: without it the numpy path gives the same sums.
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover - depends on the installed scipy
    _sparsetools = None

FEW_BEST = 4  # `best_first` up to this limit takes the best one at a time (`_few_best`)
_INT32_MAX = np.iinfo(np.int32).max


class BM25(bm25s.BM25):
    """bm25s's index with its term offsets also as int32 (set by `bm25_index`): bm25s keeps
    the postings' rows as int32 and its offsets as int64, and scipy's kernels take one index
    type for both. A copy of the offsets, one number per term, made once per index."""

    indptr32: np.ndarray | None = None


def bm25_index(corpus: list[list[str]]) -> BM25:
    index = BM25()
    # An empty document would be dropped by bm25s and shift every row; give it a placeholder.
    index.index([doc or ["\x00"] for doc in corpus], show_progress=False)
    indptr, indices = index.scores["indptr"], index.scores["indices"]
    if indices.dtype == np.int32 and (not len(indptr) or int(indptr[-1]) <= _INT32_MAX):
        index.indptr32 = indptr.astype(np.int32)
    return index


def bm25_scores(model: bm25s.BM25, terms: list[str], n: int, *, max_df: float = 1.0) -> np.ndarray:
    """BM25 of every document for `terms`, from bm25s's precomputed sparse index.

    bm25s sums the postings with `np.add.at`, which is slow; the postings of the query's
    terms summed row by row in one pass (`bm25_scores_of_ids`) give the same sums.
    """
    vocab = model.vocab_dict
    return bm25_scores_of_ids(model, np.array([vocab[t] for t in terms if t in vocab], dtype=np.int64), n, max_df)


def bm25_scores_of_ids(model: bm25s.BM25, ids: np.ndarray, n: int, max_df: float = 1.0) -> np.ndarray:
    """`bm25_scores` for term ids of `model`'s vocabulary."""
    data, indices, indptr = model.scores["data"], model.scores["indices"], model.scores["indptr"]
    starts, ends = indptr[ids], indptr[ids + 1]
    if max_df < 1.0 and n >= 50:
        # Terms in most documents add cost, not information (their idf is near zero).
        keep = ends - starts <= max_df * n
        ids, starts, ends = ids[keep], starts[keep], ends[keep]
    if not len(ids) or not (ends > starts).any():
        return np.zeros(n, dtype=np.float64)
    indptr32 = getattr(model, "indptr32", None)
    if _sparsetools is not None and indptr32 is not None:
        scores = _sum_compiled(indptr32, indices, data, ids, ends - starts, n)
    else:
        scores = _sum_numpy(indices, data, starts, ends, n)
    if model.nonoccurrence_array is not None:  # BM25L/BM25+ only
        scores += float(model.nonoccurrence_array[ids].sum())
    return scores


def _sum_numpy(indices: np.ndarray, data: np.ndarray, starts: np.ndarray, ends: np.ndarray, n: int) -> np.ndarray:
    """Each row's sum over the terms' postings, in term order: slices of the postings are
    views; one concatenate and one bincount sum them all."""
    bounds = list(zip(starts.tolist(), ends.tolist(), strict=True))
    rows = np.concatenate([indices[a:b] for a, b in bounds])
    weights = np.concatenate([data[a:b] for a, b in bounds])
    return np.bincount(rows, weights=weights, minlength=n).astype(np.float64, copy=False)[:n]


def _sum_compiled(
    indptr32: np.ndarray, indices: np.ndarray, data: np.ndarray, ids: np.ndarray, lengths: np.ndarray, n: int
) -> np.ndarray:
    """`_sum_numpy` by scipy's kernels: the terms' postings gathered in one C loop (no slice
    per term, no concatenate) and added row by row in the same order, in float64 as bincount
    does — about half the time over ~100 000 postings, the same sums bit for bit."""
    assert _sparsetools is not None
    k = len(ids)
    offsets = np.zeros(k + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    rows = np.empty(int(offsets[-1]), dtype=np.int32)
    weights = np.empty(int(offsets[-1]), dtype=data.dtype)
    _sparsetools.csr_row_index(k, ids.astype(np.int32), indptr32, indices, data, rows, weights)
    scores = np.zeros(n, dtype=np.float64)
    # The gathered postings as a rows × terms matrix by column, times a vector of ones.
    _sparsetools.csc_matvec(n, k, offsets, rows, weights.astype(np.float64), np.ones(k), scores)
    return scores


# --- Normalising ---------------------------------------------------------------------------


def normalise(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def normalise_by_language(
    scores: np.ndarray, groups: list[np.ndarray], blend: float, group_of_row: np.ndarray | None = None
) -> np.ndarray:
    """Scores over a blend of the best in the row's language and the best overall (capped at 1);
    `groups` are the rows of each language, `group_of_row` each row's group (or None)."""
    best = int(scores.argmax()) if scores.size else -1
    top = float(scores[best]) if scores.size else 0.0
    if top <= 0:
        return np.zeros_like(scores)
    if blend <= 0 or len(groups) < 2:
        return scores / top
    if group_of_row is None:
        group_of_row = np.zeros(len(scores), dtype=np.intp)
        for g, members in enumerate(groups):
            group_of_row[members] = g
    divisors = np.full(len(groups), top)
    for g, members in enumerate(groups):
        # The best row's language needs no pass over its rows: its best is the best.
        lang_top = top if g == group_of_row[best] else float(scores[members].max())
        if lang_top > 0:
            divisors[g] = blend * lang_top + (1 - blend) * top
    # Each row's group's divisor: one take over the rows instead of a scatter per group.
    out = scores / divisors[group_of_row]
    return np.minimum(out, 1.0, out=out)


# --- The best rows -------------------------------------------------------------------------


def best_first(combined: np.ndarray, limit: int) -> list[int]:
    """Rows with a positive score, best first, at most `limit`."""
    # Ties (often all zero) keep the candidates' own order, which is stable and testable.
    n = len(combined)
    if 0 < limit <= FEW_BEST < n:
        return _few_best(combined, limit)
    rows = near_the_top(combined, limit) if 0 < limit < n else np.arange(n)
    values = combined[rows]
    if 0 < limit < len(rows):
        # Only the best `limit` are sorted: the limit-th best value, everything above it, and
        # as many rows tied with it as fit, lowest first (what a full stable sort would keep).
        kth = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values > kth
        keep[np.flatnonzero(values == kth)[: limit - int(keep.sum())]] = True
        rows, values = rows[keep], values[keep]
    ordered = np.lexsort((rows, -values))[:limit]
    rows, values = rows[ordered], values[ordered]
    # Best first, so the positive scores are a prefix.
    return rows[values > 0].tolist()


def _few_best(combined: np.ndarray, limit: int) -> list[int]:
    """`best_first` for a `limit` of a few (the pseudo-relevance feedback asks for 2): one
    `argmax` per row (the first of equal values, as the stable sort keeps them) is cheaper
    than partitioning."""
    values = combined.copy()
    out: list[int] = []
    for _ in range(limit):
        row = int(values.argmax())
        if not values[row] > 0:
            break
        out.append(row)
        values[row] = -np.inf
    return out


def near_the_top(values: np.ndarray, k: int) -> np.ndarray:
    """Rows, in order, that include every row scoring at least the k-th largest value.

    Partitioning every row costs several passes over them (a fifth of a millisecond for
    10 000 on the bench machine); the k-th largest of a strided sample is a lower bound of the
    k-th largest of all (the sample is a subset), so one comparison pass leaves about
    k·stride rows to partition.
    """
    n = len(values)
    stride = int(math.sqrt(n / k))
    if stride < 3:
        return np.arange(n)
    sample = values[::stride]
    bound = np.partition(sample, len(sample) - k)[len(sample) - k]
    return np.flatnonzero(values >= bound)
