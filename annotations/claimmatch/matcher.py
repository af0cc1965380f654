"""Rank checked claims against a new one: words, character n-grams and (when installed) meaning.

Three signals, each computed for every claim of the collection with one matrix product:

- BM25 over the claim's words (its text and, when there is one, its fact-check title);
- TF-IDF over character 4-grams of the same text, which catches what word matching misses in
  social-media text: "krystinamartelli" for "Kristyna Martelli", "#maddoxstrong" for "Maddox";
- the cosine of all-MiniLM-L6-v2 sentence embeddings (annotations.embeddings), when the optional
  extra is installed and the claims' vectors are given or can be computed.

"lexical" is the mean of the two lexical scores, BM25 over the score of a claim made of exactly
the query's words and the 4-gram cosine, both 0..1 whatever the collection. "fused" is the
cosine plus LEXICAL_WEIGHT times the same mean taken of scores relative to this query's best
claim (better on train than the absolute one). The score a Match shows is a logistic calibration
of the ranking value: on the claim-retrieval train split it reads as the chance that the claim
is the one already checked. That data always has a checked claim to find; a desk's articles
mostly do not, so the threshold for showing "already checked" belongs to the desk's decisions.

Claims whose wording is the same once case, punctuation and quotation marks are set aside are
one claim checked twice: they are ranked as one, under the earliest (by date, else the order
given), and the others are listed in ``Match.duplicates``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
from scipy import sparse

from .claims import Claim, Match, same_claim_key
from .lexical import BM25Index
from .text import clean, words

Method = Literal["auto", "lexical", "semantic", "fused"]

# Both constants were chosen on the CheckThat! 2020 claim-retrieval train split only (800
# tweets; the latest fifth by id held out while choosing) with
# benchmarks/claim_match_quality.py --fit: the weight by MAP@5 over 0.1 .. 0.8, the calibrations
# by logistic regression of "is the checked claim" on the ranking value of the top 50 candidates.
LEXICAL_WEIGHT = 0.3
CALIBRATION = {"fused": (22.0, -17.9), "lexical": (23.6, -8.4), "semantic": (28.8, -17.6)}
CHAR_NGRAMS = (4, 4)
# Words for the reason a match gives, not for ranking: all-MiniLM-L6-v2 puts paraphrases of
# one claim above 0.7 and unrelated sentences below 0.3 or so.
STRONG_COSINE = 0.7
RELATED_COSINE = 0.45


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def claim_text(claim: Claim) -> str:
    """What the lexical indexes read: the fact-check's title, then the claim."""
    return f"{claim.title} {claim.text}".strip()


def claim_vectors(claims: Sequence[Claim], *, batch_size: int = 32) -> np.ndarray:
    """The embeddings to store per claim, (n, 384) float32 unit rows (the claim's text only: its
    title did not help on train). Raises EncoderUnavailable without the extra."""
    from annotations.embeddings import get_encoder

    return get_encoder().encode([c.text for c in claims], batch_size=batch_size)


def query_vector(text: str) -> np.ndarray:
    """The embedding of a query as ``match`` compares it (cleaned of links, handles, tails)."""
    from annotations.embeddings import get_encoder

    return get_encoder().encode([clean(text)])[0]


@dataclass(frozen=True)
class Signals:
    lexical: np.ndarray  # 0..1: mean of BM25 (over its ceiling) and character 4-gram cosine
    lexical_relative: np.ndarray  # the same two, each over the best claim's for this query
    cosine: np.ndarray | None
    terms: list[str]


