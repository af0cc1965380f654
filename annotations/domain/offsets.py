"""Offsets in the unit a tool counts: code points (ours, Python's, the W3C's), UTF-16 code units
(JavaScript, the browser, doccano's editor) and extended grapheme clusters (what a reader sees
as one character: a flag, a family emoji, a letter with its accents).

Stored offsets are always code points of the stored text. An export converts them to the unit
asked for, an import converts the unit a file declares back to code points; both ask
converter(text, unit) once a text, and get None when the unit counts that text exactly as code
points do (every codepoint export, and most texts in any unit), so the common path pays one
check a document and nothing a span.

Both conversions keep only the places where the units differ (the characters outside the Basic
Multilingual Plane, the code points that continue a grapheme cluster) and bisect them: memory
and time grow with those places, not with the text. Grapheme clusters are Unicode's extended
grapheme clusters (UAX #29) as the `regex` package's \\X finds them; they are computed only
around the characters that can join a cluster, so a long text with a few emoji is cheap.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

import regex

CODEPOINT = "codepoint"
UTF16 = "utf16"
GRAPHEME = "grapheme"
UNITS = (CODEPOINT, UTF16, GRAPHEME)
UNIT_WORDS = {
    CODEPOINT: "Unicode code points",
    UTF16: "UTF-16 code units",
    GRAPHEME: "extended grapheme clusters",
}

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Code points that can join a neighbour into one cluster: every rule of UAX #29 that keeps
# two code points together has one of these on one side (CR on the left of CR LF).
_JOINING = regex.compile(
    r"[\r\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}"
    r"\p{GCB=Regional_Indicator}\p{GCB=L}\p{GCB=V}\p{GCB=T}\p{GCB=LV}\p{GCB=LVT}]+"
)
_CLUSTER = regex.compile(r"\X", regex.DOTALL)


class UnknownUnit(ValueError):
    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(f"Unknown offset unit {str(value)[:40]!r}; use one of {', '.join(UNITS)}.")


class InsideCharacter(ValueError):
    """A UTF-16 offset that falls between the two halves of a surrogate pair."""


def check_unit(value: object) -> str:
    """`value` as a unit's name; UnknownUnit (which names the allowed ones) otherwise."""
    if value not in UNITS:
        raise UnknownUnit(value)
    return str(value)


class Converter:
    """Offsets of one text between code points and another unit.

    `extra` are sorted positions where the two counts part: for UTF-16, the code point
    positions of characters that take two code units; for graphemes, the code point positions
    that continue a cluster (not its first)."""

    unit: str

    def __init__(self, text_length: int, extra: list[int]) -> None:
        self.extra = extra
        self.codepoints = text_length

    def to_unit(self, index: int, *, end: bool = False) -> int:
        raise NotImplementedError

    def to_codepoint(self, offset: int) -> int:
        raise NotImplementedError

    @property
    def length(self) -> int:
        raise NotImplementedError


class _Utf16(Converter):
    unit = UTF16

    def __init__(self, text_length: int, extra: list[int]) -> None:
        super().__init__(text_length, extra)
        # The code unit of each astral character's second half: an offset there splits it.
        self.second_halves = [position + k + 1 for k, position in enumerate(extra)]

    def to_unit(self, index: int, *, end: bool = False) -> int:
        return index + bisect_left(self.extra, index)

    def to_codepoint(self, offset: int) -> int:
        before = bisect_left(self.second_halves, offset)
        if before < len(self.second_halves) and self.second_halves[before] == offset:
            raise InsideCharacter(offset)
        return offset - before

    @property
    def length(self) -> int:
        return self.codepoints + len(self.extra)


class _Graphemes(Converter):
    unit = GRAPHEME

    def __init__(self, text_length: int, extra: list[int]) -> None:
        super().__init__(text_length, extra)
        # For each continuation, how many cluster starts come before it.
        self.starts_before = [position - k for k, position in enumerate(extra)]

    def to_unit(self, index: int, *, end: bool = False) -> int:
        """The cluster index of a code point offset; one inside a cluster goes to the
        cluster's start, or (end=True) to its end: a span widens to whole clusters."""
        inside = bisect_left(self.extra, index)
        clusters = index - inside
        if not end and inside < len(self.extra) and self.extra[inside] == index:
            return clusters - 1
        return clusters

    def to_codepoint(self, offset: int) -> int:
        return offset + bisect_right(self.starts_before, offset)

    @property
    def length(self) -> int:
        return self.codepoints - len(self.extra)


def _astral(text: str) -> list[int]:
    if text.isascii() or max(text) < "\U00010000":
        return []
    return [match.start() for match in _ASTRAL.finditer(text)]


def _continuations(text: str) -> list[int]:
    """Code point positions that continue a grapheme cluster, in order."""
    if text.isascii() and "\r" not in text:
        return []
    continuations: list[int] = []
    done = 0  # clusters are known up to here
    length = len(text)
    for match in _JOINING.finditer(text):
        if match.end() <= done:
            continue
        # A boundary is sure where neither neighbour can join: one code point out on each
        # side of a run of joining ones, a run one code point from the next taken with it.
        start = max(done, match.start() - 1)
        end = match.end() + 1
        while end < length and (following := _JOINING.match(text, end)) is not None:
            end = following.end() + 1
        end = min(end, length)
        for cluster in _CLUSTER.finditer(text, start, end):
            first, last = cluster.span()
            if last - first > 1:
                continuations.extend(range(first + 1, last))
        done = end
    return continuations


def converter(text: str, unit: str) -> Converter | None:
    """The conversion for `text`, or None when `unit` counts this text as code points do."""
    if unit == CODEPOINT:
        return None
    if unit == UTF16:
        astral = _astral(text)
        return _Utf16(len(text), astral) if astral else None
    if unit == GRAPHEME:
        continuations = _continuations(text)
        return _Graphemes(len(text), continuations) if continuations else None
    raise UnknownUnit(unit)


def length(text: str, unit: str) -> int:
    conversion = converter(text, unit)
    return len(text) if conversion is None else conversion.length


__all__ = [
    "CODEPOINT",
    "GRAPHEME",
    "UNITS",
    "UNIT_WORDS",
    "UTF16",
    "Converter",
    "InsideCharacter",
    "UnknownUnit",
    "check_unit",
    "converter",
    "length",
]
