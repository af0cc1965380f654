"""OPINION suggester by rules: the writer's own judgements, not the quoted speakers'.

Looks for evaluative and loaded wording, predictions, readings of motive and first-person
stance, outside quotation marks (a sentence that only reports someone's opinion in quotes is not
the writer's opinion). The span is the clause around the words that carry it.
"""

from __future__ import annotations

import re

from .candidates import Candidate, make
from .quotes import normalize_marks, quoted_regions
from .sentences import sentence_spans


def _words(text: str) -> list[str]:
    """The words of a word list written as one string."""
    return text.split()


NAME = "opinion-rules"
VERSION = "1.0"

_EVALUATIVE = _words("""
absurd abhorrent appalling awful bad baseless bizarre brilliant catastrophic cheap corrupt
cowardly crazy credible cruel dangerous deplorable despicable disastrous disgraceful disgusting
dishonest dreadful dumb embarrassing evil excellent extreme extremist fabulous failed fake
fantastic foolish fraudulent great hateful heroic hideous horrible horrific hypocritical idiotic
ignorant illegitimate incompetent incredible inept insane irresponsible laughable lazy ludicrous
mediocre misguided monstrous naive nasty noble obscene offensive outrageous pathetic petty
pitiful pointless preposterous pathetic reckless ridiculous rotten sad scandalous shameful
shameless shocking silly sinister sloppy stupid terrible terrific tragic troubling ugly
unacceptable unbelievable unfair unhinged vile wonderful worthless wrong wrongheaded
radical bogus phony sham farce disgrace travesty nonsense hoax lies liar thugs cult regime
propaganda smear witch-hunt
""")
_LOADED = [
    "death cult",
    "freedom fighters",
    "occupation",
    "occupied",
    "so-called",
    "self-styled",
    "regime",
    "puppet",
    "terror group",
    "jihadist",
    "mob",
    "elites",
    "establishment",
    "mainstream media",
    "fake news",
    "open borders",
    "illegal aliens",
    "invasion",
]
_PREDICTION = (
    r"\b(?:will (?:likely|probably|surely|certainly|never|soon)|(?:is|are) (?:likely|unlikely"
    r"|bound|set) to|may well|could well|is going to|are going to|would be)\b"
)
_MOTIVE = (
    r"\b(?:seeks? to|seeking to|designed to|in an (?:attempt|effort) to|aim(?:s|ed|ing)? to"
    r"|in order to|intended to|meant to|to exploit|bolster|exploit(?:s|ing)?|pander(?:s|ing)?"
    r"|cynical(?:ly)?)\b"
)
_HEDGE = (
    r"\b(?:appears? to|seems? to|apparently|arguably|perhaps|probably|clearly|obviously"
    r"|undoubtedly|surely|of course|frankly|simply|merely|just|only|even)\b"
)
_INTENSIFIER = (
    r"\b(?:very|extremely|truly|utterly|deeply|incredibly|totally|completely|absolutely|hugely"
    r"|remarkably|so|too)\s+\w+"
)
_FIRST_PERSON = r"\b(?:I|we|us|our|my)\b"
_MODAL = r"\b(?:should|must|ought to|need to|needs to|has to|have to)\b"

SIGNALS: dict[str, tuple[re.Pattern[str], float]] = {
    "evaluative wording": (
        re.compile(r"\b(?:" + "|".join(map(re.escape, _EVALUATIVE)) + r")\b", re.I),
        0.45,
    ),
    "loaded wording": (re.compile(r"(?:" + "|".join(map(re.escape, _LOADED)) + r")", re.I), 0.4),
    "a prediction": (re.compile(_PREDICTION, re.I), 0.3),
    "a reading of motive": (re.compile(_MOTIVE, re.I), 0.3),
    "a hedge or stance adverb": (re.compile(_HEDGE, re.I), 0.2),
    "an intensifier": (re.compile(_INTENSIFIER, re.I), 0.15),
    "the writer's first person": (re.compile(_FIRST_PERSON), 0.25),
    "an obligation": (re.compile(_MODAL, re.I), 0.3),
    "an exclamation or rhetorical question": (re.compile(r"[!?]\W*$"), 0.3),
}
# the two large word lists are only searched when one of their words is in the sentence: a set
# look-up is far cheaper than a regular expression with hundreds of alternatives
_GATES: dict[str, frozenset[str]] = {
    "evaluative wording": frozenset(w.lower() for w in _EVALUATIVE),
    "loaded wording": frozenset(p.split()[0].lower() for p in _LOADED),
}
_TOKEN = re.compile(r"[a-z]+(?:[-’'][a-z]+)*")


