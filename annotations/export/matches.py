"""Confirmed outlet matches as JSON Lines, one match a line:

    {"id": 12, "kind": "quote", "story": 3, "score": 0.97, "reason": "...",
     "a": {"document": 1, "external_id": "...", "title": "...", "outlet": "...",
           "source_url": "...", "start": 1805, "end": 2006, "text": "...", "span": null},
     "b": {...},
     "details": {"speaker": {...}, "wording": "differs",
                 "differences": [{"a": "jihadists", "b": "militants", "a_start": 1863, ...}]},
     "confirmed_by": "rita", "confirmed_at": "...", "comparer_version": "1",
     "offset_unit": "codepoint"}

Every offset (the sides', the differing words', a split quotation's segments) counts the unit
asked for, in its own side's document; ``text`` is that document's text between them. Rows in
(stored matches with their two documents), bytes out, one line at a time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

from annotations.domain.offsets import CODEPOINT, Converter, converter

MEDIA_TYPE = "application/x-ndjson"
EXTENSION = "jsonl"
CONVERTERS_KEPT = 64  # documents whose offset conversion is kept while streaming

TextOf = Callable[[int], str]


class _Converters:
    """Each document's conversion from code points, made once (its text read once)."""

    def __init__(self, unit: str, text_of: TextOf) -> None:
        self.unit = unit
        self.text_of = text_of
        self.kept: OrderedDict[int, Converter | None] = OrderedDict()

    def __call__(self, document_id: int) -> Converter | None:
        if self.unit == CODEPOINT:
            return None
        if document_id in self.kept:
            self.kept.move_to_end(document_id)
            return self.kept[document_id]
        found = converter(self.text_of(document_id), self.unit)
        self.kept[document_id] = found
        if len(self.kept) > CONVERTERS_KEPT:
            self.kept.popitem(last=False)
        return found


def _at(convert: Converter | None, index: int, *, end: bool = False) -> int:
    return index if convert is None else convert.to_unit(index, end=end)


def _side(match: Any, side: str, convert: Converter | None) -> dict[str, Any]:
    document = getattr(match, f"document_{side}")
    return {
        "document": document.pk,
        "external_id": document.external_id,
        "title": document.title,
        "outlet": document.outlet,
        "source_url": document.source_url,
        "start": _at(convert, getattr(match, f"{side}_start")),
        "end": _at(convert, getattr(match, f"{side}_end"), end=True),
        "text": getattr(match, f"{side}_text"),
        "span": getattr(match, f"span_{side}_id"),
    }


def _details(details: dict[str, Any], ca: Converter | None, cb: Converter | None) -> dict:
    if ca is None and cb is None:
        return details
    out = dict(details)
    if "differences" in details:
        out["differences"] = [
            d
            | {
                "a_start": _at(ca, d["a_start"]),
                "a_end": _at(ca, d["a_end"], end=True),
                "b_start": _at(cb, d["b_start"]),
                "b_end": _at(cb, d["b_end"], end=True),
            }
            for d in details["differences"]
        ]
    if "segments" in details:
        out["segments"] = {
            side: [[_at(c, s), _at(c, e, end=True)] for s, e in details["segments"][side]]
            for side, c in (("a", ca), ("b", cb))
        }
    return out


def render(matches: Iterable[Any], *, offset_unit: str, text_of: TextOf) -> Iterator[bytes]:
    """``matches``: stored matches with ``document_a``/``document_b`` loaded (their texts are
    read through ``text_of`` only when the unit is not code points)."""
    converters = _Converters(offset_unit, text_of)
    options = orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE
    for match in matches:
        ca, cb = converters(match.document_a_id), converters(match.document_b_id)
        yield orjson.dumps(
            {
                "id": match.pk,
                "kind": match.kind,
                "story": match.document_a.story_id,
                "score": match.score,
                "reason": match.reason,
                "a": _side(match, "a", ca),
                "b": _side(match, "b", cb),
                "details": _details(match.details, ca, cb),
                "confirmed_by": match.decided_by.get_username() if match.decided_by else None,
                "confirmed_at": match.decided_at,
                "comparer_version": match.comparer_version,
                "offset_unit": offset_unit,
            },
            option=options,
        )
