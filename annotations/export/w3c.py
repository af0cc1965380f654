"""W3C Web Annotation (JSON-LD): one AnnotationCollection, each span an Annotation.

The collection (its id the export's address), its one AnnotationPage (`partOf` it) and each
annotation (its id the span's address) have ids, and every annotation carries `@context`, so
one taken out of the file stands alone. Target: the article (`source`: its URL, or the
document's page here when it has none; `scope`: the document's page here), with a
TextPositionSelector (code points, end exclusive, as the W3C model defines it: the only unit
this format offers) and a TextQuoteSelector (exact, prefix, suffix). Bodies: the label (purpose
`tagging`), the speaker (`identifying`), the note (`commenting`); for a CLAIM the desk claim it
is a mention of, as a SpecificResource whose `source` is the desk claim's API address and whose
`label` is its wording (purpose `identifying`: it says which claim these words are), and, when
the desk claim has a verdict, the rating (`assessing`), the rationale (`describing`) and each
evidence link (`linking`).
Only terms of the W3C context are used, so a JSON-LD processor drops nothing.

The W3C context ships with the app (data/anno.jsonld, see data/SOURCES.md): document_loader
serves it to a JSON-LD processor (pyld) without a network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from annotations.domain.offsets import CODEPOINT
from annotations.export.rows import (
    OFFSET_UNIT_TEXT,
    SPAN_COLUMNS,
    ExportContext,
    Group,
    SpanRow,
    check_span,
)

MEDIA_TYPE = "application/ld+json"
EXTENSION = "jsonld"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_URLS = frozenset({CONTEXT, "https://www.w3.org/ns/anno.jsonld"})
CONTEXT_FILE = Path(__file__).with_name("data") / "anno.jsonld"
# The W3C model defines TextPositionSelector in code points.
OFFSET_UNITS = (CODEPOINT,)
_START, _END, _TEXT = (SPAN_COLUMNS.index(name) for name in ("start", "end", "text"))


@cache
def context_document() -> dict[str, Any]:
    """The W3C Web Annotation JSON-LD context, as shipped with the app."""
    return orjson.loads(CONTEXT_FILE.read_bytes())


def document_loader(
    fallback: Callable[..., Any] | None = None,
) -> Callable[..., dict[str, Any]]:
    """A pyld document loader that serves the W3C context from the shipped copy (any other
    address goes to `fallback`, or is refused: nothing is fetched from the network)."""

    def load(url: str, options: Any = None) -> dict[str, Any]:
        if url in CONTEXT_URLS:
            return {"contextUrl": None, "documentUrl": url, "document": context_document()}
        if fallback is not None:
            return fallback(url, options)
        raise LookupError(f"No network here: {url} is not a context shipped with the app.")

    return load


_OPTIONS = orjson.OPT_UTC_Z


def _text_body(purpose: str, value: str) -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


# The bodies and creators many annotations share, made once: orjson writes a dict each time it
# meets it, so sharing one changes no byte.
_tagging = cache(lambda label: _text_body("tagging", label))
_creator = cache(lambda author: {"type": "Person", "nickname": author})


def annotation(span: SpanRow, *, source: str, scope: str, context: ExportContext) -> dict:
    bodies = [_tagging(span.label)]
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
        "creator": _creator(span.author),
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


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    collection_id = context.export_url or f"{context.base_url}/api/v1/"
    head = orjson.dumps(
        {
            "@context": CONTEXT,
            "id": collection_id,
            "type": "AnnotationCollection",
            "label": f"{context.project_name}: spans. {OFFSET_UNIT_TEXT}",
            "generated": context.generated_at,
        },
        option=_OPTIONS,
    )
    page = orjson.dumps(
        {"id": f"{collection_id}#page-1", "type": "AnnotationPage", "partOf": collection_id,
         "startIndex": 0}
    )  # fmt: skip
    # The collection is one JSON document; it is written in pieces so memory stays flat: a
    # document's annotations at a time, as one array whose brackets are cut off (the same
    # bytes as writing each annotation and a comma between them, in one call instead of one
    # a span).
    yield head[:-1] + b',"first":' + page[:-1] + b',"items":['
    dumps = orjson.dumps
    separator = b""
    for group in groups:
        document = group.document
        text = document.text
        page_url = context.document_url(document.id)
        source = document.source_url or page_url
        items = []
        for span in group.spans:
            if text[span[_START] : span[_END]] != span[_TEXT]:
                check_span(document, span)  # raises ExportMismatch
            items.append(annotation(span, source=source, scope=page_url, context=context))
        if items:
            yield separator + dumps(items, option=_OPTIONS)[1:-1]
            separator = b","
    yield b"]}}\n"
