"""A fast sentence and clause splitter that returns offsets, not strings.

Regular expressions only: it runs on every imported article, so it has to be cheap. It knows
the abbreviations of news prose (Mr., Gov., U.S., Jan.) and that a sentence may end inside a
quotation (``... project.” Next``). A line break always ends a sentence.
"""

from __future__ import annotations

import re


def _words(text: str) -> list[str]:
    """The words of a word list written as one string."""
    return text.split()


ABBREVIATIONS = frozenset(
    _words("""
    mr mrs ms dr prof gov sen rep reps sens gen col lt sgt capt cmdr adm maj pres st jr sr
    ft mt no nos vs etc inc corp co ltd bros dept univ assn ave blvd rd fig al approx est
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    u.s u.k u.n e.g i.e a.m p.m d.c n.y l.a
    """)
)

# A candidate end: terminal punctuation, any closing quotes or brackets, then white space.
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+([\"'“‘«(\[]*)(\S)")
_LINE = re.compile(r"[^\n]+")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or an initial."""
    i = dot
    while i > 0 and (text[i - 1].isalpha() or text[i - 1] == "."):
        i -= 1
    word = text[i:dot].lower()
    if not word:
        return False
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    return word in ABBREVIATIONS


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text[start:end]``, white space trimmed, in order."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text, start, end):
        ls, le = line.span()
        s = ls
        for m in _END.finditer(text, ls, le):
            punct_end = m.end()
            first_dot = m.start()
            if (
                text[first_dot] == "."
                and m.group().startswith(".")
                and len(m.group().rstrip("\"'”’»)]")) == 1
                and _is_abbreviation(text, first_dot)
            ):
                continue
            nxt = _NEXT_START.match(text, punct_end, le)
            if nxt is None:
                continue
            ch = nxt.group(2)
            if not (ch.isupper() or ch.isdigit() or nxt.group(1)):
                continue
            _append(text, spans, s, punct_end)
            s = nxt.start(1)
        _append(text, spans, s, le)
    return spans


def _append(text: str, spans: list[tuple[int, int]], s: int, e: int) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


_CLAUSE_BREAK = re.compile(r";\s+|\s+[—–]\s+|:\s+(?=[A-Z“\"])")


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split one sentence at semicolons, dashes and colons into clauses (offsets)."""
    spans: list[tuple[int, int]] = []
    s = start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        _append(text, spans, s, m.start())
        s = m.end()
    _append(text, spans, s, end)
    return spans


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Each non-blank line is a paragraph (news text puts one paragraph on a line)."""
    spans: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        _append(text, spans, m.start(), m.end())
    return spans
