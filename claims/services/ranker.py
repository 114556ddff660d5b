"""Training the desk-wide re-ranker from all reviewers' marks (a periodic task calls this)."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import transaction

from claims.discovery import feedback
from claims.models import RankerModel, RelatedArticle

VALIDATION_SHARE = 0.2


def _auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (rank form); 0.5 when one class is missing."""
    positives, negatives = int(labels.sum()), int((1 - labels).sum())
    if not positives or not negatives:
        return 0.5
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    # Ties share the mean rank.
    for value in np.unique(scores):
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    return float((ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _marked_rows() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and the default scores of every marked suggestion, oldest mark first."""
    rows = (
        RelatedArticle.objects.filter(status__in=[RelatedArticle.Status.RELEVANT, RelatedArticle.Status.IRRELEVANT])
        .order_by("updated_at", "id")
        .values_list("why", "status", "score")
    )
    x, y, default = [], [], []
    for why, status, score in rows:
        x.append(feedback.feature_rows(why or {}))
        y.append(1.0 if status == RelatedArticle.Status.RELEVANT else 0.0)
        default.append(float(score or 0.0))
    width = len(feedback.FEATURES)
    return np.asarray(x, dtype=np.float64).reshape(-1, width), np.asarray(y), np.asarray(default)


@transaction.atomic
def ranker_train(*, min_marks: int = feedback.MIN_MARKS) -> RankerModel:
    """Train on all marks; put the model in use only past `min_marks` and only if, trained on
    the older 80 % of the marks, it orders the newest 20 % better (AUC) than the default
    weights did. Every run is recorded, in use or not."""
    x, y, default = _marked_rows()
    metrics: dict[str, Any] = {"marks": len(y), "relevant": int(y.sum()), "min_marks": min_marks}
    usable = len(y) >= min_marks and 0 < y.sum() < len(y)
    params: dict[str, Any] = {}
    active = False
    if usable:
        cut = int(len(y) * (1 - VALIDATION_SHARE))
        trial = feedback.train(x[:cut], y[:cut]) if 0 < y[:cut].sum() < cut else None
        if trial is not None:
            metrics["auc_model"] = round(_auc(trial.probability(x[cut:]), y[cut:]), 4)
            metrics["auc_default"] = round(_auc(default[cut:], y[cut:]), 4)
            active = metrics["auc_model"] > metrics["auc_default"]
        model = feedback.train(x, y)
        model.metrics = metrics
        params = model.to_dict()
    else:
        metrics["reason"] = "too few marks" if len(y) < min_marks else "marks of one kind only"
    if active:
        RankerModel.objects.filter(active=True).update(active=False)
    return RankerModel.objects.create(marks=len(y), active=active, params=params, metrics=metrics)
