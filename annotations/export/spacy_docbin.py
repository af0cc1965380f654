"""spaCy's binary training format (`.spacy`, a DocBin), for `spacy train` and spancat.

Each document is a Doc whose text is the document's text exactly, tokenised as the CoNLL
export is (annotations.export.tokens; whitespace other than a single space after a token is a
token of its own, as spaCy's tokenizer makes it). Every exported span is in one span group,
`sc` (the key spaCy's SpanCategorizer reads by default), labelled CLAIM, QUOTE or OPINION:
overlapping spans are all kept, unlike the CoNLL export. A span that starts or ends inside a
token is widened to whole tokens. `doc.user_data` (stored) keeps the document's id, title,
external id and address, and each span's id, offsets (code points), speaker and note.

A DocBin is one compressed object, so this export is built in memory and sent when complete.
spaCy is imported only when this format is asked for (it takes a second to load).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from annotations.domain.offsets import CODEPOINT
from annotations.export.rows import ExportContext, Group, check_span
from annotations.export.tokens import tokenize

MEDIA_TYPE = "application/octet-stream"
EXTENSION = "spacy"
SPAN_KEY = "sc"
# A DocBin holds token indices; the character offsets kept beside them are code points.
OFFSET_UNITS = (CODEPOINT,)


def words_and_spaces(text: str) -> tuple[list[str], list[bool]]:
    """spaCy's words and spaces for `text`: joined back (a space after each word whose flag is
    set) they give the text exactly."""
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for start, end in tokenize(text):
        gap = text[position:start]
        if gap:
            if words and gap[0] == " ":
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
        words.append(text[start:end])
        spaces.append(False)
        position = end
    tail = text[position:]
    if tail:
        if words and tail[0] == " ":
            spaces[-1] = True
            tail = tail[1:]
        if tail:
            words.append(tail)
            spaces.append(False)
    return words, spaces


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    from spacy.tokens import Doc, DocBin, Span
    from spacy.vocab import Vocab

    vocab = Vocab()
    docbin = DocBin(store_user_data=True)
    for group in groups:
        document = group.document
        words, spaces = words_and_spaces(document.text)
        doc = Doc(vocab, words=words, spaces=spaces)
        spans: list[Span] = []
        kept: list[dict[str, Any]] = []
        for row in group.spans:
            check_span(document, row)
            span = doc.char_span(row.start, row.end, label=row.label, alignment_mode="expand")
            if span is None:
                continue  # whitespace only: no token to carry it
            spans.append(span)
            kept.append(
                {
                    "id": row.id,
                    "label": row.label,
                    "start": row.start,
                    "end": row.end,
                    "speaker": row.speaker,
                    "note": row.note,
                }
            )
        doc.spans[SPAN_KEY] = spans
        doc.user_data.update(
            {
                "document_id": document.id,
                "title": document.title,
                "external_id": document.external_id,
                "source_url": document.source_url or context.document_url(document.id),
                "offset_unit": CODEPOINT,
                "spans": kept,
            }
        )
        docbin.add(doc)
    yield docbin.to_bytes()
