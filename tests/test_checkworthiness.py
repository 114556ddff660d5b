"""The check-worthiness model: features, the labelled set, training round trip, versions, command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from claims.intake import checkworthiness as cw
from claims.intake.features import features


def test_features_name_the_signals():
    f = features("Arbeidsledigheten falt til 3,4 prosent i august, ifølge SSB.", "nb")
    assert f["f:number"] == 1.0 and f["f:percent"] == 1.0 and f["f:according_to"] == 1.0
    assert f["f:trend"] >= 1 and f["f:speech_and_quantity"] == 1.0
    assert "w:<num>" in f and "w:arbeidsledigheten" in f
    clock = features("Pressekonferansen starter kl. 14.", "nb")
    assert clock["f:clock"] == 1.0 and clock["f:only_incidental_number"] == 1.0
    opinion = features("I think 6 dollars for a coffee is outrageous.", "en")
    assert opinion["f:opinion"] >= 1 and opinion["f:first_person"] >= 1 and opinion["f:quantity_and_evaluative"] == 1.0
    assert features("Is this the best they can do?", "en")["f:question"] == 1.0
    assert features("Foto: NTB", "nb")["f:label_colon"] == 1.0


def test_labelled_set_is_large_balanced_and_split():
    examples = cw.load_examples()
    assert len(examples) >= 800
    nb = sum(1 for e in examples if e.language == "nb")
    assert 0.4 <= nb / len(examples) <= 0.6
    assert {e.label for e in examples} == {0, 1}
    test = [e for e in examples if e.split == "test"]
    assert 0.28 <= len(test) / len(examples) <= 0.32
    kinds = {e.hard for e in examples if e.hard}
    assert kinds == {"opnum", "numnc", "attop", "hedge", "attfact", "nodigit"}
    assert all(e.label == 0 for e in examples if e.hard in {"opnum", "numnc", "attop", "hedge"})
    assert len({e.id for e in examples}) == len(examples)


def _small_training_set() -> list[cw.Example]:
    return [e for e in cw.load_examples() if e.split == "train"][:240]


def test_round_trip_train_save_load_gives_the_same_scores(tmp_path):
    examples = _small_training_set()
    model = cw.train(examples, version=7, c=1.0)
    path = model.save(tmp_path / "m.json")
    loaded = cw.Model.load(path)
    assert loaded.version == 7 and loaded.threshold == pytest.approx(model.threshold, abs=1e-6)
    sentences = [(e.text, e.language) for e in cw.load_examples()[-40:]]
    for text, lang in sentences:
        assert loaded.score(text, lang) == pytest.approx(model.score(text, lang), abs=1e-5)
    # …and the same as scikit-learn's own predict_proba for the fitted estimator.
    rows = cw._vectorize([(e.text, e.language) for e in examples])
    vocabulary = cw._vocabulary(rows)
    vectorizer, classifier = cw._fit(
        [{k: v for k, v in r.items() if k in vocabulary} for r in rows], [e.label for e in examples], 1.0
    )
    expected = classifier.predict_proba(vectorizer.transform(cw._vectorize(sentences, vocabulary)))[:, 1]
    for (text, lang), p in zip(sentences, expected, strict=True):
        assert loaded.score(text, lang) == pytest.approx(float(p), abs=1e-4)
    assert json.loads(path.read_text())["meta"]["examples"] == len(examples)


def test_model_file_refuses_an_unknown_format(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": 99, "version": 1, "weights": {}, "intercept": 0, "threshold": 0.5}))
    with pytest.raises(ValueError, match="format"):
        cw.Model.load(path)


def test_training_needs_both_labels():
    with pytest.raises(ValueError):
        cw.train([e for e in _small_training_set() if e.label == 1], c=1.0)


def test_best_f1_threshold():
    cut = cw.best_f1_threshold([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1])
    assert 0.3 < cut < 0.8


def test_shipped_model_meets_the_held_out_target():
    model = cw.Model.load(cw.SHIPPED_MODEL)
    from sklearn.metrics import roc_auc_score

    held_out = [e for e in cw.load_examples() if e.split == "test"]
    auc = roc_auc_score([e.label for e in held_out], [model.score(e.text, e.language) for e in held_out])
    assert auc >= 0.85
    hard = [e for e in held_out if e.hard]
    assert roc_auc_score([e.label for e in hard], [model.score(e.text, e.language) for e in hard]) >= 0.8
    assert model.meta["examples"] == sum(1 for e in cw.load_examples() if e.split == "train")


def test_explain_lists_the_strongest_features():
    model = cw.Model.load(cw.SHIPPED_MODEL)
    parts = model.explain("Arbeidsledigheten falt til 3,4 prosent i august.", "nb")
    assert parts and all(isinstance(n, str) for n, _v in parts)


@pytest.mark.django_db
def test_train_command_writes_the_next_version_with_desk_decisions(tmp_path, reviewer):
    from claims.models import CandidateClaim
    from tests.factories import ArticleFactory

    article = ArticleFactory(text="x")
    CandidateClaim.objects.create(
        article=article,
        start=0,
        end=1,
        text="Ferjeprisene økte med 40 prosent i fjor.",
        score=0.9,
        language="nb",
        status="accepted",
    )
    CandidateClaim.objects.create(
        article=article, start=2, end=3, text="Ferjen er fin å reise med.", score=0.6, language="nb", status="dismissed"
    )
    CandidateClaim.objects.create(article=article, start=4, end=5, text="Undecided.", score=0.6, language="en")
    with override_settings(CHECKWORTHINESS_MODEL_DIR=str(tmp_path), CHECKWORTHINESS_MODEL=""):  # the directory decides
        out = StringIO()
        call_command("train_checkworthiness", "--c", "1.0", stdout=out)
        assert "Model v2" in out.getvalue() and "2 desk examples" in out.getvalue()
        assert cw.model_path() == tmp_path / "checkworthiness-v2.json"
        assert cw.current_model().version == 2
        assert cw.current_model().meta["from_desk"] == 2
        call_command("train_checkworthiness", "--c", "1.0", "--no-desk", stdout=StringIO())
        assert [v for v, _p in cw.versioned_models(tmp_path)] == [2, 3]
        assert cw.current_model().meta["from_desk"] == 0


def test_threshold_setting_overrides_the_model():
    with override_settings(CHECKWORTHINESS_THRESHOLD=0.8):
        assert cw.threshold() == 0.8
    with override_settings(CHECKWORTHINESS_THRESHOLD=None, CHECKWORTHINESS_MODEL=str(cw.SHIPPED_MODEL)):
        assert cw.threshold() == pytest.approx(cw.Model.load(cw.SHIPPED_MODEL).threshold)
