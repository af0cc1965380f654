"""JSON Lines, one document a line, in the layout doccano and spaCy users read.

    {"id": 7, "text": "...", "label": [[0, 6, "CLAIM"], ...],
     "spans": [{every span field, speaker, verdict}], "meta": {title, outlet, ...},
     "offset_unit": "codepoint"}

`label` is doccano's sequence-labelling layout; `spans` keeps everything else, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotations.export.rows import OFFSET_UNIT, ExportContext, Group, check_span, origin

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
    options = orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE
    for group in groups:
        document = group.document
        text = document.text
        labels = []
        spans = []
        # The hot loop of the biggest export: the row is unpacked once and each span's object
        # built in one expression, with the same fields, in the same order, as SpanRow names.
        for span in group.spans:
            (_, pk, label, start, end, exact, prefix, suffix, speaker, note, author, suggested,
             status, reviewed_at, created_at, updated_at, verdict_id) = span[:17]  # fmt: skip
            if text[start:end] != exact:
                check_span(document, span)  # raises ExportMismatch
            labels.append((start, end, label))
            spans.append(
                {
                    "id": pk,
                    "label": label,
                    "start": start,
                    "end": end,
                    "text": exact,
                    "prefix": prefix,
                    "suffix": suffix,
                    "speaker": speaker,
                    "note": note,
                    "author": author,
                    "origin": "manual" if suggested is None else origin(suggested),
                    "review_status": status,
                    "reviewed_at": reviewed_at,
                    "created_at": created_at,
                    "updated_at": updated_at,
                    "verdict": None if verdict_id is None else span.verdict,
                }
            )
        yield dumps(
            {
                "id": document.id,
                "text": text,
                "label": labels,
                "spans": spans,
                "meta": document_meta(group),
                "offset_unit": OFFSET_UNIT,
            },
            option=options,
        )
