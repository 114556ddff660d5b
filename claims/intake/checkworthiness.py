"""Check-worthiness: a 0–1 score per sentence from a linear model the desk can read and retrain.

Training uses scikit-learn (`DictVectorizer` + `LogisticRegression`) on the shipped
labelled set (`data/checkworthiness.tsv`, train split only) plus the desk's own
accept/dismiss decisions. The model file is plain JSON — a version number, the weight of
every named feature, the intercept, the threshold chosen on the training data, and how it
was trained — so a person can open it and see why a sentence scored high, and loading it
never runs code (unlike a pickle). Scoring is a dot product over the sentence's features.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from claims.intake.features import features

MODEL_FORMAT = 1
DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILE = DATA_DIR / "checkworthiness.tsv"
SHIPPED_MODEL = DATA_DIR / "checkworthiness-model.json"
# Word features seen in fewer training sentences than this are dropped (noise, overfitting).
MIN_WORD_COUNT = 2
C_GRID = (0.1, 0.3, 1.0, 3.0)
CV_FOLDS = 5
_VERSIONED = re.compile(r"checkworthiness-v(\d+)\.json$")


@dataclass(frozen=True)
class Example:
    """One labelled sentence of the shipped set (or a desk decision, with id "desk:<pk>")."""

    id: str
    language: str
    label: int
    text: str
    hard: str = ""
    split: str = "train"


def load_examples(path: Path = DATA_FILE) -> list[Example]:
    """The labelled set, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Example(
                id=row["id"],
                language=row["language"],
                label=int(row["label"]),
                text=row["text"],
                hard=row["hard"],
                split=row["split"],
            )
            for row in reader
        ]


@dataclass
class Model:
    """A trained linear check-worthiness model: feature weights, intercept and threshold."""

    version: int
    weights: dict[str, float]
    intercept: float
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    def score(self, text: str, language: str = "") -> float:
        """The probability that the sentence is check-worthy, in [0, 1]."""
        weights = self.weights
        z = self.intercept
        for name, value in features(text, language).items():
            weight = weights.get(name)
            if weight is not None:
                z += weight * value
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        ez = math.exp(z)
        return ez / (1.0 + ez)

    def score_many(self, texts: Iterable[str], language: str = "") -> list[float]:
        return [self.score(t, language) for t in texts]

    def explain(self, text: str, language: str = "", *, top: int = 8) -> list[tuple[str, float]]:
        """The features that moved this sentence's score most, with their contribution."""
        parts = [(n, self.weights[n] * v) for n, v in features(text, language).items() if n in self.weights]
        return sorted(parts, key=lambda p: -abs(p[1]))[:top]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": self.version,
            "threshold": round(self.threshold, 6),
            "intercept": self.intercept,
            "meta": self.meta,
            # Sorted by weight so the file reads as "what pushes a sentence up / down".
            "weights": dict(sorted(self.weights.items(), key=lambda kv: (-kv[1], kv[0]))),
        }

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)  # atomic: a worker never reads a half-written model
        return path

    @classmethod
    def load(cls, path: Path) -> Model:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"{path}: unknown model format {data.get('format')!r}")
        return cls(
            version=int(data["version"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            meta=dict(data.get("meta") or {}),
        )


# --- Training ------------------------------------------------------------------------------


def _vectorize(texts: Sequence[tuple[str, str]], vocabulary: set[str] | None = None) -> list[dict[str, float]]:
    rows = [features(text, language) for text, language in texts]
    if vocabulary is not None:
        rows = [{k: v for k, v in row.items() if k in vocabulary} for row in rows]
    return rows


def _vocabulary(rows: list[dict[str, float]]) -> set[str]:
    counts = Counter(name for row in rows for name in row)
    return {n for n, c in counts.items() if not n.startswith("w:") or c >= MIN_WORD_COUNT}


def _fit(rows: list[dict[str, float]], labels: Sequence[int], c: float) -> tuple[Any, Any]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sparse=False, sort=True)
    x = vectorizer.fit_transform(rows)
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, solver="liblinear")
    classifier.fit(x, list(labels))
    return vectorizer, classifier


