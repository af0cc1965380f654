"""Who a quotation is attributed to: what a rule finds, and the one step that resolves it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..people import is_name_like
from .phrases import LEAD_WORDS, NOT_NAMES, NOT_SPEAKER_START, PERSONAL, PRONOUNS

NAME_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Pres)\.?\s+)?"
    r"\b[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?(?:\s+(?:[A-Z]\.\s+)?(?:[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?|de|van|von|bin|al|la|del))*"
)


@dataclass(slots=True)
class Speaker:
    """Who a quotation is attributed to: the words naming them and the name they stand for."""

    mention_start: int
    mention_end: int
    name: str
    how: str  # the words that attribute it, for the reason


@dataclass(frozen=True, slots=True)
class Attribution:
    """What an attribution rule found: the words that name the speaker and how they do.

    ``name`` is set when the rule already knows who is meant (a transcript's name, the antecedent
    of "who"); otherwise ``resolve`` reads the words (a pronoun is taken to be the last named
    person). ``where`` is noted after the resolution when the words stand away from the quotation.
    """

    start: int
    end: int
    how: str
    name: str | None = None
    where: str = ""


def first_attribution(
    rules: Iterable[Callable[..., Attribution | None]], *args: object
) -> Attribution | None:
    """The attribution of the first rule in ``rules`` that finds one."""
    for rule in rules:
        found = rule(*args)
        if found is not None:
            return found
    return None


class Names:
    """Finds the last named person before a position, for pronouns."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._found: list[tuple[int, int]] | None = None

    def spans(self) -> list[tuple[int, int]]:
        if self._found is None:
            found = []
            for m in NAME_RE.finditer(self.text):
                s, e = m.span()
                words = self.text[s:e].split()
                while words and words[0].rstrip(".") in NOT_NAMES:
                    s += len(words[0]) + (
                        len(self.text[s + len(words[0]) :])
                        - len(self.text[s + len(words[0]) :].lstrip())
                    )
                    words = words[1:]
                if not words:
                    continue
                if len(words) == 1 and (words[0] in NOT_NAMES or self._sentence_initial(s)):
                    continue
                found.append((s, e))
            self._found = found
        return self._found

    def _sentence_initial(self, s: int) -> bool:
        i = s - 1
        while i >= 0 and self.text[i] in ' \t“"‘(':
            i -= 1
        return i < 0 or self.text[i] in ".!?\n:"

    def before(self, pos: int, window: int = 1500) -> tuple[int, int] | None:
        """The last name before ``pos`` that can name a person: "she" after "on Easter Sunday"
        or "Mr Modi's Hindu nationalists" still means the person named before those."""
        best = None
        for s, e in self.spans():
            if e > pos:
                break
            if pos - e <= window and is_name_like(self.text[s:e]):
                best = (s, e)
        return best


def resolve(text: str, names: Names, s: int, e: int, last: Speaker | None, how: str) -> Speaker:
    """The speaker the words ``text[s:e]`` name: a leading "As" or "At the bottom" left out, "he"
    or "she" taken to be the last named person, "they", "we" or "it" the last speaker."""
    words = text[s:e].split()
    if len(words) > 1 and words[0].lower() in LEAD_WORDS:
        s = text.index(words[1], s + len(words[0]))  # "As Politico reported": Politico
    elif len(words) > 1 and words[0].lower() in NOT_SPEAKER_START and words[-1].lower() in PRONOUNS:
        s = e - len(words[-1])  # "At the bottom it reads": it
    word = text[s:e]
    low = word.lower()
    if low in PERSONAL:
        hit = names.before(s)
        if hit is not None:
            return Speaker(
                s, e, text[hit[0] : hit[1]], f"{how}; '{word}' taken to be {text[hit[0] : hit[1]]}"
            )
    if low in {"they", "we", "it"} and last is not None and last.name.lower() not in PRONOUNS:
        return Speaker(s, e, last.name, f"{how}; '{word}' taken to be {last.name}")
    return Speaker(s, e, word, how)


def speaker_for(found: Attribution, text: str, names: Names, last: Speaker | None) -> Speaker:
    """The speaker a rule's attribution stands for: the one resolve step every rule shares."""
    if found.name is not None:
        speaker = Speaker(found.start, found.end, found.name, found.how)
    else:
        speaker = resolve(text, names, found.start, found.end, last, found.how)
    if found.where:
        speaker.how = f"{speaker.how} ({found.where})"
    return speaker
