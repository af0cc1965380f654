"""A desk claim: its wording, and how near a claim's text is to a desk claim's wording.

The wording is the short canonical assertion the desk rules on; a new desk claim takes the text
of the CLAIM that made it, its white space collapsed (cut at a word when very long).

Nearness is what the proposals rank by when a CLAIM is tagged: the content words the two share
(stems, so "bombers" meets "bombing"), as the cosine of their sets, with the shared words named
in the reason a reviewer reads. Pure: no Django, no database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from annotations.compare.text import STOPWORDS, stem, words
from annotations.domain.text import unstorable

MAX_WORDING_LENGTH = 1000
API_FIELDS = ("id", "project", "wording", "version", "created_by", "created_at", "updated_at")
RATING_API_FIELDS = (
    "id",
    "rating",
    "rationale",
    "evidence_links",
    "author",
    "version",
    "created_at",
    "updated_at",
)


class WordingInvalid(ValueError):
    pass


def wording_of(text: str) -> str:
    """The wording a new desk claim takes from its first mention's text."""
    wording = " ".join(text.split()) or text
    if len(wording) <= MAX_WORDING_LENGTH:
        return wording
    return wording[: MAX_WORDING_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def check_wording(wording: str) -> str:
    """A wording as stored (its ends stripped), or WordingInvalid saying why not."""
    wording = wording.strip()
    if not wording:
        raise WordingInvalid("A desk claim needs a wording.")
    if len(wording) > MAX_WORDING_LENGTH:
        raise WordingInvalid(
            f"The wording has {len(wording)} characters; the limit is {MAX_WORDING_LENGTH}."
        )
    if reason := unstorable(wording):
        raise WordingInvalid(reason)
    return wording


@dataclass(frozen=True, slots=True)
class Terms:
    """A text's content stems, each with the first word it was seen as (for reasons)."""

    surface: dict[str, str]

    @classmethod
    def of(cls, text: str) -> Terms:
        surface: dict[str, str] = {}
        for word in words(text):
            if word.norm in STOPWORDS or len(word.norm) < 2:
                continue
            surface.setdefault(stem(word.norm), text[word.start : word.end])
        return cls(surface)

    def __len__(self) -> int:
        return len(self.surface)


@dataclass(frozen=True, slots=True)
class Nearness:
    score: float  # 0 (nothing shared) to 1 (the same content words)
    shared: tuple[str, ...]  # the shared words as the claim being tagged writes them

    def reason(self, limit: int = 6) -> str:
        if not self.shared:
            return "no words in common"
        named = ", ".join(f"“{word}”" for word in self.shared[:limit])
        more = len(self.shared) - limit
        return f"shares {named}" + (f" and {more} more" if more > 0 else "")


def nearness(query: Terms, wording: str) -> Nearness:
    """How near a desk claim's wording is to the claim being tagged (`query`)."""
    other = Terms.of(wording)
    if not query or not other:
        return Nearness(0.0, ())
    shared = [query.surface[term] for term in query.surface if term in other.surface]
    score = len(shared) / math.sqrt(len(query) * len(other))
    return Nearness(round(min(score, 1.0), 4), tuple(shared))