class ClaimIndex:
    """A collection of checked claims, indexed once, matched against many queries.

    ``vectors``: the claims' stored embeddings, (n, dimension) unit rows in the order of
    ``claims`` (``claim_vectors`` makes them). Without them the index is lexical, unless
    ``embed=True`` asks to compute them here (the extra must be installed).
    ``fold_duplicates=False`` ranks claims of the same wording separately (for measuring, and
    where each claim is its own record).

    A collection that changes a little between rebuilds is kept with ``extend`` (claims added,
    weighted by the statistics the index was built with) and ``retire`` (claims that no longer
    count: never ranked, and no longer the best a relative score is taken against).
    """

    def __init__(
        self,
        claims: Sequence[Claim],
        *,
        vectors: np.ndarray | None = None,
        embed: bool = False,
        fold_duplicates: bool = True,
    ):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.claims = list(claims)
        self._fold = fold_duplicates
        self.retired = np.zeros(len(self.claims), dtype=bool)
        texts = [clean(claim_text(c)) for c in self.claims]
        self.bm25 = BM25Index([words(t) for t in texts])
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, dtype=np.float32
        )
        # Column slices of a CSC matrix: a query touches only its own n-grams' postings.
        self.char_matrix: sparse.csc_matrix | None = (
            sparse.csc_matrix(self.chars.fit_transform(texts)) if self.claims else None
        )

        if vectors is None and embed and self.claims:
            vectors = claim_vectors(self.claims)
        if vectors is not None:
            vectors = np.asarray(vectors, dtype=np.float32)
            if vectors.shape[0] != len(self.claims):
                raise ValueError(f"{vectors.shape[0]} vectors for {len(self.claims)} claims")
        self.vectors = vectors

        self._fold_duplicates(fold_duplicates)

    def _fold_duplicates(self, fold: bool) -> None:
        n = len(self.claims)
        if not fold:
            self.canonical = np.arange(n)
            self.folded = np.zeros(0, dtype=np.int64)
            self.duplicates: dict[int, list[int]] = {}
            return
        order = sorted(range(n), key=lambda i: (self.claims[i].date or date.max, i))
        first: dict[str, int] = {}
        self.canonical = np.arange(n)
        for i in order:
            key = same_claim_key(self.claims[i].text)
            if key and fold:
                self.canonical[i] = first.setdefault(key, int(i))
        self.folded = np.flatnonzero(self.canonical != np.arange(n))
        self.duplicates = {}
        for row in self.folded:
            self.duplicates.setdefault(int(self.canonical[row]), []).append(int(row))

    @property
    def semantic(self) -> bool:
        return self.vectors is not None

    def extend(self, claims: Sequence[Claim], *, vectors: np.ndarray | None = None) -> None:
        """Append claims (with their vectors when the index has vectors), weighted by the
        statistics the index was built with: a character n-gram it has never seen does not
        count for them until the next rebuild."""
        if not claims:
            return
        if self.vectors is not None and vectors is None:
            raise ValueError("this index ranks by meaning: give the new claims' vectors")
        if self.char_matrix is None:  # nothing to take statistics from: build it anew
            old = [c for c, gone in zip(self.claims, self.retired, strict=True) if not gone]
            both = None
            if self.vectors is not None and vectors is not None:
                both = np.vstack([self.vectors[~self.retired], vectors])
            self.__init__(  # type: ignore[misc]
                [*old, *claims], vectors=both, fold_duplicates=self._fold
            )
            return
        texts = [clean(claim_text(c)) for c in claims]
        self.bm25.extend([words(t) for t in texts])
        added = sparse.csc_matrix(self.chars.transform(texts))
        self.char_matrix = sparse.vstack([self.char_matrix, added], format="csc")
        if self.vectors is not None and vectors is not None:
            vectors = np.asarray(vectors, dtype=np.float32)
            if vectors.shape[0] != len(claims):
                raise ValueError(f"{vectors.shape[0]} vectors for {len(claims)} claims")
            self.vectors = np.vstack([self.vectors, vectors])
        self.claims.extend(claims)
        self.retired = np.concatenate([self.retired, np.zeros(len(claims), dtype=bool)])
        self._fold_duplicates(self._fold)

    def retire(self, rows: Sequence[int]) -> None:
        """Claims (by position) that no longer count."""
        self.retired[np.asarray(rows, dtype=np.int64)] = True

    @property
    def live(self) -> int:
        return int(len(self.claims) - self.retired.sum())

    def __len__(self) -> int:
        return len(self.claims)

    def signals(self, query: str, *, query_vector: np.ndarray | None = None) -> Signals:
        """Every claim's lexical scores and cosine for ``query`` (duplicates not yet folded)."""
        n = len(self.claims)
        text = clean(query)
        terms = words(text)
        bm25 = self.bm25.scores(terms)
        chars = np.zeros(n, dtype=np.float32)
        q = self.chars.transform([text]) if self.char_matrix is not None else None
        if q is not None and q.nnz and self.char_matrix is not None:
            chars = np.asarray(self.char_matrix[:, q.indices] @ q.data, dtype=np.float32).ravel()
        # BM25 over the score of a claim made of exactly the query's words: 0..1 on any
        # collection (capped: a claim repeating a query word can pass it).
        ceiling = self.bm25.max_score(terms)
        bm25_abs = np.minimum(bm25 / ceiling, 1.0) if ceiling > 0 else bm25
        cosine = None
        if self.vectors is not None and n:
            if query_vector is None:
                from annotations.embeddings import get_encoder

                query_vector = get_encoder().encode([text])[0]
            cosine = self.vectors @ np.asarray(query_vector, dtype=np.float32)
        if self.retired.any():
            bm25[self.retired] = 0.0
            chars[self.retired] = 0.0
            if cosine is not None:
                cosine[self.retired] = -1.0
        return Signals(
            lexical=(bm25_abs + chars) / 2,
            lexical_relative=(_relative(bm25) + _relative(chars)) / 2,
            cosine=cosine,
            terms=terms,
        )

    def rank_values(
        self, query: str, *, method: Method = "auto", query_vector: np.ndarray | None = None
    ) -> tuple[np.ndarray, str, Signals]:
        """The value each claim is ranked by (folded duplicates at -inf), the method used and
        the signals it came from."""
        signals = self.signals(query, query_vector=query_vector)
        if method == "auto":
            method = "fused" if signals.cosine is not None else "lexical"
        values = ranking_values(signals, method)
        self.fold(values)
        values[self.retired] = -np.inf
        return values, method, signals

    def fold(self, values: np.ndarray) -> np.ndarray:
        """In place: a claim checked twice ranks once, under its earliest record, by its best
        wording's value; the others get -inf."""
        if len(self.folded):
            np.maximum.at(values, self.canonical[self.folded], values[self.folded])
            values[self.folded] = -np.inf
        return values

    def match(
        self,
        query: str,
        *,
        limit: int = 10,
        method: Method = "auto",
        query_vector: np.ndarray | None = None,
        min_score: float = 0.0,
    ) -> list[Match]:
        """The best ``limit`` claims for ``query``, best first."""
        if not self.claims or limit <= 0:
            return []
        values, used, signals = self.rank_values(query, method=method, query_vector=query_vector)
        lexical, cosine = signals.lexical, signals.cosine
        k = min(limit, len(values))
        top = np.argpartition(-values, k - 1)[:k]
        top = top[np.argsort(-values[top], kind="stable")]
        slope, offset = CALIBRATION[used]
        query_key = same_claim_key(clean(query))
        out = []
        for i in top:
            if not np.isfinite(values[i]):
                break
            score = _sigmoid(slope * float(values[i]) + offset)
            group = [int(i), *self.duplicates.get(int(i), [])]
            claim = self.claims[i]
            same = any(same_claim_key(self.claims[j].text) == query_key for j in group)
            if same:
                score = max(score, 0.99)
            if score < min_score:
                continue
            best_cos = None if cosine is None else float(max(cosine[j] for j in group))
            best_lex = float(max(lexical[j] for j in group))
            out.append(
                Match(
                    claim=claim,
                    score=round(score, 4),
                    reason=self._reason(claim, signals.terms, best_cos, same),
                    lexical=round(best_lex, 4),
                    semantic=None if best_cos is None else round(best_cos, 4),
                    rank_value=float(values[i]),
                    duplicates=tuple(self.claims[j].id for j in group[1:]),
                )
            )
        return out

    def _reason(self, claim: Claim, terms: list[str], cosine: float | None, same: bool) -> str:
        if same:
            return "same wording"
        parts = []
        if cosine is not None:
            if cosine >= STRONG_COSINE:
                closeness = "close in meaning"
            elif cosine >= RELATED_COSINE:
                closeness = "related in meaning"
            else:
                closeness = "distant in meaning"
            parts.append(f"{closeness} (cosine {cosine:.2f})")
        shared = set(words(clean(claim_text(claim)))) & set(terms)
        if shared:
            # Rarest first: those are the words that made the match.
            vocab, idf = self.bm25.vocabulary, self.bm25.idf
            ranked = sorted(shared, key=lambda w: (-idf[vocab[w]] if w in vocab else 0.0, w))
            parts.append("shares " + ", ".join(ranked[:5]))
        return "; ".join(parts) or "no shared words"


def ranking_values(signals: Signals, method: str) -> np.ndarray:
    """A fresh array of what ``method`` ranks by: the absolute lexical score, the cosine, or
    the cosine plus LEXICAL_WEIGHT times the lexical score relative to this query's best (which
    did better on train than the absolute one: 0.914 against 0.905 MAP@5)."""
    if method == "lexical":
        return signals.lexical.copy()
    if signals.cosine is None:
        raise ValueError(f"method {method!r} needs the claims' vectors")
    if method == "semantic":
        return signals.cosine.copy()
    if method == "fused":
        return signals.cosine + LEXICAL_WEIGHT * signals.lexical_relative
    raise ValueError(f"unknown method {method!r}")


def _relative(scores: np.ndarray) -> np.ndarray:
    best = float(scores.max()) if scores.size else 0.0
    return scores / best if best > 0 else np.zeros_like(scores)
