"""The same quotation in two articles, and the words that differ.

Quotations come from the QUOTE rules of ``annotations.suggest.quotes`` (``rule_quotes``, read
through ``Document.quote_regions``: every quoted
region with its speaker, including those the suggester itself drops, since a short fragment
quoted by two outlets is still a shared quotation). Regions that belong together are chained into
one quotation: a quotation carried over a paragraph break, or interrupted by "he said". Two
quotations match when their words align (``difflib`` on the normalised words of the quoted parts
only, never the attribution between them); the aligned stretch gives the wording and the
differences, typography, case and spacing having been folded away by the word rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

from rapidfuzz import fuzz

from annotations.suggest.people import People
from annotations.suggest.quotes import RuleQuote

from .matches import Difference, QuoteMatch, Side
from .text import Document, Word, norms, word_list, words

MIN_WORDS = 4  # a shared quotation has at least this many words on each side
MIN_SHARE = 0.5  # of the shorter quotation's words, aligned
MAX_EDGE_REPLACE = 4  # a changed last (or first) stretch longer than this is extent, not wording
MAX_GAP = 6  # words only one side quotes, past which a quotation pair splits in two stretches
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|added|adds|told|tells|continued|wrote|writes|asked|explained|noted|"
    r"insisted|argued|warned|declared|stated|replied|responded|recalled|tweeted)\b",
    re.IGNORECASE,
)
_ONLY_MARKS = re.compile(r"^[\s\"'“”‘’«».,;:!?…-]*$")


@dataclass
class Quotation:
    """One quotation of an article: its quoted parts (segments) and its words."""

    doc: Document
    segments: list[tuple[int, int]]
    speaker: str | None
    words: list[Word]
    segment_of: list[int]  # for each word, the index of its segment

    # Asked for once per pair of quotations: a story's every other article.
    @cached_property
    def norms(self) -> list[str]:
        return [w.norm for w in self.words]

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self.norms)


def _join(text: str, prev, cur) -> bool:
    """Whether region ``cur`` continues the quotation of region ``prev``."""
    if prev.region.continues and cur.region.continued:
        return True
    gap = text[prev.end : cur.start]
    if len(gap) > 120:
        return False
    if _ONLY_MARKS.match(gap):  # closed and reopened, at most a paragraph break between
        return not (prev.speaker and cur.speaker and prev.speaker.name != cur.speaker.name)
    if "\n" in gap:
        return False
    return bool(_ATTRIBUTION.search(gap))


def quotations(doc: Document) -> list[Quotation]:
    """The article's quotations of two words or more, interrupted ones chained, in text order."""
    text = doc.text
    regions = [q for q in doc.quote_regions if q.dropped != "one-word" and q.end > q.start]
    kept: list[RuleQuote] = []
    for q in regions:  # a quotation inside another one is part of it
        if kept and kept[-1].start <= q.start and q.end <= kept[-1].end:
            continue
        kept.append(q)
    chains: list[list] = []
    for q in kept:
        if chains and _join(text, chains[-1][-1], q):
            chains[-1].append(q)
        else:
            chains.append([q])
    out: list[Quotation] = []
    for chain in chains:
        ws: list[Word] = []
        seg_of: list[int] = []
        for i, q in enumerate(chain):
            got = words(text, q.start, q.end)
            ws.extend(got)
            seg_of.extend([i] * len(got))
        if len(ws) < 2:
            continue
        speaker = next((q.speaker.name for q in chain if q.speaker is not None), None)
        out.append(Quotation(doc, [(q.start, q.end) for q in chain], speaker, ws, seg_of))
    return out


@dataclass
class Alignment:
    equal: int  # words aligned one for one
    longest: int  # the longest run of aligned words
    first: tuple[int, int]  # word indexes (a, b) where the compared stretch starts
    last: tuple[int, int]  # and where it ends (exclusive)
    changes: list[tuple[int, int, int, int]]  # (a_start, a_end, b_start, b_end) word indexes


Op = tuple[str, int, int, int, int]


