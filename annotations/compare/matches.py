"""What the comparison returns: a match between two articles, one dataclass per kind.

Every match has two sides, ``a`` and ``b``, each a span of one document (code points, end
exclusive, ``text == document_text[start:end]``), a ``score`` in [0, 1] and a ``reason`` a
reviewer can read. ``to_dict()`` gives the JSON the command line prints and the product stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

KINDS = ("quote", "claim", "number", "loaded")


@dataclass(frozen=True, slots=True)
class Side:
    doc: str
    start: int
    end: int
    text: str
    # The quoted parts of a quotation interrupted by "he said" (the side runs first to last).
    segments: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad range {self.start}..{self.end}")
        if len(self.text) != self.end - self.start:
            raise ValueError("text does not match the range")

    @classmethod
    def cut(cls, doc: str, text: str, start: int, end: int, segments: tuple = ()) -> Side:
        """A side whose text is cut from the document itself, so it can never disagree."""
        return cls(doc, start, end, text[start:end], tuple(segments) if len(segments) > 1 else ())

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"doc": self.doc, "start": self.start, "end": self.end}
        d["text"] = self.text
        if self.segments:
            d["segments"] = [list(s) for s in self.segments]
        return d


@dataclass(kw_only=True)
class Match:
    kind: ClassVar[str] = ""
    a: Side
    b: Side
    score: float
    reason: str

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} outside [0, 1]")
        self.score = round(self.score, 3)

    def _extra(self) -> dict[str, Any]:
        return {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "score": self.score,
            "reason": self.reason,
            **self._extra(),
        }


@dataclass(frozen=True, slots=True)
class Difference:
    """One changed stretch of a quotation: the words as each side prints them ("" for words
    only one side has) and where they stand, so a page can mark them in both texts."""

    a: str
    b: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    # "form" (in to / into, F.B.I. / FBI, we'll / we will, a name spelled two ways),
    # "omission" (words only one side has) or "wording" (anything else).
    kind: str = "wording"

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "kind": self.kind,
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
        }


@dataclass(kw_only=True)
class QuoteMatch(Match):
    kind: ClassVar[str] = "quote"
    speaker_a: str | None
    speaker_b: str | None
    speaker: str | None  # the one person both name, canonical, when they agree
    wording: str  # "identical" or "differs"
    differences: list[Difference] = field(default_factory=list)

    @property
    def substantive(self) -> bool:
        """Whether any difference is more than a matter of form."""
        return any(d.kind != "form" for d in self.differences)

    def _extra(self) -> dict[str, Any]:
        return {
            "speaker": {"a": self.speaker_a, "b": self.speaker_b, "canonical": self.speaker},
            "wording": self.wording,
            "substantive": self.substantive,
            "differences": [d.to_dict() for d in self.differences],
        }


@dataclass(kw_only=True)
class ClaimMatch(Match):
    kind: ClassVar[str] = "claim"
    shared: list[str] = field(default_factory=list)  # the names and words both assert

    def _extra(self) -> dict[str, Any]:
        return {"shared": self.shared}


@dataclass(frozen=True, slots=True)
class Value:
    """One side's figure as written and what it allows: ``low``..``high`` (None: unbounded)."""

    text: str
    qualifier: str  # "", "more than", "at least", "about", "nearly", "dozens" ...
    value: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "qualifier": self.qualifier,
            "value": self.value,
            "low": self.low,
            "high": self.high,
        }


@dataclass(kw_only=True)
class NumberMatch(Match):
    kind: ClassVar[str] = "number"
    quantity: str  # what is counted, in the articles' words
    unit: str
    value_a: Value
    value_b: Value
    relation: str  # "compatible" (both can be true) or "conflict"

    def _extra(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "unit": self.unit,
            "value": {"a": self.value_a.to_dict(), "b": self.value_b.to_dict()},
            "relation": self.relation,
        }


@dataclass(kw_only=True)
class LoadedMatch(Match):
    """``a`` is the loaded side, ``b`` the neutral one."""

    kind: ClassVar[str] = "loaded"
    term: str  # the loaded words as written
    neutral: str  # the neutral counterpart's words, or the clause that names the thing plainly
    category: str  # why the term is loaded
    cue: str = ""  # the lexicon's term that fired, as the lexicon writes it

    def _extra(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "neutral": self.neutral,
            "category": self.category,
            "cue": self.cue,
        }
