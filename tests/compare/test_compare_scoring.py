"""The benchmark's scorer follows the cross-outlet README's counting rules."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from _compare_scoring import figures, score_group

TEXT_A = "He said: “we will not agree to any of it,” and left. Other words follow here."
TEXT_B = "“We will not agree to any of it,” he said. Entirely different words stand here."


def span(doc, start, end):
    return {"doc": doc, "start": start, "end": end}


GROUP = {
    "quote_pairs": [
        {
            "a": span("a", 10, 40),
            "b": span("b", 1, 31),
            "wording": "identical",
            "substantive": False,
            "differences": [],
        }
    ],
    "claim_pairs": [],
    "numeric_pairs": [],
    "numeric_same": [],
    "numeric_ignore": [],
    "loaded_pairs": [],
    "negatives": [{"type": "quote", "span": span("a", 52, 63)}],
    "ignore": [],
}


def quote(a, b, **extra):
    return {"type": "quote", "a": a, "b": b, **extra}


def test_matches_duplicates_and_judged_errors_are_counted_apart():
    preds = [
        quote(span("b", 1, 31), span("a", 10, 40), wording="identical", differences=[]),
        quote(span("a", 10, 30), span("b", 1, 20)),  # the same gold pair again: a duplicate
        quote(span("a", 52, 75), span("b", 43, 75)),  # on a negative: a judged error
        quote(span("a", 0, 2), span("b", 0, 2)),  # under four words: dropped
    ]
    c = score_group(GROUP, {"a": TEXT_A, "b": TEXT_B}, preds)["quote"]
    assert (c.matched, c.duplicates, c.judged_errors, c.dropped_short) == (1, 1, 1, 1)
    f = figures(c)
    assert f["recall"] == 1.0
    assert f["precision"] == 0.5  # matched / (matched + judged errors)
    assert f["precision_strict"] == 0.5  # matched / (kept - duplicates)
    assert f["negatives_respected"] == 0.0
    assert f["wording_accuracy"] == 1.0
