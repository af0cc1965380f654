"""What the format modules read: one document with its exported spans, as plain values.

The selector (annotations.export_selectors.export_groups) builds these from two server-side cursors;
the format modules turn them into bytes and never query the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from annotations.domain import offsets
from annotations.domain import span as span_domain

OFFSET_UNIT = offsets.CODEPOINT  # the default, and what the database stores
OFFSET_UNIT_TEXT = (
    "Offsets are Unicode code points of the stored NFC text, end exclusive "
    "(Python string indices, the W3C TextPositionSelector convention)."
)
_UNIT_TEXTS = {
    offsets.CODEPOINT: OFFSET_UNIT_TEXT,
    offsets.UTF16: (
        "Offsets are UTF-16 code units of the stored NFC text, end exclusive (JavaScript "
        "string indices, as the browser and doccano's editor count)."
    ),
    offsets.GRAPHEME: (
        "Offsets are extended grapheme clusters (Unicode UAX #29) of the stored NFC text, end "
        "exclusive; a span that starts or ends inside a cluster is widened to whole clusters."
    ),
}


def offset_unit_text(unit: str) -> str:
    """What the offsets of an export in `unit` count, in a sentence."""
    return _UNIT_TEXTS[unit]


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
    # The desk's published fact-check article on the claim, "" when it names none.
    review_url: str = ""


# What the export reads of a span's verdict (its desk claim's), joined to the span's row (after
# its own values).
VERDICT_SOURCES = (
    "id",
    "rating",
    "rationale",
    "evidence_links",  # the JSON text as stored: parsed only when a verdict is read
    "author__username",
    "review_status",
    "reviewed_at",
    "updated_at",
    "review_url",
)
# And of its desk claim, besides its id (a span field): the canonical wording.
DESK_CLAIM_SOURCES = ("desk_claim__wording",)
# Where each value sits in a span row, the tuple the export's SQL returns (see
# annotations.export_selectors.export_groups): the span's exported fields first (so a format can zip
# them with their names), then its document's id, then its verdict's, then its desk claim's.
SPAN_COLUMNS = (
    *span_domain.EXPORT_FIELDS,
    "document_id",
    *(f"verdict_{source.split('__')[0]}" for source in VERDICT_SOURCES),
    "desk_claim_wording",
)
DOCUMENT_ID = SPAN_COLUMNS.index("document_id")
# A format that writes no more of a span than these (doccano's layout: the range, the label, and
# the text it is checked by) says NARROW_ROWS = True and gets rows of these columns and the
# document's id only: the same leading columns of SPAN_COLUMNS, read by the same properties,
# at a fraction of the reading cost.
NARROW_COLUMNS = ("id", "label", "start", "end", "text")
assert SPAN_COLUMNS[: len(NARROW_COLUMNS)] == NARROW_COLUMNS
NARROW_DOCUMENT_ID = len(NARROW_COLUMNS)
_VERDICT = SPAN_COLUMNS.index("verdict_id")
_VERDICT_END = _VERDICT + len(VERDICT_SOURCES)
_WORDING = SPAN_COLUMNS.index("desk_claim_wording")


class SpanRow(tuple):
    """One exported span: the database row itself (a tuple in SPAN_COLUMNS order), read by name.

    A tuple rather than a dataclass because an export handles a million of them: building a
    dataclass a row cost more than reading the row did. Its fields are properties made from
    SPAN_COLUMNS below (the origin shown, not the suggestion id stored); the verdict is built
    when it is read. `desk_claim` is the id of the desk claim a CLAIM is a mention of,
    `desk_claim_wording` its wording."""

    __slots__ = ()

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...

    @property
    def verdict(self) -> VerdictRow | None:
        return verdict_of(self)


def verdict_of(row: tuple) -> VerdictRow | None:
    """The verdict a span row carries (SpanRow or the plain tuple), None when it has none."""
    if row[_VERDICT] is None:
        return None
    rating, rationale, links, author, status, reviewed_at, updated_at, review_url = row[
        _VERDICT + 1 : _VERDICT_END
    ]
    if isinstance(links, str):
        links = json.loads(links)
    return VerdictRow(rating, rationale, links, author, status, reviewed_at, updated_at, review_url)


def _column(index: int, derive: Callable[[Any], Any] | None) -> property:
    if derive is None:
        return property(itemgetter(index))
    return property(lambda row: derive(row[index]))


_DERIVE = {spec.name: spec.derive for spec in span_domain.EXPORT}
for _index, _name in enumerate(SPAN_COLUMNS[:_VERDICT]):
    setattr(SpanRow, _name, _column(_index, _DERIVE.get(_name)))
SpanRow.desk_claim_wording = _column(_WORDING, None)  # type: ignore[attr-defined]


def span_object_maker() -> Callable[[tuple], dict[str, Any]]:
    """row (a plain span row or a SpanRow) -> the span's exported fields by name, as shown (the
    origin, not the suggestion id), its verdict last: the JSONL's span object.

    Made as one dict display, the fastest way CPython builds a dict, which counts at a million
    rows an export: a dict(zip(...)) and a loop over the derived fields took a sixth more of
    the JSONL export's time. A derived field's value for NULL (a manual span's origin) is
    worked out once here, so the common row calls no function. Its source is made from the
    field names of annotations.domain.span, never from input."""
    scope: dict[str, Any] = {"verdict_of": verdict_of}
    items = []
    for index, spec in enumerate(span_domain.EXPORT):
        value = f"row[{index}]"
        if spec.derive is not None:
            scope[f"derive_{index}"] = spec.derive
            scope[f"null_{index}"] = spec.derive(None)
            value = f"(null_{index} if {value} is None else derive_{index}({value}))"
        items.append(f"{spec.name!r}: {value}")
    items.append(f"'verdict': None if row[{_VERDICT}] is None else verdict_of(row)")
    return eval(f"lambda row: {{{', '.join(items)}}}", scope)  # noqa: S307


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
class SuggestionRow:
    """An open suggestion, for the formats that carry them (Label Studio's predictions)."""

    id: int
    label: str
    start: int
    end: int
    text: str
    score: float
    reason: str
    suggester: str
    suggester_version: str
    speaker: str


SUGGESTION_COLUMNS = tuple(SuggestionRow.__dataclass_fields__)


@dataclass(slots=True)
class Group:
    """One document and its exported spans, in (start, end, id) order, and its open
    suggestions when the format asks for them (WITH_SUGGESTIONS)."""

    document: DocumentRow
    spans: list[SpanRow] = field(default_factory=list)
    suggestions: list[SuggestionRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who publishes the desk's fact checks, and where (ClaimReview): from the project's fields,
    else the installation's settings. Empty values: not configured."""

    name: str = ""
    url: str = ""
    logo: str = ""
    # The fact-check article of a desk claim whose verdict names none
    # (annotations.domain.publishing).
    review_url_template: str = ""


@dataclass(frozen=True, slots=True)
class ExportContext:
    """What a format needs besides the rows: absolute addresses and names."""

    base_url: str  # e.g. "https://desk.example.org", no trailing slash
    project_name: str
    generated_at: datetime
    # What the offsets written count (annotations.domain.offsets.UNITS).
    offset_unit: str = OFFSET_UNIT
    # CSV: neutralise cells a spreadsheet would run as formulas or turn into booleans, and
    # start with a byte-order mark so spreadsheets read UTF-8.
    spreadsheet_safe: bool = True
    # The address this export was asked at: the W3C collection's id.
    export_url: str = ""
    project_id: int = 0
    publisher: Publisher = field(default_factory=Publisher)
    # What a format counts as it goes, for the response's headers (the ClaimReview export's
    # appearances without an address): filled before the format's first byte.
    tally: dict[str, int] = field(default_factory=dict, compare=False)

    def document_url(self, document_id: int) -> str:
        return f"{self.base_url}/documents/{document_id}/"

    def document_api_url(self, document_id: int) -> str:
        return f"{self.base_url}/api/v1/documents/{document_id}/"

    def span_api_url(self, span_id: int) -> str:
        return f"{self.base_url}/api/v1/spans/{span_id}/"

    def desk_claim_api_url(self, desk_claim_id: int) -> str:
        return f"{self.base_url}/api/v1/desk-claims/{desk_claim_id}/"


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
