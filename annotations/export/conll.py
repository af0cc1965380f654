"""CoNLL-2003 style BIO tags, as `spacy convert` (its `conll`/`ner` converter) and other
CoNLL-2003 readers take them: no comment lines; `-DOCSTART- -X- O O` before each document
(documents in id order, as in the other exports); a blank line between sentences; one token a
line with four whitespace-separated columns: token, start, end, tag. The start and end columns
(where CoNLL-2003 has its part-of-speech and chunk tags, which this app does not make) are the
token's offsets in its document, in the unit asked for.

Tokens and sentences: annotations.export.tokens (numbers and abbreviations such as "3.2" and
"U.S." stay whole; a sentence never ends inside a kept span, so none starts with an I- tag).
A token that begins with `#` is written with a fullwidth number sign (＃, U+FF03) instead, so
that no reader takes its line for a comment; its offsets still point at the `#` in the text.

Lossy by design: a token carries one tag, so overlapping spans cannot all survive. The rule:
the span that starts first wins; of spans starting together the longer wins; then CLAIM before
QUOTE before OPINION. A span overlapping one already kept is dropped (the spaCy export keeps
them all). A token is tagged when it overlaps a kept span, so a span that starts or ends inside
a token widens to whole tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from annotations.domain.offsets import CODEPOINT, converter
from annotations.export.rows import ExportContext, Group, SpanRow, check_span
from annotations.export.tokens import sentence_starts, tokenize

MEDIA_TYPE = "text/plain"
EXTENSION = "conll"
LABEL_ORDER = {"CLAIM": 0, "QUOTE": 1, "OPINION": 2}
DOCUMENT_START = "-DOCSTART- -X- O O\n"
COMMENT_SIGN = "#"
ESCAPED_COMMENT_SIGN = "＃"


def kept_spans(spans: list[SpanRow]) -> tuple[list[SpanRow], int]:
    """The non-overlapping spans that win (see the module docstring) and how many lost."""
    ordered = sorted(
        spans, key=lambda s: (s.start, -(s.end - s.start), LABEL_ORDER.get(s.label, 9), s.id)
    )
    kept: list[SpanRow] = []
    last_end = -1
    for span in ordered:
        if span.start >= last_end:
            kept.append(span)
            last_end = span.end
    return kept, len(spans) - len(kept)


def token_text(text: str) -> str:
    """A token as written: never a line a reader could take for a comment."""
    if text.startswith(COMMENT_SIGN):
        return ESCAPED_COMMENT_SIGN + text[1:]
    return text


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    unit = context.offset_unit
    for group in groups:
        document = group.document
        text = document.text
        for span in group.spans:
            check_span(document, span)
        kept, _ = kept_spans(group.spans)
        convert = None if unit == CODEPOINT else converter(text, unit)
        tokens = tokenize(text)
        starts = sentence_starts(text, tokens, ((s.start, s.end) for s in kept))
        lines = [DOCUMENT_START]
        k = 0
        current: SpanRow | None = None
        for (start, end), sentence_start in zip(tokens, starts, strict=True):
            if sentence_start:
                lines.append("\n")
            while k < len(kept) and kept[k].end <= start:
                k += 1
            tag = "O"
            if k < len(kept) and kept[k].start < end:
                span = kept[k]
                tag = ("I-" if current is span else "B-") + span.label
                current = span
            else:
                current = None
            at, to = start, end
            if convert is not None:
                at, to = convert.to_unit(start), convert.to_unit(end, end=True)
            lines.append(f"{token_text(text[start:end])}\t{at}\t{to}\t{tag}\n")
        lines.append("\n")
        yield "".join(lines).encode()
