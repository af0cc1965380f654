"""Figures: parsed with their qualifier, compared as ranges, flagged only where they differ."""

from __future__ import annotations

import pytest

from annotations.compare import compare_documents
from annotations.compare.figures import compatible, figures


def numbers(a: str, b: str):
    return compare_documents([("a", a), ("b", b)], kinds=["number"])


def test_the_same_value_told_differently_is_not_flagged():
    a = "The bombings in Sri Lanka on Easter Sunday killed 253 people, officials said.\n"
    b = "Officials said 253 people were killed in the Easter Sunday bombings in Sri Lanka.\n"
    assert numbers(a, b) == []
    a = "He was handed a 60-day suspension by the bureau's disciplinary office.\n"
    b = "The bureau's disciplinary office suspended him for 60 days.\n"
    assert numbers(a, b) == []


def test_a_different_qualifier_is_flagged_as_compatible():
    a = "The Sri Lanka bombers slaughtered more than 250 people in the Easter Sunday attacks.\n"
    b = "The Easter Sunday bombing in Sri Lanka killed at least 253 people.\n"
    [m] = numbers(a, b)
    assert (m.a.text, m.b.text) == ("more than 250 people", "at least 253 people")
    assert m.relation == "compatible"
    assert (m.value_a.qualifier, m.value_b.qualifier) == ("more than", "at least")
    assert m.unit == "people"


def test_a_different_number_is_flagged_as_a_conflict():
    a = "The Easter Sunday bombing in Sri Lanka killed 250 people, police said.\n"
    b = "Police said the Easter Sunday bombing in Sri Lanka killed 300 people.\n"
    [m] = numbers(a, b)
    assert m.relation == "conflict"
    assert (m.value_a.value, m.value_b.value) == (250, 300)


@pytest.mark.parametrize(
    ("text", "qualifier", "low", "high", "unit"),
    [
        ("more than 250 people", "more than", 250, None, "people"),
        ("at least 253 people", "at least", 253, None, "people"),
        ("dozens of people", "dozens", 24, 99, "people"),
        ("$3.5bn", "", 3.5e9, 3.5e9, "$"),
        ("nearly half", "nearly", 0.425, 0.5, "share"),
        ("about $60,000", "about", 54000, 66000, "$"),
    ],
)
def test_figures_carry_their_qualifier_and_range(text, qualifier, low, high, unit):
    [f] = figures(f"They counted {text} there.")
    assert f.text == text
    assert f.qualifier == qualifier
    assert f.low == pytest.approx(low) and (
        f.high == pytest.approx(high) if high else f.high is None
    )
    assert f.unit == unit


def test_dates_times_and_ranks_are_not_quantities():
    assert figures("On Nov. 8, 2016, at 5 p.m., the 27th District's No. 3 official left.") == []


def test_ranges_decide_whether_both_can_be_true():
    more, least, exact_250, exact_300 = (
        figures(t)[0] for t in ("more than 250 dead", "at least 253 dead", "250 dead", "300 dead")
    )
    assert compatible(more, least)
    assert not compatible(exact_250, exact_300)
    assert compatible(exact_250, figures("253 dead")[0])  # a round figure for 253


def test_two_polls_of_two_populations_are_not_one_figure_told_twice():
    a = (
        "Among Republican primary voters, Romney led with 21 percent, Trump had 17 percent, "
        "Gingrich garnered 11 percent and Palin earned 10 percent."
    )
    b = (
        "Among Tea Party supporters, Trump led at 20 percent, followed by Romney (17 percent), "
        "Palin (12 percent) and Gingrich (9 percent)."
    )
    assert numbers(a, b) == []
