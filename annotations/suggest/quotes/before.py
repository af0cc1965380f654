"""Attribution rules for the words before a quotation: Rita Katz said: “... / Said Dorothy
Poynter, “... / According to a senior police official: “... / The spokesman, who ..., told CNN “...

Each rule takes the words before the opening mark (``Before``) and returns an ``Attribution`` or
None; ``BEFORE_RULES`` is the order they are tried in. Most quotations are introduced by a speech
verb, so one rule walks the speech verbs back from the mark (``Before.walk``) and asks
``VERB_RULES`` where each one's subject is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from .cues import INVERTING_CUES, SPEAKER_CUE_RE, noun_cue
from .phrases import (
    CONTRACTIONS,
    DETERMINERS,
    NOT_NAMES,
    cut_at_verb,
    first_verb,
    looks_like_speaker,
    subject_head,
    trim_np,
    verbish,
)
from .speakers import Attribution, Speaker, first_attribution

_ACCORDING = re.compile(
    r"\baccording to\s+(?P<np>[^.!?;:“”\"\n]{1,80}?)\s*[,:]?\s*$", re.IGNORECASE
)
_SAID_FIRST = re.compile(r"\s*(?:Said|Added|Wrote)\s+(?P<np>[A-Z][^,:;.!?“”\"\n]{0,80})")
_COLON_INTRO = re.compile(r"(?P<np>[^.!?;:“”\"\n]{1,80}?)\s*:\s*$")
_LEADING_CONJ = re.compile(r"\s*(?:(?:and|but|so|then|yet|or|still|also|now)\s+)+", re.IGNORECASE)
_AUX_BEFORE = re.compile(
    r"(?:\s+(?:has|have|had|would|will|also|later|then|once|previously|again|was|were|is|are|[a-z]+ed\s+and|[a-z]+ly))*(?:[’'](?:s|ve|d))?\s*$"
)
_BE_BEFORE = re.compile(r"\b(?:is|are|was|were|been|be|am)\s*$")
_NOUN_AFTER = DETERMINERS | {"these", "those", "this", "that", "your", "our", "my"}
_GERUND_AFTER = frozenset(
    {"about", "of", "for", "without", "from", "after", "before", "to", "into"}
)


@dataclass(frozen=True)
class Verb:
    """A speech verb before the quotation.

    A ``finite`` verb has a subject for ``VERB_RULES`` to find; a participle ("..., saying") is
    only tried for "with X saying", its subject being the sentence's. ``subj_end`` is where the
    subject ends (auxiliaries and an appositive left out), ``inner_end`` the comma that ends an
    appositive ("Brian Fallon, a spokesman ..., said") and ``comma`` the one before it, and
    ``subject`` the subject phrase of the clause, if one can be cut.
    """

    cue: re.Match[str]
    finite: bool
    subj_end: int = 0
    inner_end: int | None = None
    comma: int = -1
    subject: tuple[int, int] | None = None


@dataclass(frozen=True)
class Walk:
    """The speech verbs tried, last first, and the participle whose subject is the sentence's."""

    verbs: tuple[Verb, ...]
    participle: re.Match[str] | None


@dataclass(frozen=True)
class Before:
    """The words before a quotation that may name its speaker: from ``start`` (a sentence start)
    to the mark at ``open_at``. ``quoted`` are earlier quotations in that stretch, whose words
    never name the speaker; ``last`` is the speaker of the quotation before."""

    text: str
    start: int
    open_at: int
    last: Speaker | None = None
    quoted: tuple[tuple[int, int], ...] = ()

    @cached_property
    def end(self) -> int:
        """Where the words before the mark end, spaces left out."""
        end = self.open_at
        while end > self.start and self.text[end - 1].isspace():
            end -= 1
        return end

    @cached_property
    def chunk(self) -> str:
        return self.text[self.start : self.end]

    @cached_property
    def walk(self) -> Walk:
        return _walk(self)

    def words_before(self, cue: re.Match[str]) -> list[str]:
        return self.text[max(self.start, cue.start() - 12) : cue.start()].split()

    def quoted_at(self, pos: int) -> bool:
        return any(qs <= pos <= qe for qs, qe in self.quoted)

    def speaker_like(self, span: tuple[int, int] | None) -> bool:
        return span is not None and looks_like_speaker(self.text[span[0] : span[1]])


