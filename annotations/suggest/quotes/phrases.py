"""Speaker phrases: cutting the words around a speech verb down to the ones that name someone."""

from __future__ import annotations

import re

from .cues import CUE, CUE_RE, word_list

PRONOUNS = frozenset(word_list("he she they it we i you"))
PERSONAL = frozenset(word_list("he she"))
_NP_STOP = frozenset(
    word_list("""
in on at during to from who which that when while after before as and but for with about
of by into over under than because since if whether where whose what how although though
last this next earlier later yesterday today tonight on monday
    """)
)
_TOKEN_RE = re.compile(r"[\w’'.\-()]+")
# a character of a speaker phrase: no sentence punctuation, but the dots of abbreviations
# and initials (Sen. Chuck Schumer (D-N.Y.))
# (and of US state abbreviations: Allentown, Pa., / (D-Wash.))
NPC = (
    r"(?:[^,.!?;:“”\"\n]|(?<=\b[A-Z])\.|(?<=\b(?:Mr|Ms|Dr|Jr|Sr|St|Lt|Pa|Ga|Md|Mo|Va|La|Ky))\."
    r"|(?<=\b(?:Mrs|Rep|Sen|Gov|Gen|Col|Sgt|Fla|Ill|Ore|Tex|Del|Ind|Kan|Neb|Wyo|Wis|Nev|Ala|Ark))\."
    r"|(?<=\b(?:Reps|Sens|Pres|Ariz|Colo|Conn|Mass|Mich|Minn|Okla|Tenn|Wash|Miss|Mont))\."
    r"|(?<=\bCalif)\.|\.(?=\)))"
)
NOT_NAMES = frozenset(
    word_list("""
The A An But And Or So If In On At As It Its This That These Those There Their They He She
We I You His Her Our My Your When While After Before Since Because Although Though However
Meanwhile Still Yet Now Then Also For From With Without Why What How Who Where Which Mr
Mrs Ms Dr Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
April May June July August September October November December Read According Some Many
Most All One Two Not No Yes Asked Speaking Earlier Later Last Next Today Yesterday Tonight
Police Officials
    """)
)
TITLES = frozenset(word_list("Mr Mrs Ms Dr"))


CONTRACTIONS = frozenset(word_list("he's she's it's who's that's there's"))
VERB_WORDS = frozenset(
    word_list(
        "is are was were be been being has have had will would can could should may might must "
        "do does did"
    )
)


def trim_np(text: str, s: int, e: int, *, from_left: bool) -> tuple[int, int] | None:
    """Cut a speaker phrase to the words that name someone.

    ``from_left``: the phrase follows the cue ("said Rita Katz, director of ..."), so it is read
    from its start and cut at the first stop word or punctuation; otherwise it precedes the cue
    and, when it is short and verb-free ("Police in India-administered Kashmir"), is taken whole,
    else read backwards from its end ("... provoked outrage when he").
    """
    tokens = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text, s, e)]
    if not tokens:
        return None
    if not from_left and _taken_whole(text, tokens):
        return _clean_np(text, tokens[0][0], tokens[-1][1])
    picked = _read_on(text, tokens if from_left else tokens[::-1], from_left=from_left)
    if not picked:
        return None
    if not from_left:
        picked.reverse()
    return _clean_np(text, picked[0][0], picked[-1][1])


def _taken_whole(text: str, tokens: list[tuple[int, int]]) -> bool:
    """A short, verb-free phrase without punctuation that starts with a capital or an article."""
    if len(tokens) > 7 or any(verbish(text[a:b]) for a, b in tokens):
        return False
    first = text[tokens[0][0] : tokens[0][1]]
    return (first[:1].isupper() or first.lower() in DETERMINERS) and not any(
        text[tokens[k][1] : tokens[k + 1][0]].strip() for k in range(len(tokens) - 1)
    )


def _read_on(text: str, seq: list[tuple[int, int]], *, from_left: bool) -> list[tuple[int, int]]:
    """The tokens of ``seq`` up to the first punctuation, stop word, verb or speech verb."""
    picked: list[tuple[int, int]] = []
    for ts, te in seq:
        if picked:
            gap = text[picked[-1][1] : ts] if from_left else text[te : picked[-1][0]]
            if gap.strip():
                break  # a comma or other punctuation ends the phrase
        word = text[ts:te].strip("().").lower()
        if word in _NP_STOP or verbish(text[ts:te]) or CUE_RE.fullmatch(word):
            break
        picked.append((ts, te))
        if len(picked) >= 9:
            break
    return picked


