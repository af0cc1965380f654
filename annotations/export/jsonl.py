"""JSON Lines, one document a line, in the layout doccano and spaCy users read.

    {"id": 7, "text": "...", "label": [[0, 6, "CLAIM"], ...],
     "spans": [{every span field, speaker, verdict}], "meta": {title, outlet, ...},
     "offset_unit": "codepoint"}

`label` is doccano's sequence-labelling layout; `spans` keeps everything else, in the same order.
Both count offsets in the unit asked for (`offset_unit` on every line): for doccano, ask for
`utf16`, the unit its editor counts, and the line says so when it comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotations.domain.document import DESCRIPTION_FIELDS
from annotations.domain.offsets import CODEPOINT, Converter, converter
from annotations.export.rows import (
    SPAN_COLUMNS,
    ExportContext,
    Group,
    SpanRow,
    check_span,
    span_object_maker,
)

MEDIA_TYPE = "application/x-ndjson"
EXTENSION = "jsonl"
PLAIN_ROWS = True  # reads each span row by index (SPAN_COLUMNS), as the driver gives it


def document_meta(group: Group) -> dict:
    document = group.document
    meta = {name: getattr(document, name) for name in DESCRIPTION_FIELDS}
    meta["metadata"] = document.metadata
    return meta


_START, _END = SPAN_COLUMNS.index("start"), SPAN_COLUMNS.index("end")
_LABEL, _TEXT = SPAN_COLUMNS.index("label"), SPAN_COLUMNS.index("text")
_span_object = span_object_maker()


def _in_unit(convert: Converter, spans: list[dict]) -> list[tuple[int, int, str]]:
    """The spans' offsets (changed in place) and the `label` entries, in another unit."""
    labels = []
    for values in spans:
        values["start"] = start = convert.to_unit(values["start"])
        values["end"] = end = convert.to_unit(values["end"], end=True)
        labels.append((start, end, values["label"]))
    return labels


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    dumps = orjson.dumps
    options = orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE
    span_object = _span_object
    unit = context.offset_unit
    for group in groups:
        document = group.document
        text = document.text
        rows = group.spans
        # The hot loop of the biggest export: each span checked and its `label` entry made
        # from the row itself; then every span's object in one map.
        labels = []
        for span in rows:
            start, end = span[_START], span[_END]
            if text[start:end] != span[_TEXT]:
                check_span(document, SpanRow(span))  # raises ExportMismatch
            labels.append((start, end, span[_LABEL]))
        spans = list(map(span_object, rows))
        # Converted after the loop, so the code point export's loop stays as it is.
        if unit != CODEPOINT and (convert := converter(text, unit)) is not None:
            labels = _in_unit(convert, spans)
        yield dumps(
            {
                "id": document.id,
                "text": text,
                "label": labels,
                "spans": spans,
                "meta": document_meta(group),
                "offset_unit": unit,
            },
            option=options,
        )