# --- the speech verbs before the quotation ------------------------------------------------------


def _walk(w: Before) -> Walk:
    """The speech verbs before the mark, last first, until one that cannot introduce it.

    A participle ("..., saying") or an infinitive ("went on to say") is remembered: when no
    finite verb names the speaker, the sentence's subject does. A finite verb before a
    participle ends the walk, unless it is "Fiorina said, adding".
    """
    verbs: list[Verb] = []
    participle: re.Match[str] | None = None
    infinitive = False
    for cue in reversed(list(SPEAKER_CUE_RE.finditer(w.text, w.start, w.end))):
        if w.quoted_at(cue.start()) or _not_a_verb(w, cue):
            continue
        ing = cue.group().endswith("ing")
        if ing and not _BE_BEFORE.search(w.text[w.start : cue.start()]):
            # "..., saying" / "issued a statement saying": the subject is the sentence's, not the
            # object just before the participle
            verbs.append(Verb(cue, finite=False))
            participle = cue if participle is None or infinitive else participle
            infinitive = False
            continue
        prev = w.words_before(cue)
        if prev and prev[-1].lower() == "to":
            # "went on to say" / "the way to answer it": the sentence's subject, unless a
            # participle or a finite verb before it names one
            if participle is None:
                participle, infinitive = cue, True
            continue
        if participle is not None and not infinitive and not _adds(w, cue, participle):
            if ing:
                verbs.append(Verb(cue, finite=False))
            break
        verb = _finite(w, cue)
        verbs.append(verb)
        if participle is None and (ing or verb.subject is None):
            participle = cue
    return Walk(tuple(verbs), participle)


def _not_a_verb(w: Before, cue: re.Match[str]) -> bool:
    """Nouns ("the claims", "Sanders’ comments", "so-called", "a snappy retort") and gerunds
    ("talked about continuing the “progress ...”")."""
    word = cue.group()
    prev = w.words_before(cue)
    if not prev:
        return False
    last = prev[-1]
    return (
        last.lower() in _NOUN_AFTER
        or (
            last.endswith(("’", "'", "’s", "'s"))
            and last.lower().replace("’", "'") not in CONTRACTIONS
        )
        or last.endswith("so-")
        or noun_cue(prev, word)
        or (word.endswith("ing") and last.lower() in _GERUND_AFTER)
    )


def _adds(w: Before, cue: re.Match[str], participle: re.Match[str]) -> bool:
    """Only a few words between the verb and the participle: "Fiorina said, adding" / "Hollande
    said Tuesday in Paris, noting"."""
    return re.fullmatch(r"[^,;:“”\"]{0,40},\s*", w.text[cue.end() : participle.start()]) is not None


def _finite(w: Before, cue: re.Match[str]) -> Verb:
    """A finite speech verb and where its subject ends: back over auxiliaries and adverbs, and
    over an appositive between commas."""
    text, start = w.text, w.start
    subj_end = cue.start()
    aux = _AUX_BEFORE.search(text[start:subj_end])
    if aux is not None:
        subj_end = start + aux.start()
    inner_end: int | None = None
    comma = -1
    if text[start:subj_end].endswith(","):
        inner_end = subj_end - 1
        comma = text.rfind(",", start, inner_end)
        if comma > start:
            subj_end = inner_end
    return Verb(cue, True, subj_end, inner_end, comma, _clause_subject(w, subj_end))


