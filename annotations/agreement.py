"""Inter-annotator agreement, pure: plain tuples in, figures out (no Django here).

Span agreement is pairwise F1 per label. For each document and each pair of its annotators
(everyone with a live span in it), one annotator's spans of a label are matched one-to-one
against the other's:

- *exact*: same start and end;
- *overlap*: the ranges share at least one character (pairs with the largest overlap are
  matched first, so one long span cannot match several short ones).

F1 = 2 * matched / (spans of A + spans of B). Figures pool the counts over pairs (and, for a
project, over documents) before dividing, so a document with many spans weighs more than one
with two. A label neither annotator of a pair used tells nothing and is left out of that pair.

Verdict agreement is Krippendorff's alpha, ordinal, on the ClaimReview scale (RATING_VALUES:
true 5 ... false 1, misleading sits with mostly false at 2), over the reviewers' ratings of desk
claims: a unit is one desk claim, a coder one reviewer, wherever each met the claim (two
reviewers rating it from two articles count as two ratings of one unit). *Unverifiable* has no
place on that scale and is left out of the ordinal figure; it is counted separately.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import NamedTuple

LABELS = ("CLAIM", "QUOTE", "OPINION")


class SpanRow(NamedTuple):
    id: int
    document_id: int
    author: str
    label: str
    start: int
    end: int


class RatingRow(NamedTuple):
    desk_claim_id: int
    author: str
    rating: str


@dataclass
class Counts:
    left: int = 0  # spans of the first annotator of each pair
    right: int = 0
    exact: int = 0
    overlap: int = 0

    def add(self, other: Counts) -> None:
        self.left += other.left
        self.right += other.right
        self.exact += other.exact
        self.overlap += other.overlap

    @property
    def total(self) -> int:
        return self.left + self.right

    def f1(self, matched: int) -> float | None:
        return None if self.total == 0 else 2 * matched / self.total

    def as_dict(self) -> dict:
        return {
            "spans": self.total,
            "exact_matches": self.exact,
            "overlap_matches": self.overlap,
            "f1_exact": _round(self.f1(self.exact)),
            "f1_overlap": _round(self.f1(self.overlap)),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> int:
    """How many characters two [start, end) ranges share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_counts(left: Sequence[tuple[int, int]], right: Sequence[tuple[int, int]]) -> Counts:
    """One-to-one exact and overlap matches between two annotators' ranges of one label."""
    exact = len(set(left) & set(right))
    candidates = sorted(
        (
            (-overlaps(a, b), i, j)
            for i, a in enumerate(left)
            for j, b in enumerate(right)
            if overlaps(a, b) > 0
        ),
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    for _, i, j in candidates:
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
    return Counts(left=len(left), right=len(right), exact=exact, overlap=len(used_left))


@dataclass
class SpanAgreement:
    per_label: dict[str, Counts] = field(default_factory=lambda: {lb: Counts() for lb in LABELS})
    pairs: int = 0  # annotator pairs compared (summed over documents)

    def add(self, other: SpanAgreement) -> None:
        for label, counts in other.per_label.items():
            self.per_label[label].add(counts)
        self.pairs += other.pairs

    def overall(self) -> Counts:
        total = Counts()
        for counts in self.per_label.values():
            total.add(counts)
        return total

    def as_dict(self) -> dict:
        return {
            "pairs": self.pairs,
            "labels": {label: c.as_dict() for label, c in self.per_label.items()},
            "all_labels": self.overall().as_dict(),
        }


def document_span_agreement(rows: Iterable[SpanRow]) -> SpanAgreement:
    """Pairwise F1 per label for one document's spans (every annotator with a live span)."""
    by_author: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_author[row.author][row.label].append((row.start, row.end))
    result = SpanAgreement()
    for a, b in combinations(sorted(by_author), 2):
        result.pairs += 1
        for label in LABELS:
            left, right = by_author[a].get(label, []), by_author[b].get(label, [])
            if left or right:
                result.per_label[label].add(match_counts(left, right))
    return result


# --- verdicts: Krippendorff's alpha, ordinal ------------------------------------------------


@dataclass
class VerdictAgreement:
    alpha: float | None  # None when it cannot be computed; `note` says why
    units: int  # claims rated by two or more annotators on the ordinal scale
    ratings: int  # the ratings in those units
    unverifiable: int  # ratings left out because "unverifiable" has no place on the scale
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "alpha_ordinal": _round(self.alpha),
            "units": self.units,
            "ratings": self.ratings,
            "unverifiable_left_out": self.unverifiable,
            "note": self.note,
        }


