"""CSV, one span a row, with a header row. Offsets in code points (the offset_unit column says
so on every row, so a file read without this note still says what its numbers mean).

Cells are written as they are: a text that starts with `=` stays as it is, since rewriting it
would break `text == document_text[start:end]`; open such files in a spreadsheet with care.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from annotations.export.rows import OFFSET_UNIT, ExportContext, Group, check_span
from annotations.models import RATING_VALUES

MEDIA_TYPE = "text/csv"
EXTENSION = "csv"
COLUMNS = [
    "document_id",
    "document_title",
    "span_id",
    "label",
    "start",
    "end",
    "offset_unit",
    "text",
    "prefix",
    "suffix",
    "speaker",
    "note",
    "author",
    "origin",
    "review_status",
    "verdict_rating",
    "verdict_rating_value",
    "verdict_review_status",
    "verdict_rationale",
    "verdict_evidence_links",
    "created_at",
    "updated_at",
]


def _iso(value) -> str:
    return value.isoformat() if value is not None else ""


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for group in groups:
        document = group.document
        for span in group.spans:
            check_span(document, span)
            verdict = span.verdict
            rating_value = RATING_VALUES.get(verdict.rating) if verdict else None
            writer.writerow(
                [
                    document.id,
                    document.title,
                    span.id,
                    span.label,
                    span.start,
                    span.end,
                    OFFSET_UNIT,
                    span.text,
                    span.prefix,
                    span.suffix,
                    span.speaker,
                    span.note,
                    span.author,
                    span.origin,
                    span.review_status,
                    verdict.rating if verdict else "",
                    "" if rating_value is None else rating_value,
                    verdict.review_status if verdict else "",
                    verdict.rationale if verdict else "",
                    " ".join(verdict.evidence_links) if verdict else "",
                    _iso(span.created_at),
                    _iso(span.updated_at),
                ]
            )
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()
