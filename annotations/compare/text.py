"""Words, stems and sentences shared by the matchers.

Words follow one rule everywhere they are compared or counted: curly quotes and apostrophes count
as straight ones, dashes as hyphens, case is ignored, and a word is a run of letters, digits,
``_``, ``'``, ``&``, ``$``, ``%`` or ``*`` with apostrophes at its ends dropped. So ``F.B.I.`` is
three words, ``$716`` one, ``on/push`` two, and ``‘caliphate’`` is ``caliphate``. Folding is one
character for one character, so a word's offsets are offsets into the original text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from annotations.suggest.quotes import RuleQuote, rule_quotes
from annotations.suggest.sentences import sentence_spans

_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′ʼ＇`", "'"),
        **dict.fromkeys("“”„‟″«»＂", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)
_WORD = re.compile(r"[\w'&$%*]+")


def fold(text: str) -> str:
    """Typography folded away, same length as ``text``: straight marks, hyphens, lower case."""
    return text.translate(_FOLD).lower()


@dataclass(frozen=True, slots=True)
class Word:
    norm: str  # folded, lower case
    start: int
    end: int


def words(text: str, start: int = 0, end: int | None = None) -> list[Word]:
    """The words of ``text[start:end]`` with offsets into ``text``."""
    end = len(text) if end is None else end
    folded = fold(text[start:end])
    out: list[Word] = []
    for m in _WORD.finditer(folded):
        s, e = m.span()
        while s < e and folded[s] == "'":
            s += 1
        while e > s and folded[e - 1] == "'":
            e -= 1
        if e > s:
            out.append(Word(folded[s:e], start + s, start + e))
    return out


def word_list(text: str) -> list[str]:
    """Only the normalised words: what differences are written in."""
    return [w.norm for w in words(text)]


@lru_cache(maxsize=8192)
def norms(text: str) -> tuple[str, ...]:
    """The normalised words of a short text (a quoted stretch), kept: the quote matcher asks
    for the same ones pair after pair of a story. Not for whole articles: the cache would hold
    them."""
    return tuple(w.norm for w in words(text))


def _words(text: str) -> list[str]:
    """The words of a word list written as one string."""
    return text.split()


STOPWORDS = frozenset(
    _words(
        """
    a an the and or but nor so yet if then than that this these those there here of in on at to
    for from by with without about as into onto over under up down out off after before while
    during since until upon via per is are was were be been being am has have had having do
    does did doing will would shall should can could may might must not no it its it's itself
    he him his himself she her hers herself they them their theirs themselves we us our ours
    you your i me my mine who whom whose which what when where why how all any both each few
    more most other some such own same too very just also only even still s 's said says say
    saying told tell according mr ms mrs dr one ve ll re d m t don't didn't doesn't isn't
    wasn't won't can't
        """
    )
)

_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem: possessive and common suffixes off, then cut to six letters, so
    resigned/resigns/resigning and investigation/investigators meet."""
    w = word.lower().removesuffix("'s")
    for suffix in _SUFFIXES:
        if len(w) >= len(suffix) + 3 and w.endswith(suffix):
            w = w[: -len(suffix)]
            if suffix in ("ies", "ied"):
                w += "y"
            break
    return w[:6]


def content_stems(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """Stems of the words that carry content (no stop words); dotted initials are joined, so
    F.B.I. and FBI meet."""
    out: list[str] = []
    pending = ""
    for w in words(text, start, end):
        if len(w.norm) == 1 and w.norm.isalpha() and text[w.end : w.end + 1] == ".":
            pending += w.norm
            continue
        if pending:
            if len(pending) > 1:
                out.append(pending)
            pending = ""
        if w.norm not in STOPWORDS and len(w.norm) > 1:
            out.append(stem(w.norm))
    if len(pending) > 1:
        out.append(pending)
    return out


@dataclass
class Document:
    """One article: its id, its text and what the matchers compute from it once."""

    doc_id: str
    text: str
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        return sentence_spans(self.text)

    @cached_property
    def quote_regions(self) -> list[RuleQuote]:
        """The quote rules' view of every quoted region (``rule_quotes``), computed once."""
        return rule_quotes(self.text)

    def quoted(self, start: int, end: int) -> bool:
        """Whether ``start..end`` lies inside quotation marks: the speaker's words, not the
        outlet's."""
        return any(q.start <= start and end <= q.end for q in self.quote_regions)

    def sentence_at(self, pos: int) -> tuple[int, int]:
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        return pos, pos


class Idf:
    """Inverse document frequency of stems over a story's sentences: what two sentences share
    counts for more when few other sentences of the story have it."""

    def __init__(self, units: Iterable[Sequence[str]]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for unit in units:
            n += 1
            df.update(set(unit))
        self.n = max(n, 1)
        self.df = df

    def __call__(self, term: str) -> float:
        return math.log((1 + self.n) / (1 + self.df.get(term, 0))) + 1.0

    def vector(self, terms: Sequence[str]) -> dict[str, float]:
        """An L2-normalised TF-IDF vector (sublinear term frequency)."""
        counts = Counter(terms)
        vec = {t: (1.0 + math.log(c)) * self(t) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())
