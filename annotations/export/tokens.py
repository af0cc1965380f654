"""Tokens and sentences for the token-level exports (CoNLL, spaCy), from the text alone.

Tokens: a number with its inner separators ("3.2", "1,204", "10:30"), an abbreviation with its
dots ("U.S.", "e.g.", "Mr.", an initial "J."), a run of letters, digits, marks and `_`, each
Han, Hiragana or Katakana character on its own (those scripts put no spaces between words),
or any other grapheme cluster (a flag, a family emoji, a letter with its accents) that is not
whitespace. Tokens never hold whitespace, so the text is the tokens with the whitespace between
them.

Sentences end after `.`, `!`, `?`, `…` and their CJK forms (with the closing quotes and brackets
that follow them), and at a line break; never inside a span (`keep_together`), so no sentence
starts inside one.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

_ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Gen|Gov|Sen|Rep|Lt|Col|Capt|Sgt|Inc|Ltd|Corp|vs|etc|approx"
)
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}"
TOKEN = regex.compile(
    rf"""
    \d+(?:[.,:/]\d+)+                       # 3.2  1,204  10:30
    | (?:\p{{L}}\.){{2,}}                   # U.S.  e.g.
    | (?:{_ABBREVIATIONS})\.(?!\w)          # Mr.
    | \p{{Lu}}\.(?=\s+\p{{Lu}})             # J. Smith
    | [{_CJK}]\p{{M}}*                      # one CJK character
    | (?:(?![{_CJK}])[\p{{L}}\p{{N}}\p{{M}}_])+
    | (?!\s)\X                              # anything else, a cluster at a time
    """,
    regex.VERBOSE,
)
SENTENCE_END = frozenset(".!?…。！？｡")
CLOSING = frozenset("\"'”’»)]}」』）】〕›")


def tokenize(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token, in code points."""
    tokens: list[tuple[int, int]] = []
    for match in TOKEN.finditer(text):
        start, end = match.span()
        token = match.group()
        if len(token) > 1 and any(char.isspace() for char in token):
            # A prefixed cluster (an Arabic number sign before a space): cut at its spaces.
            tokens += _split_at_spaces(text, start, end)
        else:
            tokens.append((start, end))
    return tokens


def _split_at_spaces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    piece = start
    for i in range(start, end):
        if text[i].isspace():
            if piece < i:
                pieces.append((piece, i))
            piece = i + 1
    if piece < end:
        pieces.append((piece, end))
    return pieces


def sentence_starts(
    text: str, tokens: list[tuple[int, int]], keep_together: Iterable[tuple[int, int]] = ()
) -> list[bool]:
    """For each token, whether a sentence starts with it. No sentence starts strictly inside a
    range of `keep_together` ((start, end) in code points, sorted by start)."""
    ranges = sorted(keep_together)
    starts = []
    ended = False  # a sentence end was seen (closing quotes and brackets may follow it)
    previous_end = None
    r = 0
    reach = -1  # the furthest end of the ranges that start before this token
    for start, end in tokens:
        while r < len(ranges) and ranges[r][0] < start:
            reach = max(reach, ranges[r][1])
            r += 1
        token = text[start:end]
        boundary = previous_end is None or (
            (ended and token not in SENTENCE_END and token not in CLOSING)
            or "\n" in text[previous_end:start]
        )
        if previous_end is not None and reach > start:
            boundary = False  # inside a span
        starts.append(boundary)
        if boundary:
            ended = False
        if token in SENTENCE_END:
            ended = True
        elif token not in CLOSING:
            ended = False
        previous_end = end
    return starts
