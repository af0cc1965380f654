from __future__ import annotations

import pytest

from annotations.suggest import learned

POS = [
    "Unemployment fell to 4.1 percent in March, the lowest rate since 2001.",
    "The bill cut taxes by $1.5 trillion over ten years.",
    "More than 250 people were killed in the Easter Sunday attacks.",
    "The city spent 40 million dollars on the bridge in 2018.",
    "Exports to China doubled between 2010 and 2015.",
    "The senator voted against the budget 12 times last year.",
] * 4
NEG = [
    "Thank you all for coming tonight.",
    "Let me tell you what I think about that.",
    "I want to be a president for everyone.",
    "What a wonderful crowd we have here!",
    "We will see what happens next.",
    "That is a good question, and I appreciate it.",
] * 4


@pytest.fixture(scope="module")
def model():
    return learned.train(POS + NEG, [True] * len(POS) + [False] * len(NEG), label="CLAIM", folds=3)


def test_trained_model_suggests_claim_sentences_and_not_pleasantries(model):
    text = "Thank you all for coming tonight. Unemployment fell to 3.9 percent in May, the lowest since 2000."
    cands = model.suggest(text)
    assert [c.text for c in cands] == [
        "Unemployment fell to 3.9 percent in May, the lowest since 2000."
    ]
    c = cands[0]
    assert c.label == "CLAIM" and c.suggester == "claim-learned" and c.version == learned.VERSION
    assert text[c.start : c.end] == c.text and 0 <= c.score <= 1


def test_saved_model_loads_and_predicts_the_same(model, tmp_path):
    path = tmp_path / "claim.joblib"
    model.save(path)
    again = learned.load(path)
    sentences = POS[:3] + NEG[:3]
    assert again.predict_proba(sentences) == pytest.approx(model.predict_proba(sentences))
    assert again.threshold == model.threshold and again.version == model.version


def test_load_refuses_a_file_that_is_not_a_saved_model(tmp_path):
    import joblib

    path = tmp_path / "other.joblib"
    joblib.dump({"something": 1}, path)
    with pytest.raises(ValueError):
        learned.load(path)


def test_evaluate_scores_held_out_sentences(model):
    s = model.evaluate(POS[:6] + NEG[:6], [True] * 6 + [False] * 6)
    assert s.f1 > 0.8 and 0 <= s.macro_f1 <= 1


def test_train_needs_both_classes():
    with pytest.raises(ValueError):
        learned.train(POS, [True] * len(POS))


def test_sentence_embeddings_join_the_features_where_the_ml_extra_is_installed(tmp_path):
    if not learned.embeddings_available():
        pytest.skip("the ml extra is not installed")
    model = learned.train(
        POS + NEG,
        [True] * len(POS) + [False] * len(NEG),
        label="CLAIM",
        folds=3,
        c=1.0,
        features="tfidf+embeddings",
    )
    assert model.features == "tfidf+embeddings"
    text = "Thank you all for coming tonight. Exports fell by 12 percent in 2019."
    assert [c.text for c in model.suggest(text)] == ["Exports fell by 12 percent in 2019."]
    model.save(tmp_path / "claim.joblib")
    again = learned.load(tmp_path / "claim.joblib")
    assert again.predict_proba(POS[:2]) == pytest.approx(model.predict_proba(POS[:2]))
