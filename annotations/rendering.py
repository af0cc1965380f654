"""Server-side rendering of a document's text with its spans as <mark> elements.

Spans may overlap and nest, so the text is cut at every span boundary and each piece is wrapped
in one <mark> per span covering it (outermost first). A span is then one or more <mark>
elements sharing its data-span-id. Every piece of text is escaped; nothing from the article,
a note or a speaker reaches the page as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import Protocol

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


class SpanLike(Protocol):
    pk: int
    label: str
    start: int
    end: int
    speaker: str


def _open_tag(span: SpanLike) -> str:
    name = f"{span.label.title()}: {span.speaker}" if span.speaker else span.label.title()
    return (
        f'<mark class="hl hl-{span.label.lower()}" data-span-id="{span.pk}" '
        f'data-label="{escape(span.label)}" title="{escape(name)}">'
    )


def highlight(text: str, spans: Iterable[SpanLike]) -> SafeString:
    spans = sorted(spans, key=lambda s: (s.start, -s.end, s.pk))
    boundaries = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []
    active: list[SpanLike] = []
    next_span = 0
    for left, right in pairwise(boundaries):
        active = [s for s in active if s.end > left]
        while next_span < len(spans) and spans[next_span].start == left:
            active.append(spans[next_span])
            next_span += 1
        piece = escape(text[left:right])
        if not active:
            out.append(piece)
            continue
        out.extend(_open_tag(s) for s in active)
        out.append(piece)
        out.append("</mark>" * len(active))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped
