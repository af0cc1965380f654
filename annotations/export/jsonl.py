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

from annotations.domain.offsets import CODEPOINT, Converter, converter
from annotations.export.rows import (
    SPAN_COLUMNS,
    ExportContext,
    Group,
    check_span,
    span_object_maker,
)

MEDIA_TYPE = "application/x-ndjson"
EXTENSION = "jsonl"


def document_meta(group: Group) -> dict:
    document = group.document
    return {
        "title": document.title,
        "outlet": document.outlet,
        "author": document.author,
        "source_url": document.source_url,
        "published_on": document.published_on,
        "external_id": document.external_id,
        "metadata": document.metadata,
    }


_VERDICT = SPAN_COLUMNS.index("verdict_id")
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
    span_object, verdict_at = _span_object, _VERDICT
    unit = context.offset_unit
    for group in groups:
        document = group.document
        text = document.text
        labels = []
        spans = []
        # The hot loop of the biggest export: each span's object is made in one step from the
        # row, its verdict last.
        for span in group.spans:
            values = span_object(span)
            start, end = values["start"], values["end"]
            if text[start:end] != values["text"]:
                check_span(document, span)  # raises ExportMismatch
            labels.append((start, end, values["label"]))
            values["verdict"] = None if span[verdict_at] is None else span.verdict
            spans.append(values)
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
