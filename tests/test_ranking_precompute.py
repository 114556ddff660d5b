"""The ranker's speed-ups give the scores of the plain computation, bit for bit.

`score_all` reads per-index data built once (each row's language group, the distinct
publication days, int32 term offsets for scipy's kernels), sums BM25 postings with those
kernels, computes recency over the days rather than the rows, sums the entity idfs in one
bincount, does the weighting in place and takes the feedback's two best rows one `argmax`
at a time (bench/results/ranking_speed.md). None of that may move a score:
here the plain formulas, written out as they read in the module docstrings, are the
reference, and every signal must be *equal* (not close) on both labelled corpora, with
dates removed from some articles, several weight settings and an index without the
precomputed data.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import pytest

from bench import corpora, quality
from claims.discovery import arrays, feedback, ranking
from claims.discovery import text as tx
from claims.models import Article

SETTINGS = {
    "shipped": ranking.DEFAULT_WEIGHTS,
    "no feedback": replace(ranking.DEFAULT_WEIGHTS, feedback_docs=0),
    "three fed back, half weight": replace(ranking.DEFAULT_WEIGHTS, feedback_docs=3, feedback_weight=0.5),
    "per language only, 15 days": replace(ranking.DEFAULT_WEIGHTS, per_language=1.0, recency_days=15.0),
    "global only, no floor": replace(ranking.DEFAULT_WEIGHTS, per_language=0.0, recency_floor=0.0),
}


def plain_best_first(values: np.ndarray, limit: int) -> list[int]:
    """Rows with a positive score, best first (ties: lower row first), at most `limit`."""
    order = np.lexsort((np.arange(len(values)), -values))[:limit]
    return [int(r) for r in order if values[r] > 0]


def plain_bm25(model, term_ids, n: int, max_df: float = 1.0) -> np.ndarray:
    """Each term's BM25 postings added to the rows, term after term."""
    data, indices, indptr = model.scores["data"], model.scores["indices"], model.scores["indptr"]
    scores = np.zeros(n)
    for tid in term_ids:
        start, end = int(indptr[tid]), int(indptr[tid + 1])
        if max_df < 1.0 and n >= 50 and end - start > max_df * n:
            continue
        scores[indices[start:end]] += data[start:end]  # a term's rows are distinct
    return scores


def plain_signals(index: ranking.CandidateIndex, query: ranking.Query, weights: ranking.Weights) -> dict:
    """`score_all` as the formulas read, one array expression at a time, nothing precomputed."""
    n = len(index)
    q_tokens, q_grams, q_entities = ranking._analyse(query.full_text, query.language)
    lexical_ids = [index.lexical.vocab_dict[t] for t in q_tokens if t in index.lexical.vocab_dict]
    lexical = plain_bm25(index.lexical, lexical_ids, n)
    ngram_ids = [index.ngram.vocab_dict[t] for t in q_grams if t in index.ngram.vocab_dict]
    ngram = plain_bm25(index.ngram, ngram_ids, n, ranking.NGRAM_MAX_DF)
    entity_scores = np.zeros(n)
    total = 0.0
    for entity in q_entities:
        idf = index.entity_idf.get(entity)
        if idf is None:
            total += math.log(1 + (n + 0.5) / 0.5)
            continue
        total += idf
        entity_scores[index.entity_postings[entity]] += idf
    entities = entity_scores / total if total > 0 else entity_scores

    top = float(lexical.max())
    if top <= 0:
        lexical_n = np.zeros_like(lexical)
    elif weights.per_language <= 0 or len(index.language_groups) < 2:
        lexical_n = lexical / top
    else:
        divisor = np.full_like(lexical, top)
        for members in index.language_groups:
            lang_top = float(lexical[members].max())
            if lang_top > 0:
                divisor[members] = weights.per_language * lang_top + (1 - weights.per_language) * top
        lexical_n = np.minimum(lexical / divisor, 1.0)
    ngram_n = ngram / ngram.max() if ngram.max() > 0 else np.zeros_like(ngram)
    if query.date is None:
        recency = np.full(n, weights.undated)
    else:
        days = index.published_ordinal - query.date.toordinal()
        recency = np.where(np.isnan(days), weights.undated, np.exp(-0.5 * (days / weights.recency_days) ** 2))
    topical = weights.lexical * lexical_n + weights.ngram * ngram_n + weights.entities * entities
    factor = weights.recency_floor + (1 - weights.recency_floor) * recency
    combined = topical * factor
    if weights.feedback_docs > 0 and weights.feedback_weight > 0 and n >= ranking.FEEDBACK_MIN_CANDIDATES:
        best = plain_best_first(combined, weights.feedback_docs)
        if best:
            terms = index.doc_terms.expansion_terms(best, feedback.PRF_TERMS)
            sc = plain_bm25(index.lexical, terms, n)
            extra = feedback.ALPHA * (sc / sc.max() if sc.max() > 0 else np.zeros_like(sc))
            w = weights.feedback_weight
            boosted = np.maximum(combined + w * extra * factor, 0.0) / (1 + w)
            combined = np.where(combined > 0, boosted, combined)
    return {"lexical": lexical_n, "ngram": ngram_n, "entities": entities, "recency": recency, "combined": combined}


