"""The sentence-embedding hook: every sentence encoded once, however often it is asked for."""

from __future__ import annotations

import numpy as np

from annotations.compare import compare_documents
from annotations.compare.semantic import SentenceSimilarity


class CountingEncoder:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, texts):
        self.calls.append(len(texts))
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for n, t in enumerate(texts):
            out[n, len(t) % 8] = 1.0
        return out


def test_each_sentence_is_encoded_once_across_comparisons():
    enc = CountingEncoder()
    sim = SentenceSimilarity(enc)
    docs = [
        ("a", "The council approved the budget on Monday. The mayor praised the vote."),
        ("b", "On Monday the council passed the budget. The mayor welcomed it."),
    ]
    compare_documents(docs, similarity=sim)
    first = sim.encoded
    assert 0 < first <= 4  # sentences too short to assert anything are not asked for
    compare_documents([*docs, ("c", "The council approved the budget on Monday.")], similarity=sim)
    assert sim.encoded == first  # the third article's one sentence was already known
    m = sim(["x"], ["x", "yy"])
    assert m.shape == (1, 2) and m.min() >= 0.0 and m.max() <= 1.0
