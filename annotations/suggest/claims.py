"""CLAIM suggester by rules: sentences and clauses that assert something checkable.

What makes a statement worth checking, in the annotation guide's words: numbers, dates, events,
who did what, causes and effects, records ("for the first time"), comparisons. Each signal found
adds to a score; questions, wishes, first-person intentions and bare opinions lower it. The
signals are also features of the learned suggester (``features``).
"""

from __future__ import annotations

import re

from .candidates import Candidate, make
from .sentences import clause_spans, sentence_spans


def _words(text: str) -> list[str]:
    """The words of a word list written as one string."""
    return text.split()


NAME = "claim-rules"
VERSION = "1.0"
THRESHOLD = 0.4  # best F1(Yes) on the check-worthiness train split

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|millions|"
    r"billion|billions|trillion|trillions|dozen|dozens|half|third|quarter|twice|double|doubled|"
    r"tripled|percent|per cent"
)
SIGNALS: dict[str, tuple[re.Pattern[str], float]] = {
    "a number": (re.compile(r"\d|\b(?:" + _NUMBER_WORDS + r")\b", re.I), 0.35),
    "a date": (
        re.compile(
            r"\b(?:1[89]\d\d|20\d\d|January|February|March|April|May|June|July|August|September|"
            r"October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
            r"yesterday|last (?:year|month|week)|decades?|years? ago)\b"
        ),
        0.2,
    ),
    "a record or first": (
        re.compile(
            r"\b(?:for the first time|first|record|highest|lowest|largest|biggest|smallest|worst"
            r"|best|most|least|never|ever|only)\b",
            re.I,
        ),
        0.15,
    ),
    "a comparison or change": (
        re.compile(
            r"\b(?:more than|less than|fewer than|at least|as many as|up to|over|under|increas\w*|"
            r"decreas\w*|ris(?:e|en|ing)|rose|f[ae]ll(?:en|ing)?|grew|grown|cut|cuts|raised?|"
            r"lower(?:ed)?|higher|doubled|tripled|compared|than)\b",
            re.I,
        ),
        0.15,
    ),
    "a cause or effect": (
        re.compile(
            r"\b(?:because|caused?|due to|led to|leads? to|result(?:ed|s)? in|killed|died"
            r"|destroyed|created|lost)\b",
            re.I,
        ),
        0.15,
    ),
    "an actor doing something": (
        re.compile(
            r"\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*\s+(?:has|have|had|was|were|is|are)?\s*"
            r"(?:[a-z]+ed|signed|voted|passed|claimed|announced|established|fought|won|lost|paid|"
            r"spent|built|sent|took|made|gave|said|told|killed|attacked)\b"
        ),
        0.2,
    ),
    "a policy or statistic term": (
        re.compile(
            r"\b(?:tax(?:es)?|jobs?|unemployment|deficit|debt|budget|economy|percent|rate|wages?|"
            r"income|spending|billion|million|law|bill|voted?|troops|war|wars|attacks?|police|"
            r"killed|population|immigrants?|dollars?|\$)\b",
            re.I,
        ),
        0.15,
    ),
}
PENALTIES: dict[str, tuple[re.Pattern[str], float]] = {
    "a question": (re.compile(r"\?\W*$"), 0.6),
    "a first-person intention or wish": (
        re.compile(
            r"\b(?:I|we)\s+(?:will|would|want|wanted|hope|think|believe|feel|need|am going"
            r"|are going|'ll|’ll)\b|\blet me\b|\blet's\b|\blet’s\b",
            re.I,
        ),
        0.3,
    ),
    "an appeal or opinion": (
        re.compile(
            r"\b(?:should|must|ought to|I think|I believe|in my opinion|thank you|thanks"
            r"|of course|frankly)\b",
            re.I,
        ),
        0.2,
    ),
    "a non-response": (
        re.compile(r"\bdid not respond|declined to comment|could not be reached\b", re.I),
        0.5,
    ),
}
_WORD = re.compile(r"\w+")
_NUMBER_SET = frozenset(_NUMBER_WORDS.replace("per cent", "cent").split("|"))


