"""BM25 over a fixed collection, as one sparse matrix product per query.

rank-bm25 (PyPI) scores a query with a Python loop over every document for every query word,
about a second per query at 100,000 claims; here the collection's BM25 weights are computed once
into a sparse document-term matrix, and a query is that matrix times the query's word counts
(milliseconds). scipy is already a dependency of the learned suggesters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse


class BM25Index:
    """Okapi BM25 (Lucene's non-negative idf) over documents given as lists of terms."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        for row, terms in enumerate(documents):
            tf: dict[int, int] = {}
            for term in terms:
                col = self.vocabulary.setdefault(term, len(self.vocabulary))
                tf[col] = tf.get(col, 0) + 1
            rows.extend([row] * len(tf))
            cols.extend(tf.keys())
            counts.extend(tf.values())
        n = len(documents)
        shape = (n, max(len(self.vocabulary), 1))
        row_ids = np.asarray(rows, dtype=np.int64)
        col_ids = np.asarray(cols, dtype=np.int64)
        tf_values = np.asarray(counts, dtype=np.float32)
        lengths = np.asarray([len(d) for d in documents], dtype=np.float32)
        avg = float(lengths.mean()) if n and lengths.sum() else 1.0
        self.average_length = avg
        df = np.bincount(col_ids, minlength=shape[1]).astype(np.float32)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        # Each (document, term) pair's weight: idf * tf (k1 + 1) / (tf + k1 (1 - b + b len/avg)).
        norm = (k1 * (1.0 - b + b * lengths / avg)).astype(np.float32)
        weights = self.idf[col_ids] * tf_values * np.float32(k1 + 1.0) / (tf_values + norm[row_ids])
        self.weights = sparse.csr_matrix((weights, (row_ids, col_ids)), shape=shape)
        self.size = n

    def extend(self, documents: Sequence[Sequence[str]]) -> None:
        """Append documents, weighted by the statistics the index was built with (its idf and
        average length; a word it has never seen gets the idf of its count among the new ones):
        what a few additions between rebuilds need, without reading the collection again."""
        if not documents:
            return
        n = self.size + len(documents)
        self.idf = self.idf[: len(self.vocabulary)]  # an empty index keeps one unused column
        fresh: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        for row, terms in enumerate(documents):
            tf: dict[int, int] = {}
            for term in terms:
                col = self.vocabulary.get(term)
                if col is None:
                    col = self.vocabulary[term] = len(self.vocabulary)
                    fresh[term] = 0
                tf[col] = tf.get(col, 0) + 1
            for term in set(terms) & fresh.keys():
                fresh[term] += 1
            rows.extend([row] * len(tf))
            cols.extend(tf.keys())
            counts.extend(tf.values())
        if fresh:
            df = np.asarray(list(fresh.values()), dtype=np.float32)
            self.idf = np.concatenate(
                [self.idf, np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)]
            )
        width = max(len(self.vocabulary), 1)
        row_ids = np.asarray(rows, dtype=np.int64)
        col_ids = np.asarray(cols, dtype=np.int64)
        tf_values = np.asarray(counts, dtype=np.float32)
        lengths = np.asarray([len(d) for d in documents], dtype=np.float32)
        norm = (self.k1 * (1.0 - self.b + self.b * lengths / self.average_length)).astype(
            np.float32
        )
        weights = (
            self.idf[col_ids] * tf_values * np.float32(self.k1 + 1.0) / (tf_values + norm[row_ids])
        )
        added = sparse.csr_matrix((weights, (row_ids, col_ids)), shape=(len(documents), width))
        old = self.weights
        if old.shape[1] < width:
            old = sparse.csr_matrix(
                (old.data, old.indices, old.indptr), shape=(old.shape[0], width)
            )
        self.weights = sparse.vstack([old, added], format="csr")
        self.size = n

    def query_vector(self, terms: Iterable[str]) -> np.ndarray:
        q = np.zeros(self.weights.shape[1], dtype=np.float32)
        for term in terms:
            col = self.vocabulary.get(term)
            if col is not None:
                q[col] += 1.0
        return q

    def scores(self, terms: Iterable[str]) -> np.ndarray:
        """BM25 score of every document for the query's terms (0 where none is shared)."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        return np.asarray(self.weights @ self.query_vector(terms), dtype=np.float32).ravel()

    def max_score(self, terms: Iterable[str]) -> float:
        """The score of a document holding each query term once, at average length: a ceiling
        that puts a score on a 0..1 scale whatever the rest of the collection scores. A term no
        document has counts at the highest idf, so that missing words lower the ratio."""
        unseen = float(np.log1p((self.size + 0.5) / 0.5))
        return float(
            sum(
                self.idf[self.vocabulary[t]] if t in self.vocabulary else unseen for t in set(terms)
            )
        )
