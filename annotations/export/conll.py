"""CoNLL-style BIO tags: one token a line (token, start, end, tag), a blank line between
sentences, `#` comment lines naming each document.

Lossy by design: a token carries one tag, so overlapping spans cannot all survive. The rule:
the span that starts first wins; of spans starting together the longer wins; then CLAIM before
QUOTE before OPINION. A span overlapping one already kept is dropped, and each document says how
many were dropped (`# dropped_overlapping_spans = n`). A token is tagged when it overlaps a kept
span, so a span that starts or ends inside a token widens to whole tokens.

Tokens are runs of letters, digits, `_` and combining marks, or any other single non-space
character (with the combining marks that follow it). Tokens never hold whitespace, so the text
is the tokens with the whitespace between them (the start/end columns say where).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

from annotations.export.rows import OFFSET_UNIT, ExportContext, Group, SpanRow, check_span

MEDIA_TYPE = "text/plain"
EXTENSION = "conll"
LABEL_ORDER = {"CLAIM": 0, "QUOTE": 1, "OPINION": 2}
SENTENCE_END = frozenset(".!?。！？")


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def tokenize(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token, in code points."""
    tokens: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        start = i
        i += 1
        if _is_word(char):
            while i < n and _is_word(text[i]):
                i += 1
        else:
            while i < n and unicodedata.category(text[i]).startswith("M"):
                i += 1
        tokens.append((start, i))
    return tokens


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


def _comment(key: str, value: object) -> str:
    return f"# {key} = {' '.join(str(value).split())}\n"


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    yield (
        _comment("format", "BIO; columns: token, start, end, tag")
        + _comment("offset_unit", OFFSET_UNIT)
        + _comment("project", context.project_name)
        + "\n"
    ).encode()
    for group in groups:
        document = group.document
        text = document.text
        for span in group.spans:
            check_span(document, span)
        kept, dropped = kept_spans(group.spans)
        lines = [
            _comment("doc_id", document.id),
            _comment("title", document.title),
            _comment("dropped_overlapping_spans", dropped),
        ]
        k = 0
        current: SpanRow | None = None
        previous_end = 0
        for start, end in tokenize(text):
            if previous_end and (
                "\n" in text[previous_end:start] or text[previous_end - 1] in SENTENCE_END
            ):
                lines.append("\n")
            previous_end = end
            while k < len(kept) and kept[k].end <= start:
                k += 1
            tag = "O"
            if k < len(kept) and kept[k].start < end:
                span = kept[k]
                tag = ("I-" if current is span else "B-") + span.label
                current = span
            else:
                current = None
            lines.append(f"{text[start:end]}\t{start}\t{end}\t{tag}\n")
        lines.append("\n")
        yield "".join(lines).encode()