def align(
    wa: Sequence[str],
    wb: Sequence[str],
    seg_a: Sequence[int] | None = None,
    seg_b: Sequence[int] | None = None,
) -> list[Alignment]:
    """The stretches where two word sequences say the same thing, each with its changes.

    A long stretch only one side has (another sentence of a statement the other outlet did not
    quote there) separates two stretches rather than making one with a huge difference. So does
    a point where both quotations are interrupted ("...," he said. "..." in both): outlets
    that quote a statement piece by piece are paired piece by piece.
    """
    ops = SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes()

    def both_break(i: int, j: int) -> bool:
        return (
            seg_a is not None
            and seg_b is not None
            and 0 < i < len(seg_a)
            and 0 < j < len(seg_b)
            and seg_a[i - 1] != seg_a[i]
            and seg_b[j - 1] != seg_b[j]
        )

    parts: list[list[Op]] = [[]]
    for op in ops:
        tag, i1, i2, j1, j2 = op
        if tag != "equal" and max(i2 - i1, j2 - j1) > MAX_GAP:
            parts.append([])
            continue
        if both_break(i1, j1) and parts[-1]:
            parts.append([])
        if tag == "equal":
            cut = i1
            for k in range(i1 + 1, i2):
                if both_break(k, j1 + k - i1):
                    parts[-1].append(("equal", cut, k, j1 + cut - i1, j1 + k - i1))
                    parts.append([])
                    cut = k
            parts[-1].append(("equal", cut, i2, j1 + cut - i1, j2))
        else:
            parts[-1].append(op)
    out = []
    for part in parts:
        al = _stretch(part, ops[0], ops[-1], seg_a, seg_b)
        if al is not None:
            out.append(al)
    return out


def _stretch(
    ops: list[Op],
    first_op: Op,
    last_op: Op,
    seg_a: Sequence[int] | None,
    seg_b: Sequence[int] | None,
) -> Alignment | None:
    runs = [i for i, op in enumerate(ops) if op[0] == "equal" and op[2] - op[1] >= 2]
    if not runs:
        return None
    # Lone one-word agreements at the edges are chance ("the", "and"): the shared stretch runs
    # from the first to the last run of two or more aligned words.
    lo, hi = runs[0], runs[-1]
    inner = ops[lo : hi + 1]
    # A short change where both quotations start (or end) is a changed word, not extent:
    # "... what they're finding" / "... what they're talking", "the Isil 'caliphate'" / "the
    # IS 'caliphate'". Taken when nothing but such changes and agreeing words follow.
    head, tail = ops[:lo], ops[hi + 1 :]

    def one_segment(edge: list[Op], i: int, j: int) -> bool:
        """Whether the edge words stay in the quoted part of word i (a) and word j (b)."""
        if seg_a is None or seg_b is None:
            return True
        return all(seg_a[k] == seg_a[i] for op in edge for k in range(op[1], op[2])) and all(
            seg_b[k] == seg_b[j] for op in edge for k in range(op[3], op[4])
        )

    if (
        head
        and head[0] == first_op
        and all(_edge_ok(op) for op in head)
        and one_segment(head, inner[0][1], inner[0][3])
    ):
        inner = head + inner
    if (
        tail
        and tail[-1] == last_op
        and all(_edge_ok(op) for op in tail)
        and one_segment(tail, inner[-1][2] - 1, inner[-1][4] - 1)
    ):
        inner = inner + tail
    equal = sum(i2 - i1 for tag, i1, i2, _, _ in inner if tag == "equal")
    longest = max(i2 - i1 for tag, i1, i2, _, _ in inner if tag == "equal")
    changes = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in inner if tag != "equal"]
    return Alignment(
        equal, longest, (inner[0][1], inner[0][3]), (inner[-1][2], inner[-1][4]), changes
    )


def _edge_ok(op: Op) -> bool:
    if op[0] == "equal":
        return True
    return (
        op[0] == "replace"
        and op[2] - op[1] <= MAX_EDGE_REPLACE
        and op[4] - op[3] <= MAX_EDGE_REPLACE
    )


def _surface(q: Quotation, i: int, j: int) -> tuple[str, int, int]:
    """The text of words i..j (exclusive) as printed, or an empty point before word i."""
    text = q.doc.text
    if j > i:
        return text[q.words[i].start : q.words[j - 1].end], q.words[i].start, q.words[j - 1].end
    pos = q.words[i].start if i < len(q.words) else q.words[-1].end
    return "", pos, pos


def _involved(q: Quotation, i: int, j: int) -> list[int]:
    """Indexes of the segments words i..j (exclusive) fall in, first to last."""
    segs = sorted({q.segment_of[k] for k in range(i, j)}) or [
        q.segment_of[min(i, len(q.words) - 1)]
    ]
    return list(range(segs[0], segs[-1] + 1))


def _side(q: Quotation, segs: list[int]) -> Side:
    chosen = [q.segments[k] for k in segs]
    return Side.cut(q.doc.doc_id, q.doc.text, chosen[0][0], chosen[-1][1], tuple(chosen))


def match_pair(qa: Quotation, qb: Quotation, people: People) -> list[QuoteMatch]:
    """The stretches two quotations share, as matches (usually none or one)."""
    if len(qa.vocabulary & qb.vocabulary) < 3:
        return []
    out = []
    for al in align(qa.norms, qb.norms, qa.segment_of, qb.segment_of):
        m = _match(qa, qb, al, people)
        if m is not None:
            out.append(m)
    return out


