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

import json
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from annotations.domain.offsets import CODEPOINT
from annotations.export.rows import (
    NARROW_COLUMNS,
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
PLAIN_ROWS = True  # reads each span row by index (ROW_COLUMNS), as the driver gives it
# The columns of SPAN_COLUMNS an annotation is written from, in its rows' order: no origin,
# review status or review time, and of the verdict only what its bodies say (a third fewer
# values a row for the driver to make, and no join for the verdict's author).
ROW_COLUMNS = (
    *NARROW_COLUMNS, "prefix", "suffix", "speaker", "note", "desk_claim", "author",
    "created_at", "updated_at", "document_id", "verdict_id", "verdict_rating",
    "verdict_rationale", "verdict_evidence_links", "desk_claim_wording",
)  # fmt: skip
assert set(ROW_COLUMNS) <= set(SPAN_COLUMNS)
assert ROW_COLUMNS[: len(NARROW_COLUMNS)] == NARROW_COLUMNS
(
    _ID, _LABEL, _START, _END, _TEXT, _PREFIX, _SUFFIX, _SPEAKER, _NOTE, _DESK_CLAIM, _AUTHOR,
    _CREATED, _UPDATED, _DOCUMENT, _VERDICT, _RATING, _RATIONALE, _LINKS, _WORDING,
) = range(len(ROW_COLUMNS))  # fmt: skip


def _text_body(purpose: str, value: str) -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


def _bodies(span: tuple, context: ExportContext) -> list[dict]:
    """A span row's bodies: its label, and its speaker, note, desk claim and verdict if any."""
    bodies = [_text_body("tagging", span[_LABEL])]
    if span[_SPEAKER]:
        bodies.append(_text_body("identifying", span[_SPEAKER]))
    if span[_NOTE]:
        bodies.append(_text_body("commenting", span[_NOTE]))
    if span[_DESK_CLAIM] is not None:
        bodies.append(
            {
                "type": "SpecificResource",
                "purpose": "identifying",
                "source": context.desk_claim_api_url(span[_DESK_CLAIM]),
                "label": span[_WORDING],
            }
        )
    if span[_VERDICT] is not None:
        bodies.append(_text_body("assessing", span[_RATING]))
        if span[_RATIONALE]:
            bodies.append(_text_body("describing", span[_RATIONALE]))
        links = span[_LINKS]
        if isinstance(links, str):  # the JSON text as stored
            links = json.loads(links)
        bodies.extend(
            {"type": "SpecificResource", "purpose": "linking", "source": link} for link in links
        )
    return bodies


def _annotation_template(context: ExportContext, *, source: str, scope: str) -> bytes:
    """An annotation's JSON, as orjson writes it (compact, keys in this order), with a
    placeholder (bytes %-formatting) for each value that changes from span to span: id,
    creator, created, modified, body, start, end, exact, prefix, suffix. The strings' values
    go in escaped, without their quotes."""
    dumps = orjson.dumps

    def text(value: str) -> bytes:  # a constant of the template, % kept literal
        return dumps(value).replace(b"%", b"%%")

    url_head, _, url_tail = context.span_api_url(0).rpartition("0")  # the id is the last "0"
    return (
        b'{"@context":' + text(CONTEXT)
        + b',"id":' + text(url_head)[:-1] + b"%d" + text(url_tail)[1:]
        + b',"type":"Annotation","motivation":"tagging","creator":%b'
        + b',"created":"%b","modified":"%b","body":%b'
        + b',"target":{"type":"SpecificResource","source":' + text(source)
        + b',"scope":' + text(scope)
        + b',"selector":[{"type":"TextPositionSelector","start":%d,"end":%d},'
        + b'{"type":"TextQuoteSelector","exact":"%b","prefix":"%b","suffix":"%b"}]}}'
    )  # fmt: skip


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
    # document's annotations at a time, a comma between them.
    yield head[:-1] + b',"first":' + page[:-1] + b',"items":['
    dumps = orjson.dumps
    # The JSON of the creators and the label-only bodies most annotations share, made once.
    creator = cache(lambda author: dumps({"type": "Person", "nickname": author}))
    tagging = cache(lambda label: dumps([_text_body("tagging", label)]))
    separator = b""
    for group in groups:
        document = group.document
        text = document.text
        page_url = context.document_url(document.id)
        template = _annotation_template(
            context, source=document.source_url or page_url, scope=page_url
        )
        items = []
        for span in group.spans:
            start, end = span[_START], span[_END]
            if text[start:end] != span[_TEXT]:
                check_span(document, SpanRow(span))  # raises ExportMismatch
            if span[_SPEAKER] or span[_NOTE] or span[_DESK_CLAIM] is not None:
                body = dumps(_bodies(span, context))
            else:
                body = tagging(span[_LABEL])
            # The five strings in one call (the times are strings too, orjson's, as in a dict),
            # the array cut apart at '","' from the right. From the left a string ending in
            # '",' would be cut wrongly: it is written '\\",' and closed with '"', and that
            # '\\","' reads as a boundary. Such a false one always ends at the true boundary
            # after its string, so from the right the true one is found first and takes it.
            quoted = dumps(
                (span[_CREATED], span[_UPDATED], span[_TEXT], span[_PREFIX], span[_SUFFIX]),
                option=_OPTIONS,
            )
            created, modified, exact, prefix, suffix = quoted[2:-2].rsplit(b'","')
            items.append(
                template
                % (
                    span[_ID], creator(span[_AUTHOR]), created, modified, body, start, end,
                    exact, prefix, suffix,
                )
            )  # fmt: skip
        if items:
            yield separator + b",".join(items)
            separator = b","
    yield b"]}}\n"
