"""The learned re-scorer of recurrence matching (claims/watch/rescorer.py): its shipped
weights and the features it reads of a (claim, passage) pair."""

from __future__ import annotations

import json

import pytest

from claims.watch import rescorer
from claims.watch.recurrences import ClaimIndex, LiveClaim

CLAIMS = [
    LiveClaim(1, "Strømprisen i Norge ble doblet i 2021.", "nb"),
    LiveClaim(2, "Russia has no plans to invade Ukraine.", "en"),
    LiveClaim(3, "Norway sells more salmon to Japan than any other country.", "en"),
]


def _features(index: ClaimIndex, claim_id: int, text: str, language: str) -> dict[str, float]:
    position = index.ids.index(claim_id)
    passages = index.passages(text, language, floor=0.0)
    assert position in passages, text
    return dict(zip(rescorer.FEATURES, rescorer.pair_features(index, position, passages[position]), strict=True))


def test_the_shipped_weights_load_and_fit_the_feature_list():
    model = rescorer.load()
    data = json.loads(rescorer.WEIGHTS.read_text(encoding="utf-8"))
    assert data["features"] == list(rescorer.FEATURES)
    assert len(model.coef) == len(model.mean) == len(model.scale) == len(rescorer.FEATURES)
    assert all(s > 0 for s in model.scale)
    assert 0 < model.floor < model.threshold < 1
    # The hand score is the strongest evidence: a higher one, all else equal, is more likely a repeat.
    base = list(model.mean)
    hand = rescorer.FEATURES.index("hand_score")
    low, high = base.copy(), base.copy()
    low[hand], high[hand] = 0.3, 0.9
    assert model.probability(high) > model.probability(low)


def test_weights_fitted_on_other_features_are_refused():
    data = json.loads(rescorer.WEIGHTS.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="other features"):
        rescorer.from_dict(data)


def test_a_repeat_in_the_other_language_agrees_on_quantity_and_names():
    index = ClaimIndex(CLAIMS)
    f = _features(index, 1, "Electricity prices in Norway doubled in 2021, the party said.", "en")
    assert f["cross_language"] == 1.0 and f["coverage_cross"] == f["coverage"] > 0.5
    assert f["quantity_agree"] == 1.0 and f["quantity_conflict"] == 0.0 and f["quantity_missing"] == 0.0
    assert f["entities_found"] == 1.0 and f["entity_other"] == 0.0 and f["subject_mismatch"] == 0.0
    assert f["negation_mismatch"] == 0.0 and f["hand_score"] > 0.6


def test_another_figure_another_country_and_a_negation_are_seen_apart():
    index = ClaimIndex(CLAIMS)
    figure = _features(index, 1, "Strømprisen i Norge falt med 10 prosent i 2023.", "nb")
    assert figure["cross_language"] == 0.0 and figure["quantity_conflict"] == 1.0
    assert figure["direction_mismatch"] == 1.0  # "doblet" goes up (since session 17), "falt" down
    country = _features(index, 3, "Sweden sells more salmon to Japan than Norway does.", "en")
    assert country["subject_mismatch"] == 1.0 and country["entity_other"] == 1.0
    negation = _features(index, 2, "Russia plans to invade Ukraine, an intelligence report says.", "en")
    assert negation["negation_mismatch"] == 1.0 and negation["entities_found"] == 1.0
    none = _features(index, 1, "Strømprisen i Norge ble mye høyere, sier partiet.", "nb")
    assert none["quantity_missing"] == 1.0 and none["quantity_agree"] == 0.0


def test_the_model_ranks_a_repeat_above_same_topic_claims():
    index = ClaimIndex(CLAIMS)
    model = rescorer.load()

    def probability(claim_id: int, text: str, language: str) -> float:
        found = index.match(text, language, threshold=0.0, model=model)
        return next((m.score for m in found if m.claim_id == claim_id), 0.0)

    repeat = probability(3, "Norge selger mer laks til Japan enn noe annet land.", "nb")
    assert repeat >= model.threshold
    assert probability(3, "Sweden sells more salmon to Japan than Norway does.", "en") < repeat
    assert probability(2, "Russia plans to invade Ukraine, an intelligence report says.", "en") < model.threshold


def test_production_matching_uses_the_models_threshold_unless_one_is_set():
    index = ClaimIndex(CLAIMS)
    text = "Norge selger mer laks til Japan enn noe annet land, sa ministeren."
    [found] = rescorer.match(index, text, "nb")
    assert found.claim_id == 3 and rescorer.load().threshold <= found.score < 1
    assert rescorer.match(index, text, "nb", threshold=found.score + 0.0001) == []
    assert rescorer.match(index, text, "nb", threshold=found.score - 0.0001) == [found]


def test_a_denial_a_turned_direction_and_another_country_stay_below_the_threshold():
    # Each is the claim's own words with one disagreement that the hand score cuts for; the
    # fit's weights on those features are positive (collinear with the hand score), so
    # without the same cut on the probability each came back above the threshold.
    bridges = "om lag 1 100 bruer på norske riksveier har så alvorlige skader at de må utbedres innen 2030"
    haircut = "The average price of a men's haircut in Norway was 545 kroner last year, 38 percent more than in 2015."
    claims = [LiveClaim(1, bridges.capitalize() + ".", "nb"), LiveClaim(2, haircut, "en")]
    index = ClaimIndex(claims)
    model = rescorer.load()

    def probability(claim_id: int, text: str, language: str) -> float:
        found = index.match(text, language, threshold=0.0, model=model)
        return next((m.score for m in found if m.claim_id == claim_id), 0.0)

    assert probability(1, bridges.capitalize() + ", viser rapporten.", "nb") >= model.threshold
    assert probability(1, f"Det er ikke riktig at {bridges}.", "nb") < model.threshold
    turned = "Gjennomsnittsprisen for en herreklipp i Norge var 545 kroner i fjor, 38 prosent mindre enn i 2015."
    assert probability(2, turned, "nb") < model.threshold
    features = _features(index, 2, turned, "nb")
    assert features["direction_mismatch"] == 1.0 and features["negation_mismatch"] == 0.0
