"""Fit the recurrence re-scorer (claims/watch/rescorer.py) on the training parts only.

    python bench/recurrence_model.py            # prints the CV table, writes claims/watch/rescorer.json
    python bench/recurrence_model.py --no-write

Pairs: every training article against every training claim whose best passage (the hand
score of claims/watch/recurrences.py) reaches a low floor; label: the claim is one the
article repeats. The training parts (`--parts`, by default bench.recurrences.TRAINING: the
development claims, what the shipped weights were fitted on) are the only ones read; the
held-out parts are not read at all, not even as negatives. `--parts dev,heldout,fresh` is
session 15's refit on every part written before it (bench/results/recurrences.md); the
second and third fresh batches (bench.recurrences.HELD_OUT, HELD_OUT_LAST) are never
training parts.

Regularisation (C), the candidate floor and the threshold are chosen by cross-validation
grouped by topic (leave-topics-out: every claim of a topic, and its articles, is out of the
fold it is scored in — stricter than leave-one-claim-out, since claims of one topic share
words). The rule is the bench's: the highest recall at precision ≥ 0.95 on the pooled
out-of-fold probabilities; on a tie the higher floor (fewer passages to re-score), then the
stronger regularisation.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import recurrences as bench  # noqa: E402

PARTS = ("dev", "heldout", *bench.LATER[:-1])  # every part but the newest
LOW_FLOOR = 0.1  # pairs below this hand score are not candidates at all
FLOORS = (0.1, 0.2, 0.3, 0.4, 0.5)
CS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
PRECISION_TARGET = bench.DEV_PRECISION_TARGET


def training_pairs(parts: tuple[str, ...] = bench.TRAINING) -> dict[str, Any]:
    """Features, labels and topics of the training pairs (articles and claims of `parts`),
    and the number of gold pairs."""
    from claims.watch.recurrences import ClaimIndex
    from claims.watch.rescorer import pair_features

    data = bench.load()
    articles = bench.build_articles(data)
    claims = bench.live_claims(data)
    index = ClaimIndex(claims)  # every claim, as production indexes every live fact-check
    position = {index.ids[n]: n for n in range(len(index.ids))}
    assert bench.CLEAN not in parts, "the newest batch is held out"
    known = {c["id"]: c for c in data["claims"] if bench._split(c) in parts}
    by_number = {n: c["id"] for n, c in enumerate(data["claims"], start=1)}
    topic_of = {c["id"]: c["topic"] for c in data["claims"]}
    rows: list[list[float]] = []
    labels: list[int] = []
    groups: list[str] = []
    splits: list[str] = []
    gold_total = 0
    for article in articles:
        if article["split"] not in parts:
            continue
        gold = set(article["gold"])
        gold_total += len(gold)
        topic = topic_of[article["claim"]] if article["claim"] else article["id"].split("-")[0]
        for claim, passage in index.passages(article["text"], article["language"], floor=LOW_FLOOR).items():
            name = by_number[index.ids[claim]]
            if name not in known:
                continue  # held-out claims are not read, not even as negatives
            rows.append(pair_features(index, claim, passage))
            labels.append(int(name in gold))
            groups.append(topic)
            splits.append(article["split"])
    assert all(index.ids[position[c.claim_id]] == c.claim_id for c in claims)
    gold = {part: sum(len(a["gold"]) for a in articles if a["split"] == part) for part in parts}
    return {"X": rows, "y": labels, "groups": groups, "splits": splits, "gold": gold_total, "gold_by_part": gold}


def best_threshold(probs: Any, y: Any, gold: int) -> tuple[float, float, float]:
    """(recall, precision, threshold): the highest recall at precision ≥ the target."""
    import numpy as np

    best = (0.0, 1.0, 1.0)
    for threshold in np.unique(np.round(probs, 4)):
        said = probs >= threshold
        tp = int((said & (y == 1)).sum())
        fp = int((said & (y == 0)).sum())
        if tp + fp == 0:
            continue
        precision, recall = tp / (tp + fp), tp / gold
        if precision >= PRECISION_TARGET and (recall, -threshold) > (best[0], -best[2]):
            best = (recall, precision, float(threshold))
    return best


def fitted(X: Any, y: Any, c: float) -> tuple[Any, Any]:
    """(scaler, logistic regression) fitted on the rows X with labels y."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    return scaler, LogisticRegression(C=c, max_iter=2000).fit(scaler.transform(X), y)


def out_of_fold(X: Any, y: Any, groups: Any, keep: Any, c: float) -> Any:
    """Each pair's probability from a model fitted without its topic (leave-topics-out), on the
    kept pairs of the other topics only; 0 for the pairs not kept (below the candidate floor)."""
    import numpy as np
    from sklearn.model_selection import LeaveOneGroupOut

    oof = np.zeros(len(y))
    for train, test in LeaveOneGroupOut().split(X, y, groups):
        train = train[keep[train]]
        scaler, model = fitted(X[train], y[train], c)
        oof[test] = model.predict_proba(scaler.transform(X[test]))[:, 1]
    oof[~keep] = 0.0
    return oof


