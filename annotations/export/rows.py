"""What the format modules read: one document with its exported spans, as plain values.

The selector (annotations.selectors.export_groups) builds these from two server-side cursors;
the format modules turn them into bytes and never query the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any

OFFSET_UNIT = "codepoint"
OFFSET_UNIT_TEXT = (
    "Offsets are Unicode code points of the stored NFC text, end exclusive "
    "(Python string indices, the W3C TextPositionSelector convention)."
)


class ExportMismatch(Exception):
    """A span's text differs from its document's text at its offsets: the export stops rather
    than emit a wrong offset."""

    def __init__(self, *, document_id: int, span_id: int, start: int, end: int, expected: str):
        self.document_id, self.span_id = document_id, span_id
        super().__init__(
            f"Span {span_id} of document {document_id} says {expected[:60]!r} at {start}:{end}, "
            "but the document text differs there; the export was stopped so that no wrong "
            "offset is written."
        )


@dataclass(slots=True)
class VerdictRow:
    rating: str
    rationale: str
    evidence_links: list[str]
    author: str
    review_status: str
    reviewed_at: datetime | None
    updated_at: datetime


# Where each value sits in a span row, which is the tuple the export's SQL returns (see
# annotations.selectors.export_groups).
SPAN_COLUMNS = (
    "document_id",
    "id",
    "label",
    "start",
    "end",
    "text",
    "prefix",
    "suffix",
    "speaker",
    "note",
    "author",
    "suggestion_id",  # None for a span made by hand (its origin is then "manual")
    "review_status",
    "reviewed_at",
    "created_at",
    "updated_at",
    "verdict_id",
    "verdict_rating",
    "verdict_rationale",
    "verdict_evidence_links",  # the JSON text as stored: parsed only when a verdict is read
    "verdict_author",
    "verdict_review_status",
    "verdict_reviewed_at",
    "verdict_updated_at",
)
_VERDICT = SPAN_COLUMNS.index("verdict_id")


def origin(suggestion_id: int | None) -> str:
    return "manual" if suggestion_id is None else f"suggestion:{suggestion_id}"


class SpanRow(tuple):
    """One exported span: the database row itself (a tuple in SPAN_COLUMNS order), read by name.

    A tuple rather than a dataclass because an export handles a million of them: building a
    dataclass a row cost more than reading the row did. The verdict is built when it is read."""

    __slots__ = ()

    document_id: int = property(itemgetter(0))  # type: ignore[assignment]
    id: int = property(itemgetter(1))  # type: ignore[assignment]
    label: str = property(itemgetter(2))  # type: ignore[assignment]
    start: int = property(itemgetter(3))  # type: ignore[assignment]
    end: int = property(itemgetter(4))  # type: ignore[assignment]
    text: str = property(itemgetter(5))  # type: ignore[assignment]
    prefix: str = property(itemgetter(6))  # type: ignore[assignment]
    suffix: str = property(itemgetter(7))  # type: ignore[assignment]
    speaker: str = property(itemgetter(8))  # type: ignore[assignment]
    note: str = property(itemgetter(9))  # type: ignore[assignment]
    author: str = property(itemgetter(10))  # type: ignore[assignment]
    suggestion_id: int | None = property(itemgetter(11))  # type: ignore[assignment]
    review_status: str = property(itemgetter(12))  # type: ignore[assignment]
    reviewed_at: datetime | None = property(itemgetter(13))  # type: ignore[assignment]
    created_at: datetime = property(itemgetter(14))  # type: ignore[assignment]
    updated_at: datetime = property(itemgetter(15))  # type: ignore[assignment]

    @property
    def origin(self) -> str:
        return origin(self[11])

    @property
    def verdict(self) -> VerdictRow | None:
        if self[_VERDICT] is None:
            return None
        rating, rationale, links, author, status, reviewed_at, updated_at = self[_VERDICT + 1 :]
        if isinstance(links, str):
            links = json.loads(links)
        return VerdictRow(rating, rationale, links, author, status, reviewed_at, updated_at)


@dataclass(slots=True)
class DocumentRow:
    id: int
    title: str
    outlet: str
    author: str
    source_url: str
    published_on: date | None
    external_id: str
    metadata: dict[str, Any]
    text: str
    created_at: datetime


@dataclass(slots=True)
class Group:
    """One document and its exported spans, in (start, end, id) order."""

    document: DocumentRow
    spans: list[SpanRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExportContext:
    """What a format needs besides the rows: absolute addresses and names."""

    base_url: str  # e.g. "https://desk.example.org", no trailing slash
    project_name: str
    generated_at: datetime

    def document_url(self, document_id: int) -> str:
        return f"{self.base_url}/documents/{document_id}/"

    def document_api_url(self, document_id: int) -> str:
        return f"{self.base_url}/api/v1/documents/{document_id}/"

    def span_api_url(self, span_id: int) -> str:
        return f"{self.base_url}/api/v1/spans/{span_id}/"


def check_span(document: DocumentRow, span: SpanRow) -> None:
    """Every format calls this for every span it writes: `text[start:end] == exact`."""
    if document.text[span.start : span.end] != span.text:
        raise ExportMismatch(
            document_id=document.id,
            span_id=span.id,
            start=span.start,
            end=span.end,
            expected=span.text,
        )
