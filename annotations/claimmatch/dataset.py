"""The claim-retrieval layout (CheckThat! 2020 task 2) and how a ranking is scored on it.

Layout under ``<data>/claim-retrieval-en/``:

- ``collection/verified_claims.docs.tsv``: the checked claims, TSV with a header
  (``<id>  vclaim  title``) and CSV quoting: fields may hold tabs and newlines, so it is read with
  a CSV parser, never line by line.
- ``<split>/tweets.queries.tsv``: ``<id>  tweet_content``, the same quoting.
- ``<split>/tweet-vclaim-pairs.qrels``: TREC qrels, ``query_id 0 claim_id 1`` a line.

The files stay outside the repository (see ../shared/data/README.md); these functions take a path.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .claims import Claim

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

FOLDER = "claim-retrieval-en"


@dataclass(frozen=True)
class Query:
    id: str
    text: str


@dataclass(frozen=True)
class ClaimRetrievalSet:
    claims: list[Claim]
    queries: list[Query]
    relevant: dict[str, set[str]]  # query id -> ids of the claims it repeats


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        next(reader, None)  # header
        return [row for row in reader if row]


def load_claims(data_dir: str | os.PathLike) -> list[Claim]:
    rows = _rows(Path(data_dir) / FOLDER / "collection" / "verified_claims.docs.tsv")
    return [Claim(id=r[0], text=r[1], title=r[2] if len(r) > 2 else "") for r in rows]


def load_claim_retrieval(data_dir: str | os.PathLike, split: str) -> ClaimRetrievalSet:
    folder = Path(data_dir) / FOLDER / split
    queries = [Query(id=r[0], text=r[1]) for r in _rows(folder / "tweets.queries.tsv")]
    relevant: dict[str, set[str]] = {}
    for line in (folder / "tweet-vclaim-pairs.qrels").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and int(parts[3]) > 0:
            relevant.setdefault(parts[0], set()).add(parts[2])
    return ClaimRetrievalSet(claims=load_claims(data_dir), queries=queries, relevant=relevant)


def average_precision_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Average precision of the first ``k`` ranked ids, as trec_eval counts it (the CheckThat!
    2020 scorer): the precision at each relevant id's rank, summed, over the number of relevant
    ids (all of them, not only those that fit in ``k``)."""
    if not relevant:
        return 0.0
    found, total = 0, 0.0
    for rank, claim_id in enumerate(ranked[:k], start=1):
        if claim_id in relevant:
            found += 1
            total += found / rank
    return total / len(relevant)


def mean_average_precision(
    rankings: Mapping[str, Sequence[str]], relevant: Mapping[str, set[str]], k: int
) -> float:
    """MAP@k over the queries that have relevant claims; a query without a ranking scores 0."""
    queries = [q for q, ids in relevant.items() if ids]
    if not queries:
        return 0.0
    return sum(average_precision_at(rankings.get(q, ()), relevant[q], k) for q in queries) / len(
        queries
    )
