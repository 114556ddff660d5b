"""The desk re-ranker in production: training from marks, the floor, one model in use, and
ranking with a claim's marks through the discovery pipeline."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from claims import selectors
from claims.discovery import feedback, pipeline
from claims.models import RankerModel, RelatedArticle
from claims.services.ranker import ranker_train
from claims.tasks import train_ranker
from tests.factories import ArticleFactory, ClaimFactory, RelatedArticleFactory

pytestmark = pytest.mark.django_db


def make_marks(n: int, *, seed: int = 3) -> None:
    """Marks whose "why" says relevance (high lexical, recent) while the stored default score
    says little, as if the default weights had ordered them poorly."""
    rng = np.random.default_rng(seed)
    claim = ClaimFactory()
    for i in range(n):
        relevant = i % 2 == 0
        lexical = float(rng.uniform(0.6, 1.0) if relevant else rng.uniform(0.0, 0.5))
        RelatedArticleFactory(
            claim=claim,
            status=RelatedArticle.Status.RELEVANT if relevant else RelatedArticle.Status.IRRELEVANT,
            score=float(rng.uniform(0, 1)),
            why={"lexical": lexical, "ngram": float(rng.uniform(0, 1)), "entities": 0.2, "recency": 0.9},
        )


def test_below_the_floor_the_default_weights_stay():
    make_marks(10)
    run = ranker_train(min_marks=50)
    assert not run.active and run.marks == 10
    assert run.metrics["reason"] == "too few marks"
    assert selectors.active_ranker() is None


def test_enough_marks_that_beat_the_defaults_put_a_model_in_use():
    make_marks(80)
    run = ranker_train(min_marks=50)
    assert run.active, run.metrics
    assert run.metrics["auc_model"] > run.metrics["auc_default"]
    loaded = selectors.active_ranker()
    assert isinstance(loaded, feedback.DeskModel)
    x = np.asarray([feedback.feature_rows({"lexical": 0.9, "recency": 1}), feedback.feature_rows({"lexical": 0.1})])
    trained = feedback.DeskModel.from_dict(run.params)
    assert np.allclose(loaded.probability(x), trained.probability(x))
    assert loaded.probability(x)[0] > loaded.probability(x)[1]


def test_retraining_keeps_one_model_in_use():
    make_marks(80)
    first = ranker_train(min_marks=50)
    second = ranker_train(min_marks=50)
    assert RankerModel.objects.filter(active=True).count() == 1
    first.refresh_from_db()
    assert second.active and not first.active


def test_the_periodic_task_trains_from_all_marks():
    make_marks(12)
    assert train_ranker() == 12
    assert RankerModel.objects.count() == 1


def when(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def test_pipeline_ranks_with_the_claims_marks():
    claim = ClaimFactory(
        text="The new electric ferry is delayed", claim_reviewed="Ferry delayed", claim_date=dt.date(2023, 9, 12)
    )
    marked = ArticleFactory(
        title="Electric ferry for Brekkvik delayed",
        text="The battery ferry for Brekkvik is late: the shipyard still waits for batteries.",
        published_at=when(2023, 9, 12, 10),
    )
    rejected = ArticleFactory(
        title="Ferry fire in Nordland", text="A ferry caught fire; the crew put it out.", published_at=when(2023, 9, 12)
    )
    yard = ArticleFactory(
        title="Shipyard waits for batteries",
        text="The shipyard building the Brekkvik vessel still waits for its batteries.",
        published_at=when(2023, 9, 13),
    )
    timetable = ArticleFactory(
        title="Ferry timetable", text="A new ferry timetable starts along the coast.", published_at=when(2023, 9, 13)
    )
    RelatedArticleFactory(claim=claim, article=marked, status=RelatedArticle.Status.RELEVANT)
    RelatedArticleFactory(claim=claim, article=rejected, status=RelatedArticle.Status.IRRELEVANT)
    unmarked = ClaimFactory(text=claim.text, claim_reviewed=claim.claim_reviewed, claim_date=claim.claim_date)
    before = [a.pk for a, _s, _w in pipeline._rank(unmarked, [yard, timetable], limit=10)]
    assert before[0] == timetable.pk  # without marks, the article with the claim's word wins
    ranked = pipeline._rank(claim, [yard, timetable, rejected], limit=10)
    ids = [a.pk for a, _s, _w in ranked]
    assert rejected.pk not in ids  # marked irrelevant: informs the ranking, never returned
    assert ids.index(yard.pk) < ids.index(timetable.pk)  # like the article marked relevant