_DIGIT = re.compile(r"\d")


def _has_number(sentence: str, tokens: set[str]) -> bool:
    # the same test as SIGNALS["a number"], without running a long alternation on every sentence
    return _DIGIT.search(sentence) is not None or not _NUMBER_SET.isdisjoint(tokens)


def _lowered(rx: re.Pattern[str]) -> re.Pattern[str]:
    """A case-insensitive pattern as a case-sensitive one for lower-cased text: much faster."""
    if not rx.flags & re.I:
        return rx
    return re.compile(
        rx.pattern.replace("(?:I|we)", "(?:i|we)")
        .replace("I think", "i think")
        .replace("I believe", "i believe")
    )


_FAST = {name: _lowered(rx) for name, (rx, _) in {**SIGNALS, **PENALTIES}.items()}


# (name, weight, pattern, whether it runs on the lower-cased sentence), worked out once: testing
# re flags on every sentence cost a fifth of the CLAIM rules' time
_CHECKS = [(name, w, _FAST[name], bool(rx.flags & re.I)) for name, (rx, w) in SIGNALS.items()] + [
    ("but " + name, -w, _FAST[name], bool(rx.flags & re.I)) for name, (rx, w) in PENALTIES.items()
]


# words one of which a sentence must hold for a signal to match (a digit will do for a date):
# a set look-up spares running the long alternations on most sentences
_GATES = {
    "a date": frozenset(
        _words("""
january february march april may june july august september october november december monday
tuesday wednesday thursday friday saturday sunday yesterday last decade decades year years
""")
    ),
    "a record or first": frozenset(
        _words("""
first record highest lowest largest biggest smallest worst best most least never ever only
""")
    ),
    "a cause or effect": frozenset(
        _words("""
because cause caused due led lead leads result resulted results killed died destroyed created lost
""")
    ),
    "but a first-person intention or wish": frozenset(_words("i we let")),
    "but a non-response": frozenset(_words("did declined could")),
}


def _hits(sentence: str) -> list[tuple[str, float, bool]]:
    low = sentence.lower()
    tokens = set(_WORD.findall(low))
    digit = _DIGIT.search(sentence) is not None
    out = []
    for name, w, rx, lowered in _CHECKS:
        gate = _GATES.get(name)
        if name == "a number":
            hit = digit or not _NUMBER_SET.isdisjoint(tokens)
        elif gate is not None and gate.isdisjoint(tokens) and not (digit and name == "a date"):
            hit = False
        else:
            hit = rx.search(low if lowered else sentence) is not None
        out.append((name, w, hit))
    return out


def features(sentence: str) -> list[float]:
    """One value a signal, then one a penalty, then the length band: for the learned suggester."""
    out = [1.0 if hit else 0.0 for _, _, hit in _hits(sentence)]
    n = len(_WORD.findall(sentence))
    out += [min(n, 40) / 40.0, 1.0 if n < 6 else 0.0]
    return out


def score(sentence: str) -> tuple[float, list[str]]:
    """How check-worthy ``sentence`` looks, in [0, 1], and the signals that say so."""
    n = len(_WORD.findall(sentence))
    if n < 5:
        return 0.0, []
    total = 0.1
    why: list[str] = []
    for name, w, hit in _hits(sentence):
        if hit:
            total += w
            why.append(name)
    return max(0.0, min(1.0, total)), why


def suggest_claims(text: str, threshold: float = THRESHOLD) -> list[Candidate]:
    """CLAIM candidates: each sentence (or, in a long sentence, each clause) that scores enough."""
    out: list[Candidate] = []
    for s, e in sentence_spans(text):
        parts = [(s, e)]
        if e - s > 220:
            parts = clause_spans(text, s, e)
        for ps, pe in parts:
            value, why = score(text[ps:pe])
            if value >= threshold:
                reason = "check-worthy signals: " + ", ".join(why)
                out.append(
                    make(
                        text,
                        "CLAIM",
                        ps,
                        pe,
                        score=value,
                        reason=reason,
                        suggester=NAME,
                        version=VERSION,
                    )
                )
    return out