def rating_units(rows: Iterable[RatingRow]) -> list[dict[str, str]]:
    """One unit a desk claim: reviewer -> their rating of it."""
    units: dict[int, dict[str, str]] = defaultdict(dict)
    for row in rows:
        units[row.desk_claim_id][row.author] = row.rating
    return [units[key] for key in sorted(units)]


def verdict_agreement(rows: Iterable[RatingRow], scale: dict[str, int | None]) -> VerdictAgreement:
    """Krippendorff's alpha (ordinal) over the desk claims two or more reviewers rated."""
    import krippendorff  # numpy comes with it; imported here so pages that never ask stay light

    units = rating_units(rows)
    annotators = sorted({a for unit in units for a in unit})
    unverifiable = 0
    columns: list[list[float]] = []
    for unit in units:
        values = {}
        for author, rating in unit.items():
            value = scale.get(rating)
            if value is None:
                unverifiable += 1
            else:
                values[author] = float(value)
        if len(values) >= 2:
            columns.append([values.get(a, math.nan) for a in annotators])
    ratings = sum(sum(not math.isnan(v) for v in col) for col in columns)
    if not columns:
        return VerdictAgreement(
            None, 0, 0, unverifiable, "No desk claim was rated by two or more reviewers yet."
        )
    distinct = {v for col in columns for v in col if not math.isnan(v)}
    if len(distinct) < 2:
        return VerdictAgreement(
            None,
            len(columns),
            ratings,
            unverifiable,
            "Every rating is the same: full agreement, but alpha is undefined without variation.",
        )
    domain = sorted({v for v in scale.values() if v is not None})
    reliability = [[col[i] for col in columns] for i in range(len(annotators))]
    alpha = float(
        krippendorff.alpha(
            reliability_data=reliability, value_domain=domain, level_of_measurement="ordinal"
        )
    )
    return VerdictAgreement(alpha, len(columns), ratings, unverifiable)


# --- per span: who else tagged this, and how (the review page marks disagreements) ----------


class SpanMatch(NamedTuple):
    kind: str  # "exact", "overlap", "other-label"
    author: str
    label: str


def span_matches(rows: Sequence[SpanRow]) -> dict[int, dict]:
    """For each span of one document: how each other annotator of the document treated the
    same words. `missing` lists annotators who tagged nothing there; `agreed` is true when
    every other annotator has the same label on exactly the same range."""
    annotators = sorted({r.author for r in rows})
    ordered = sorted(rows, key=lambda r: (r.start, r.end, r.id))
    starts = [r.start for r in ordered]
    result: dict[int, dict] = {}
    for row in rows:
        matches: list[SpanMatch] = []
        seen: set[str] = set()
        # Only spans starting before this one ends can overlap it.
        for other in ordered[: bisect_left(starts, row.end)]:
            if other.author == row.author or other.end <= row.start:
                continue
            shared = overlaps((row.start, row.end), (other.start, other.end))
            if not shared:
                continue
            same_range = (other.start, other.end) == (row.start, row.end)
            if other.label != row.label:
                kind = "other-label"
            else:
                kind = "exact" if same_range else "overlap"
            matches.append(SpanMatch(kind, other.author, other.label))
            seen.add(other.author)
        others = [a for a in annotators if a != row.author]
        exact_authors = {m.author for m in matches if m.kind == "exact"}
        result[row.id] = {
            "matches": sorted(
                matches, key=lambda m: ("exact", "overlap", "other-label").index(m.kind)
            ),
            "missing": [a for a in others if a not in seen],
            "agreed": bool(others) and all(a in exact_authors for a in others),
            "alone": bool(others) and not seen,
        }
    return result
