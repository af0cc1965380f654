"""The seed story: what the comparison must find in the two outlets' reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from annotations.compare import compare_documents

ROOT = Path(__file__).resolve().parents[2]

SEED_A = "000_0518e4dda0034b30.txt"  # "India-controlled", "more than 250", "jihadists", "Isil"
SEED_B = "001_fdfc81645854e446.txt"  # "occupied", "at least 253", "militants", "IS"


def matches(seeds, kind):
    docs = [(SEED_A, seeds[SEED_A]), (SEED_B, seeds[SEED_B])]
    return [m for m in compare_documents(docs) if m.kind == kind]


def test_the_rita_katz_quote_differs_by_exactly_two_words(seeds):
    katz = [m for m in matches(seeds, "quote") if "roll its eyes" in m.a.text]
    assert len(katz) == 1
    m = katz[0]
    assert m.speaker == "Rita Katz"
    assert (m.speaker_a, m.speaker_b) == ("Spokeswoman Rita Katz", "Rita Katz")
    assert m.wording == "differs"
    assert [(d.a, d.b) for d in m.differences] == [("jihadists", "militants"), ("Isil", "IS")]
    first = [m for m in matches(seeds, "quote") if "establishment of a" in m.a.text]
    assert len(first) == 1 and first[0].wording == "identical"


def test_the_death_toll_is_a_compatible_difference(seeds):
    tolls = [m for m in matches(seeds, "number") if "250" in m.a.text]
    assert len(tolls) == 1
    m = tolls[0]
    assert "more than 250" in m.a.text and "at least 253" in m.b.text
    assert m.relation == "compatible"


def test_occupied_kashmir_is_loaded_against_the_neutral_name(seeds):
    kashmir = [m for m in matches(seeds, "loaded") if m.a.text == "occupied Kashmir"]
    assert kashmir, "occupied Kashmir not found"
    m = kashmir[0]
    assert m.a.doc == SEED_B and m.b.doc == SEED_A
    assert m.b.text in (
        "India-controlled Kashmir",
        "India-administered Kashmir",
        "India-administrated Kashmir",
    )


def test_every_side_is_its_documents_text_and_every_score_in_range(seeds):
    texts = {SEED_A: seeds[SEED_A], SEED_B: seeds[SEED_B]}
    found = compare_documents(list(texts.items()))
    assert {m.kind for m in found} == {"quote", "claim", "number", "loaded"}
    for m in found:
        for side in (m.a, m.b):
            assert texts[side.doc][side.start : side.end] == side.text
        assert 0 <= m.score <= 1 and m.reason
        d = m.to_dict()
        assert d["kind"] == m.kind and d["a"]["text"] == m.a.text


def test_the_seed_labels_meet_their_neutral_names(seeds):
    found = matches(seeds, "loaded")
    fighters = [m for m in found if m.a.text == "Freedom fighters"]
    assert fighters and fighters[0].a.doc == SEED_B
    assert fighters[0].b.text == "militants"  # not "fighters", its own head noun
    cult = [m for m in found if m.a.text == "death cult"]
    assert cult and cult[0].a.doc == SEED_A
    assert cult[0].b.text == "group"


def test_a_comparison_reads_the_same_in_every_worker_process():
    # Two claims whose shared words weigh alike: the words they are shown by must not follow a
    # process's string hashing, or each run of the story's comparison rewrites its reasons.
    script = (
        "from annotations.compare import compare_documents\n"
        "docs = [('a', 'Dr. Okafor told reporters: \"Exports will fall by 22 percent by 2034.\"'),"
        " ('b', 'Maria Chen told reporters: \"Exports will fall by 33 percent by 2034.\"')]\n"
        "print([m.reason for m in compare_documents(docs, kinds=['claim'])])\n"
    )
    seen = set()
    for seed in ("1", "2", "3", "4", "5"):
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        seen.add(done.stdout)
    assert len(seen) == 1, seen
    assert "shared:" in seen.pop()
