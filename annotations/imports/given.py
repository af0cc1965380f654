"""What a reader makes of a line: the spans it gives, checked for their types only, and the
refusal of a line that cannot be imported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class LineRefused(Exception):
    """The line cannot be imported; the message says why, in words for the person importing."""


@dataclass(slots=True)
class GivenSpan:
    """A span as the line gives it: offsets in code points of the line's text as given, and the
    text it should cover when the format says (None when it does not)."""

    label: str
    start: int
    end: int
    text: str | None
    speaker: str = ""
    note: str = ""


def as_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LineRefused(f"{what} must be a whole number, not {value!r:.40}.")
    return value


def as_str(value: Any, what: str, *, default: str = "") -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise LineRefused(f"{what} must be a string, not {type(value).__name__}.")
    return value


def as_optional_str(value: Any, what: str) -> str | None:
    return None if value is None else as_str(value, what)


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value that may be one item or a list of them."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
