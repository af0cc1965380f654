from __future__ import annotations

import pytest

from annotations.suggest import learned_quotes

NAMES = ["Ana Ruiz", "Tom Bell", "Mary Stone", "Paul King", "Rita Katz", "John Wells"]
SCARE = ["experts", "reform", "plan", "deal", "crisis", "truth"]


def _article(i: int) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """A paragraph with a quotation said by one of two named people, and a scare quote."""
    speaker, other = NAMES[i % len(NAMES)], NAMES[(i + 3) % len(NAMES)]
    scare = SCARE[i % len(SCARE)]
    text = (
        f"{other} met the council on Monday to discuss the budget.\n\n"
        f"“We will rebuild the bridge by June and open it to everyone,” {speaker} said.\n\n"
        f"The so-called “{scare}” was debated for hours by the members.\n"
    )
    q0 = text.index("We will")
    q1 = text.index("everyone") + len("everyone")
    s0 = text.index(speaker, q1)
    return text, [(q0, q1)], [(s0, s0 + len(speaker))]


@pytest.fixture(scope="module")
def model():
    return learned_quotes.train([_article(i) for i in range(24)], folds=3)


def test_trained_filter_keeps_the_quotation_and_drops_the_scare_quote(model):
    text, spans, _ = _article(100)
    cands = model.suggest(text)
    assert [(c.start, c.end) for c in cands] == spans
    c = cands[0]
    assert c.label == "QUOTE" and c.suggester == "quote-learned"
    assert c.version == learned_quotes.VERSION and 0 <= c.score <= 1


def test_speaker_ranker_picks_the_name_that_says_it_not_the_other_one(model):
    text = (
        "Rita Katz met the council on Monday to discuss the budget.\n\n"
        "“We will rebuild the bridge by June and open it to everyone,” Tom Bell said.\n"
    )
    (c,) = model.suggest(text)
    assert c.speaker == "Tom Bell"
    assert text[c.speaker_start : c.speaker_end] == "Tom Bell"


def test_a_pronoun_speaker_is_resolved_to_the_last_named_person(model):
    text = (
        "Paul King met the council on Monday to discuss the budget.\n\n"
        "“We will rebuild the bridge by June and open it to everyone,” he said.\n"
    )
    (c,) = model.suggest(text)
    assert text[c.speaker_start : c.speaker_end] == "he"
    assert c.speaker == "Paul King"


def test_saved_model_loads_and_suggests_the_same(model, tmp_path):
    path = tmp_path / "quote.joblib"
    model.save(path)
    again = learned_quotes.load(path)
    text = _article(7)[0]
    assert again.suggest(text) == model.suggest(text)
    assert again.threshold == model.threshold and again.version == model.version


def test_load_refuses_a_file_that_is_not_a_saved_quote_model(tmp_path):
    import joblib

    path = tmp_path / "other.joblib"
    joblib.dump({"format": "something else"}, path)
    with pytest.raises(ValueError):
        learned_quotes.load(path)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "No quotation here at all.",
        "''Two apostrophes,'' said Mr. Jones. “Unclosed at the end",
        "He said: “one”\n“two” and ‘three’ — “four, five, six,” she added.\n\n“",
        "Café “naïve” — 😀 “emoji ahead of the quote,” wrote Zoë.",
    ],
)
def test_offsets_always_index_the_text(model, text):
    for c in model.suggest(text):
        assert text[c.start : c.end] == c.text
        if c.speaker_start is not None:
            assert 0 <= c.speaker_start < c.speaker_end <= len(text)


def test_trainer_takes_speaker_spans_given_as_none_or_several_ranges():
    examples = [_article(i) for i in range(12)]
    text, spans, speakers = examples[0]
    examples[0] = (text, spans, [None])
    text, spans, speakers = examples[1]
    examples[1] = (text, spans, [[speakers[0], speakers[0]]])
    model = learned_quotes.train(examples, c=1.0, c_speaker=1.0, threshold=0.5, folds=2)
    assert model.threshold == 0.5 and model.trained_on == 12
