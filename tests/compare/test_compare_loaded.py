"""Loaded wording on hand-made pairs: the lexicon's forms, the shortest counterpart, no contrast."""

from __future__ import annotations

from annotations.compare import compare_documents
from annotations.compare.lexicon import TERMS, terms_in


def loaded(a: str, b: str):
    return compare_documents([("a", a), ("b", b)], kinds=["loaded"], thresholds={"loaded": 0})


def test_a_term_matches_its_inflections_and_hyphenation():
    lemmas = [t.lemma for t in terms_in("Critics slammed the so-called reform; she lashed out.")]
    assert lemmas == ["slam", "so-called", "lash out"]
    assert len({t.lemma for t in TERMS}) > 300


def test_a_verb_of_attack_meets_the_word_in_its_place():
    [m] = loaded(
        "Senator Smith slammed the budget plan on Tuesday.",
        "Senator Smith criticized the budget plan on Tuesday.",
    )
    assert (m.a.text, m.b.text, m.a.doc) == ("slammed", "criticized", "a")


def test_a_modifier_takes_its_noun_and_the_other_side_is_the_bare_noun():
    [m] = loaded(
        "The lawmaker abruptly resigned from Congress on Friday.",
        "The lawmaker resigned from Congress on Friday.",
    )
    assert (m.a.text, m.b.text) == ("abruptly resigned", "resigned")


def test_the_same_term_on_both_sides_is_no_contrast_and_quotes_are_not_the_outlet():
    assert loaded("Rebels fought in occupied Kashmir.", "Rebels clashed in occupied Kashmir.") == []
    quoted = 'He said the "regime in Damascus" must go.'
    assert loaded(quoted, "He said the government in Damascus must go.") == []


def test_a_lower_case_term_inside_a_name_is_the_name():
    found = loaded(
        "The jihadists claimed the attack.", "The militant Islamic State said it was behind it."
    )
    assert all(m.b.text != "State" for m in found)
    assert any(m.a.text == "jihadists" and m.b.text == "militant" for m in found)
