"""W3C Web Annotation (JSON-LD): one AnnotationCollection, each span an Annotation.

Target: the document, with a TextPositionSelector (code points, end exclusive, as the W3C model
defines it) and a TextQuoteSelector (exact, prefix, suffix). Bodies: the label (purpose
`tagging`), the speaker (`identifying`), the note (`commenting`); for a CLAIM the desk claim it
is a mention of, as a SpecificResource whose `source` is the desk claim's API address and whose
`label` is its wording (purpose `identifying`: it says which claim these words are), and, when
the desk claim has a verdict, the rating (`assessing`), the rationale (`describing`) and each
evidence link (`linking`). Only terms of the W3C context are used, so a JSON-LD processor drops
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotations.export.rows import OFFSET_UNIT_TEXT, ExportContext, Group, SpanRow, check_span

MEDIA_TYPE = "application/ld+json"
EXTENSION = "jsonld"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"

_OPTIONS = orjson.OPT_UTC_Z


def _text_body(purpose: str, value: str) -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


def annotation(span: SpanRow, *, source: str, context: ExportContext) -> dict:
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
        "id": context.span_api_url(span.id),
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"type": "Person", "nickname": span.author},
        "created": span.created_at,
        "modified": span.updated_at,
        "body": bodies,
        "target": {
            "source": source,
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


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    head = orjson.dumps(
        {
            "@context": CONTEXT,
            "type": "AnnotationCollection",
            "label": f"{context.project_name}: spans. {OFFSET_UNIT_TEXT}",
            "generated": context.generated_at,
        },
        option=_OPTIONS,
    )
    # The collection is one JSON document; it is written in pieces so memory stays flat.
    yield head[:-1] + b',"first":{"type":"AnnotationPage","items":['
    separator = b""
    for group in groups:
        source = context.document_api_url(group.document.id)
        for span in group.spans:
            check_span(group.document, span)
            yield separator + orjson.dumps(
                annotation(span, source=source, context=context), option=_OPTIONS
            )
            separator = b","
    yield b"]}}\n"
