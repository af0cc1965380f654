"""Compact JSON Lines: doccano's layout alone, one document a line.

    {"id": 7, "text": "...", "label": [[0, 6, "CLAIM"], ...], "meta": {"title": ..., ...},
     "offset_unit": "codepoint"}

What doccano and spaCy's converters read, without the `spans` objects of the full JSONL (every
field of every span, its verdict): a sixth of the bytes. `meta` holds only the document's
fields that are set (an empty title, outlet or metadata is left out: the import reads a
missing one as empty, so the file reads back the same). Offsets count the unit asked for, as
the full JSONL's do; for doccano ask for `utf16`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotations.domain.offsets import CODEPOINT, converter
from annotations.export.jsonl import document_meta
from annotations.export.rows import SPAN_COLUMNS, ExportContext, Group, SpanRow, check_span

MEDIA_TYPE = "application/x-ndjson"
EXTENSION = "jsonl"
NARROW_ROWS = True  # each span's range, label and text is all this format reads
PLAIN_ROWS = True  # by index, as the driver gives them

_START, _END = SPAN_COLUMNS.index("start"), SPAN_COLUMNS.index("end")
_LABEL, _TEXT = SPAN_COLUMNS.index("label"), SPAN_COLUMNS.index("text")


def compact_meta(group: Group) -> dict:
    """The document's fields that say something (`meta` stays, even empty: with it the import
    reads the document's fields from it and keeps no other key of the line as metadata)."""
    return {name: value for name, value in document_meta(group).items() if value}


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    dumps = orjson.dumps
    unit = context.offset_unit
    for group in groups:
        document = group.document
        text = document.text
        labels = []
        for span in group.spans:
            start, end = span[_START], span[_END]
            if text[start:end] != span[_TEXT]:
                check_span(document, SpanRow(span))  # raises ExportMismatch
            labels.append((start, end, span[_LABEL]))
        if unit != CODEPOINT and (convert := converter(text, unit)) is not None:
            labels = [
                (convert.to_unit(start), convert.to_unit(end, end=True), label)
                for start, end, label in labels
            ]
        yield dumps(
            {
                "id": document.id,
                "text": text,
                "label": labels,
                "meta": compact_meta(group),
                "offset_unit": unit,
            },
            option=orjson.OPT_APPEND_NEWLINE,
        )
