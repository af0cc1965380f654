"""The exports as they were written before the speed work, kept as the reference the faster
paths must match byte for byte (tests/test_export_bytes.py).

The rows: every span column, read in one plain query per table (no server-side cursor, no
read-ahead, no narrow rows), grouped here. The W3C collection: one annotation a dict built
field by field and written by itself, a comma between them. JSONL and compact JSONL: a dict
a line, each span's object built field by field from its named properties.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

import orjson

from annotations import export_selectors
from annotations.domain.offsets import CODEPOINT, converter
from annotations.domain.span import EXPORT_FIELDS
from annotations.export import ExportContext, Group, SpanRow, check_span
from annotations.export.jsonl import document_meta
from annotations.export.rows import DOCUMENT_ID, OFFSET_UNIT_TEXT
from annotations.export.w3c import CONTEXT
from annotations.models import Document


def groups(spans, *, approved_verdicts_only: bool) -> list[Group]:
    """Every span of `spans` with its document, through Django's plain queryset reads."""
    fields = export_selectors._span_export_fields(
        "exported_verdict" if approved_verdicts_only else "desk_claim__verdict"
    )
    if approved_verdicts_only:
        from django.db.models import FilteredRelation, Q

        spans = spans.annotate(
            exported_verdict=FilteredRelation(
                "desk_claim__verdict",
                condition=Q(desk_claim__verdict__review_status="approved"),
            )
        )
    rows = list(spans.order_by("document_id", "start", "end", "id").values_list(*fields))
    documents = {
        row[0]: export_selectors._document_row(row)
        for row in Document.objects.filter(pk__in={row[DOCUMENT_ID] for row in rows})
        .order_by("pk")
        .values_list(*export_selectors._DOCUMENT_EXPORT_FIELDS)
    }
    return [
        Group(documents[document_id], [SpanRow(row) for row in group])
        for document_id, group in groupby(rows, key=lambda row: row[DOCUMENT_ID])
    ]


def _text_body(purpose: str, value: str) -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


def _annotation(span: SpanRow, *, source: str, scope: str, context: ExportContext) -> dict:
    bodies = [_text_body("tagging", span.label)]
    if span.speaker:
        bodies.append(_text_body("identifying", span.speaker))
    if span.note:
        bodies.append(_text_body("commenting", span.note))
    if span.desk_claim is not None:
        bodies.append(
            {
                "type": "SpecificResource",
                "purpose": "identifying",
                "source": context.desk_claim_api_url(span.desk_claim),
                "label": span.desk_claim_wording,
            }
        )
    verdict = span.verdict
    if verdict is not None:
        bodies.append(_text_body("assessing", verdict.rating))
        if verdict.rationale:
            bodies.append(_text_body("describing", verdict.rationale))
        bodies.extend(
            {"type": "SpecificResource", "purpose": "linking", "source": link}
            for link in verdict.evidence_links
        )
    return {
        "@context": CONTEXT,
        "id": context.span_api_url(span.id),
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"type": "Person", "nickname": span.author},
        "created": span.created_at,
        "modified": span.updated_at,
        "body": bodies,
        "target": {
            "type": "SpecificResource",
            "source": source,
            "scope": scope,
            "selector": [
                {"type": "TextPositionSelector", "start": span.start, "end": span.end},
                {
                    "type": "TextQuoteSelector",
                    "exact": span.text,
                    "prefix": span.prefix,
                    "suffix": span.suffix,
                },
            ],
        },
    }


def w3c(groups: list[Group], context: ExportContext) -> Iterator[bytes]:
    collection_id = context.export_url or f"{context.base_url}/api/v1/"
    head = orjson.dumps(
        {
            "@context": CONTEXT,
            "id": collection_id,
            "type": "AnnotationCollection",
            "label": f"{context.project_name}: spans. {OFFSET_UNIT_TEXT}",
            "generated": context.generated_at,
        },
        option=orjson.OPT_UTC_Z,
    )
    page = orjson.dumps(
        {"id": f"{collection_id}#page-1", "type": "AnnotationPage", "partOf": collection_id,
         "startIndex": 0}
    )  # fmt: skip
    yield head[:-1] + b',"first":' + page[:-1] + b',"items":['
    separator = b""
    for group in groups:
        document = group.document
        page_url = context.document_url(document.id)
        source = document.source_url or page_url
        for span in group.spans:
            check_span(document, span)
            yield separator + orjson.dumps(
                _annotation(span, source=source, scope=page_url, context=context),
                option=orjson.OPT_UTC_Z,
            )
            separator = b","
    yield b"]}}\n"


def jsonl(groups: list[Group], context: ExportContext, *, compact: bool = False) -> Iterator[bytes]:
    unit = context.offset_unit
    for group in groups:
        document = group.document
        convert = converter(document.text, unit) if unit != CODEPOINT else None
        labels, spans = [], []
        for span in group.spans:
            check_span(document, span)
            start, end = span.start, span.end
            if convert is not None:
                start, end = convert.to_unit(start), convert.to_unit(end, end=True)
            labels.append([start, end, span.label])
            values = {name: getattr(span, name) for name in EXPORT_FIELDS}
            values["start"], values["end"] = start, end
            values["verdict"] = span.verdict
            spans.append(values)
        line = {"id": document.id, "text": document.text, "label": labels}
        if not compact:
            line["spans"] = spans
        meta = document_meta(group)
        if compact:  # only the fields that are set
            meta = {k: v for k, v in meta.items() if v not in ("", None, {})}
        line["meta"] = meta
        line["offset_unit"] = unit
        yield orjson.dumps(line, option=orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE)