def _clause_subject(w: Before, subj_end: int) -> tuple[int, int] | None:
    """The words before ``subj_end``, back to a clause boundary, cut to a noun phrase."""
    text, start = w.text, w.start
    clause_start = max(
        text.rfind(",", start, subj_end),
        text.rfind("—", start, subj_end),
        text.rfind(";", start, subj_end),
        max((qe for qs, qe in w.quoted if qe < subj_end), default=-1),
    )
    clause_start = start if clause_start < 0 else clause_start + 1
    if subj_end <= clause_start:
        return None
    return trim_np(text, clause_start, subj_end, from_left=False)


# --- where the subject of a speech verb is -------------------------------------------------------
# Each takes the words before the quotation and one speech verb.


def with_subject(w: Before, v: Verb) -> Attribution | None:
    """The subject of a participle after "with": "..., with Trump reportedly yelling: “..."."""
    cue = v.cue
    if not cue.group().endswith("ing"):
        return None
    with_np = re.search(r"\bwith\s+([^,;:]{1,60}?)\s+(?:\w+ly\s+)?$", w.text[w.start : cue.start()])
    if with_np is None:
        return None
    span = trim_np(w.text, w.start + with_np.start(1), w.start + with_np.end(1), from_left=False)
    if span is None or not w.speaker_like(span):
        return None
    return Attribution(span[0], span[1], f"attributed by 'with {w.text[span[0] : cue.end()]}'")


def _floor(w: Before, inner_end: int) -> int:
    """Where an appositive may start: after the sentence start and any earlier quotation."""
    return max([w.start] + [qe + 1 for qs, qe in w.quoted if qe < inner_end])


def appositive_with_party(w: Before, v: Verb) -> Attribution | None:
    """A name with a party and state in brackets: "Tuesday in Berea, OH, after winning
    Ohio, Gov. John Kasich (R-OH), said"."""
    if v.inner_end is None or v.comma < _floor(w, v.inner_end):
        return None
    if not re.fullmatch(r"\s*[A-Z][^,]*\([^()]{1,12}\)\s*", w.text[v.comma + 1 : v.inner_end]):
        return None
    head = trim_np(w.text, v.comma + 1, v.inner_end, from_left=False)
    if head is None or not w.speaker_like(head):
        return None
    return Attribution(head[0], head[1], f"attributed by '{w.text[head[0] : v.cue.end()]}'")


def name_before_appositive(w: Before, v: Verb) -> Attribution | None:
    """The first short capitalised part between the commas that names someone: "Brian
    Fallon, a spokesman for the Clinton campaign, said"."""
    if v.inner_end is None:
        return None
    text = w.text
    pos = _floor(w, v.inner_end)
    for part in text[pos : v.inner_end].split(","):
        words = part.split()
        if (
            0 < len(words) <= 6
            and words[0][:1].isupper()
            and words[0] not in NOT_NAMES
            and not any(verbish(x) for x in words)
        ):
            head = trim_np(text, pos, pos + len(part), from_left=False)
            if head is not None and w.speaker_like(head):
                how = f"attributed by '{text[head[0] : head[1]]}, ... {v.cue.group()}'"
                return Attribution(head[0], head[1], how)
            if head is not None:
                return None
        pos += len(part) + 1
    return None


def phrase_before_appositive(w: Before, v: Verb) -> Attribution | None:
    """The phrase before an appositive, when no part of it starts with a name: "The
    campaign's spokesman, a former aide, said"."""
    if v.inner_end is None or v.comma <= w.start:
        return None
    prev_comma = w.text.rfind(",", w.start, v.comma)
    head = trim_np(w.text, prev_comma + 1 if prev_comma >= 0 else w.start, v.comma, from_left=False)
    if head is None or not w.speaker_like(head):
        return None
    return Attribution(head[0], head[1], f"attributed by '{w.text[head[0] : v.cue.end()]}'")


