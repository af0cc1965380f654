"""CSV, one span a row, with a header row. Offsets in the unit asked for (the offset_unit column
says which on every row, so a file read without this note still says what its numbers mean).

Spreadsheet-safe by default (ExportContext.spreadsheet_safe), as OWASP recommends against CSV
injection: the file starts with a UTF-8 byte-order mark (so a spreadsheet reads UTF-8), every
text cell is quoted, and a text cell that a spreadsheet would run as a formula (it starts with
`=`, `+`, `-`, `@`, a tab or a carriage return) or turn into a boolean (`true`, `false`, in
any case) gets a leading apostrophe. So that this can be undone exactly, a text that already
starts with an apostrophe gets one more: a program reading the file removes one leading
apostrophe from every text cell that has one (`unneutralise`). With spreadsheet_safe off,
cells are written exactly as stored and there is no byte-order mark.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from annotations.domain import span as span_domain
from annotations.domain.offsets import CODEPOINT, converter
from annotations.export.rows import (
    SPAN_COLUMNS,
    DocumentRow,
    ExportContext,
    Group,
    SpanRow,
    VerdictRow,
    check_span,
)
from annotations.models import RATING_VALUES

MEDIA_TYPE = "text/csv"
EXTENSION = "csv"
BYTE_ORDER_MARK = "\ufeff"
# What a spreadsheet reads as the start of a formula (OWASP's list), and the apostrophe that
# marks a neutralised cell, so a cell already starting with one is marked too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_BOOLEANS = frozenset({"true", "false"})


def neutralise(value: str) -> str:
    """A text cell as the spreadsheet-safe CSV writes it."""
    if value.startswith(_FORMULA_START) or (len(value) in (4, 5) and value.lower() in _BOOLEANS):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """The text as stored, from a cell of the spreadsheet-safe CSV."""
    return value[1:] if value.startswith("'") else value


def _rating_value(verdict: VerdictRow) -> int | str:
    value = RATING_VALUES.get(verdict.rating)
    return "" if value is None else value


_VERDICT_CELLS: tuple[tuple[str, Callable[[VerdictRow], Any]], ...] = (
    ("verdict_rating", lambda verdict: verdict.rating),
    ("verdict_rating_value", _rating_value),
    ("verdict_review_status", lambda verdict: verdict.review_status),
    ("verdict_rationale", lambda verdict: verdict.rationale),
    ("verdict_evidence_links", lambda verdict: " ".join(verdict.evidence_links)),
)


def _offset_unit(span: SpanRow) -> list[Any]:
    return [CODEPOINT]  # replaced by the unit asked for (see cells_of)


def _verdict(span: SpanRow) -> list[Any]:
    verdict = span.verdict
    return [cell(verdict) if verdict else "" for _, cell in _VERDICT_CELLS]


# This format's own columns, placed after the span field named: the unit after the offsets,
# the verdict after the span's review.
_AFTER: dict[str, tuple[tuple[str, ...], Callable[[SpanRow], list[Any]]]] = {
    "end": (("offset_unit",), _offset_unit),
    "review_status": (tuple(name for name, _ in _VERDICT_CELLS), _verdict),
}
COLUMNS = ["document_id", "document_title"]
for _spec in span_domain.CSV:
    COLUMNS += [_spec.column or _spec.name, *_AFTER.get(_spec.name, ((), None))[0]]
# (index in the row, what is shown of it, the cells that follow it) for each span column.
_SPAN_CELLS = tuple(
    (SPAN_COLUMNS.index(spec.name), spec.derive, _AFTER.get(spec.name, ((), None))[1])
    for spec in span_domain.CSV
)


START, END, UNIT = (COLUMNS.index(name) for name in ("start", "end", "offset_unit"))


def _cells(document: DocumentRow, span: SpanRow) -> list[Any]:
    cells: list[Any] = [document.id, document.title]
    for index, derive, after in _SPAN_CELLS:
        value = span[index]
        if derive is not None:
            value = derive(value)
        elif isinstance(value, datetime):
            value = value.isoformat()
        cells.append(value)
        if after is not None:
            cells += after(span)
    return cells


def rows(group: Group, context: ExportContext) -> Iterator[list[Any]]:
    """The cells of each of the group's spans, checked, offsets in the unit asked for. (The
    XLSX export writes the same rows.)"""
    document = group.document
    unit = context.offset_unit
    convert = None if unit == CODEPOINT else converter(document.text, unit)
    for span in group.spans:
        check_span(document, span)
        cells = _cells(document, span)
        if unit != CODEPOINT:
            cells[UNIT] = unit
            if convert is not None:
                cells[START] = convert.to_unit(cells[START])
                cells[END] = convert.to_unit(cells[END], end=True)
        yield cells


def _safe(cells: list[Any]) -> list[Any]:
    return [neutralise(cell) if type(cell) is str else cell for cell in cells]


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    buffer = io.StringIO()
    safe = context.spreadsheet_safe
    if safe:
        # Quoting every text cell (numbers stay bare) keeps a cell's separators inside it.
        writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        buffer.write(BYTE_ORDER_MARK)
    else:
        writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for group in groups:
        if safe:
            writer.writerows(map(_safe, rows(group, context)))
        else:
            writer.writerows(rows(group, context))
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()
