"""Speakers carried between quotations: a quotation that names nobody may take the speaker of the
one before it, of the paragraph it runs into, or of the next quotation in its paragraph."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .attribution import QuoteSite
from .cues import CUE_RE
from .speakers import Speaker

if TYPE_CHECKING:
    from .analysis import RuleQuote


@dataclass(slots=True)
class Memory:
    """The last speaker found, and the paragraph of the last quotation that carries one on."""

    last: Speaker | None = None
    paragraph: int = -10

    def remember(self, speaker: Speaker, paragraph: int) -> None:
        self.last, self.paragraph = speaker, paragraph


def carried_over(site: QuoteSite, memory: Memory) -> Speaker | None:
    """A quotation that continues or follows the previous speaker's: “...” he said. “And ...”"""
    r = site.region
    if (
        (r.continued or r.paragraph - memory.paragraph <= 1)
        and memory.last is not None
        and len(site.words) >= 4
        and (r.continued or site.starts_sentence)
    ):
        return memory.last
    return None


# --- once every quotation is read, from the last back to the first --------------------------------
# Each takes the text, a quotation and the one after it, and returns the quotation with a speaker
# or None to leave it as it is.


def speaker_of_the_paragraph_run_into(text: str, q: RuleQuote, nxt: RuleQuote) -> RuleQuote | None:
    """A quotation over several paragraphs is often attributed only in its last paragraph."""
    if q.speaker is not None or not q.region.continues or not nxt.region.continued:
        return None
    if nxt.speaker is None:
        return None
    reason = q.reason.replace("; no speaker found", "")
    return replace(
        q,
        speaker=nxt.speaker,
        reason=reason + f"; speaker from the paragraph it runs into ({nxt.speaker.name})",
        score=min(1.0, q.score + 0.2),
    )


def speaker_of_the_next_quote(text: str, q: RuleQuote, nxt: RuleQuote) -> RuleQuote | None:
    """“We’re going to win.” ... “And we’ll win big,” Trump said: a quotation with no speaker of
    its own (or only one carried over) takes the one named after a later quotation in its
    paragraph."""
    if q.speaker is not None and "carried over" not in q.reason:
        return None
    speaker, r, nr = nxt.speaker, q.region, nxt.region
    if (
        nr.paragraph != r.paragraph
        or speaker is None
        or "carried over" in nxt.reason
        or not speaker.mention_start > nr.close_at
        or CUE_RE.search(text, r.close_at, nr.open_at)
    ):
        return None
    why = q.reason.replace("; no speaker found", "").split("; speaker carried over")[0]
    return replace(
        q,
        speaker=speaker,
        reason=why + f"; speaker of the next quotation in the paragraph ({speaker.name})",
        score=min(1.0, q.score + 0.1),
    )


SequenceRule = Callable[[str, "RuleQuote", "RuleQuote"], "RuleQuote | None"]
# each is applied over the whole list before the next, so a speaker runs back over a chain
SEQUENCE_RULES: tuple[SequenceRule, ...] = (
    speaker_of_the_paragraph_run_into,
    speaker_of_the_next_quote,
)


def carry_back(text: str, found: list[RuleQuote]) -> None:
    """Apply ``SEQUENCE_RULES`` to ``found``, in place, each from the last quotation back."""
    for rule in SEQUENCE_RULES:
        for i in range(len(found) - 2, -1, -1):
            carried = rule(text, found[i], found[i + 1])
            if carried is not None:
                found[i] = carried
