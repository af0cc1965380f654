"""Attribution rules for the words after a quotation: “...,” said Rita Katz / he said / according
to X. Each rule takes the words after the closing mark (``After``) and returns an ``Attribution``
or None; ``AFTER_RULES`` is the order they are tried in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from .cues import AUX, CUE, REPORTING_CUES
from .phrases import NOT_NAMES, NPC, TITLES, VERB_WORDS, looks_like_speaker, trim_np
from .speakers import Attribution, first_attribution

_SPEAKER_AFTER = re.compile(
    # said X first: in "said RNC spokesman Sean Spicer in a Friday tweet" the verb leads
    r"[\s,—–-]*(?:(?P<cue2>"
    + CUE
    + r")\s+(?P<np2>"
    + NPC
    + r"{1,80})|(?P<np>[^\s,.!?;:“”\"]"
    + NPC
    + r"{0,120}?)(?:,(?P<appos>(?:"
    + NPC
    + r"|,){1,140}?),)?\s+"
    + AUX
    + r"(?P<cue>"
    + CUE
    + r")\b(?!-))"
)
_SPEAKER_AFTER_NP = re.compile(
    r"[\s,—–-]*(?:(?P<np>[^\s,.!?;:“”\"]"
    + NPC
    + r"{0,120}?)(?:,(?P<appos>(?:"
    + NPC
    + r"|,){1,140}?),)?\s+"
    + AUX
    + r"(?P<cue>"
    + CUE
    + r")\b(?!-)|(?P<cue2>(?!x)x)(?P<np2>(?!x)x))"
)
_ACCORDING_AFTER = re.compile(r"[\s,—–-]*according to\s+(?P<np>[^.!?;:“”\"\n]{1,80}?)\s*[.,;]")
_OUTER_ACCORDING = re.compile(
    r"[^.!?;:“”\"\n]{0,60}?,\s+according to\s+(?P<np>[^.!?;:“”\"\n]{1,80}?)\s*[.,;]"
)
_LATE_ATTRIBUTION = re.compile(
    r"[^.!?;:“”\"\n]{1,100}?,\s+(?:(?P<np>" + NPC + r"{1,90}?)\s+" + AUX + r"(?P<cue>" + CUE + r")"
    r"|(?P<cue2>"
    + CUE
    + r")\s+(?P<np2>"
    + NPC
    + r"{1,60}?))(?=\s*[.,]|\s+(?:on|in|at|during|after|before|to|last|this|earlier|later"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
)


# what follows a cue that introduces a quotation: “... .” He added, “...
# or: She said he is “liked ...
_NEXT_QUOTE = re.compile(
    r"\s*[,:]?\s*[“\"‘«]|\s+(?:that\s+)?(?:he|she|they|it|we|i|the|his|her|their)\b[^.!?;“”\"\n]{0,60}?\s[“\"‘«]",
    re.IGNORECASE,
)

_NOT_NAME_WORDS = NOT_NAMES - TITLES


@dataclass(frozen=True)
class After:
    """The words after the closing mark at ``close_at``, to the end of its line."""

    text: str
    close_at: int

    @cached_property
    def line_end(self) -> int:
        end = self.text.find("\n", self.close_at)
        return len(self.text) if end < 0 else end

    @cached_property
    def limit(self) -> int:
        return min(self.line_end, self.close_at + 200)

    @cached_property
    def clause(self) -> re.Match[str] | None:
        """The speech verb and its subject after the quotation: said X, X said, or a late
        attribution that ends the sentence ("..." the writer's words, X said)."""
        text, lo = self.text, self.close_at + 1
        m = _SPEAKER_AFTER.match(text, lo, self.limit)
        if m is not None and m.group("np2") is not None and not _inverted_ok(text, m):
            # “...,” said the candidate could be ...: 'said' takes a clause, so read the subject
            # before it instead
            m = _SPEAKER_AFTER_NP.match(text, lo, self.limit)
        if (m is None or not _after_np_ok(text, m)) and text[lo : lo + 1] == " ":
            # the quotation runs on into the writer's words, then the attribution ends the sentence
            m = _LATE_ATTRIBUTION.match(text, lo, self.limit) or m
        return m

    @cached_property
    def ends_sentence(self) -> bool:
        """The quoted words end with . ! or ? (“... said.” He added ...)."""
        end = self.close_at - 1
        while end > 0 and self.text[end] in " \"”’'»":
            end -= 1
        return self.text[end] in ".!?"


def _inverted_ok(text: str, m: re.Match[str]) -> bool:
    """'said X' names X, unless X is the subject of a clause ('said the candidate could ...')."""
    span = trim_np(text, m.start("np2"), m.end("np2"), from_left=True)
    if span is None:
        return False
    nxt = re.match(r"\s+([\w’']+)", text[span[1] : m.end("np2")])
    return nxt is None or nxt.group(1).lower() not in VERB_WORDS


def _after_np_ok(text: str, m: re.Match[str]) -> bool:
    """The words before the verb of a match of _SPEAKER_AFTER can name someone ("that would
    respond" cannot)."""
    if m.group("np") is None:
        return True
    span = trim_np(text, m.start("np"), m.end("np"), from_left=False)
    return span is not None and looks_like_speaker(text[span[0] : span[1]])


# --- why a speech verb after the quotation may not attribute it ---------------------------------
# Each takes the words after the quotation, the clause and where its verb ends.


def _another_clause(w: After, m: re.Match[str], cue_end: int) -> bool:
    """“leading from behind” and Donald Trump says ...: another clause."""
    return m.group("np") is not None and m.group("np").split()[0] in {"and", "but", "while", "or"}


def _participle(w: After, m: re.Match[str], cue_end: int) -> bool:
    """“...,” promising the Friends ... / and Trump calling it: not an attribution."""
    cue_word = m.group("cue") or m.group("cue2")
    return cue_word.endswith("ing") and not (
        m.group("np") is not None
        and re.search(
            r"\b(?:is|are|was|were|been|be|heard|seen)\s+$", w.text[m.start("np") : m.start("cue")]
        )
    )


def _sentence_about_the_quote(w: After, m: re.Match[str], cue_end: int) -> bool:
    """“...?” Her critics cited it as evidence: a new sentence about the quotation."""
    return (
        m.group("np") is not None
        and w.ends_sentence
        and (m.group("cue") or m.group("cue2")) not in REPORTING_CUES
        and re.match(
            r"\s+(?!(?:on|in|at|during|after|before|to|last|this|earlier|later)\b)[\w’']",
            w.text[cue_end : w.line_end],
        )
        is not None
    )


def _sentence_reporting_more(w: After, m: re.Match[str], cue_end: int) -> bool:
    """“... said.” He added that ...: a new sentence, not this quotation's attribution."""
    return (
        m.group("np") is not None
        and w.ends_sentence
        and (
            re.match(r"\s+that\b", w.text[cue_end : w.line_end]) is not None
            or m.group("np").split()[0]
            in {"Yet", "But", "And", "So", "Still", "Also", "Then", "Now", "However"}
        )
    )


def _colon_after_verb(w: After, m: re.Match[str], cue_end: int) -> bool:
    """A colon after the verb ("... Eva-Maria Schultheis posted: ''...") introduces the
    next quotation, not this one."""
    return (
        m.group("np") is not None
        and re.match(r"[^.!?;:,“”\"\n]{0,40}:", w.text[cue_end : w.line_end]) is not None
    )


def _introduces_the_next_quote(w: After, m: re.Match[str], cue_end: int) -> bool:
    """“... experience.” He adds, “In a campaign ...”: a new sentence for the next quotation."""
    return (
        m.group("np") is not None
        and w.ends_sentence
        and _NEXT_QUOTE.match(w.text, cue_end, w.line_end) is not None
    )


CLAUSE_VETOES: tuple[Callable[[After, re.Match[str], int], bool], ...] = (
    _another_clause,
    _participle,
    _sentence_about_the_quote,
    _sentence_reporting_more,
    _colon_after_verb,
    _introduces_the_next_quote,
)


# --- the rules ----------------------------------------------------------------------------------


def speech_verb_after(w: After) -> Attribution | None:
    """“...,” said Rita Katz / “...,” he said / “...” the writer's words, Katz said."""
    m = w.clause
    if m is None:
        return None
    text = w.text
    if m.group("np") is not None:
        span = trim_np(text, m.start("np"), m.end("np"), from_left=False)
        cue_end = m.end("cue")
        ok = span is not None and looks_like_speaker(text[span[0] : span[1]])
    else:
        span = trim_np(text, m.start("np2"), m.end("np2"), from_left=True)
        cue_end = m.end("cue2")
        # "...,” said master of ceremonies Asab Al-Tabchi: whatever follows the verb is the speaker
        ok = span is not None and text[span[0] : span[1]].split()[0] not in _NOT_NAME_WORDS
    if span is None or not ok or any(veto(w, m, cue_end) for veto in CLAUSE_VETOES):
        return None
    how = f"attributed by '{text[w.close_at + 1 : m.end()].strip(' ,—–-')}'"
    outer = _OUTER_ACCORDING.match(text, m.end(), w.line_end)
    if outer is not None:
        # “...,” Welch said, according to Vermont Edition: the article attributes the words to
        # the outlet that reported them (the source PolNeAR marks); the speaker stays in the reason
        o = trim_np(text, outer.start("np"), outer.end("np"), from_left=True)
        if o is not None and looks_like_speaker(text[o[0] : o[1]]):
            return Attribution(o[0], o[1], f"{how}, according to '{text[o[0] : o[1]]}'")
    return Attribution(span[0], span[1], how)


def according_to_after(w: After) -> Attribution | None:
    """“...,” according to a senior police official. Only where no speech verb follows the
    quotation: a verb there attributes it or, when it cannot, nothing does."""
    if w.clause is not None:
        return None
    acc = _ACCORDING_AFTER.match(w.text, w.close_at + 1, w.limit)
    if acc is None:
        return None
    span = trim_np(w.text, acc.start("np"), acc.end("np"), from_left=True)
    if span is None or not looks_like_speaker(w.text[span[0] : span[1]]):
        return None
    return Attribution(
        span[0], span[1], f"attributed by 'according to {w.text[span[0] : span[1]]}'"
    )


AFTER_RULES: tuple[Callable[[After], Attribution | None], ...] = (
    speech_verb_after,
    according_to_after,
)


def speaker_after(text: str, close_at: int) -> Attribution | None:
    """The speaker named after the quotation that closes at ``close_at``."""
    return first_attribution(AFTER_RULES, After(text, close_at))