_FAST = {
    name: re.compile(rx.pattern) if rx.flags & re.I else rx for name, (rx, _) in SIGNALS.items()
}


# the signals searched case-insensitively, worked out once: testing re flags on every sentence
# cost a tenth of the OPINION rules' time
_CASELESS = frozenset(name for name, (rx, _) in SIGNALS.items() if rx.flags & re.I)


def _search(
    name: str, rx: re.Pattern[str], sentence: str, tokens: set[str], low: str | None = None
) -> re.Match[str] | None:
    gate = _GATES.get(name)
    if gate is not None and gate.isdisjoint(tokens):
        return None
    if low is not None and name in _CASELESS:
        # same offsets: only used when lower-casing kept the length
        return _FAST[name].search(low)
    return rx.search(sentence)


THRESHOLD = 0.2  # best macro-F1 on the subjectivity train split


def calibrated(total: float) -> float:
    """The signal sum as the share of suggestions that are opinions: on held-out sentences
    (subjectivity train) about half of those at the threshold are, rising to nine in ten of the
    strongest; the raw sum said 0.2 for the first (benchmarks/suggest_quality.py)."""
    return min(0.9, 0.45 + 0.6 * max(0.0, total - THRESHOLD))


def _unquoted(sentence: str) -> str:
    """The sentence with quoted words blanked out (same length): quoted opinions are not ours."""
    norm = normalize_marks(sentence)
    chars = list(sentence)
    for r in quoted_regions(norm):
        for i in range(r.open_at, min(r.close_at + 1, len(chars))):
            chars[i] = " "
    return "".join(chars)


def features(sentence: str) -> list[float]:
    """One value a signal, counted outside quotation marks: for the learned suggester."""
    own = _unquoted(sentence)
    tokens = set(_TOKEN.findall(own.lower()))
    return [
        0.0
        if name in _GATES and _GATES[name].isdisjoint(tokens)
        else min(len(rx.findall(own)), 3) / 3.0
        for name, (rx, _) in SIGNALS.items()
    ] + [1.0 if own.strip() != sentence.strip() else 0.0]


_CLAUSE_EDGE = re.compile(
    r"[,;:—–()]|\s(?:as|while|because|although|but|and|which|who|after|before)\s"
)


def _clause_around(text: str, s: int, e: int, lo: int, hi: int) -> tuple[int, int]:
    left = lo
    for m in _CLAUSE_EDGE.finditer(text, lo, s):
        left = m.start() + 1
    right = hi
    edge = _CLAUSE_EDGE.search(text, e, hi)
    if edge is not None:
        right = edge.start()
    while left < right and (text[left].isspace() or text[left] in ",;:—–()"):
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def suggest_opinions(text: str, threshold: float = THRESHOLD) -> list[Candidate]:
    """OPINION candidates in the writer's voice.

    One per sentence, over the clause that carries it.
    """
    out: list[Candidate] = []
    own_text = _unquoted(text)
    for s, e in sentence_spans(text):
        own = own_text[s:e]
        total = 0.0
        why: list[str] = []
        first: tuple[int, int] | None = None
        last: tuple[int, int] | None = None
        low = own.lower()
        tokens = set(_TOKEN.findall(low))
        same = low if len(low) == len(own) else None
        for name, (rx, w) in SIGNALS.items():
            m = _search(name, rx, own, tokens, same)
            if m is None:
                continue
            total += w
            why.append(f"{name} ('{m.group().strip()}')")
            span = (s + m.start(), s + m.end())
            first = span if first is None or span[0] < first[0] else first
            last = span if last is None or span[1] > last[1] else last
        if total < threshold or first is None or last is None:
            continue
        a, _ = _clause_around(text, first[0], first[1], s, e)
        _, b = _clause_around(text, last[0], last[1], s, e)
        if b <= a:
            a, b = s, e
        out.append(
            make(
                text,
                "OPINION",
                a,
                b,
                score=calibrated(total),
                reason="; ".join(why),
                suggester=NAME,
                version=VERSION,
            )
        )
    return out
