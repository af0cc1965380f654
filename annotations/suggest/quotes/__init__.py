"""QUOTE suggester: quoted speech and who said it, by rules.

Two passes over the text:

1. ``quoted_regions`` (``marks``) pairs quotation marks paragraph by paragraph.
2. ``suggest_quotes`` (``analysis``) decides which regions are quotations rather than scare
   quotes, names or titles (``filters``), and who says each one: small named rules tried in a
   declared order, each returning an ``Attribution`` that one step resolves to a ``Speaker`` (a
   pronoun to the last named person before it).

   - ``attribution.OWN_RULES``: a transcript line ("PENCE: ...), the words after the quotation
     (``after.AFTER_RULES``: “...,” said Rita Katz / he said / according to X);
   - ``attribution.CONTEXT_RULES``: the words before it (``before.BEFORE_RULES``: Rita Katz said:
     “... / According to a senior police official: “... / Said X, “...), the colon that ends the
     paragraph before, the sentence before, a signature below;
   - ``carry``: the speaker of the quotation it continues, of the paragraph it runs into, or of
     the next quotation in its paragraph.

``speakers`` holds the attribution, the resolution and the names; ``cues`` the speech verbs;
``phrases`` the cutting of speaker phrases; ``position`` where a mark stands in its sentence.
The learned QUOTE stage (``learned_quotes``) builds its features on these.
"""

from __future__ import annotations

from .analysis import NAME, VERSION, RuleQuote, rule_quotes, suggest_quotes
from .cues import CUE_RE, SPEAKER_CUE_RE, word_list
from .marks import Region, normalize_marks, quoted_regions
from .phrases import PRONOUNS, looks_like_speaker, trim_np, verbish
from .position import (
    NAMEISH_BEFORE,
    WORD_RE,
    governed,
    inside_sentence,
    is_title_case,
    starts_sentence,
)
from .speakers import Attribution, Names, Speaker, resolve

__all__ = [
    "CUE_RE",
    "NAME",
    "NAMEISH_BEFORE",
    "PRONOUNS",
    "SPEAKER_CUE_RE",
    "VERSION",
    "WORD_RE",
    "Attribution",
    "Names",
    "Region",
    "RuleQuote",
    "Speaker",
    "governed",
    "inside_sentence",
    "is_title_case",
    "looks_like_speaker",
    "normalize_marks",
    "quoted_regions",
    "resolve",
    "rule_quotes",
    "starts_sentence",
    "suggest_quotes",
    "trim_np",
    "verbish",
    "word_list",
]
