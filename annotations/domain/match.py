"""When a stored match's side and a span (or another match's side) are the same words."""

from __future__ import annotations

# Two ranges of one text are the same side when they overlap by at least this share of the
# shorter one: a CLAIM span over a clause of the matched sentence, a number inside a claim.
SAME_SIDE = 0.5


def overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    shared = min(end, other_end) - max(start, other_start)
    return shared > 0 and shared >= SAME_SIDE * min(end - start, other_end - other_start)


def closeness(start: int, end: int, other_start: int, other_end: int) -> float:
    """How nearly two overlapping ranges are the same range: 1 when equal, 0 when they are not
    the same side at all."""
    if not overlaps(start, end, other_start, other_end):
        return 0.0
    shared = min(end, other_end) - max(start, other_start)
    return shared / max(end - start, other_end - other_start)
