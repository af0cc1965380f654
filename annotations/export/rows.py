"""What the format modules read: one document with its exported spans, as plain values.

The selector (annotations.selectors.export_groups) builds these from two server-side cursors;
the format modules turn them into bytes and never query the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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


@dataclass(slots=True)
class SpanRow:
    id: int
    label: str
    start: int
    end: int
    text: str
    prefix: str
    suffix: str
    speaker: str
    note: str
    author: str
    origin: str
    review_status: str
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    verdict: VerdictRow | None = None


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
