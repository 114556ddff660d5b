"""Measuring learning from marks on the labelled corpora (reported by bench/quality.py).

(a) **Per claim, on the left-out parts.** Each claim is ranked with the weights its fold
chose without its topic; the top 3 are "marked" with their true grades (grade ≥ 2 →
relevant, else irrelevant), the rest is re-ranked with the marks
(`claims.discovery.feedback.rescore_with_marks`), and P@5 of the next five is compared
with the next five (ranks 4–8) of the ranking without marks.

(b) **Across the desk, by a time split.** Claims sorted by date: the older 60 % give the
training marks (their top 20 under the shipped weights, labelled by the grades, as a
reviewer would mark them), a `DeskModel` is trained on those, and the newer 40 % are
ranked by the model and by the shipped weights. Note the shipped weights were chosen on
all claims, the newer ones included, which favours the baseline.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MARKED = 3
NEXT = 5
TRAIN_SHARE = 0.6


def _next_precision(order: np.ndarray, grades: np.ndarray, skip: set[int]) -> float:
    rest = [r for r in order.tolist() if r not in skip][:NEXT]
    return sum(1 for r in rest if grades[r] >= 2) / NEXT


def per_claim(items: list[Any], folds: dict[str, Any]) -> list[dict[str, Any]]:
    from bench import tuning
    from claims.discovery import feedback

    rows = []
    for item in items:
        weights = folds[tuning.topic_of(item)]
        order = tuning.ranking_order(item, weights)
        marked = order[:MARKED].tolist()
        relevant = [r for r in marked if item.grades[r] >= 2]
        irrelevant = [r for r in marked if item.grades[r] < 2]
        before = _next_precision(order, item.grades, set(marked))
        signals = feedback.rescore_with_marks(item.index, item.query, weights, relevant, irrelevant)
        combined = signals.combined
        new_order = np.lexsort((np.arange(len(combined)), -combined))
        new_order = new_order[combined[new_order] > 0]
        after = _next_precision(new_order, item.grades, set(marked))
        left = int(sum(1 for r in range(len(item.grades)) if item.grades[r] >= 2 and r not in marked))
        rows.append(
            {
                "corpus": item.corpus,
                "id": item.claim["id"],
                "cross_language": bool(item.claim["cross_language"]),
                "before": before,
                "after": after,
                "ceiling": min(left, NEXT) / NEXT,
            }
        )
    return rows


def _signals_dicts(item: Any, weights: Any) -> tuple[Any, list[dict[str, Any]]]:
    from claims.discovery import ranking
    from claims.discovery import text as tx

    signals = ranking.combine(item.index, item.raw, item.query, weights)
    lang = tx.base_language(item.query.language)
    rows = [
        {
            "lexical": signals.lexical[i],
            "ngram": signals.ngram[i],
            "entities": signals.entities[i],
            "recency": signals.recency[i],
            "cross_language": item.index.features[i].language != lang,
        }
        for i in range(len(item.index))
    ]
    return signals, rows


def time_split(items: list[Any]) -> dict[str, Any]:
    from bench import tuning
    from claims.discovery import feedback, ranking

    weights = ranking.DEFAULT_WEIGHTS
    dated = sorted(items, key=lambda i: (i.claim.get("claim_date") or "", i.claim["id"]))
    cut = int(len(dated) * TRAIN_SHARE)
    train_items, test_items = dated[:cut], dated[cut:]
    x, y = [], []
    for item in train_items:
        order = tuning.ranking_order(item, weights)[:20]
        _signals, rows = _signals_dicts(item, weights)
        for r in order.tolist():
            x.append(feedback.feature_rows(rows[r]))
            y.append(1.0 if item.grades[r] >= 2 else 0.0)
    model = feedback.train(np.asarray(x), np.asarray(y))
    base, learned = [], []
    for item in test_items:
        base.append(tuning.metrics(tuning.ranking_order(item, weights), item.grades, item.ideal_dcg))
        signals = ranking.combine(item.index, item.raw, item.query, weights)
        scores = model.score(signals, item.index, item.query)
        order = np.lexsort((np.arange(len(scores)), -scores))
        order = order[scores[order] > 0]
        learned.append(tuning.metrics(order, item.grades, item.ideal_dcg))

    def mean(rows: list[dict[str, float]], key: str) -> float:
        return round(float(np.mean([r[key] for r in rows])), 4)

    return {
        "train_claims": len(train_items),
        "test_claims": len(test_items),
        "train_marks": len(y),
        "split_date": test_items[0].claim.get("claim_date") if test_items else None,
        "default": {k: mean(base, k) for k in ("precision@5", "ndcg@10")},
        "desk_model": {k: mean(learned, k) for k in ("precision@5", "ndcg@10")},
        "model": model.to_dict(),
    }


def report(items: list[Any], folds: dict[str, Any]) -> dict[str, Any]:
    rows = per_claim(items, folds)

    def summary(selected: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "claims": len(selected),
            "next5_without_marks": round(float(np.mean([r["before"] for r in selected])), 4),
            "next5_with_marks": round(float(np.mean([r["after"] for r in selected])), 4),
            "next5_best_possible": round(float(np.mean([r["ceiling"] for r in selected])), 4),
        }

    groups = {
        "all": rows,
        **{name: [r for r in rows if r["corpus"] == name] for name in sorted({r["corpus"] for r in rows})},
        "cross-language": [r for r in rows if r["cross_language"]],
    }
    return {"per_claim": {k: summary(v) for k, v in groups.items() if v}, "time_split": time_split(items)}


def to_markdown(fb: dict[str, Any]) -> list[str]:
    lines = [
        "## Learning from marks",
        "",
        f"(a) Per claim, left-out weights: the top {MARKED} marked with their true grades, P@5 of the next "
        f"{NEXT} without and with the marks (`claims.discovery.feedback`, Rocchio-style).",
        "",
        "Most claims have 5–8 relevant articles, so once the top three are marked few are left: the last "
        "column is the best any ranking could do.",
        "",
        "| claims | n | P@5 next five, no marks | P@5 next five, with marks | best possible |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, s in fb["per_claim"].items():
        lines.append(
            f"| {name} | {s['claims']} | {s['next5_without_marks']:.3f} | {s['next5_with_marks']:.3f} "
            f"| {s['next5_best_possible']:.3f} |"
        )
    ts = fb["time_split"]
    lines += [
        "",
        f"(b) Desk-wide re-ranker, time split: trained on the marks of the {ts['train_claims']} oldest claims "
        f"({ts['train_marks']} marks), tested on the {ts['test_claims']} claims from {ts['split_date']} on.",
        "",
        "| ranking of the newer claims | P@5 | nDCG@10 |",
        "|---|---:|---:|",
        f"| shipped default weights | {ts['default']['precision@5']:.3f} | {ts['default']['ndcg@10']:.3f} |",
        f"| desk re-ranker | {ts['desk_model']['precision@5']:.3f} | {ts['desk_model']['ndcg@10']:.3f} |",
    ]
    return lines