def _undate_some(articles: list[Article]) -> list[Article]:
    """Every fifth article without a date, so recency's undated branch is in play."""
    out = []
    for i, a in enumerate(articles):
        if i % 5 == 2:
            a = Article(**{f.attname: getattr(a, f.attname) for f in Article._meta.concrete_fields})
            a.published_at = None
        out.append(a)
    return out


@pytest.fixture(scope="module")
def both_corpora() -> list[tuple[list[Article], list[ranking.Query]]]:
    out = []
    for corpus in corpora.load_all():
        queries = [quality.query_for(c) for c in corpus.claims]
        out.append((corpus.articles, queries))
        out.append((_undate_some(corpus.articles), queries[:6] + [replace(q, date=None) for q in queries[:2]]))
    return out


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_score_all_equals_the_plain_formulas_bit_for_bit(both_corpora, setting):
    weights = SETTINGS[setting]
    for articles, queries in both_corpora:
        index = ranking.index_for(articles)
        assert index.published_days is not None and index.language_of_row is not None
        # The same index without its precomputed rows takes the general paths.
        bare = replace(index, language_of_row=None, published_days=None, published_day_of_row=None)
        for q in queries:
            reference = plain_signals(index, q, weights)
            for idx in (index, bare):
                signals = ranking.score_all(idx, q, weights)
                for name, expected in reference.items():
                    assert np.array_equal(getattr(signals, name), expected), (setting, name, q.text[:40])


def test_the_compiled_postings_sum_is_the_numpy_one(both_corpora, monkeypatch):
    # scipy's kernels (a private module, so optional) and the numpy fallback give the same
    # sums bit for bit, with and without the n-gram document-frequency cut.
    assert arrays._sparsetools is not None, "scipy's kernels are expected with the pinned scipy"
    rng = np.random.default_rng(6)
    for articles, _queries in both_corpora[::2]:
        index = ranking.index_for(articles)
        for model, max_df in ((index.lexical, 1.0), (index.ngram, ranking.NGRAM_MAX_DF)):
            assert isinstance(model, arrays.BM25) and model.indptr32 is not None
            vocabulary = len(model.scores["indptr"]) - 1
            for size in (1, 5, 60):
                ids = rng.choice(vocabulary, size=min(size, vocabulary), replace=False).astype(np.int64)
                compiled = arrays.bm25_scores_of_ids(model, ids, len(index), max_df)
                with monkeypatch.context() as patch:
                    patch.setattr(arrays, "_sparsetools", None)
                    numpy_only = arrays.bm25_scores_of_ids(model, ids, len(index), max_df)
                assert np.array_equal(compiled, numpy_only)
                assert np.array_equal(compiled, plain_bm25(model, ids, len(index), max_df))
                assert compiled.any() or size < 60


def test_the_precomputed_days_and_groups_describe_the_rows(both_corpora):
    articles, _queries = both_corpora[3]  # nordic, some undated
    index = ranking.index_for(articles)
    days = index.published_days[index.published_day_of_row]
    assert np.array_equal(days, index.published_ordinal, equal_nan=True)
    assert np.isnan(index.published_ordinal).any()
    assert len(index.published_days) < len(index)  # articles share days: exp runs over fewer
    for g, members in enumerate(index.language_groups):
        assert (index.language_of_row[members] == g).all()
    assert sum(len(m) for m in index.language_groups) == len(index)


def test_recency_far_from_the_claim_is_zero_as_exp_gives_it():
    # Days so far away that exp underflows are not passed to exp; the result must not change.
    weights = ranking.DEFAULT_WEIGHTS
    ordinals = np.array([0, 1, 40, 1_000, 1_100, 1_110, 1_120, 1_130, 1_200, 5_000, np.nan]) + 738_000.0
    days, row_day = np.unique(ordinals, return_inverse=True)
    index = ranking.CandidateIndex(
        articles=[], features=[], lexical=None, ngram=None, entity_postings={}, entity_idf={},  # type: ignore[arg-type]
        published_ordinal=ordinals, language_groups=[], published_days=days, published_day_of_row=row_day,
    )  # fmt: skip
    for recency_days in (15.0, 45.0):
        w = replace(weights, recency_days=recency_days)
        got = ranking._recency(index, dt.date.fromordinal(738_000), w)
        delta = ordinals - 738_000
        expected = np.where(np.isnan(delta), w.undated, np.exp(-0.5 * (delta / recency_days) ** 2))
        assert np.array_equal(got, expected)
        assert got[0] == 1.0 and got[-1] == w.undated
        assert (got[:-1] == 0.0).any() and (got[:-1] > 0.0).sum() >= 3


def test_best_first_for_a_few_rows_is_the_stable_sort():
    rng = np.random.default_rng(16)
    for trial in range(400):
        n = int(rng.integers(1, 200))
        # Few distinct values, zeros and ties, as scores over similar articles have.
        values = rng.integers(0, 6, n).astype(np.float64) / 5 if trial % 2 else rng.random(n) * (rng.random(n) > 0.3)
        for limit in (1, 2, 3, ranking.FEW_BEST, ranking.FEW_BEST + 1, 20):
            assert ranking._best_first(values, limit) == plain_best_first(values, limit), (trial, limit)
    assert ranking._best_first(np.zeros(50), 2) == []


def test_query_tokens_with_the_words_given_are_the_same():
    for text, lang in [
        ("Regjeringen avviser makspris på strøm, sier Støre", "nb"),
        ("Progress Party calls for a 50-øre price cap on electricity from 3 March", "en"),
        ("Over 100 000 russiske soldater ved Ukraina-grensen", "nb"),
    ]:
        words = tx.cased_words(text)
        assert tx.query_tokens(text, lang, words) == tx.query_tokens(text, lang)
        assert tx.words_ngrams(words) == tx.ngrams(text)


def test_expansion_terms_are_those_of_np_unique(both_corpora):
    # The feedback's terms: the rows' terms counted (np.unique written out), weighted by idf.
    articles, _queries = both_corpora[2]  # nordic
    index = ranking.index_for(articles)
    terms = index.doc_terms
    rng = np.random.default_rng(2)
    for size in (1, 2, 2, 3, 5):
        for _ in range(20):
            rows = sorted(rng.choice(len(index), size=size, replace=False).tolist())
            ids, counts = np.unique(
                np.concatenate([terms.terms[terms.indptr[r] : terms.indptr[r + 1]] for r in rows]), return_counts=True
            )
            weights = counts / len(rows) * terms.idf[ids]
            expected = ids[np.lexsort((terms.order[ids], -weights))][: feedback.PRF_TERMS]
            assert np.array_equal(terms.expansion_terms(rows, feedback.PRF_TERMS), expected), rows
