"""The rules' reading of a text: each quoted region, who says it, and whether it is a quotation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..candidates import Candidate, make
from ..sentences import sentence_spans
from .attribution import CONTEXT_RULES, OWN_RULES, QuoteSite, SiteRule
from .carry import Memory, carried_over, carry_back
from .filters import drop_fragments, first_drop, one_word, unattributed
from .marks import Region, normalize_marks, quoted_regions
from .speakers import Names, Speaker, first_attribution, speaker_for

NAME = "quote-rules"
VERSION = "1.0"


@dataclass(slots=True)
class RuleQuote:
    """One quoted region as the rules saw it: what they suggest, and what they drop and why.

    ``start``/``end`` index the text given to ``rule_quotes``; ``dropped`` is None for a region
    the rules suggest, else a short tag (``one-word``, ``title``, ``headline``, ``nameish``,
    ``ungoverned``, ``unattributed``, ``fragment``). A learned stage reads these to decide again.
    """

    region: Region
    start: int
    end: int
    speaker: Speaker | None
    reason: str
    score: float
    dropped: str | None = None


def rule_quotes(text: str) -> list[RuleQuote]:
    """Every quoted region of ``text`` with the rules' decision, in text order."""
    dropped: list[RuleQuote] = []
    kept = _analyse(normalize_marks(text), dropped)
    out = kept + dropped
    out.sort(key=lambda q: (q.start, q.end))
    return out


def suggest_quotes(text: str) -> list[Candidate]:
    """QUOTE candidates for ``text``, in text order, each with its speaker when one is found."""
    original = text
    text = normalize_marks(text)
    out = []
    for q in _analyse(text, None):
        speaker = q.speaker
        out.append(
            make(
                original,
                "QUOTE",
                q.start,
                q.end,
                score=q.score,
                reason=q.reason,
                suggester=NAME,
                version=VERSION,
                speaker=original[speaker.mention_start : speaker.mention_end]
                if speaker and speaker.name == text[speaker.mention_start : speaker.mention_end]
                else (speaker.name if speaker else None),
                speaker_start=speaker.mention_start if speaker else None,
                speaker_end=speaker.mention_end if speaker else None,
            )
        )
    return out


def _analyse(text: str, dropped: list[RuleQuote] | None) -> list[RuleQuote]:
    """The rules' quotations in (normalised) ``text``; what they drop goes to ``dropped``."""
    regions = quoted_regions(text)
    if not regions:
        return []
    sents = sentence_spans(text)
    names = Names(text)
    memory = Memory()
    found: list[RuleQuote] = []
    for i, r in enumerate(regions):
        site = QuoteSite(text, sents, r, regions[max(0, i - 4) : i], memory.last)
        if not site.words:
            continue
        q = _read(site, names, memory)
        if q.dropped is None:
            found.append(q)
        elif dropped is not None:
            dropped.append(q)
    kept = drop_fragments(text, sents, found)
    if dropped is not None and len(kept) < len(found):
        ids = {id(q) for q in kept}
        dropped.extend(_dropped(q, q.speaker, "fragment") for q in found if id(q) not in ids)
    carry_back(text, kept)
    return kept


def _read(site: QuoteSite, names: Names, memory: Memory) -> RuleQuote:
    """One region: who says it (the rules in order, resolved once), and whether it is kept."""
    speaker = _speaker(site, names, OWN_RULES)
    if one_word(site, speaker):
        return _dropped(site, speaker, "one-word")
    if speaker is None:
        speaker = _speaker(site, names, CONTEXT_RULES)
    tag = first_drop(site, speaker)
    if speaker is not None and tag != "title":
        memory.remember(speaker, site.region.paragraph)  # even if these words are not a quotation
    if tag is not None:
        return _dropped(site, speaker, tag)
    carried = carried_over(site, memory) if speaker is None else None
    if carried is not None:
        speaker = carried
    if unattributed(site, speaker, carried is not None):
        return _dropped(site, speaker, "unattributed")
    r = site.region
    q = RuleQuote(
        r,
        site.start,
        site.end,
        speaker,
        _reason(site, speaker, carried is not None),
        _score(site, speaker, carried is not None),
    )
    if speaker is not None:
        memory.remember(speaker, r.paragraph)
    elif r.continues or r.continued:
        memory.paragraph = r.paragraph
    return q


def _speaker(site: QuoteSite, names: Names, rules: Sequence[SiteRule]) -> Speaker | None:
    found = first_attribution(rules, site)
    return None if found is None else speaker_for(found, site.text, names, site.last)


def _dropped(at: QuoteSite | RuleQuote, speaker: Speaker | None, tag: str) -> RuleQuote:
    return RuleQuote(at.region, at.start, at.end, speaker, f"dropped by the rules: {tag}", 0.0, tag)


def _score(site: QuoteSite, speaker: Speaker | None, carried: bool) -> float:
    score = (
        0.55
        + (0.3 if speaker and not carried else 0.15 if speaker else 0.0)
        + (0.1 if len(site.words) >= 4 else 0.0)
    )
    if not site.region.closed and not site.region.continues:
        score -= 0.25
    return score


def _reason(site: QuoteSite, speaker: Speaker | None, carried: bool) -> str:
    r = site.region
    kind = "quotation marks"
    if r.continued:
        kind = "quotation marks, continuing the paragraph before"
    elif r.continues:
        kind = "quotation marks, running on into the next paragraph"
    reason = kind + ("; " + speaker.how if speaker and not carried else "")
    if carried and speaker is not None:
        reason += f"; speaker carried over from the quotation before ({speaker.name})"
    elif speaker is None:
        reason += "; no speaker found"
    return reason
