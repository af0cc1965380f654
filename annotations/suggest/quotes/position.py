"""Where a pair of marks stands: at a sentence start, inside a sentence, after a speech verb or
after "called"; and whether the words between them look like a title."""

from __future__ import annotations

import bisect
import re

from .cues import CUE_RE, word_list

NAMEISH_BEFORE = re.compile(
    r"\b(?:called|dubbed|so-called|known as|named|nicknamed|titled|entitled|labell?ed|branded|"
    r"the term|the word|the words|the phrase|the slogan|the hashtag|the headline|the show|the book|"
    r"the film|the movie|the song|the program|the programme|the series|the campaign|the group|"
    r"the website|the column|the article|the report|the op-ed)\s*$",
    re.IGNORECASE,
)
WORD_RE = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")
_SMALL_WORDS = frozenset(word_list("a an the of in on at to for and or but with by from as is vs"))


def is_title_case(words: list[str]) -> bool:
    big = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(big) and all(w[:1].isupper() or w[:1].isdigit() for w in big)


def sentence_bounds(sents: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The sentence of ``sents`` that holds ``pos`` (or its end), else the empty span at ``pos``."""
    i = bisect.bisect_right(sents, (pos, float("inf"))) - 1
    if i >= 0 and sents[i][0] <= pos < sents[i][1] + 1:
        return sents[i]
    return (pos, pos)


def starts_sentence(text: str, open_at: int) -> bool:
    """The mark opens a paragraph or follows the end of a sentence."""
    i = open_at - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in "\n.!?”\"’'"


def inside_sentence(text: str, open_at: int) -> bool:
    """The mark follows a word, not the start of a paragraph, a colon, a comma or a dash."""
    i = open_at - 1
    while i >= 0 and text[i] in " \t\"“‘'„«":
        i -= 1
    return i >= 0 and text[i] not in "\n:,.;!?—–-([…"


_GOVERN_TOKENS = re.compile(r"[\w’'-]+|[^\w\s]")


def governed(text: str, open_at: int, reach: int = 4) -> bool:
    """A speech verb (or the 'as' of "described as") within ``reach`` words before the mark."""
    tokens = _GOVERN_TOKENS.findall(text, max(0, open_at - 80), open_at)
    for tok in reversed(tokens[-reach:]):
        if not (tok[0].isalnum() or tok[0] == "_"):
            return False
        low = tok.lower()
        if low == "as" or CUE_RE.fullmatch(low):
            return True
    return False
