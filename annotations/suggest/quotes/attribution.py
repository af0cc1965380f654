"""Who speaks a quotation: the rules tried on each quoted region, in order.

Each rule takes a ``QuoteSite`` and returns an ``Attribution`` or None. ``OWN_RULES`` read the
quotation's own attribution (a transcript line, the words right after it); when they find none,
``CONTEXT_RULES`` look before it, in the paragraph before and below it. Whatever rule matches, the
analysis resolves its attribution in one step (``speakers.speaker_for``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property

from ..sentences import sentence_spans
from .after import speaker_after
from .before import Before, speaker_before
from .marks import Region
from .phrases import looks_like_speaker, trim_np
from .position import WORD_RE, sentence_bounds, starts_sentence
from .speakers import Attribution, Speaker

_TRANSCRIPT = re.compile(
    r"(?P<np>[A-Z][A-Z.’' -]{1,40}[A-Z.]|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}):\s+"
)
_SIGNED = re.compile(r"\n\s*[-—–]\s*(?P<np>[A-Z][^,.;:!?\n“”\"]{0,60})")


class QuoteSite:
    """A quoted region as the rules see it: where it stands, the words in it (after a transcript
    line's name), the quotations just before it and the last speaker found."""

    def __init__(
        self,
        text: str,
        sents: list[tuple[int, int]],
        region: Region,
        earlier: list[Region],
        last: Speaker | None,
    ) -> None:
        self.text = text
        self.sents = sents
        self.region = region
        self.earlier = earlier
        self.last = last
        self.transcript = _transcript(text, region)
        self.start = region.inner[0] if self.transcript is None else self.transcript.end()
        self.end = region.inner[1]
        self.words: list[str] = WORD_RE.findall(text[self.start : self.end])

    @cached_property
    def para_start(self) -> int:
        return self.text.rfind("\n", 0, self.region.open_at) + 1

    @cached_property
    def opens_paragraph(self) -> bool:
        return not self.text[self.para_start : self.region.open_at].strip()

    @cached_property
    def starts_sentence(self) -> bool:
        return starts_sentence(self.text, self.region.open_at)

    def before(self, start: int, open_at: int) -> Before:
        """The words from ``start`` to ``open_at``, with the earlier quotations among them."""
        quoted = tuple((q.open_at, q.close_at) for q in self.earlier if q.close_at >= start)
        return Before(self.text, start, open_at, self.last, quoted)


def _transcript(text: str, r: Region) -> re.Match[str] | None:
    """A transcript line ("PENCE: ..." in marks at the start of a line) and its speaker."""
    if not r.double or not (r.open_at == 0 or text[r.open_at - 1] == "\n"):
        return None
    m = _TRANSCRIPT.match(text, *r.inner)
    if m is not None and not m.group("np").isupper() and len(m.group("np").split()) > 2:
        return None
    return m


SiteRule = Callable[[QuoteSite], Attribution | None]


# --- the quotation's own attribution -------------------------------------------------------------


def transcript_line(site: QuoteSite) -> Attribution | None:
    """The name before the colon of a transcript line ("PENCE: We will ..."), capitals
    written as a name."""
    if site.transcript is None:
        return None
    ns, ne = site.transcript.span("np")
    word = site.text[ns:ne]
    name = word.title() if word.isupper() else word
    return Attribution(ns, ne, f"transcript line of '{word}'", name=name)


def named_after(site: QuoteSite) -> Attribution | None:
    """“...,” said Rita Katz / “...,” he said / “...,” according to X (``after.AFTER_RULES``)."""
    if not site.region.closed:
        return None
    return speaker_after(site.text, site.region.close_at)


OWN_RULES: tuple[SiteRule, ...] = (transcript_line, named_after)


# --- the words around it -------------------------------------------------------------------------


def named_before(site: QuoteSite) -> Attribution | None:
    """Rita Katz said: “... in the quotation's sentence (``before.BEFORE_RULES``)."""
    r = site.region
    open_sent = sentence_bounds(
        site.sents, r.open_at if r.open_at < len(site.text) else r.open_at - 1
    )
    return speaker_before(site.before(min(open_sent[0], r.open_at), r.open_at))


def introduced_by_the_paragraph_before(site: QuoteSite) -> Attribution | None:
    """A quotation opening a paragraph after one that ends with a colon ("Cruz continued:")."""
    if not site.opens_paragraph:
        return None
    text = site.text
    prev_end = site.para_start - 1
    while prev_end > 0 and text[prev_end - 1].isspace():
        prev_end -= 1
    if prev_end <= 0 or text[prev_end - 1] != ":":
        return None
    prev_start = text.rfind("\n", 0, prev_end) + 1
    sents = sentence_spans(text, prev_start, prev_end)
    if not sents:
        return None
    return speaker_before(Before(text, sents[-1][0], prev_end, site.last))


def named_in_the_sentence_before(site: QuoteSite) -> Attribution | None:
    """The speaker named in the sentence before, in the same paragraph: "Iowa State
    University's Dianne Bystrom agreed. “Mainstream Republicans ...”"."""
    if site.opens_paragraph or not site.starts_sentence:
        return None
    text, para_start = site.text, site.para_start
    prev_end = site.region.open_at
    while prev_end > para_start and text[prev_end - 1].isspace():
        prev_end -= 1
    ps = sentence_bounds(site.sents, prev_end - 1)
    if not para_start <= ps[0] < prev_end:
        return None
    found = speaker_before(site.before(ps[0], prev_end))
    return None if found is None else replace(found, where="the sentence before")


def signed_below(site: QuoteSite) -> Attribution | None:
    """A quotation alone in its paragraph, signed in the next one: “...” / - Bernie Sanders."""
    if not site.region.closed or not site.opens_paragraph:
        return None
    text, close_at = site.text, site.region.close_at
    line_end = text.find("\n", close_at)
    if line_end < 0 or text[close_at + 1 : line_end].strip(" .”\"'’"):
        return None
    m = _SIGNED.match(text, line_end)
    if m is None or text[line_end : m.start("np")].count("\n") > 2:
        return None
    span = trim_np(text, m.start("np"), m.end("np"), from_left=True)
    if span is None or not looks_like_speaker(text[span[0] : span[1]]):
        return None
    name = text[span[0] : span[1]]
    return Attribution(span[0], span[1], f"signed '- {name}'", name=name)


CONTEXT_RULES: tuple[SiteRule, ...] = (
    named_before,
    introduced_by_the_paragraph_before,
    named_in_the_sentence_before,
    signed_below,
)