def every_pair(extra: Callable[..., list[float]]) -> dict[str, Any]:
    """Every labelled article against every claim at the low candidate floor, held-out parts
    included, for the scripts that try a feature beside the re-scorer's (bench/recurrence_e5.py,
    bench/recurrence_thesaurus.py). `extra(index, claim, passage, article, labelled_claim)` gives
    the tried features of one pair. Arrays: X (the re-scorer's features), E (the tried ones), y,
    split, topic, dev (a development article against a development claim); and gold per split."""
    import numpy as np

    from claims.watch.recurrences import ClaimIndex
    from claims.watch.rescorer import pair_features

    data = bench.load()
    articles = bench.build_articles(data)
    index = ClaimIndex(bench.live_claims(data))
    claim_of = dict(enumerate(data["claims"], start=1))
    rows, extras, labels, splits, topics, dev_claim = [], [], [], [], [], []
    for article in articles:
        for claim, passage in index.passages(article["text"], article["language"], floor=LOW_FLOOR).items():
            c = claim_of[index.ids[claim]]
            rows.append(pair_features(index, claim, passage))
            extras.append(extra(index, claim, passage, article, c))
            labels.append(int(c["id"] in article["gold"]))
            splits.append(article["split"])
            topics.append(c["topic"])
            dev_claim.append(bench._split(c) == "dev")
    split = np.array(splits)
    return {
        "X": np.array(rows),
        "E": np.array(extras),
        "y": np.array(labels),
        "split": split,
        "topic": np.array(topics),
        "dev": (split == "dev") & np.array(dev_claim),
        "gold": {s: sum(len(a["gold"]) for a in articles if a["split"] == s) for s in PARTS},
    }


def probabilities(F: Any, pairs: dict[str, Any], keep: Any, c: float) -> Any:
    """Every pair's probability from a model fitted on the kept development pairs; 0 below the floor."""
    train = pairs["dev"] & keep
    scaler, model = fitted(F[train], pairs["y"][train], c)
    p = model.predict_proba(scaler.transform(F))[:, 1]
    p[~keep] = 0.0
    return p


def figures_at(p: Any, pairs: dict[str, Any], threshold: float, part: str) -> str:
    """ "P … R …" of one split at a threshold (recall against all of its gold repeats)."""
    k = pairs["split"] == part
    said = p[k] >= threshold
    y = pairs["y"][k]
    tp, fp = int((said & (y == 1)).sum()), int((said & (y == 0)).sum())
    return f"P {tp / max(tp + fp, 1):.3f} R {tp / pairs['gold'][part]:.3f}"


def cross_validate(pairs: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    X, y, groups = np.array(pairs["X"]), np.array(pairs["y"]), np.array(pairs["groups"])
    hand = X[:, -1]
    table = []
    hand_recall, hand_precision, hand_threshold = best_threshold(hand, y, pairs["gold"])
    for floor in FLOORS:
        keep = hand >= floor
        for c in CS:
            oof = out_of_fold(X, y, groups, keep, c)
            recall, precision, threshold = best_threshold(oof, y, pairs["gold"])
            table.append({"floor": floor, "C": c, "recall": recall, "precision": precision, "threshold": threshold})
    chosen = max(table, key=lambda r: (round(r["recall"], 6), r["floor"], -r["C"]))
    return {
        "table": table,
        "chosen": chosen,
        "hand": {"recall": hand_recall, "precision": hand_precision, "threshold": hand_threshold},
        "pairs": len(y),
        "positives": int(y.sum()),
        "gold": pairs["gold"],
        "topics": len(set(groups)),
    }


def fit(pairs: dict[str, Any], chosen: dict[str, Any], parts: tuple[str, ...] = bench.TRAINING) -> dict[str, Any]:
    import numpy as np

    from claims.watch.rescorer import FEATURES

    X, y = np.array(pairs["X"]), np.array(pairs["y"])
    keep = X[:, -1] >= chosen["floor"]
    scaler, model = fitted(X[keep], y[keep], chosen["C"])
    scale = [float(s) if s > 0 else 1.0 for s in scaler.scale_]
    return {
        "features": list(FEATURES),
        "mean": [round(float(m), 6) for m in scaler.mean_],
        "scale": [round(s, 6) for s in scale],
        "coef": [round(float(c), 6) for c in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": chosen["threshold"],
        "floor": chosen["floor"],
        "C": chosen["C"],
        "fitted_on": f"{'+'.join(parts)} claims of bench/recurrences.py only (bench/recurrence_model.py)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--parts", default=",".join(bench.TRAINING), help="the parts fitted on (comma-separated)")
    args = parser.parse_args()
    bench._setup_django()
    parts = tuple(args.parts.split(","))
    pairs = training_pairs(parts)
    cv = cross_validate(pairs)
    print(f"training pairs {cv['pairs']} ({cv['positives']} repeats of {cv['gold']} gold), {cv['topics']} topic groups")
    print(f"hand score, same pairs: recall {cv['hand']['recall']:.3f} at precision {cv['hand']['precision']:.3f}")
    for row in cv["table"]:
        print(
            f"floor {row['floor']:.2f} C {row['C']:<5} CV recall {row['recall']:.3f} "
            f"precision {row['precision']:.3f} threshold {row['threshold']:.4f}"
        )
    print("chosen", cv["chosen"])
    weights = fit(pairs, cv["chosen"], parts)
    weights["cv"] = {"chosen": cv["chosen"], "hand": cv["hand"], "pairs": cv["pairs"], "topics": cv["topics"]}
    print(json.dumps(weights, indent=1))
    if not args.no_write:
        from claims.watch.rescorer import WEIGHTS

        WEIGHTS.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
