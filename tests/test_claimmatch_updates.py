"""A claim index kept between rebuilds: claims appended with the statistics it was built with,
claims retired so that they are never ranked nor the best a relative score is taken against."""

from __future__ import annotations

import numpy as np

from annotations.claimmatch import Claim, ClaimIndex

CLAIMS = [
    Claim("a", "More than 250 people were killed in the Easter bombings in Sri Lanka"),
    Claim("b", "India and Pakistan have fought two wars over Kashmir"),
    Claim("c", "The vaccine contains a microchip"),
    Claim("d", "The minister said unemployment fell to four percent"),
]
QUERY = "Bombings in Sri Lanka on Easter Sunday killed at least 253 people"


def unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, 8)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_an_appended_claim_ranks_as_in_an_index_built_with_it():
    built = ClaimIndex(CLAIMS, fold_duplicates=False)
    grown = ClaimIndex(CLAIMS[1:], fold_duplicates=False)
    grown.extend([CLAIMS[0]])
    assert next(m.claim.id for m in grown.match(QUERY, limit=2)) == "a"
    fresh = built.match(QUERY, limit=1)[0]
    appended = grown.match(QUERY, limit=1)[0]
    # Statistics of three claims instead of four: near, not equal.
    assert abs(fresh.lexical - appended.lexical) < 0.2
    assert len(grown) == 4 and grown.live == 4


def test_words_the_index_never_saw_count_for_appended_claims():
    index = ClaimIndex(CLAIMS[1:], fold_duplicates=False)
    index.extend([Claim("z", "Zanzibar zebras zigzag")])
    [match] = index.match("zebras of Zanzibar", limit=1)
    assert match.claim.id == "z" and "zebra" in match.reason


def test_a_retired_claim_is_never_ranked():
    index = ClaimIndex(CLAIMS, fold_duplicates=False)
    index.retire([0])
    assert "a" not in [m.claim.id for m in index.match(QUERY, limit=4)]
    assert index.live == 3


def test_vectors_go_with_the_claims_appended():
    index = ClaimIndex(CLAIMS[:2], vectors=unit(2, 1), fold_duplicates=False)
    index.extend(CLAIMS[2:], vectors=unit(2, 2))
    assert index.vectors.shape == (4, 8)
    query = index.vectors[3]
    assert (
        index.match("anything", query_vector=query, limit=1, method="semantic")[0].claim.id == "d"
    )


def test_an_empty_index_is_built_anew_when_claims_arrive():
    index = ClaimIndex([], fold_duplicates=False)
    index.extend(CLAIMS)
    assert index.match(QUERY, limit=1)[0].claim.id == "a"