def relative_pronoun(w: Before, v: Verb) -> Attribution | None:
    """A relative pronoun attributes it and stands for the phrase before it: "the
    Associated Press report, which notes, “..."."""
    text, start, cue = w.text, w.start, v.cue
    rel = re.search(r"(?:^|[\s,])(who|which)\s*$", text[start : v.subj_end])
    if rel is None or len(text[cue.end() : w.open_at].split()) > 2:
        return None
    ws, we = start + rel.start(1), start + rel.end(1)
    head = text[start:ws].rstrip(" ,")
    hs = trim_np(text, start, start + len(head), from_left=False) if head else None
    name = text[hs[0] : hs[1]] if hs else text[ws:we]
    how = f"attributed by '{text[ws : cue.end()]}' ('{text[ws:we]}' taken to be {name})"
    return Attribution(ws, we, how, name=name)


def subject_of_the_clause(w: Before, v: Verb) -> Attribution | None:
    """The words before the verb, back to a clause boundary: "Rita Katz said: “..."."""
    span = v.subject
    if span is None or not w.speaker_like(span):
        return None
    return Attribution(span[0], span[1], f"attributed by '{w.text[span[0] : v.cue.end()]}'")


def name_after_the_verb(w: Before, v: Verb) -> Attribution | None:
    """“... irresponsible,” said Steve Bell, “...: the speaker follows the verb."""
    if v.subject is not None or v.cue.group() not in INVERTING_CUES:
        return None
    text, cue = w.text, v.cue
    after = re.match(r"\s+([^,.;:!?“”\"\n]{1,80})", text[cue.end() : w.end])
    if after is None:
        return None
    inv = trim_np(text, cue.end() + after.start(1), cue.end() + after.end(1), from_left=True)
    if inv is None or not text[inv[0] : inv[0] + 1].isupper() or not w.speaker_like(inv):
        return None
    return Attribution(inv[0], inv[1], f"attributed by '{text[cue.start() : inv[1]]}'")


VerbRule = Callable[[Before, Verb], Attribution | None]
VERB_RULES: tuple[VerbRule, ...] = (
    with_subject,
    appositive_with_party,
    name_before_appositive,
    phrase_before_appositive,
    relative_pronoun,
    subject_of_the_clause,
    name_after_the_verb,
)
PARTICIPLE_RULES: tuple[VerbRule, ...] = (with_subject,)


# --- the rules -----------------------------------------------------------------------------------


def said_first(w: Before) -> Attribution | None:
    """The verb leads the sentence: "Said Dorothy Poynter, who grew up with Ali, “...”"."""
    said = _SAID_FIRST.match(w.text, w.start, w.end)
    if said is None:
        return None
    span = trim_np(w.text, said.start("np"), said.end("np"), from_left=True)
    if span is None or not w.speaker_like(span):
        return None
    return Attribution(span[0], span[1], f"attributed by 'Said {w.text[span[0] : span[1]]}'")


def according_to(w: Before) -> Attribution | None:
    """The source named after "according to": "According to a senior police official: “..."."""
    m = _ACCORDING.search(w.chunk)
    if m is None:
        return None
    span = trim_np(w.text, w.start + m.start("np"), w.start + m.end("np"), from_left=True)
    if span is None or not w.speaker_like(span):
        return None
    return Attribution(
        span[0], span[1], f"attributed by 'according to {w.text[span[0] : span[1]]}'"
    )


def subject_of_a_speech_verb(w: Before) -> Attribution | None:
    """The subject of the last speech verb before the quotation that has one
    (``VERB_RULES``): "Rita Katz said: “...", "Brian Fallon, a spokesman, said “..."."""
    for verb in w.walk.verbs:
        rules = VERB_RULES if verb.finite else PARTICIPLE_RULES
        found = first_attribution(rules, w, verb)
        if found is not None:
            return found
    return None


