"""Quotation marks: which marks pair up, paragraph by paragraph, and what lies between them.

It knows every common style (“ ” " „ « » ‘ ’ '), keeps marks of another style inside a quotation
as part of it (‘province’ inside “...”), tells an apostrophe (group’s, It’s, jihadists’) from a
closing single mark by what stands on both sides, and follows the newspaper convention for a
quotation that runs over paragraphs: each paragraph opens with a mark and only the last one
closes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..sentences import paragraph_spans

# opener -> the marks that may close it
_DOUBLE_CLOSERS = {
    "“": '”“"',  # “ may be typed for both ends, or closed by a straight mark
    "„": "“”",
    "‟": "”",
    "«": "»",
    "»": "«",  # German style »...«
    '"': '"”',  # or closed by a curly mark: "Nothing we could do,” Fred Kagan said
    "＂": "＂",
    "「": "」",
    "『": "』",
}
_DOUBLE_OPENERS = frozenset('“„‟«"＂「『')
_DOUBLE_MARKS = frozenset('“”„‟«»"＂「」『』')
_SINGLE_OPENERS = frozenset("‘'‚‹")
_SINGLE_CLOSERS = {"‘": "’'", "'": "'’", "‚": "‘’", "‹": "›"}
_ALL_MARKS = _DOUBLE_MARKS | frozenset("‘’'‚‹›")
_MARK_RE = re.compile("[" + re.escape("".join(sorted(_ALL_MARKS))) + "]")
_LEFT_BOUND = frozenset(" \t\n([{—–-/…") | _ALL_MARKS
_RIGHT_BOUND = frozenset(" \t\n.,;:!?)]}—–-/…") | _ALL_MARKS


@dataclass(slots=True)
class Region:
    """Text between a pair of quotation marks in one paragraph (marks excluded)."""

    open_at: int  # index of the opening mark
    close_at: int  # index of the closing mark, or the paragraph end when it stays open
    closed: bool
    double: bool
    paragraph: int
    continues: bool = False  # the next paragraph opens with a mark and carries it on
    continued: bool = False  # this paragraph carries on the quotation of the one before
    inner: tuple[int, int] = (0, 0)


def _left_bound(text: str, i: int, lo: int) -> bool:
    return i <= lo or text[i - 1] in _LEFT_BOUND


def _right_bound(text: str, i: int, hi: int) -> bool:
    return i + 1 >= hi or text[i + 1] in _RIGHT_BOUND


def _is_apostrophe(text: str, i: int, lo: int, hi: int) -> bool:
    """’ or ' between letters (It’s, group’s, don't) or eliding a year ('90s)."""
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    if before.isalnum() and after.isalnum():
        return True
    return before in " \t(" and after.isdigit()


def _single_close(text: str, start: int, hi: int, closers: str) -> int | None:
    """Where a single-mark quotation opened at ``start`` closes, or None.

    A plural possessive (the jihadists’ claims) looks like a closing mark; it is taken as one only
    when no better closing mark follows in the same sentence.
    """
    weak: int | None = None
    for j in range(start + 1, hi):
        ch = text[j]
        if ch in "\n":
            break
        if ch not in closers or _is_apostrophe(text, j, start, hi):
            continue
        if j == start + 1 or text[j - 1].isspace():
            continue
        nxt = text[j + 1] if j + 1 < hi else " "
        if nxt.isalpha():
            continue
        if text[j - 1] in "sz" and nxt == " " and j + 2 < hi and text[j + 2].islower():
            weak = weak if weak is not None else j  # jihadists’ claims
            continue
        return j
    return weak


_TWO_APOSTROPHES = re.compile(r"''|``")


def normalize_marks(text: str) -> str:
    """The same text, same length, with two apostrophes (or backticks) standing for a double
    mark turned into a space and a straight double mark on the side of the quoted words, so
    every later step sees one mark: ''Like this,'' he said -> ' "Like this," ' he said."""
    if "''" not in text and "``" not in text:
        return text

    def one(m: re.Match) -> str:
        after = text[m.end() : m.end() + 1]
        if m.group() == "``" or (after and not after.isspace() and after not in ".,;:!?)"):
            return ' "'
        return '" '

    return _TWO_APOSTROPHES.sub(one, text)


def quoted_regions(text: str) -> list[Region]:
    """Every pair of quotation marks, outermost level only, in text order.

    ``text`` should have gone through ``normalize_marks``.
    """
    regions: list[Region] = []
    carry: str | None = None  # opener of a quotation that the previous paragraph left open
    for p_index, (lo, hi) in enumerate(paragraph_spans(text)):
        carry = _paragraph_regions(text, p_index, lo, hi, carry, regions)
    for r in regions:
        r.inner = _inner(text, r)
    return [r for r in regions if r.inner[1] > r.inner[0]]


def _paragraph_regions(
    text: str, p_index: int, lo: int, hi: int, carry: str | None, regions: list[Region]
) -> str | None:
    """Append the regions of the paragraph ``lo``..``hi``; return the opener it leaves open."""
    opener: str | None = None
    open_at = -1
    continued = False
    pos = lo
    if carry is not None and text[lo] in _DOUBLE_OPENERS:
        # the multi-paragraph convention: this paragraph opens with a mark and carries on
        opener, open_at, continued, pos = text[lo], lo, True, lo + 1
        if regions:
            regions[-1].continues = True
    while (m := _MARK_RE.search(text, pos, hi)) is not None:
        j = m.start()
        ch = text[j]
        pos = j + 1
        if opener is not None:
            # inside a quotation only a closing mark of its own style counts; marks of
            # another style (‘province’ inside “...”) belong to the quotation
            if _closes(text, j, hi, opener):
                regions.append(Region(open_at, j, True, True, p_index, continued=continued))
                opener, continued = None, False
        elif ch in _DOUBLE_OPENERS or ch in "»”":
            if _opens_double(text, j, lo, hi):
                opener, open_at = ("“" if ch == "”" else ch), j
        elif ch in _SINGLE_OPENERS:
            k = _single_region_end(text, j, lo, hi)
            if k is not None:
                regions.append(Region(j, k, True, False, p_index))
                pos = k + 1
    if opener is not None:
        regions.append(Region(open_at, hi, False, True, p_index, continued=continued))
    return opener


def _closes(text: str, j: int, hi: int, opener: str) -> bool:
    ch = text[j]
    return ch in _DOUBLE_CLOSERS[opener] and (
        ch == '"' or ch not in _DOUBLE_OPENERS or _right_bound(text, j, hi)
    )


def _opens_double(text: str, j: int, lo: int, hi: int) -> bool:
    ch = text[j]
    looks_open = not _right_bound(text, j, hi)
    if ch in "»”" and not (looks_open and _left_bound(text, j, lo)):
        return False  # a closing mark with nothing open: stray
    # a straight mark that does not look open is a stray closing mark or an inch sign
    return not (ch == '"' and not looks_open)


def _single_region_end(text: str, j: int, lo: int, hi: int) -> int | None:
    """Where the single-mark quotation opened at ``j`` closes, or None if it opens none."""
    if _is_apostrophe(text, j, lo, hi) or not _left_bound(text, j, lo) or _right_bound(text, j, hi):
        return None
    return _single_close(text, j, hi, _SINGLE_CLOSERS[text[j]])


def _inner(text: str, r: Region) -> tuple[int, int]:
    s, e = r.open_at + 1, r.close_at
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s and text[e - 1] == ",":  # “A,” he said: the comma belongs to the sentence around it
        e -= 1
    return s, e