DETERMINERS = frozenset(
    word_list("a an the another one two three some several many its his her their")
)


def verbish(token: str) -> bool:
    low = token.lower()
    if low in VERB_WORDS:
        return True
    return (
        token.islower()
        and len(token) > 5
        and low.endswith("ed")
        and low
        not in {
            "senior",
            "armed",
            "united",
            "retired",
            "elected",
            "unnamed",
            "named",
            "indicted",
            "alleged",
        }
    )


def _clean_np(text: str, ps: int, pe: int) -> tuple[int, int] | None:
    while (
        pe > ps
        and text[pe - 1] in ".,)("
        and not re.search(r"\b(?:Mr|Mrs|Ms|Dr|Jr|Sr|[A-Z])\.$", text[ps:pe])
    ):
        pe -= 1
    if text[ps:pe].count("(") != text[ps:pe].count(")"):
        cut = text.find("(", ps, pe)
        pe = cut if cut >= 0 else pe
        while pe > ps and text[pe - 1].isspace():
            pe -= 1
    if pe <= ps:
        return None
    return ps, pe


NOT_SPEAKER_START = frozenset(
    word_list("""
in on at of by for with without into during back ever instead despite like unlike about
over under than meanwhile however likewise similarly indeed moreover alongside amid
furthermore additionally finally shortly later earlier recently yesterday today tonight
    """)
)
# words that may lead a subject without being part of it: "As Politico reported", "While Sullivan
# proclaims", "From the report:"
LEAD_WORDS = frozenset(
    word_list(
        "as here’s here's while when though although because if once since after before until "
        "whereas from and but so then also still yet now"
    )
)
_MONTHS = frozenset(
    word_list(
        "January February March April May June July August September October November December"
    )
)


def looks_like_speaker(phrase: str) -> bool:
    words = phrase.split()
    if not words or len(words) > 9:
        return False
    first = words[0].lower()
    if first in PRONOUNS or first == "i":
        return len(words) == 1
    if first in LEAD_WORDS and len(words) > 1:
        return looks_like_speaker(" ".join(words[1:]))  # "As Politico reported"
    if first in NOT_SPEAKER_START:
        return words[-1].lower() in PRONOUNS  # "At the bottom it reads"; not "In December"
    if words[0] in _MONTHS or all(w.rstrip(".,").isdigit() for w in words):
        return False  # "April 18, 1977": not someone
    if len(words) == 1 and words[0] in NOT_NAMES:
        return False
    if any(w[:1].isupper() for w in words):
        return True
    # "a senior police official", "the source", "officials", "sources"
    return first in {
        "a",
        "an",
        "the",
        "another",
        "one",
        "two",
        "three",
        "some",
        "several",
        "many",
        "officials",
        "sources",
        "experts",
        "analysts",
        "critics",
        "aides",
        "supporters",
        "people",
        "police",
        "authorities",
        "residents",
        "witnesses",
        "others",
        "its",
        "his",
        "her",
        "their",
    }


_COMMON_VERBS = frozenset(
    word_list("""
put puts made makes took takes gave gives went goes came comes got gets held holds sent
sends issued issues released releases seemed seems tried tries appeared appears took
became becomes left leaves kept keeps ran runs stood stands sat sits set sets began begins
    """)
)


def cut_at_verb(text: str, s: int, e: int) -> tuple[int, int] | None:
    """The subject phrase up to its verb: "His office put out a statement" -> "His office"."""
    pos = s
    for w in text[s:e].split(" "):
        low = w.lower()
        if pos > s and (
            low in _COMMON_VERBS or (w.islower() and len(w) > 3 and low.endswith("ed"))
        ):
            return _clean_np(text, s, pos - 1) if pos - 1 > s else None
        pos += len(w) + 1
    return s, e


def subject_head(phrase: str) -> bool:
    """A sentence subject, not a one-word opener ("But", "Today") or a conjunction."""
    words = phrase.split()
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return True
    return not (
        words[0] in NOT_NAMES
        and (
            len(words) == 1
            or words[0]
            not in {
                "The",
                "His",
                "Her",
                "Their",
                "Its",
                "A",
                "An",
                "One",
                "Some",
                "Many",
                "Most",
                "All",
                "Two",
                "Police",
                "Officials",
            }
        )
    )


_VERBISH = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|do|does|did|"
    + CUE
    + r")\b|,"
)


def first_verb(text: str, s: int, e: int) -> int:
    m = _VERBISH.search(text, s, e)
    return m.start() if m else e
