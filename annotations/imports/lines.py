"""Reading one line of a JSONL import: its JSON, its text, its document's fields, the unit its
offsets count, and its spans through the reader of its format (READERS, tried in order; a new
format is a new reader). A Label Studio task is first made a line of this app's layout."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

import orjson

from annotations.domain import bounds, offsets
from annotations.domain.document import DESCRIPTION_FIELDS
from annotations.domain.text import normalize_text, unstorable
from annotations.imports import doccano, jsonl, labelstudio, w3c
from annotations.imports.given import GivenSpan, LineRefused, as_str

BYTE_ORDER_MARK = b"\xef\xbb\xbf"
# A line whose spans go to a document already in the project (its id), as the W3C import
# writes them: the line's text must be that document's text.
EXISTING_KEY = "_document"
# A W3C import's annotations whose target no document of the project has.
UNMATCHED_KEY = "_unmatched_source"
MAX_LINE_BYTES = 16 * 1024 * 1024
MAX_SPANS_PER_LINE = 100_000
TITLE_LENGTH = 120
# A line with both doccano's `label` and this app's `spans` is read by
# doccano.label_over_spans; otherwise the first reader whose key the line has.
READERS = (jsonl, w3c, doccano)
# Every other key of a line without `meta` is kept as the document's metadata.
_KNOWN_KEYS = frozenset(
    {"text", "meta", "offset_unit", EXISTING_KEY, *DESCRIPTION_FIELDS}
    | {k for r in READERS for k in r.KEYS}
)


@dataclass(slots=True)
class GivenLine:
    given_text: str  # as the line gives it: the spans' offsets index it
    text: str  # as it is stored (normalised)
    document: dict[str, Any]  # the document's fields, for document_build
    spans: list[GivenSpan]
    offset_unit: str = offsets.CODEPOINT  # what the spans' offsets count
    warnings: list[str] = field(default_factory=list)
    existing: int | None = None  # the id of the project's document the spans go to


def iter_lines(stream: IO[bytes], *, limit: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """Lines of a binary stream, read one at a time (a too-long line is cut and then refused)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(limit + 1)) and not rest.endswith(b"\n"):
                pass
        yield line


def read_line(raw: bytes | str, *, offset_unit: str = offsets.CODEPOINT) -> GivenLine:
    """One line read: `offset_unit` is the file's unit, which the line's own `offset_unit`
    overrides."""
    if isinstance(raw, bytes) and len(raw) > MAX_LINE_BYTES:
        raise LineRefused(f"The line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB.")
    # A byte-order mark (spreadsheets and Windows editors write one) is not part of the JSON.
    if isinstance(raw, bytes):
        raw = raw.removeprefix(BYTE_ORDER_MARK)
    else:
        raw = raw.removeprefix("\ufeff")
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise LineRefused(f"Not valid JSON (or not UTF-8): {exc}.") from None
    if not isinstance(obj, dict):
        if isinstance(obj, list):
            raise LineRefused(
                "Each line must be a JSON object with a `text`; a file that is one JSON array "
                "(Label Studio's export) is read with format=labelstudio."
            )
        raise LineRefused("Each line must be a JSON object with a `text`.")
    if obj.get("type") in ("AnnotationCollection", "AnnotationPage", "Annotation"):
        raise LineRefused("A W3C Web Annotation document is read whole, with format=w3c.")
    if UNMATCHED_KEY in obj:
        raise LineRefused(
            f"No document of this project is at {str(obj[UNMATCHED_KEY])[:200]!r} (the "
            "annotations' target `scope` or `source`): import the documents first, then "
            "their annotations."
        )
    if labelstudio.is_task(obj):
        obj = labelstudio.as_line(obj)
    unit = offset_unit
    if "offset_unit" in obj:
        try:
            unit = offsets.check_unit(obj["offset_unit"])
        except offsets.UnknownUnit as exc:
            raise LineRefused(f"`offset_unit`: {exc}") from None
    given = obj.get("text")
    if not isinstance(given, str) or not given.strip():
        raise LineRefused("The line has no `text` (a non-empty string).")
    if reason := unstorable(given):
        raise LineRefused(f"text: {reason}")
    stored = normalize_text(given)
    document = _document(obj, stored)
    warnings: list[str] = []
    if "spans" in obj and any(key in obj for key in doccano.KEYS):
        spans, warnings = doccano.label_over_spans(obj)
    else:
        reader = next((r for r in READERS if any(key in obj for key in r.KEYS)), None)
        spans = reader.spans(obj) if reader is not None else []
    if len(spans) > MAX_SPANS_PER_LINE:
        raise LineRefused(f"More than {MAX_SPANS_PER_LINE:,} spans on one line.")
    existing = obj.get(EXISTING_KEY)
    if existing is not None and (type(existing) is not int or existing < 1):
        raise LineRefused(f"`{EXISTING_KEY}` must be a document's id.")
    return GivenLine(
        given_text=given,
        text=stored,
        document=document,
        spans=spans,
        offset_unit=unit,
        warnings=warnings,
        existing=existing,
    )


def _document(obj: dict[str, Any], stored: str) -> dict[str, Any]:
    """The document's fields, from the line itself or from its `meta` (this app's export)."""
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else None
    document: dict[str, Any] = {}
    for name in DESCRIPTION_FIELDS:
        value = obj.get(name, meta.get(name) if meta else None)
        document[name] = as_str(value, f"`{name}`")
        # Before the batch looks external ids up: the database refuses such a query too.
        if reason := unstorable(document[name]):
            raise LineRefused(f"{name}: {reason}")
    if meta is not None:
        metadata = meta.get("metadata", {})
        if not isinstance(metadata, dict):
            raise LineRefused("`meta.metadata` must be an object.")
    else:
        metadata = {k: v for k, v in obj.items() if k not in _KNOWN_KEYS}
    # Refused here, naming the line, rather than when the batch is written.
    try:
        bounds.check_metadata(metadata)
    except bounds.Unbounded as exc:
        raise LineRefused(str(exc)) from None
    document["metadata"] = metadata
    document["title"] = document["title"].strip() or _title_from(stored)
    if document["published_on"]:
        try:
            document["published_on"] = date.fromisoformat(document["published_on"])
        except ValueError:
            raise LineRefused(
                f"`published_on` {document['published_on']!r:.40} is not a date (YYYY-MM-DD)."
            ) from None
    else:
        document["published_on"] = None
    return document


def _title_from(text: str) -> str:
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1].rstrip() + "…"
