"""Learning from marks: per-claim re-ranking and the desk-wide re-ranker's round trip."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from claims.discovery import feedback, ranking
from claims.models import Article


def article(title: str, text: str, language: str = "en") -> Article:
    return Article(url=f"https://news.example/{abs(hash(title))}", title=title, text=text, language=language)


def test_marks_pull_up_what_is_like_the_relevant_ones():
    articles = [
        article("Ferry to Brekkvik delayed", "The electric ferry for Brekkvik is late; batteries missing at the yard."),
        article("Ferry fire in Nordland", "A ferry caught fire in Nordland; passengers evacuated by the crew."),
        article("Battery problems at the yard", "The yard building the Brekkvik vessel waits for batteries."),
        article("Ferry timetable for summer", "New summer timetable for ferries along the coast."),
    ]
    query = ranking.Query(text="The ferry is delayed", language="en", date=None)
    index = ranking.index_for(articles)
    before = ranking.score_all(index, query).combined
    after = feedback.rescore_with_marks(index, query, ranking.DEFAULT_WEIGHTS, relevant=[0], irrelevant=[1]).combined
    # The yard/battery article shares the marked article's words, not the claim's.
    assert after[2] > before[2]
    assert after[2] - before[2] > after[3] - before[3]
    assert after[1] - before[1] < after[2] - before[2]


def test_no_marks_change_nothing():
    articles = [article("Ferry delayed", "The ferry is delayed."), article("Bridge closed", "The bridge is shut.")]
    query = ranking.Query(text="ferry delayed", language="en")
    index = ranking.index_for(articles)
    plain = ranking.score_all(index, query).combined
    again = feedback.rescore_with_marks(index, query, ranking.DEFAULT_WEIGHTS, [], []).combined
    assert np.array_equal(plain, again)


def test_desk_model_trains_and_round_trips_through_json():
    rng = np.random.default_rng(7)
    x = rng.random((300, len(feedback.FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 2] + 0.1 * rng.random(300) > 0.8).astype(float)
    model = feedback.train(x, y)
    assert model.marks == 300
    assert model.coef[0] > 0 and model.coef[2] > 0  # it learned which signals mean relevant
    accuracy = float(((model.probability(x) > 0.5) == (y > 0.5)).mean())
    assert accuracy > 0.9
    loaded = feedback.DeskModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert np.allclose(loaded.probability(x), model.probability(x))


def test_desk_model_refuses_a_stored_model_for_other_features():
    model = feedback.train(np.eye(len(feedback.FEATURES)).repeat(3, axis=0), np.tile([0.0, 1.0, 0.0], 7))
    stored = model.to_dict() | {"features": ["lexical", "something_else"]}
    with pytest.raises(ValueError):
        feedback.DeskModel.from_dict(stored)


def test_desk_model_scores_candidates_and_keeps_the_unmatched_out():
    articles = [
        article("Norges Bank raises rate", "Norges Bank raised the policy rate to 4.5 percent."),
        article("Football results", "Brekkvik won 3-1 at home."),
    ]
    query = ranking.Query(text="Norges Bank raised the rate", language="en", date=dt.date(2023, 12, 14))
    index = ranking.index_for(articles)
    signals = ranking.score_all(index, query)
    x = np.asarray([[1, 1, 1, 1, 0, 1, 1], [0, 0, 0, 1, 0, 0, 0]] * 10, dtype=float)
    model = feedback.train(x, np.asarray([1.0, 0.0] * 10))
    scores = model.score(signals, index, query)
    assert scores[0] > 0.5
    assert scores[1] == 0.0
