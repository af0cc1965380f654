"""JSON Lines, one document a line, in the layout doccano and spaCy users read.

    {"id": 7, "text": "...", "label": [[0, 6, "CLAIM"], ...],
     "spans": [{every span field, speaker, verdict}], "meta": {title, outlet, ...},
     "offset_unit": "codepoint"}

`label` is doccano's sequence-labelling layout; `spans` keeps everything else, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotations.domain import span as span_domain
from annotations.export.rows import OFFSET_UNIT, SPAN_COLUMNS, ExportContext, Group, check_span

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


# The span object: the exported fields by name, the derived ones (origin) shown, its verdict last.
_NAMES = span_domain.EXPORT_FIELDS
_DERIVED = tuple((spec.name, spec.derive) for spec in span_domain.EXPORT if spec.derive)
_VERDICT = SPAN_COLUMNS.index("verdict_id")


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    dumps = orjson.dumps
    options = orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE
    names, derived, verdict_at = _NAMES, _DERIVED, _VERDICT
    for group in groups:
        document = group.document
        text = document.text
        labels = []
        spans = []
        # The hot loop of the biggest export: each span's object is made in one step from the
        # row (its exported fields come first, in the order of their names).
        for span in group.spans:
            values = dict(zip(names, span, strict=False))  # the row goes on: document, verdict
            start, end = values["start"], values["end"]
            if text[start:end] != values["text"]:
                check_span(document, span)  # raises ExportMismatch
            labels.append((start, end, values["label"]))
            for name, derive in derived:
                values[name] = derive(values[name])
            values["verdict"] = None if span[verdict_at] is None else span.verdict
            spans.append(values)
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
