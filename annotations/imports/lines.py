"""Reading one line of a JSONL import: its JSON, its text, its document's fields, and its spans
through the reader of its format (READERS, tried in order; a new format is a new reader)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

import orjson

from annotations.domain.text import normalize_text, unstorable
from annotations.imports import doccano, jsonl, w3c
from annotations.imports.given import GivenSpan, LineRefused, as_str

MAX_LINE_BYTES = 16 * 1024 * 1024
MAX_SPANS_PER_LINE = 100_000
TITLE_LENGTH = 120
# A line of this app's export has doccano's `label` too: its `spans` say more, so it goes first.
READERS = (jsonl, w3c, doccano)
DOCUMENT_FIELDS = ("title", "outlet", "author", "source_url", "published_on", "external_id")
# Every other key of a line without `meta` is kept as the document's metadata.
_KNOWN_KEYS = frozenset(
    {"text", "meta", "offset_unit", *DOCUMENT_FIELDS, *(k for r in READERS for k in r.KEYS)}
)


@dataclass(slots=True)
class GivenLine:
    given_text: str  # as the line gives it: the spans' offsets count its code points
    text: str  # as it is stored (normalised)
    document: dict[str, Any]  # the document's fields, for document_build
    spans: list[GivenSpan]


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


def read_line(raw: bytes | str) -> GivenLine:
    if isinstance(raw, bytes) and len(raw) > MAX_LINE_BYTES:
        raise LineRefused(f"The line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB.")
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise LineRefused(f"Not valid JSON (or not UTF-8): {exc}.") from None
    if not isinstance(obj, dict):
        raise LineRefused("Each line must be a JSON object with a `text`.")
    given = obj.get("text")
    if not isinstance(given, str) or not given.strip():
        raise LineRefused("The line has no `text` (a non-empty string).")
    if reason := unstorable(given):
        raise LineRefused(f"text: {reason}")
    stored = normalize_text(given)
    document = _document(obj, stored)
    reader = next((r for r in READERS if any(key in obj for key in r.KEYS)), None)
    spans = reader.spans(obj) if reader is not None else []
    if len(spans) > MAX_SPANS_PER_LINE:
        raise LineRefused(f"More than {MAX_SPANS_PER_LINE:,} spans on one line.")
    return GivenLine(given_text=given, text=stored, document=document, spans=spans)


def _document(obj: dict[str, Any], stored: str) -> dict[str, Any]:
    """The document's fields, from the line itself or from its `meta` (this app's export)."""
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else None
    document: dict[str, Any] = {}
    for name in DOCUMENT_FIELDS:
        value = obj.get(name, meta.get(name) if meta else None)
        document[name] = as_str(value, f"`{name}`")
    if meta is not None:
        metadata = meta.get("metadata", {})
        if not isinstance(metadata, dict):
            raise LineRefused("`meta.metadata` must be an object.")
    else:
        metadata = {k: v for k, v in obj.items() if k not in _KNOWN_KEYS}
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