def _match(qa: Quotation, qb: Quotation, al: Alignment, people: People) -> QuoteMatch | None:
    if al.equal < MIN_WORDS or al.longest < 3:
        return None
    span_a = al.last[0] - al.first[0]
    span_b = al.last[1] - al.first[1]
    if min(span_a, span_b) < MIN_WORDS:
        return None
    segs_a = _involved(qa, al.first[0], al.last[0])
    segs_b = _involved(qb, al.first[1], al.last[1])
    # Shares are of the quoted parts involved: one sentence of a long chained statement can
    # be all another outlet quotes.
    words_a = sum(1 for k in qa.segment_of if k in segs_a)
    words_b = sum(1 for k in qb.segment_of if k in segs_b)
    share = al.equal / min(words_a, words_b)
    tight = al.equal / max(span_a, span_b)  # how much of the compared stretch agrees
    if share < MIN_SHARE or tight < 0.6:
        return None
    # The speaker found by the rules is only a hint ("Democrats lob", "the statement"): the
    # words decide, a disagreement lowers the score.
    same = people.same(qa.speaker, qb.speaker)
    diffs: list[Difference] = []
    for i1, i2, j1, j2 in al.changes:
        ta, sa, ea = _surface(qa, i1, i2)
        tb, sb, eb = _surface(qb, j1, j2)
        diffs.append(Difference(ta, tb, sa, ea, sb, eb, difference_kind(ta, tb)))
    canon_a, canon_b = people.canonical(qa.speaker), people.canonical(qb.speaker)
    if same:
        speaker, who = canon_a, f"said by {canon_a} in both"
    elif same is None:
        speaker = canon_a or canon_b
        who = f"speaker {speaker or 'not found'}"
    else:
        speaker, who = None, f"attributed to {canon_a} and to {canon_b}"
    score = (0.55 + 0.45 * min(1.0, share)) * {True: 1.0, None: 0.9, False: 0.8}[same]
    if diffs:
        shown = "; ".join(f"{d.a or '(none)'} / {d.b or '(none)'}" for d in diffs[:4])
        wording = f"wording differs: {shown}"
    else:
        wording = "same words"
    reason = (
        f"{al.equal} quoted words align ({share:.0%} of the shorter quotation); {who}; {wording}"
    )
    return QuoteMatch(
        a=_side(qa, segs_a),
        b=_side(qb, segs_b),
        score=min(1.0, score),
        reason=reason,
        speaker_a=qa.speaker,
        speaker_b=qb.speaker,
        speaker=speaker,
        wording="differs" if diffs else "identical",
        differences=diffs,
    )


_CONTRACTIONS = {
    "n't": " not", "'ll": " will", "'re": " are", "'ve": " have", "'m": " am", "'d": " would",
    "'s": " is",
}  # fmt: skip
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()  # noqa: SIM905
    )
}
NAME_SIMILARITY = 70  # rapidfuzz ratio above which two capitalised spellings are one name


def _expanded(text: str) -> str:
    out = []
    for w in word_list(text):
        for short, full in _CONTRACTIONS.items():
            if w.endswith(short) and w != short:
                w = w[: -len(short)] + full
                break
        out.append(" ".join(_NUMBER_WORDS.get(p, p) for p in w.split()))
    return " ".join(out)


@lru_cache(maxsize=8192)  # a story's quotations differ in the same words pair after pair
def difference_kind(a: str, b: str) -> str:
    """form, omission or wording, as the annotation conventions of quote pairs define them."""
    if not a or not b:
        return "omission"
    wa, wb = word_list(a), word_list(b)
    if "".join(wa) == "".join(wb) or _expanded(a) == _expanded(b):
        return "form"  # in to / into, F.B.I. / FBI, we'll / we will, 3 / three
    capitalised = all(w[:1].isupper() for w in (a, b))
    if capitalised and fuzz.ratio(" ".join(wa), " ".join(wb)) >= NAME_SIMILARITY:
        return "form"  # Muammar al-Qaddafi / Moammar Gadhafi
    return "wording"


def match_quotes(
    doc_a: Document, doc_b: Document, quotes: dict[str, list[Quotation]], people: People
) -> list[QuoteMatch]:
    """Every pair of quotations of the two articles that is one quotation."""
    out: list[QuoteMatch] = []
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for qa in quotes[doc_a.doc_id]:
        for qb in quotes[doc_b.doc_id]:
            for m in match_pair(qa, qb, people):
                # The same words quoted twice in one article (a headline repeated as the first
                # paragraph) make one match, not two.
                key_b = ("b", f"{m.b.start}:{m.b.end}", norms(m.a.text))
                key_a = ("a", f"{m.a.start}:{m.a.end}", norms(m.b.text))
                if key_a in seen or key_b in seen:
                    continue
                seen.update((key_a, key_b))
                out.append(m)
    return out
