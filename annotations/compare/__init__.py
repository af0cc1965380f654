"""Cross-outlet comparison: pure texts in, matches across articles out. No Django here.

    from annotations.compare import compare_documents
    for m in compare_documents([("fox", text_a), ("nyt", text_b)]):
        m.kind, m.a, m.b, m.score, m.reason, m.to_dict()

Four kinds of match between two articles of one story: the same ``quote`` (with its speaker on
each side, whether the wording is identical and the words that differ), the same ``claim`` in
other words, the same quantity told with a different ``number`` or qualifier (and whether both
can be true), and one outlet's ``loaded`` term where another names the thing neutrally (``a`` is
the loaded side). Offsets are code points into the texts given, end exclusive.

Claim similarity is lexical (TF-IDF over stems, names and numbers); a sentence-embedding
similarity can be plugged in with ``similarity=``: a function taking two lists of sentences and
returning their similarity matrix (values in [0, 1]), blended with the lexical score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

from annotations.suggest.people import People

from .claims import Similarity, match_claims, sentence_units
from .lexicon import Term
from .loaded import match_loaded
from .matches import (
    KINDS,
    ClaimMatch,
    Difference,
    LoadedMatch,
    Match,
    NumberMatch,
    QuoteMatch,
    Side,
    Value,
)
from .numbers import match_numbers, mentions
from .quotes import match_quotes, quotations
from .text import Document, Idf

__all__ = [
    "DEFAULT_THRESHOLDS",
    "KINDS",
    "SEMANTIC_THRESHOLDS",
    "VERSION",
    "ClaimMatch",
    "Difference",
    "LoadedMatch",
    "Match",
    "NumberMatch",
    "QuoteMatch",
    "Side",
    "Similarity",
    "Value",
    "compare_documents",
]

# Stored with every match the product keeps: a change to what the matchers find or how they
# score it gets a new version.
VERSION = "1"

# The lowest score each kind reports, chosen on the development events by leave-one-event-out
# (benchmarks/compare_quality.py and compare_tune.py print how the choice does on events held
# out of it).
DEFAULT_THRESHOLDS: dict[str, float] = {
    "quote": 0.0,  # the quote matcher's own rules decide (4+ aligned words, half the shorter)
    "claim": 0.22,
    "number": 0.22,
    "loaded": 0.36,
}
# With a sentence-embedding ``similarity``: claim scores blend in the embedding's cosine, which
# runs higher than the lexical one.
SEMANTIC_THRESHOLDS: dict[str, float] = {**DEFAULT_THRESHOLDS, "claim": 0.42}


def compare_documents(
    documents: Iterable[tuple[str, str]],
    *,
    similarity: Similarity | None = None,
    thresholds: Mapping[str, float] | None = None,
    kinds: Iterable[str] = KINDS,
    loaded_terms: Sequence[Term] | None = None,
) -> list[Match]:
    """Matches between every two of ``documents`` (``(doc_id, text)`` pairs, two or more).

    Within a pair, ``a`` is the document given first (for ``loaded``, the loaded side).
    ``loaded_terms`` replaces the loaded-wording lexicon (``lexicon.TERMS``).
    Sorted by kind, then document pair, then position.
    """
    docs = [Document(doc_id, text) for doc_id, text in documents]
    if len({d.doc_id for d in docs}) != len(docs):
        raise ValueError("document ids must be unique")
    wanted = set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds: {sorted(unknown)}")
    shipped = DEFAULT_THRESHOLDS if similarity is None else SEMANTIC_THRESHOLDS
    limits = {**shipped, **(thresholds or {})}

    quotes = {d.doc_id: quotations(d) for d in docs} if "quote" in wanted else {}
    people = People(q.speaker for qs in quotes.values() for q in qs)
    units = {d.doc_id: sentence_units(d) for d in docs}
    idf = Idf(u.stems for us in units.values() for u in us)
    numbers = {d.doc_id: mentions(d) for d in docs} if "number" in wanted else {}

    out: list[Match] = []
    for da, db in combinations(docs, 2):
        if "quote" in wanted:
            out.extend(match_quotes(da, db, quotes, people))
        if "claim" in wanted:
            out.extend(match_claims(da, db, units, idf, similarity))
        if "number" in wanted:
            out.extend(match_numbers(da, db, numbers, units, idf))
        if "loaded" in wanted:
            out.extend(match_loaded(da, db, units, idf, loaded_terms))
    out = _without_quoted_claims(out)
    order = {d.doc_id: i for i, d in enumerate(docs)}
    kind_order = {k: i for i, k in enumerate(KINDS)}
    out = [m for m in out if m.kind in wanted and m.score >= limits[m.kind]]
    out.sort(
        key=lambda m: (kind_order[m.kind], order[m.a.doc], order[m.b.doc], m.a.start, m.b.start)
    )
    return out


def _without_quoted_claims(matches: list[Match]) -> list[Match]:
    """A claim pair that is only a shared quotation again is already a quote match: each of
    its sides is at least half covered by the quote match's side in the same article."""
    # The quote matches of each ordered pair of articles, as (start, end) in the first and in
    # the second: a claim looks up its own order only.
    quotes: dict[tuple[str, str], list[tuple[int, int, int, int]]] = {}
    for m in matches:
        if m.kind == "quote":
            quotes.setdefault((m.a.doc, m.b.doc), []).append(
                (m.a.start, m.a.end, m.b.start, m.b.end)
            )
            quotes.setdefault((m.b.doc, m.a.doc), []).append(
                (m.b.start, m.b.end, m.a.start, m.a.end)
            )

    def repeated(c: Match) -> bool:
        a, b = c.a, c.b
        half_a, half_b = 0.5 * (a.end - a.start), 0.5 * (b.end - b.start)
        return any(
            min(a.end, end_a) - max(a.start, start_a) >= half_a
            and min(b.end, end_b) - max(b.start, start_b) >= half_b
            for start_a, end_a, start_b, end_b in quotes.get((a.doc, b.doc), ())
        )

    return [m for m in matches if m.kind != "claim" or not repeated(m)]