def subject_of_the_participle(w: Before) -> Attribution | None:
    """The subject at the start of the sentence, for a participle ("Trump went fully on
    the attack, saying “..."), after any opening phrase ("Back in 1999, Mr. Trump expressed ...,
    telling CNBC:")."""
    participle = w.walk.participle
    if participle is None:
        return None
    text, seg = w.text, w.start
    for _ in range(3):
        seg = next((qe + 1 for qs, qe in w.quoted if qs <= seg <= qe), seg)
        lead = _LEADING_CONJ.match(text, seg, participle.start())
        if lead is not None:
            seg = lead.end()  # "And then Trump went fully on the attack, saying"
        span = _sentence_subject(text, seg, participle.start())
        if span is not None:
            how = f"attributed by '{text[span[0] : span[1]]} ... {participle.group()}'"
            return Attribution(span[0], span[1], how)
        comma = text.find(",", seg, participle.start())
        if comma < 0:
            break
        seg = comma + 1
    return None


def _sentence_subject(text: str, seg: int, end: int) -> tuple[int, int] | None:
    """The subject of the clause starting at ``seg``: the words up to its first verb."""
    span = trim_np(text, seg, first_verb(text, seg, end), from_left=True)
    if span is not None:
        span = cut_at_verb(text, *span)
    if span is None or text[span[0] : span[1]].split()[0].endswith("ing"):
        return None  # "Appearing before supporters, Suu Kyi said": an opening clause
    phrase = text[span[0] : span[1]]
    return span if looks_like_speaker(phrase) and subject_head(phrase) else None


def speaker_of_the_quote_before(w: Before) -> Attribution | None:
    """“...,” said Skelly, explaining ...: “...”: the speaker of the quotation before, named in
    this sentence before the participle."""
    participle, last = w.walk.participle, w.last
    if participle is None or last is None:
        return None
    if not w.start <= last.mention_start < participle.start():
        return None
    how = f"{last.how} ... {participle.group()}"
    return Attribution(last.mention_start, last.mention_end, how, name=last.name)


def colon_intro(w: Before) -> Attribution | None:
    """The subject of the words that end with a colon: "Sanders delivered a snappy retort:
    “..." / "Rep. Trey Gowdy (R-S.C.): “..."."""
    text, base = w.text, w.start
    m = _COLON_INTRO.search(w.chunk)
    if m is None and w.chunk.rstrip().endswith(":"):
        # "Rep. Trey Gowdy (R-S.C.):" at the start of a paragraph: abbreviations break sentences
        line_start = text.rfind("\n", 0, w.end) + 1
        intro = text[line_start : w.end].rstrip()[:-1]
        if 0 < len(intro.split()) <= 10 and not re.search(r"[!?;“”\"]", intro):
            m = re.match(r"\s*(?P<np>.+?)\s*$", intro)
            base = line_start
    if m is None:
        return None
    a, b = base + m.start("np"), base + m.end("np")
    while a < b and text[a].isspace():
        a += 1
    cut = cut_at_verb(text, a, b)
    subject = cut is not None and cut[1] < b
    if cut is not None and subject:
        a, b = cut  # "Sanders delivered a snappy retort:": the subject, not the object
    span = trim_np(text, a, b, from_left=False)
    if span is None or not (
        subject or any(x[:1].isupper() for x in text[span[0] : span[1]].split())
    ):
        return None
    if not w.speaker_like(span):
        return None
    return Attribution(span[0], span[1], f"introduced by '{text[span[0] : span[1]]}:'")


BEFORE_RULES: tuple[Callable[[Before], Attribution | None], ...] = (
    said_first,
    according_to,
    subject_of_a_speech_verb,
    subject_of_the_participle,
    speaker_of_the_quote_before,
    colon_intro,
)


def speaker_before(w: Before) -> Attribution | None:
    """The speaker named in the words before the quotation."""
    if w.end <= w.start:
        return None
    return first_attribution(BEFORE_RULES, w)
