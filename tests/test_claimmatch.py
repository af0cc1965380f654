"""Claim matching (annotations.claimmatch): pure, no database. The embedding tests skip without
the ml extra; the lexical ones always run."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from annotations import embeddings
from annotations.claimmatch import Claim, ClaimIndex, same_claim_key
from annotations.claimmatch.dataset import (
    average_precision_at,
    load_claim_retrieval,
    mean_average_precision,
)
from annotations.claimmatch.text import clean, words

ROOT = Path(__file__).resolve().parents[1]
needs_model = pytest.mark.skipif(
    not embeddings.available(), reason="the ml extra is not installed (make install-ml)"
)

# The seed articles' Sri Lanka toll, and checked claims of the same story that are not it.
TOLL = Claim(
    id="toll", text="At least 253 people were killed in the Easter Sunday bombings in Sri Lanka."
)
DESK = [
    Claim(id="province", text="Isis has claimed a province in India for the first time."),
    Claim(id="kashmir", text="Isis established a group in Jammu and Kashmir in 2016."),
    Claim(
        id="sofi", text="Ishfaq Ahmad Sofi was killed in clashes with Indian soldiers on Friday."
    ),
    TOLL,
    Claim(id="trained", text="Some of the Sri Lanka bombers were trained in Kashmir."),
    Claim(id="churches", text="Churches in Colombo reopened a month after the attacks."),
]
REWORDED = "more than 250 died in the Sri Lanka Easter attacks"


def test_a_reworded_claim_ranks_its_checked_claim_first_on_words_alone(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(  # as on a site without the ml extra
        importlib.util,
        "find_spec",
        lambda name, *a, **k: None if name == "tokenizers" else real_find_spec(name, *a, **k),
    )
    assert not embeddings.available()
    matches = ClaimIndex(DESK).match(REWORDED, limit=3)
    best = matches[0]
    assert best.claim.id == "toll"
    assert best.semantic is None
    assert 0.0 <= matches[-1].score <= best.score <= 1.0
    assert "sri" in best.reason and "easter" in best.reason


@needs_model
def test_a_reworded_claim_ranks_its_checked_claim_first_with_embeddings():
    index = ClaimIndex(DESK, embed=True)
    matches = index.match(REWORDED, limit=len(DESK))
    assert matches[0].claim.id == "toll"
    assert matches[0].semantic > 0.6
    assert matches[0].score > 0.5 > matches[1].score
    assert "meaning" in matches[0].reason
    # The same wording, whatever the case and punctuation, is recognised as such.
    same = index.match(TOLL.text.upper().rstrip("."), limit=1)[0]
    assert (same.claim.id, same.reason) == ("toll", "same wording")
    assert same.score >= 0.99


def test_stored_vectors_are_used_as_given_and_must_fit_the_claims():
    vectors = np.eye(len(DESK), embeddings.DIMENSION, dtype=np.float32)
    index = ClaimIndex(DESK, vectors=vectors)
    query = vectors[DESK.index(TOLL)]
    assert index.match("nothing in common", method="semantic", query_vector=query)[0].claim == TOLL
    with pytest.raises(ValueError):
        ClaimIndex(DESK, vectors=vectors[:2])
    with pytest.raises(ValueError):
        ClaimIndex(DESK).match(REWORDED, method="fused")


def test_claims_of_the_same_wording_rank_once_under_the_earliest():
    later = Claim(
        id="again", text=TOLL.text.replace("bombings", "BOMBINGS!"), date=date(2019, 5, 1)
    )
    earlier = Claim(id="first", text=TOLL.text, date=date(2019, 4, 22))
    index = ClaimIndex([*DESK[:3], later, earlier])
    best = index.match(REWORDED, limit=2)[0]
    assert (best.claim.id, best.duplicates) == ("first", ("again",))
    assert all(m.claim.id != "again" for m in index.match(REWORDED, limit=5))
    apart = ClaimIndex([*DESK[:3], later, earlier], fold_duplicates=False).match(REWORDED, limit=2)
    assert {m.claim.id for m in apart} == {"first", "again"}


def test_an_empty_collection_or_a_zero_limit_match_nothing():
    assert ClaimIndex([]).match(REWORDED) == []
    assert ClaimIndex(DESK).match(REWORDED, limit=0) == []
    assert len(ClaimIndex(DESK).match(REWORDED, limit=100)) == len(DESK)


def test_tweets_are_cleaned_of_links_handles_and_their_signature_but_keep_the_author():
    tweet = (
        "More than 250 died #SriLankaAttacks https://t.co/AbC123 pic.twitter.com/xYz "
        "— Rita Katz (@Rita_Katz) April 23, 2019"
    )
    assert clean(tweet) == "More than 250 died Sri Lanka Attacks — Rita Katz"
    assert same_claim_key("A “large” claim!") == same_claim_key("a 'large' CLAIM")
    assert words("The bombings' toll: 253 people") == ["bombing", "toll", "253", "people"]


def test_average_precision_counts_as_the_checkthat_scorer():
    # Query a: its one relevant claim second -> 1/2. Query b: two relevant, found at ranks 1
    # and 3 -> (1/1 + 2/3) / 2. Query c: nothing ranked -> 0.
    rankings = {"a": ["y", "x", "z"], "b": ["p", "r", "q"]}
    relevant = {"a": {"x"}, "b": {"p", "q"}, "c": {"w"}}
    assert average_precision_at(rankings["a"], relevant["a"], 5) == pytest.approx(0.5)
    assert average_precision_at(rankings["b"], relevant["b"], 5) == pytest.approx(5 / 6)
    assert average_precision_at(rankings["b"], relevant["b"], 1) == pytest.approx(0.5)
    assert average_precision_at(rankings["a"], relevant["a"], 1) == 0.0
    assert mean_average_precision(rankings, relevant, 5) == pytest.approx((0.5 + 5 / 6) / 3)
    assert mean_average_precision(rankings, relevant, 1) == pytest.approx(0.5 / 3)


def _write_layout(root: Path) -> None:
    folder = root / "claim-retrieval-en"
    (folder / "collection").mkdir(parents=True)
    (folder / "mini").mkdir()
    # CSV quoting with a tab and a newline inside a field, as the published collection has.
    (folder / "collection" / "verified_claims.docs.tsv").write_text(
        "\tvclaim\ttitle\n"
        f'0\t"{TOLL.text}"\tSri Lanka toll\n'
        '1\t"Isis claimed\ta ""province"" in India\nfor the first time."\tIsis province\n'
        "2\tThe Eiffel Tower was sold twice.\tEiffel\n",
        encoding="utf-8",
    )
    (folder / "mini" / "tweets.queries.tsv").write_text(
        "\ttweet_content\n"
        f"7\t{REWORDED} — Desk (@desk) April 23, 2019\n"
        "8\tEiffel Tower sold, twice! https://t.co/x\n",
        encoding="utf-8",
    )
    (folder / "mini" / "tweet-vclaim-pairs.qrels").write_text("7\t0\t0\t1\n8\t0\t2\t1\n")


def test_the_claim_retrieval_layout_is_read_with_a_csv_parser(tmp_path):
    _write_layout(tmp_path)
    ds = load_claim_retrieval(tmp_path, "mini")
    assert [c.id for c in ds.claims] == ["0", "1", "2"]
    assert ds.claims[1].text == 'Isis claimed\ta "province" in India\nfor the first time.'
    assert ds.claims[1].title == "Isis province"
    assert [q.id for q in ds.queries] == ["7", "8"]
    assert ds.relevant == {"7": {"0"}, "8": {"2"}}


def test_the_quality_benchmark_runs_on_any_directory_laid_out_the_same_way(tmp_path):
    _write_layout(tmp_path)
    run = subprocess.run(
        [
            sys.executable,
            "benchmarks/claim_match_quality.py",
            "--data",
            str(tmp_path),
            "--split",
            "mini",
            "--no-embeddings",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "split mini: 2 queries, 3 verified claims" in run.stdout
    lexical = next(line for line in run.stdout.splitlines() if line.startswith("lexical"))
    assert re.findall(r"\b\d\.\d{3}\b", lexical)[:2] == ["1.000", "1.000"]  # MAP@5, MAP@1
