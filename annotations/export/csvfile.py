"""CSV, one span a row, with a header row. Offsets in code points (the offset_unit column says
so on every row, so a file read without this note still says what its numbers mean).

Cells are written as they are: a text that starts with `=` stays as it is, since rewriting it
would break `text == document_text[start:end]`; open such files in a spreadsheet with care.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from annotations.domain import span as span_domain
from annotations.export.rows import (
    OFFSET_UNIT,
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
    return [OFFSET_UNIT]


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


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for group in groups:
        document = group.document
        for span in group.spans:
            check_span(document, span)
            writer.writerow(_cells(document, span))
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()
