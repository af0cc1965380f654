"""Which quoted regions are not quotations: one word, titles, headlines' words, names, scare quotes
and fragments of reported speech.

Each drop rule takes a ``QuoteSite`` and the speaker found for it and says whether to drop it;
``DROP_RULES`` are tried in order and the first that holds names the drop.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .attribution import QuoteSite
from .cues import SPEAKER_CUE_RE
from .position import NAMEISH_BEFORE, governed, inside_sentence, is_title_case, sentence_bounds
from .speakers import Speaker

if TYPE_CHECKING:
    from .analysis import RuleQuote

# a few words in marks inside reported speech ("Sotomayor has said that “a wise Latina” can bring
# different perspectives"): the quoted words are a fragment of what is attributed, not a quotation
FRAGMENT_SHARE = 0.25  # below this share of the reported words in marks, drop it
SHORT_FRAGMENT_SHARE = 0.35  # the same for fragments under SHORT_FRAGMENT_WORDS words
SHORT_FRAGMENT_WORDS = 8

_CLAUSE_AFTER = re.compile(
    r"[;—–(]|\s(?:as|because|while|but|when|after|before|since|although|though|which|who)\s"
)


def said_after(site: QuoteSite, speaker: Speaker | None) -> bool:
    """“No,” replied Jeff Zucker: the quotation opens a sentence and its speaker follows it."""
    return (
        speaker is not None
        and speaker.mention_start > site.region.close_at
        and site.starts_sentence
    )


def one_word(site: QuoteSite, speaker: Speaker | None) -> bool:
    """One word in marks is a quotation only as “No,” replied Jeff Zucker."""
    return len(site.words) == 1 and not (
        said_after(site, speaker)
        and site.text[site.start : site.region.close_at].rstrip()[-1:] in ",.!?"
    )


def title(site: QuoteSite, speaker: Speaker | None) -> bool:
    """A name or a title: “Wilayah of Hind”, “Fox News Sunday” (but not a reply: “No,” ...)."""
    return (
        site.transcript is None
        and len(site.words) <= 12
        and is_title_case(site.words)
        and not said_after(site, speaker)
    )


def headline(site: QuoteSite, speaker: Speaker | None) -> bool:
    """Clinton blasts Trump over 'deportation force' idea: a headline's words in single marks."""
    r = site.region
    if r.double or len(site.words) > 6:
        return False
    para_end = site.text.find("\n", r.close_at)
    return (len(site.text) if para_end < 0 else para_end) - site.para_start < 160


def nameish(site: QuoteSite, speaker: Speaker | None) -> bool:
    """so-called “province”, a group called “...”."""
    open_at = site.region.open_at
    return (
        len(site.words) <= 4
        and NAMEISH_BEFORE.search(site.text, max(0, open_at - 40), open_at) is not None
    )


def ungoverned(site: QuoteSite, speaker: Speaker | None) -> bool:
    """A few words in marks inside a sentence are a partial quotation when a speech verb governs
    them (dismissed the claims as “pure propaganda”); otherwise they are mostly scare quotes or
    the tail of reported speech."""
    open_at = site.region.open_at
    return (
        len(site.words) <= 4
        and inside_sentence(site.text, open_at)
        and not governed(site.text, open_at)
    )


DropRule = Callable[[QuoteSite, Speaker | None], bool]
# title first: a speaker found for a title is not remembered for the quotations after it
DROP_RULES: tuple[tuple[str, DropRule], ...] = (
    ("title", title),
    ("headline", headline),
    ("nameish", nameish),
    ("ungoverned", ungoverned),
)


def first_drop(site: QuoteSite, speaker: Speaker | None) -> str | None:
    """The tag of the first drop rule that holds, or None to keep the region."""
    return next((tag for tag, rule in DROP_RULES if rule(site, speaker)), None)


def unattributed(site: QuoteSite, speaker: Speaker | None, carried: bool) -> bool:
    """A few words in marks with nobody saying them: scare quotes."""
    return len(site.words) <= 4 and (speaker is None or carried)


def drop_fragments(
    text: str, sents: list[tuple[int, int]], found: list[RuleQuote]
) -> list[RuleQuote]:
    """Drop quotations that are a small part of the reported speech their speaker introduces.

    The reported speech runs from the speaker named before the quotation to the end of the
    sentence; when the words in marks are a small share of it, they are a partial quotation.
    """
    spans = [(q.start, q.end) for q in found]
    return [q for q in found if not _fragment(text, sents, q, spans)]


def _fragment(
    text: str, sents: list[tuple[int, int]], q: RuleQuote, spans: list[tuple[int, int]]
) -> bool:
    r, s, e, speaker = q.region, q.start, q.end, q.speaker
    if (
        speaker is None
        or "carried over" in q.reason
        or "the sentence before" in q.reason
        or not (speaker.mention_end <= r.open_at)
    ):
        return False
    ss, se = sentence_bounds(sents, s)
    if speaker.mention_start < ss:
        return False
    before = r.open_at
    while before > ss and text[before - 1] in " \t\"“‘'„«":
        before -= 1
    if text[before - 1 : before] in (":", ","):
        return False  # said, “We’ll see” / saying: “...”: the whole of what is reported
    lo, hi = speaker.mention_end, max(se, e)
    nxt = _CLAUSE_AFTER.search(text, r.close_at, hi)
    if nxt is not None:
        hi = nxt.start()  # "... as “pure propaganda” as the death cult seeks ...": this clause
    cues = list(SPEAKER_CUE_RE.finditer(text, lo, r.open_at))
    if cues:
        lo = cues[-1].end()  # what is reported starts after the verb
    inside = sum(max(0, min(qe, hi) - max(qs, lo)) for qs, qe in spans)
    share = inside / max(1, hi - lo)
    n = len(text[s:e].split())
    return share < FRAGMENT_SHARE or (share < SHORT_FRAGMENT_SHARE and n < SHORT_FRAGMENT_WORDS)
