"""JSON Lines, one document a line, in the layout doccano and spaCy users read.

    {"id": 7, "text": "...", "label": [[0, 6, "CLAIM"], ...],
     "spans": [{every span field, speaker, verdict}], "meta": {title, outlet, ...},
     "offset_unit": "codepoint"}

`label` is doccano's sequence-labelling layout; `spans` keeps everything else, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotations.export.rows import OFFSET_UNIT, ExportContext, Group, check_span

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


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    dumps = orjson.dumps
    for group in groups:
        document = group.document
        labels = []
        for span in group.spans:
            check_span(document, span)
            labels.append((span.start, span.end, span.label))
        yield dumps(
            {
                "id": document.id,
                "text": document.text,
                "label": labels,
                "spans": group.spans,  # dataclasses: orjson writes every field
                "meta": document_meta(group),
                "offset_unit": OFFSET_UNIT,
            },
            option=orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE,
        )