def _cv_scores(rows: list[dict[str, float]], labels: Sequence[int], c: float) -> list[float]:
    """Out-of-fold probabilities on the training data (stratified, fixed seed)."""
    from sklearn.model_selection import StratifiedKFold

    scores = [0.0] * len(rows)
    folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=13)
    for train_idx, test_idx in folds.split(rows, labels):
        fold_rows = [rows[i] for i in train_idx]
        vocabulary = _vocabulary(fold_rows)
        vectorizer, classifier = _fit(
            [{k: v for k, v in r.items() if k in vocabulary} for r in fold_rows], [labels[i] for i in train_idx], c
        )
        probs = classifier.predict_proba(vectorizer.transform([rows[i] for i in test_idx]))[:, 1]
        for i, p in zip(test_idx, probs, strict=True):
            scores[i] = float(p)
    return scores


def best_f1_threshold(labels: Sequence[int], scores: Sequence[float]) -> float:
    """The score cut that maximises F1 (midway between neighbouring scores)."""
    pairs = sorted(zip(scores, labels, strict=True), reverse=True)
    positives = sum(labels)
    best, best_cut, tp = -1.0, 0.5, 0
    for i, (score, label) in enumerate(pairs):
        tp += label
        predicted = i + 1
        f1 = 2 * tp / (predicted + positives) if positives else 0.0
        nxt = pairs[i + 1][0] if i + 1 < len(pairs) else 0.0
        if f1 > best and score != nxt:
            best, best_cut = f1, (score + nxt) / 2
    return best_cut


def train(examples: Sequence[Example], *, version: int = 1, c: float | None = None, note: str = "") -> Model:
    """Fit a model on these examples; C and the threshold are chosen by cross-validation on them."""
    from sklearn.metrics import roc_auc_score

    labels = [e.label for e in examples]
    if len(set(labels)) < 2:
        raise ValueError("training needs check-worthy and not check-worthy examples")
    rows = _vectorize([(e.text, e.language) for e in examples])
    cv_auc: dict[str, float] = {}
    if c is None:
        for candidate in C_GRID:
            cv_auc[str(candidate)] = round(float(roc_auc_score(labels, _cv_scores(rows, labels, candidate))), 4)
        c = float(max(cv_auc, key=lambda k: (cv_auc[k], -float(k))))
    threshold = best_f1_threshold(labels, _cv_scores(rows, labels, c))
    vocabulary = _vocabulary(rows)
    vectorizer, classifier = _fit([{k: v for k, v in r.items() if k in vocabulary} for r in rows], labels, c)
    names = vectorizer.get_feature_names_out()
    weights = {str(n): round(float(w), 6) for n, w in zip(names, classifier.coef_[0], strict=True) if abs(w) > 1e-9}
    import sklearn

    digest = hashlib.sha256("\n".join(f"{e.label}\t{e.text}" for e in examples).encode()).hexdigest()[:16]
    meta = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sklearn": sklearn.__version__,
        "examples": len(examples),
        "positives": sum(labels),
        "from_desk": sum(1 for e in examples if e.id.startswith("desk:")),
        "data_sha256": digest,
        "C": c,
        "cv_auc": cv_auc,
        "note": note,
    }
    return Model(
        version=version,
        weights=weights,
        intercept=round(float(classifier.intercept_[0]), 6),
        threshold=threshold,
        meta=meta,
    )


# --- The model in use ------------------------------------------------------------------------


def versioned_models(directory: Path) -> list[tuple[int, Path]]:
    """The retrained models in `directory` (checkworthiness-vN.json), oldest first."""
    if not directory.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in directory.iterdir() if (m := _VERSIONED.search(p.name))]
    return sorted(found)


def model_path() -> Path:
    """The model the desk scores with: the newest retrained one, else the shipped one."""
    from django.conf import settings

    explicit = getattr(settings, "CHECKWORTHINESS_MODEL", "")
    if explicit:
        return Path(explicit)
    models = versioned_models(Path(settings.CHECKWORTHINESS_MODEL_DIR))
    return models[-1][1] if models else SHIPPED_MODEL


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> Model:
    return Model.load(Path(path))


def current_model() -> Model:
    """The model in use, loaded once per file version (a retrain is picked up without a restart)."""
    path = model_path()
    return _load_cached(str(path), path.stat().st_mtime)


def threshold() -> float:
    """The desk's threshold: CHECKWORTHINESS_THRESHOLD when set, else the model's own."""
    from django.conf import settings

    configured = getattr(settings, "CHECKWORTHINESS_THRESHOLD", None)
    return float(configured) if configured is not None else current_model().threshold
