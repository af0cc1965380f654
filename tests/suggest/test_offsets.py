from __future__ import annotations

import pytest

from annotations.suggest import Candidate, suggest_spans
from annotations.suggest.candidates import make

PREFIXES = [
    "😀👍🏽 Emoji first. ",
    "北京市政府周一宣布了新的规定。 ",
    "Cafe\u0301 owners met. Ame\u0301lie spoke. ",
    "مرحبا بالعالم. שלום עולם. ",
    "👨‍👩‍👧 family 🇮🇳 flag. ",
]
BODY = (
    "Spokeswoman Rita Katz said: “The establishment of a ‘province’ is absurd, but it should not be written off.”\n\n"
    "IS has stepped up raids, including the Easter Sunday bombing in Sri Lanka that killed at least 253 people.\n\n"
    "The statement appears to be designed to bolster its standing as the death cult seeks to exploit tensions."
)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_candidate_text_is_the_slice_of_the_text_after_emoji_cjk_combining_and_rtl(prefix):
    text = prefix + BODY
    cands = suggest_spans(text)
    assert {c.label for c in cands} == {"CLAIM", "QUOTE", "OPINION"}
    for c in cands:
        assert text[c.start : c.end] == c.text
        if c.speaker_start is not None:
            assert 0 <= c.speaker_start < c.speaker_end <= len(text)


def test_suggestions_are_sorted_by_start():
    cands = suggest_spans(BODY)
    assert [c.start for c in cands] == sorted(c.start for c in cands)


def test_candidate_refuses_text_that_does_not_match_its_range():
    with pytest.raises(ValueError):
        Candidate("QUOTE", 0, 3, "ab", 0.5, "r", "s", "1")
    with pytest.raises(ValueError):
        Candidate("OTHER", 0, 2, "ab", 0.5, "r", "s", "1")


def test_to_dict_carries_every_field():
    c = make("hello world", "CLAIM", 0, 5, score=0.7, reason="why", suggester="x", version="1")
    d = c.to_dict()
    assert d["text"] == "hello" and d["label"] == "CLAIM" and d["score"] == 0.7
    assert set(d) >= {
        "start",
        "end",
        "reason",
        "suggester",
        "version",
        "speaker",
        "speaker_start",
        "speaker_end",
    }


def test_empty_and_markless_text_give_no_quotes():
    assert suggest_spans("") == []
    assert [c for c in suggest_spans("Nothing quoted here at all.") if c.label == "QUOTE"] == []
