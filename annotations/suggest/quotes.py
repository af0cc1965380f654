"""QUOTE suggester: quoted speech and who said it, by rules.

Two passes over the text:

1. ``quoted_regions`` pairs quotation marks paragraph by paragraph. It knows every common style
   (“ ” " „ « » ‘ ’ '), keeps marks of another style inside a quotation as part of it (‘province’
   inside “...”), tells an apostrophe (group’s, It’s, jihadists’) from a closing single mark by
   what stands on both sides, and follows the newspaper convention for a quotation that runs over
   paragraphs: each paragraph opens with a mark and only the last one closes.
2. ``suggest_quotes`` decides which regions are quotations rather than scare quotes, names or
   titles, and looks for the speaker after the quotation (“...,” said Rita Katz / he said), before
   it (Rita Katz said: “... / According to a senior police official: “...), in a transcript line
   ("PENCE: ...), or carries it over from the quotation it continues. A pronoun is resolved to the
   last named person before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .candidates import Candidate, make
from .sentences import paragraph_spans, sentence_spans


def _words(text: str) -> list[str]:
    """The words of a word list written as one string."""
    return text.split()


NAME = "quote-rules"
VERSION = "1.0"

# opener -> the marks that may close it
_DOUBLE_CLOSERS = {
    "“": '”“"',  # “ may be typed for both ends, or closed by a straight mark
    "„": "“”",
    "‟": "”",
    "«": "»",
    "»": "«",  # German style »...«
    '"': '"”',  # or closed by a curly mark: "Nothing we could do,” Fred Kagan said
    "＂": "＂",
    "「": "」",
    "『": "』",
}
_DOUBLE_OPENERS = frozenset('“„‟«"＂「『')
_DOUBLE_MARKS = frozenset('“”„‟«»"＂「」『』')
_SINGLE_OPENERS = frozenset("‘'‚‹")
_SINGLE_CLOSERS = {"‘": "’'", "'": "'’", "‚": "‘’", "‹": "›"}
_ALL_MARKS = _DOUBLE_MARKS | frozenset("‘’'‚‹›")
_MARK_RE = re.compile("[" + re.escape("".join(sorted(_ALL_MARKS))) + "]")
_LEFT_BOUND = frozenset(" \t\n([{—–-/…") | _ALL_MARKS
_RIGHT_BOUND = frozenset(" \t\n.,;:!?)]}—–-/…") | _ALL_MARKS


@dataclass(slots=True)
class Region:
    """Text between a pair of quotation marks in one paragraph (marks excluded)."""

    open_at: int  # index of the opening mark
    close_at: int  # index of the closing mark, or the paragraph end when it stays open
    closed: bool
    double: bool
    paragraph: int
    continues: bool = False  # the next paragraph opens with a mark and carries it on
    continued: bool = False  # this paragraph carries on the quotation of the one before
    inner: tuple[int, int] = (0, 0)


def _left_bound(text: str, i: int, lo: int) -> bool:
    return i <= lo or text[i - 1] in _LEFT_BOUND


def _right_bound(text: str, i: int, hi: int) -> bool:
    return i + 1 >= hi or text[i + 1] in _RIGHT_BOUND


def _is_apostrophe(text: str, i: int, lo: int, hi: int) -> bool:
    """’ or ' between letters (It’s, group’s, don't) or eliding a year ('90s)."""
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    if before.isalnum() and after.isalnum():
        return True
    return before in " \t(" and after.isdigit()


def _single_close(text: str, start: int, hi: int, closers: str) -> int | None:
    """Where a single-mark quotation opened at ``start`` closes, or None.

    A plural possessive (the jihadists’ claims) looks like a closing mark; it is taken as one only
    when no better closing mark follows in the same sentence.
    """
    weak: int | None = None
    for j in range(start + 1, hi):
        ch = text[j]
        if ch in "\n":
            break
        if ch not in closers or _is_apostrophe(text, j, start, hi):
            continue
        if j == start + 1 or text[j - 1].isspace():
            continue
        nxt = text[j + 1] if j + 1 < hi else " "
        if nxt.isalpha():
            continue
        if text[j - 1] in "sz" and nxt == " " and j + 2 < hi and text[j + 2].islower():
            weak = weak if weak is not None else j  # jihadists’ claims
            continue
        return j
    return weak


_TWO_APOSTROPHES = re.compile(r"''|``")


def normalize_marks(text: str) -> str:
    """The same text, same length, with two apostrophes (or backticks) standing for a double
    mark turned into a space and a straight double mark on the side of the quoted words, so
    every later step sees one mark: ''Like this,'' he said -> ' "Like this," ' he said."""
    if "''" not in text and "``" not in text:
        return text

    def one(m: re.Match) -> str:
        after = text[m.end() : m.end() + 1]
        if m.group() == "``" or (after and not after.isspace() and after not in ".,;:!?)"):
            return ' "'
        return '" '

    return _TWO_APOSTROPHES.sub(one, text)


def quoted_regions(text: str) -> list[Region]:
    """Every pair of quotation marks, outermost level only, in text order.

    ``text`` should have gone through ``normalize_marks``.
    """
    regions: list[Region] = []
    carry: str | None = None  # opener of a quotation that the previous paragraph left open
    for p_index, (lo, hi) in enumerate(paragraph_spans(text)):
        opener: str | None = None
        open_at = -1
        continued = False
        pos = lo
        if carry is not None and text[lo] in _DOUBLE_OPENERS:
            # the multi-paragraph convention: this paragraph opens with a mark and carries on
            opener, open_at, continued, pos = text[lo], lo, True, lo + 1
            if regions:
                regions[-1].continues = True
        carry = None
        while True:
            m = _MARK_RE.search(text, pos, hi)
            if m is None:
                break
            j = m.start()
            ch = text[j]
            pos = j + 1
            if opener is not None:
                # inside a quotation only a closing mark of its own style counts; marks of
                # another style (‘province’ inside “...”) belong to the quotation
                if ch in _DOUBLE_CLOSERS[opener] and (
                    ch == '"' or ch not in _DOUBLE_OPENERS or _right_bound(text, j, hi)
                ):
                    regions.append(Region(open_at, j, True, True, p_index, continued=continued))
                    opener, continued = None, False
                continue
            if ch in _DOUBLE_OPENERS or ch in "»”":
                looks_open = not _right_bound(text, j, hi)
                if ch in "»”" and not (looks_open and _left_bound(text, j, lo)):
                    continue  # a closing mark with nothing open: stray
                if ch == '"' and not looks_open:
                    continue  # a stray closing mark or an inch sign
                opener, open_at = ("“" if ch == "”" else ch), j
                continue
            if ch in _SINGLE_OPENERS:
                if (
                    _is_apostrophe(text, j, lo, hi)
                    or not _left_bound(text, j, lo)
                    or _right_bound(text, j, hi)
                ):
                    continue
                k = _single_close(text, j, hi, _SINGLE_CLOSERS[ch])
                if k is not None:
                    regions.append(Region(j, k, True, False, p_index))
                    pos = k + 1
        if opener is not None:
            regions.append(Region(open_at, hi, False, True, p_index, continued=continued))
            carry = opener
    for r in regions:
        r.inner = _inner(text, r)
    return [r for r in regions if r.inner[1] > r.inner[0]]


def _inner(text: str, r: Region) -> tuple[int, int]:
    s, e = r.open_at + 1, r.close_at
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s and text[e - 1] == ",":  # “A,” he said: the comma belongs to the sentence around it
        e -= 1
    return s, e


# --- attribution ------------------------------------------------------------------------------

_CUE_VERBS = """
say said says saying | tell told tells telling | add added adds adding | warn warned warns
warning write wrote writes writing written | state stated states stating | explain explained
explains explaining claim claimed claims claiming | argue argued argues arguing | insist
insisted insists insisting note noted notes noting | declare declared declares declaring |
announce announced announces announcing ask asked asks asking | reply replied replies replying
| respond responded responds responding answer answered answers answering | continue continued
continues continuing conclude concluded concludes concluding | recall recalled recalls
recalling remark remarked remarks remarking | tweet tweeted tweets tweeting | post posted
posts posting suggest suggested suggests suggesting | acknowledge acknowledged acknowledges
acknowledging admit admitted admits admitting | complain complained complains complaining
predict predicted predicts predicting | promise promised promises promising | vow vowed vows
vowing pledge pledged pledges pledging | urge urged urges urging | quip quipped quips quipping
joke joked jokes joking | boast boasted boasts boasting | charge charged charges charging
contend contended contends contending | assert asserted asserts asserting maintain maintained
maintains maintaining | observe observed observes observing describe described describes
describing | dismiss dismissed dismisses dismissing call called calls calling | shout shouted
shouts shouting | yell yelled yells yelling whisper whispered whispers whispering | comment
commented comments commenting report reported reports reporting | testify testified testifies
testifying concede conceded concedes conceding | counter countered counters countering retort
retorted retorts retorting | lament lamented laments lamenting stress stressed stresses
stressing | emphasize emphasized emphasizes emphasizing emphasised emphasises thunder
thundered | muse mused muses musing | caution cautioned cautions cautioning rail railed rails
railing | blast blasted blasts blasting | slam slammed slams slamming mock mocked mocks
mocking | accuse accused accuses accusing | criticize criticized criticizes criticizing
criticise criticised | praise praised praises praising | deny denied denies denying reiterate
reiterated reiterates | reveal revealed reveals revealing | confirm confirmed confirms
confirming exclaim exclaimed | scoff scoffed | sneer sneered | chant chanted chanting | read
reads begin began | proclaim proclaimed proclaims | challenge challenged | demand demanded
demands bark barked | snap snapped | cry cried | sigh sighed | text texted | email emailed |
offer offered recount recounted recounts | quote quoted quotes | cite cited cites |
interject interjected | interrupt interrupted | wonder wondered wonders | lash
lashed agree agreed agrees | disagree disagreed | concur concurred | retaliate retaliated |
chide chided chiding | scold scolded scolding | plead pleaded pleading | beg begged begging
assure assured assures | thank thanked | elaborate elaborated elaborates | boom boomed
react reacted reacts | tout touted touts | remember remembered remembers | denounce denounced
denounces | voice voiced | riff riffed riffs | decry decried decries | blame blamed blames
mention mentioned mentions | sing sang sings | lecture lectured lectures | exhort exhorted
hail hailed hails | gush gushed gushes | opine opined opines | intone intoned | crow crowed
grumble grumbled | growl growled | murmur murmured | mutter muttered | recite recited recites
implore implored | hint hinted hints | speculate speculated speculates | citing
""".replace("|", " ").split()
_CUE = (
    r"(?:"
    + "|".join(sorted(set(_CUE_VERBS), key=len, reverse=True))
    + r"|went on|pointed out|points out|pointing out|put it|puts it|shot back|fired back"
    + r"|cut in|chimed in|weighed in|piped up|jumped in)"
)
_CUE_RE = re.compile(r"\b" + _CUE + r"\b")
# the base form of each speech verb (the first of its group), which is also a noun after an
# article or an adjective: "a snappy retort", "her stock answer", "a Twitter comment"
_BASE_CUES = frozenset(
    w
    for w in _CUE_VERBS
    if not w.endswith(("s", "ed", "ing"))
    and w not in {"said", "told", "wrote", "written", "began", "shot", "sang", "read"}
)
_NOT_NOUN_BEFORE = frozenset(
    _words("""
i you we they he she it who which that people police to will would can could should may might
must do did does not never also then just only often still now again and or but
""")
)
# verbs of thinking and wanting: they attribute a quotation to a subject ("he thought that “...”")
# but are too weak to make a few words in marks a quotation
_WEAK_CUES = _words(
    "think thinks thought believe believes believed want wants wanted hope hopes hoped fear fears "
    "feared feel feels felt see sees saw know knows knew expect expects expected promise promises "
    "lists listed reads insist calls spoke speaks described describes defended defends "
    "talked talks estimated estimates referenced references credited credits commanded recognized"
)
_SPEAKER_CUE_RE = re.compile(
    r"(?<!-)\b(?:" + _CUE[3:-1] + "|" + "|".join(_WEAK_CUES) + r")\b(?!-)"  # not boast-averse
)
_PRONOUNS = frozenset(_words("he she they it we i you"))
_PERSONAL = frozenset(_words("he she"))
_AUX = (
    r"(?:(?:has|have|had|would|will|also|later|then|once|previously|recently|again|repeatedly"
    r"|simply|just|only|even|further|bluntly|flatly|angrily|quickly|publicly|privately"
    r"|told\s+\w+\s+and)\s+)*"
)
_NP_STOP = frozenset(
    _words("""
in on at during to from who which that when while after before as and but for with about
of by into over under than because since if whether where whose what how although though
last this next earlier later yesterday today tonight on monday
    """)
)
_TOKEN_RE = re.compile(r"[\w’'.\-()]+")
# a character of a speaker phrase: no sentence punctuation, but the dots of abbreviations
# and initials (Sen. Chuck Schumer (D-N.Y.))
# (and of US state abbreviations: Allentown, Pa., / (D-Wash.))
_NPC = (
    r"(?:[^,.!?;:“”\"\n]|(?<=\b[A-Z])\.|(?<=\b(?:Mr|Ms|Dr|Jr|Sr|St|Lt|Pa|Ga|Md|Mo|Va|La|Ky))\."
    r"|(?<=\b(?:Mrs|Rep|Sen|Gov|Gen|Col|Sgt|Fla|Ill|Ore|Tex|Del|Ind|Kan|Neb|Wyo|Wis|Nev|Ala|Ark))\."
    r"|(?<=\b(?:Reps|Sens|Pres|Ariz|Colo|Conn|Mass|Mich|Minn|Okla|Tenn|Wash|Miss|Mont))\."
    r"|(?<=\bCalif)\.|\.(?=\)))"
)
_SPEAKER_AFTER = re.compile(
    # said X first: in "said RNC spokesman Sean Spicer in a Friday tweet" the verb leads
    r"[\s,—–-]*(?:(?P<cue2>"
    + _CUE
    + r")\s+(?P<np2>"
    + _NPC
    + r"{1,80})|(?P<np>[^\s,.!?;:“”\"]"
    + _NPC
    + r"{0,120}?)(?:,(?P<appos>(?:"
    + _NPC
    + r"|,){1,140}?),)?\s+"
    + _AUX
    + r"(?P<cue>"
    + _CUE
    + r")\b(?!-))"
)
_SPEAKER_AFTER_NP = re.compile(
    r"[\s,—–-]*(?:(?P<np>[^\s,.!?;:“”\"]"
    + _NPC
    + r"{0,120}?)(?:,(?P<appos>(?:"
    + _NPC
    + r"|,){1,140}?),)?\s+"
    + _AUX
    + r"(?P<cue>"
    + _CUE
    + r")\b(?!-)|(?P<cue2>(?!x)x)(?P<np2>(?!x)x))"
)
_ACCORDING = re.compile(
    r"\baccording to\s+(?P<np>[^.!?;:“”\"\n]{1,80}?)\s*[,:]?\s*$", re.IGNORECASE
)
_ACCORDING_AFTER = re.compile(r"[\s,—–-]*according to\s+(?P<np>[^.!?;:“”\"\n]{1,80}?)\s*[.,;]")
_OUTER_ACCORDING = re.compile(
    r"[^.!?;:“”\"\n]{0,60}?,\s+according to\s+(?P<np>[^.!?;:“”\"\n]{1,80}?)\s*[.,;]"
)
_SAID_FIRST = re.compile(r"\s*(?:Said|Added|Wrote)\s+(?P<np>[A-Z][^,:;.!?“”\"\n]{0,80})")
_TRANSCRIPT = re.compile(
    r"(?P<np>[A-Z][A-Z.’' -]{1,40}[A-Z.]|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}):\s+"
)
_COLON_INTRO = re.compile(r"(?P<np>[^.!?;:“”\"\n]{1,80}?)\s*:\s*$")
_NAME_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Pres)\.?\s+)?"
    r"\b[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?(?:\s+(?:[A-Z]\.\s+)?(?:[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?|de|van|von|bin|al|la|del))*"
)
_NOT_NAMES = frozenset(
    _words("""
The A An But And Or So If In On At As It Its This That These Those There Their They He She
We I You His Her Our My Your When While After Before Since Because Although Though However
Meanwhile Still Yet Now Then Also For From With Without Why What How Who Where Which Mr
Mrs Ms Dr Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
April May June July August September October November December Read According Some Many
Most All One Two Not No Yes Asked Speaking Earlier Later Last Next Today Yesterday Tonight
Police Officials
    """)
)
_TITLES = frozenset(_words("Mr Mrs Ms Dr"))
_NAMEISH_BEFORE = re.compile(
    r"\b(?:called|dubbed|so-called|known as|named|nicknamed|titled|entitled|labell?ed|branded|"
    r"the term|the word|the words|the phrase|the slogan|the hashtag|the headline|the show|the book|"
    r"the film|the movie|the song|the program|the programme|the series|the campaign|the group|"
    r"the website|the column|the article|the report|the op-ed)\s*$",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")
_SMALL_WORDS = frozenset(_words("a an the of in on at to for and or but with by from as is vs"))


@dataclass(slots=True)
class Speaker:
    mention_start: int
    mention_end: int
    name: str
    how: str  # the words that attribute it, for the reason


_CONTRACTIONS = frozenset(_words("he's she's it's who's that's there's"))
_VERB_WORDS = frozenset(
    _words(
        "is are was were be been being has have had will would can could should may might must "
        "do does did"
    )
)


def _trim_np(text: str, s: int, e: int, *, from_left: bool) -> tuple[int, int] | None:
    """Cut a speaker phrase to the words that name someone.

    ``from_left``: the phrase follows the cue ("said Rita Katz, director of ..."), so it is read
    from its start and cut at the first stop word or punctuation; otherwise it precedes the cue
    and, when it is short and verb-free ("Police in India-administered Kashmir"), is taken whole,
    else read backwards from its end ("... provoked outrage when he").
    """
    tokens = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text, s, e)]
    if not tokens:
        return None
    if not from_left and len(tokens) <= 7 and not any(_verbish(text[a:b]) for a, b in tokens):
        first = text[tokens[0][0] : tokens[0][1]]
        if (first[:1].isupper() or first.lower() in _DETERMINERS) and not any(
            text[tokens[k][1] : tokens[k + 1][0]].strip() for k in range(len(tokens) - 1)
        ):
            picked = tokens
            return _clean_np(text, picked[0][0], picked[-1][1])
    picked: list[tuple[int, int]] = []
    seq = tokens if from_left else list(reversed(tokens))
    for ts, te in seq:
        if picked:
            gap = text[picked[-1][1] : ts] if from_left else text[te : picked[-1][0]]
            if gap.strip():
                break  # a comma or other punctuation ends the phrase
        word = text[ts:te].strip("().").lower()
        if word in _NP_STOP or _verbish(text[ts:te]) or _CUE_RE.fullmatch(word):
            if from_left and not picked:
                return None
            break
        picked.append((ts, te))
        if len(picked) >= 9:
            break
    if not picked:
        return None
    if not from_left:
        picked.reverse()
    return _clean_np(text, picked[0][0], picked[-1][1])


_DETERMINERS = frozenset(
    _words("a an the another one two three some several many its his her their")
)


def _verbish(token: str) -> bool:
    low = token.lower()
    if low in _VERB_WORDS:
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


_NOT_SPEAKER_START = frozenset(
    _words("""
in on at of by for with without into during back ever instead despite like unlike about
over under than meanwhile however likewise similarly indeed moreover alongside amid
furthermore additionally finally shortly later earlier recently yesterday today tonight
    """)
)
# words that may lead a subject without being part of it: "As Politico reported", "While Sullivan
# proclaims", "From the report:"
_LEAD_WORDS = frozenset(
    _words(
        "as here’s here's while when though although because if once since after before until "
        "whereas from and but so then also still yet now"
    )
)
_MONTHS = frozenset(
    _words("January February March April May June July August September October November December")
)


def _looks_like_speaker(phrase: str) -> bool:
    words = phrase.split()
    if not words or len(words) > 9:
        return False
    first = words[0].lower()
    if first in _PRONOUNS or first == "i":
        return len(words) == 1
    if first in _LEAD_WORDS and len(words) > 1:
        return _looks_like_speaker(" ".join(words[1:]))  # "As Politico reported"
    if first in _NOT_SPEAKER_START:
        return words[-1].lower() in _PRONOUNS  # "At the bottom it reads"; not "In December"
    if words[0] in _MONTHS or all(w.rstrip(".,").isdigit() for w in words):
        return False  # "April 18, 1977": not someone
    if len(words) == 1 and words[0] in _NOT_NAMES:
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


class _Names:
    """Finds the last named person before a position, for pronouns."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._found: list[tuple[int, int]] | None = None

    def _all(self) -> list[tuple[int, int]]:
        if self._found is None:
            found = []
            for m in _NAME_RE.finditer(self.text):
                s, e = m.span()
                words = self.text[s:e].split()
                while words and words[0].rstrip(".") in _NOT_NAMES:
                    s += len(words[0]) + (
                        len(self.text[s + len(words[0]) :])
                        - len(self.text[s + len(words[0]) :].lstrip())
                    )
                    words = words[1:]
                if not words:
                    continue
                if len(words) == 1 and (words[0] in _NOT_NAMES or self._sentence_initial(s)):
                    continue
                found.append((s, e))
            self._found = found
        return self._found

    def _sentence_initial(self, s: int) -> bool:
        i = s - 1
        while i >= 0 and self.text[i] in ' \t“"‘(':
            i -= 1
        return i < 0 or self.text[i] in ".!?\n:"

    def before(self, pos: int, window: int = 1500) -> tuple[int, int] | None:
        best = None
        for s, e in self._all():
            if e > pos:
                break
            if pos - e <= window:
                best = (s, e)
        return best


def _resolve(text: str, names: _Names, s: int, e: int, last: Speaker | None, how: str) -> Speaker:
    words = text[s:e].split()
    if len(words) > 1 and words[0].lower() in _LEAD_WORDS:
        s = text.index(words[1], s + len(words[0]))  # "As Politico reported": Politico
    elif (
        len(words) > 1 and words[0].lower() in _NOT_SPEAKER_START and words[-1].lower() in _PRONOUNS
    ):
        s = e - len(words[-1])  # "At the bottom it reads": it
    word = text[s:e]
    low = word.lower()
    if low in _PERSONAL:
        hit = names.before(s)
        if hit is not None:
            return Speaker(
                s, e, text[hit[0] : hit[1]], f"{how}; '{word}' taken to be {text[hit[0] : hit[1]]}"
            )
    if low in {"they", "we", "it"} and last is not None and last.name.lower() not in _PRONOUNS:
        return Speaker(s, e, last.name, f"{how}; '{word}' taken to be {last.name}")
    return Speaker(s, e, word, how)


_LATE_ATTRIBUTION = re.compile(
    r"[^.!?;:“”\"\n]{1,100}?,\s+(?:(?P<np>"
    + _NPC
    + r"{1,90}?)\s+"
    + _AUX
    + r"(?P<cue>"
    + _CUE
    + r")"
    r"|(?P<cue2>"
    + _CUE
    + r")\s+(?P<np2>"
    + _NPC
    + r"{1,60}?))(?=\s*[.,]|\s+(?:on|in|at|during|after|before|to|last|this|earlier|later"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
)


# what follows a cue that introduces a quotation: “... .” He added, “...
# or: She said he is “liked ...
_NEXT_QUOTE = re.compile(
    r"\s*[,:]?\s*[“\"‘«]|\s+(?:that\s+)?(?:he|she|they|it|we|i|the|his|her|their)\b[^.!?;“”\"\n]{0,60}?\s[“\"‘«]",
    re.IGNORECASE,
)


# verbs that attribute a finished quotation even with an object after them ("... ?" she asked him)
# verbs that stand before their subject after a quotation ("..., said Steve Bell"); "told Bill
# O’Reilly" and "called National Nurses United" name the listener or the object
_INVERTING_CUES = frozenset(
    _words("""
said says added adds wrote writes asked asks recalled explained continued noted argued replied
responded insisted warned declared stated quipped concluded countered
""")
)
_REPORTING_CUES = frozenset(
    _words("""
say said says tell told tells ask asked asks write wrote writes add added adds reply replied
replies respond responded continue continued explain explained recall recalled answer answered
shout shouted yell yelled exclaim exclaimed tweet tweeted post posted insist insisted
""")
)


def _inverted_ok(text: str, m: re.Match) -> bool:
    """'said X' names X, unless X is the subject of a clause ('said the candidate could ...')."""
    span = _trim_np(text, m.start("np2"), m.end("np2"), from_left=True)
    if span is None:
        return False
    nxt = re.match(r"\s+([\w’']+)", text[span[1] : m.end("np2")])
    return nxt is None or nxt.group(1).lower() not in _VERB_WORDS


def _noun_cue(prev: list[str], word: str) -> bool:
    """The base form of a speech verb after an article or an adjective is a noun: "a snappy
    retort", "her stock answer", "a Twitter comment", "in a Facebook post"."""
    return (
        word in _BASE_CUES
        and bool(prev)
        and (
            prev[-1].lower() in {"a", "an"}
            or (len(prev) > 1 and prev[-2].lower() in {"a", "an"} and prev[-1].isalpha())
            or (
                prev[-1].isalpha()
                and prev[-1].islower()
                and prev[-1] not in _NOT_NOUN_BEFORE
                and not prev[-1].endswith(("s", "ly"))
            )
        )
    )


def _after_np_ok(text: str, m: re.Match) -> bool:
    """The words before the verb of a match of _SPEAKER_AFTER can name someone ("that would
    respond" cannot)."""
    if m.group("np") is None:
        return True
    span = _trim_np(text, m.start("np"), m.end("np"), from_left=False)
    return span is not None and _looks_like_speaker(text[span[0] : span[1]])


def _speaker_after(
    text: str, names: _Names, close_at: int, sent_end: int, last: Speaker | None
) -> Speaker | None:
    line_end = text.find("\n", close_at)
    line_end = len(text) if line_end < 0 else line_end
    m = _SPEAKER_AFTER.match(text, close_at + 1, min(line_end, close_at + 200))
    if m is not None and m.group("np2") is not None and not _inverted_ok(text, m):
        # “...,” said the candidate could be ...: 'said' takes a clause, so read the subject
        # before it instead
        m = _SPEAKER_AFTER_NP.match(text, close_at + 1, min(line_end, close_at + 200))
    if (m is None or not _after_np_ok(text, m)) and text[close_at + 1 : close_at + 2] == " ":
        # the quotation runs on into the writer's words, then the attribution ends the sentence
        m = _LATE_ATTRIBUTION.match(text, close_at + 1, min(line_end, close_at + 200)) or m
    if m is None:
        acc = _ACCORDING_AFTER.match(text, close_at + 1, min(line_end, close_at + 200))
        if acc is None:
            return None
        span = _trim_np(text, acc.start("np"), acc.end("np"), from_left=True)
        if span is None or not _looks_like_speaker(text[span[0] : span[1]]):
            return None
        how = f"attributed by 'according to {text[span[0] : span[1]]}'"
        return _resolve(text, names, span[0], span[1], last, how)
    if m.group("np") is not None:
        span = _trim_np(text, m.start("np"), m.end("np"), from_left=False)
        cue_end = m.end("cue")
        ok = span is not None and _looks_like_speaker(text[span[0] : span[1]])
    else:
        span = _trim_np(text, m.start("np2"), m.end("np2"), from_left=True)
        cue_end = m.end("cue2")
        # "...,” said master of ceremonies Asab Al-Tabchi: whatever follows the verb is the speaker
        ok = span is not None and text[span[0] : span[1]].split()[0] not in _NOT_NAMES - _TITLES
    if not ok:
        return None
    cue_word = m.group("cue") or m.group("cue2")
    if m.group("np") is not None:
        np_words = m.group("np").split()
        if np_words[0] in {"and", "but", "while", "or"}:
            return None  # “leading from behind” and Donald Trump says ...: another clause
    if cue_word.endswith("ing") and not (
        m.group("np") is not None
        and re.search(
            r"\b(?:is|are|was|were|been|be|heard|seen)\s+$", text[m.start("np") : m.start("cue")]
        )
    ):
        return None  # “...,” promising the Friends ... / and Trump calling it: not an attribution
    content_end = close_at - 1
    while content_end > 0 and text[content_end] in " \"”’'»":
        content_end -= 1
    if (
        m.group("np") is not None
        and text[content_end] in ".!?"
        and cue_word not in _REPORTING_CUES
        and re.match(
            r"\s+(?!(?:on|in|at|during|after|before|to|last|this|earlier|later)\b)[\w’']",
            text[cue_end:line_end],
        )
    ):
        return None  # “...?” Her critics cited it as evidence: a new sentence about the quotation
    if (
        m.group("np") is not None
        and text[content_end] in ".!?"
        and (
            re.match(r"\s+that\b", text[cue_end:line_end])
            or m.group("np").split()[0]
            in {"Yet", "But", "And", "So", "Still", "Also", "Then", "Now", "However"}
        )
    ):
        return (
            None  # “... said.” He added that ...: a new sentence, not this quotation's attribution
        )
    # "... Eva-Maria Schultheis posted: ''..." introduces the next quotation, not this one
    rest = re.match(r"[^.!?;:,“”\"\n]{0,40}:", text[cue_end:line_end])
    if rest is not None and m.group("np") is not None:
        return None
    if (
        m.group("np") is not None
        and text[content_end] in ".!?"
        and _NEXT_QUOTE.match(text, cue_end, line_end)
    ):
        return (
            None  # “... experience.” He adds, “In a campaign ...”: a new sentence for the next one
        )
    how = f"attributed by '{text[close_at + 1 : m.end()].strip(' ,—–-')}'"
    outer = _OUTER_ACCORDING.match(text, m.end(), line_end)
    if outer is not None:
        # “...,” Welch said, according to Vermont Edition: the article attributes the words to
        # the outlet that reported them (the source PolNeAR marks); the speaker stays in the reason
        o = _trim_np(text, outer.start("np"), outer.end("np"), from_left=True)
        if o is not None and _looks_like_speaker(text[o[0] : o[1]]):
            how = f"{how}, according to '{text[o[0] : o[1]]}'"
            return _resolve(text, names, o[0], o[1], last, how)
    return _resolve(text, names, span[0], span[1], last, how)


def _speaker_before(
    text: str,
    names: _Names,
    sent_start: int,
    open_at: int,
    last: Speaker | None,
    quoted: list[tuple[int, int]] = (),
) -> Speaker | None:
    """The speaker named in the sentence before the quotation; ``quoted`` are earlier quotations
    in the sentence, whose words are never the speaker."""
    before_end = open_at
    while before_end > sent_start and text[before_end - 1].isspace():
        before_end -= 1
    if before_end <= sent_start:
        return None
    chunk = text[sent_start:before_end]
    said = _SAID_FIRST.match(text, sent_start, before_end)
    if said is not None:
        # "Said Dorothy Poynter, who grew up with Ali, “...”": the verb leads the sentence
        span = _trim_np(text, said.start("np"), said.end("np"), from_left=True)
        if span is not None and _looks_like_speaker(text[span[0] : span[1]]):
            return _resolve(
                text,
                names,
                span[0],
                span[1],
                last,
                f"attributed by 'Said {text[span[0] : span[1]]}'",
            )
    m = _ACCORDING.search(chunk)
    if m is not None:
        span = _trim_np(text, sent_start + m.start("np"), sent_start + m.end("np"), from_left=True)
        if span is not None and _looks_like_speaker(text[span[0] : span[1]]):
            return _resolve(
                text,
                names,
                span[0],
                span[1],
                last,
                f"attributed by 'according to {text[span[0] : span[1]]}'",
            )
    cues = list(_SPEAKER_CUE_RE.finditer(text, sent_start, before_end))
    participle = None
    infinitive = False
    for cue in reversed(cues):
        word = cue.group()
        if any(qs <= cue.start() <= qe for qs, qe in quoted):
            continue
        prev = text[max(sent_start, cue.start() - 12) : cue.start()].split()
        if prev and (
            prev[-1].lower()
            in _DETERMINERS | {"these", "those", "this", "that", "your", "our", "my"}
            or (
                prev[-1].endswith(("’", "'", "’s", "'s"))
                and prev[-1].lower().replace("’", "'") not in _CONTRACTIONS
            )
            or prev[-1].endswith("so-")
        ):
            continue  # "the claims", "Sanders’ comments", "so-called": a noun, not a cue
        if _noun_cue(prev, word):
            continue  # "a snappy retort", "her stock answer": a noun, not a cue
        if (
            word.endswith("ing")
            and prev
            and prev[-1].lower()
            in {"about", "of", "for", "without", "from", "after", "before", "to", "into"}
        ):
            continue  # "talked about continuing the “progress ...”": a gerund, not the speech verb
        with_np = (
            re.search(r"\bwith\s+([^,;:]{1,60}?)\s+(?:\w+ly\s+)?$", text[sent_start : cue.start()])
            if word.endswith("ing")
            else None
        )
        if with_np is not None:
            # "..., with Trump reportedly yelling: “...": the subject of the participle
            span = _trim_np(
                text, sent_start + with_np.start(1), sent_start + with_np.end(1), from_left=False
            )
            if span is not None and _looks_like_speaker(text[span[0] : span[1]]):
                return _resolve(
                    text,
                    names,
                    span[0],
                    span[1],
                    last,
                    f"attributed by 'with {text[span[0] : cue.end()]}'",
                )
        if word.endswith("ing") and not re.search(
            r"\b(?:is|are|was|were|been|be|am)\s*$", text[sent_start : cue.start()]
        ):
            # "..., saying" / "issued a statement saying": the subject is the sentence's, not the
            # object just before the participle
            participle = cue if participle is None or infinitive else participle
            infinitive = False
            continue
        if prev and prev[-1].lower() == "to":
            # "went on to say" / "the way to answer it": the sentence's subject, unless a
            # participle or a finite verb before it names one
            if participle is None:
                participle, infinitive = cue, True
            continue
        if (
            participle is not None
            and not infinitive
            and not re.fullmatch(r"[^,;:“”\"]{0,40},\s*", text[cue.end() : participle.start()])
        ):
            # only "Fiorina said, adding" / "Hollande said Tuesday in Paris, noting" before it
            break
        # subject of the cue: the words just before it, back to a clause boundary
        subj_end = cue.start()
        aux = re.search(
            r"(?:\s+(?:has|have|had|would|will|also|later|then|once|previously|again|was|were|is|are|[a-z]+ed\s+and|[a-z]+ly))*(?:[’'](?:s|ve|d))?\s*$",
            text[sent_start:subj_end],
        )
        if aux is not None:
            subj_end = sent_start + aux.start()
        if text[sent_start:subj_end].endswith(","):
            # "Brian Fallon, a spokesman for the Clinton campaign, said": the name before the
            # appositive, or the appositive when no name stands before it
            inner_end = subj_end - 1
            comma = text.rfind(",", sent_start, inner_end)
            floor = max([sent_start] + [qe + 1 for qs, qe in quoted if qe < inner_end])
            pos = floor
            last_part = text[comma + 1 : inner_end] if comma >= floor else ""
            if re.fullmatch(r"\s*[A-Z][^,]*\([^()]{1,12}\)\s*", last_part):
                # "Tuesday in Berea, OH, after winning Ohio, Gov. John Kasich (R-OH), said"
                head = _trim_np(text, comma + 1, inner_end, from_left=False)
                if head is not None and _looks_like_speaker(text[head[0] : head[1]]):
                    return _resolve(
                        text,
                        names,
                        head[0],
                        head[1],
                        last,
                        f"attributed by '{text[head[0] : cue.end()]}'",
                    )
            for part in text[floor:inner_end].split(","):
                words = part.split()
                if (
                    0 < len(words) <= 6
                    and words[0][:1].isupper()
                    and words[0] not in _NOT_NAMES
                    and not any(_verbish(w) for w in words)
                ):
                    head = _trim_np(text, pos, pos + len(part), from_left=False)
                    if head is not None and _looks_like_speaker(text[head[0] : head[1]]):
                        return _resolve(
                            text,
                            names,
                            head[0],
                            head[1],
                            last,
                            f"attributed by '{text[head[0] : head[1]]}, ... {word}'",
                        )
                    if head is not None:
                        break
                pos += len(part) + 1
            if comma > sent_start:
                prev_comma = text.rfind(",", sent_start, comma)
                head = _trim_np(
                    text, prev_comma + 1 if prev_comma >= 0 else sent_start, comma, from_left=False
                )
                if head is not None and _looks_like_speaker(text[head[0] : head[1]]):
                    return _resolve(
                        text,
                        names,
                        head[0],
                        head[1],
                        last,
                        f"attributed by '{text[head[0] : cue.end()]}'",
                    )
                subj_end = inner_end
        rel = re.search(r"(?:^|[\s,])(who|which)\s*$", text[sent_start:subj_end])
        if rel is not None and len(text[cue.end() : open_at].split()) <= 2:
            # "the Associated Press report, which notes, “...": the relative pronoun attributes it
            ws, we = sent_start + rel.start(1), sent_start + rel.end(1)
            head = text[sent_start:ws].rstrip(" ,")
            hs = (
                _trim_np(text, sent_start, sent_start + len(head), from_left=False)
                if head
                else None
            )
            name = text[hs[0] : hs[1]] if hs else text[ws:we]
            return Speaker(
                ws,
                we,
                name,
                f"attributed by '{text[ws : cue.end()]}' ('{text[ws:we]}' taken to be {name})",
            )
        clause_start = max(
            text.rfind(",", sent_start, subj_end),
            text.rfind("—", sent_start, subj_end),
            text.rfind(";", sent_start, subj_end),
            max((qe for qs, qe in quoted if qe < subj_end), default=-1),
        )
        clause_start = sent_start if clause_start < 0 else clause_start + 1
        span = (
            _trim_np(text, clause_start, subj_end, from_left=False)
            if subj_end > clause_start
            else None
        )
        if span is not None and _looks_like_speaker(text[span[0] : span[1]]):
            return _resolve(
                text, names, span[0], span[1], last, f"attributed by '{text[span[0] : cue.end()]}'"
            )
        if span is None and word in _INVERTING_CUES:
            # “... irresponsible,” said Steve Bell: the speaker follows the verb
            after = re.match(r"\s+([^,.;:!?“”\"\n]{1,80})", text[cue.end() : before_end])
            if after is not None:
                inv = _trim_np(
                    text, cue.end() + after.start(1), cue.end() + after.end(1), from_left=True
                )
                if (
                    inv is not None
                    and text[inv[0] : inv[0] + 1].isupper()
                    and _looks_like_speaker(text[inv[0] : inv[1]])
                ):
                    return _resolve(
                        text,
                        names,
                        inv[0],
                        inv[1],
                        last,
                        f"attributed by '{text[cue.start() : inv[1]]}'",
                    )
        if participle is None and (word.endswith("ing") or span is None):
            participle = cue
    if participle is not None:
        # "..., claiming that": the subject is the one at the start of the sentence, after any
        # opening phrase ("Back in 1999, Mr. Trump expressed ..., telling CNBC:")
        seg = sent_start
        for _ in range(3):
            seg = next(
                (qe + 1 for qs, qe in quoted if qs <= seg <= qe), seg
            )  # not inside a quotation
            lead = _LEADING_CONJ.match(text, seg, participle.start())
            if lead is not None:
                seg = lead.end()  # "And then Trump went fully on the attack, saying"
            span = _trim_np(text, seg, _first_verb(text, seg, participle.start()), from_left=True)
            if span is not None:
                span = _cut_at_verb(text, *span)
            if span is not None and text[span[0] : span[1]].split()[0].endswith("ing"):
                span = None  # "Appearing before supporters, Suu Kyi said": an opening clause
            if (
                span is not None
                and _looks_like_speaker(text[span[0] : span[1]])
                and _subject_head(text[span[0] : span[1]])
            ):
                return _resolve(
                    text,
                    names,
                    span[0],
                    span[1],
                    last,
                    f"attributed by '{text[span[0] : span[1]]} ... {participle.group()}'",
                )
            comma = text.find(",", seg, participle.start())
            if comma < 0:
                break
            seg = comma + 1
        if last is not None and sent_start <= last.mention_start < participle.start():
            # “...,” said Skelly, explaining ...: “...”: the speaker of the quotation before, in
            # this sentence
            return Speaker(
                last.mention_start,
                last.mention_end,
                last.name,
                f"{last.how} ... {participle.group()}",
            )
    m = _COLON_INTRO.search(chunk)
    if m is None and chunk.rstrip().endswith(":"):
        # "Rep. Trey Gowdy (R-S.C.):" at the start of a paragraph: abbreviations break sentences
        line_start = text.rfind("\n", 0, before_end) + 1
        intro = text[line_start:before_end].rstrip()[:-1]
        if 0 < len(intro.split()) <= 10 and not re.search(r"[!?;“”\"]", intro):
            m = re.match(r"\s*(?P<np>.+?)\s*$", intro)
            chunk, sent_start = intro, line_start
    if m is not None:
        a, b = sent_start + m.start("np"), sent_start + m.end("np")
        while a < b and text[a].isspace():
            a += 1
        cut = _cut_at_verb(text, a, b)
        if cut is not None and cut[1] < b:
            # "Sanders delivered a snappy retort:": the subject, not the object before the colon
            a, b = cut
        else:
            cut = None
        subject = cut is not None and cut[1] == b
        span = _trim_np(text, a, b, from_left=False)
        if (
            span is not None
            and (subject or any(w[:1].isupper() for w in text[span[0] : span[1]].split()))
            and _looks_like_speaker(text[span[0] : span[1]])
        ):
            return _resolve(
                text, names, span[0], span[1], last, f"introduced by '{text[span[0] : span[1]]}:'"
            )
    return None


_LEADING_CONJ = re.compile(r"\s*(?:(?:and|but|so|then|yet|or|still|also|now)\s+)+", re.IGNORECASE)
_COMMON_VERBS = frozenset(
    _words("""
put puts made makes took takes gave gives went goes came comes got gets held holds sent
sends issued issues released releases seemed seems tried tries appeared appears took
became becomes left leaves kept keeps ran runs stood stands sat sits set sets began begins
    """)
)


def _cut_at_verb(text: str, s: int, e: int) -> tuple[int, int] | None:
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


def _subject_head(phrase: str) -> bool:
    """A sentence subject, not a one-word opener ("But", "Today") or a conjunction."""
    words = phrase.split()
    if len(words) == 1 and words[0].lower() in _PRONOUNS:
        return True
    return not (
        words[0] in _NOT_NAMES
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
    + _CUE
    + r")\b|,"
)


def _first_verb(text: str, s: int, e: int) -> int:
    m = _VERBISH.search(text, s, e)
    return m.start() if m else e


def _is_title_case(words: list[str]) -> bool:
    big = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(big) and all(w[:1].isupper() or w[:1].isdigit() for w in big)


def _sentence_bounds(sents: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    import bisect

    i = bisect.bisect_right(sents, (pos, float("inf"))) - 1
    if i >= 0 and sents[i][0] <= pos < sents[i][1] + 1:
        return sents[i]
    return (pos, pos)


def _starts_sentence(text: str, open_at: int) -> bool:
    i = open_at - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in "\n.!?”\"’'"


def _inside_sentence(text: str, open_at: int) -> bool:
    """The mark follows a word, not the start of a paragraph, a colon, a comma or a dash."""
    i = open_at - 1
    while i >= 0 and text[i] in " \t\"“‘'„«":
        i -= 1
    return i >= 0 and text[i] not in "\n:,.;!?—–-([…"


_GOVERN_TOKENS = re.compile(r"[\w’'-]+|[^\w\s]")


def _governed(text: str, open_at: int, reach: int = 4) -> bool:
    """A speech verb (or the 'as' of "described as") within ``reach`` words before the mark."""
    tokens = _GOVERN_TOKENS.findall(text, max(0, open_at - 80), open_at)
    for tok in reversed(tokens[-reach:]):
        if not (tok[0].isalnum() or tok[0] == "_"):
            return False
        low = tok.lower()
        if low == "as" or _CUE_RE.fullmatch(low):
            return True
    return False


def _speaker_from_previous_paragraph(
    text: str, names: _Names, para_start: int, last: Speaker | None
) -> Speaker | None:
    """A quotation opening a paragraph after one that ends with a colon ("Cruz continued:")."""
    prev_end = para_start - 1
    while prev_end > 0 and text[prev_end - 1].isspace():
        prev_end -= 1
    if prev_end <= 0 or text[prev_end - 1] != ":":
        return None
    prev_start = text.rfind("\n", 0, prev_end) + 1
    sents = sentence_spans(text, prev_start, prev_end)
    if not sents:
        return None
    return _speaker_before(text, names, sents[-1][0], prev_end, last)


# a few words in marks inside reported speech ("Sotomayor has said that “a wise Latina” can bring
# different perspectives"): the quoted words are a fragment of what is attributed, not a quotation
FRAGMENT_SHARE = 0.25  # below this share of the reported words in marks, drop it
SHORT_FRAGMENT_SHARE = 0.35  # the same for fragments under SHORT_FRAGMENT_WORDS words
SHORT_FRAGMENT_WORDS = 8


_CLAUSE_AFTER = re.compile(
    r"[;—–(]|\s(?:as|because|while|but|when|after|before|since|although|though|which|who)\s"
)


def _drop_fragments(text: str, sents: list[tuple[int, int]], found: list) -> list:
    """Drop quotations that are a small part of the reported speech their speaker introduces.

    The reported speech runs from the speaker named before the quotation to the end of the
    sentence; when the words in marks are a small share of it, they are a partial quotation.
    """
    spans = [(s, e) for _, s, e, *_ in found]
    keep = []
    for item in found:
        r, s, e, speaker, reason, _score = item
        if (
            speaker is None
            or "carried over" in reason
            or "the sentence before" in reason
            or not (speaker.mention_end <= r.open_at)
        ):
            keep.append(item)
            continue
        ss, se = _sentence_bounds(sents, s)
        if speaker.mention_start < ss:
            keep.append(item)
            continue
        before = r.open_at
        while before > ss and text[before - 1] in " \t\"“‘'„«":
            before -= 1
        if text[before - 1 : before] in (":", ","):
            keep.append(item)  # said, “We’ll see” / saying: “...”: the whole of what is reported
            continue
        lo, hi = speaker.mention_end, max(se, e)
        nxt = _CLAUSE_AFTER.search(text, r.close_at, hi)
        if nxt is not None:
            hi = nxt.start()  # "... as “pure propaganda” as the death cult seeks ...": this clause
        cues = list(_SPEAKER_CUE_RE.finditer(text, lo, r.open_at))
        if cues:
            lo = cues[-1].end()  # what is reported starts after the verb
        inside = sum(max(0, min(qe, hi) - max(qs, lo)) for qs, qe in spans)
        share = inside / max(1, hi - lo)
        n = len(text[s:e].split())
        if share < FRAGMENT_SHARE or (share < SHORT_FRAGMENT_SHARE and n < SHORT_FRAGMENT_WORDS):
            continue
        keep.append(item)
    return keep


_SIGNED = re.compile(r"\n\s*[-—–]\s*(?P<np>[A-Z][^,.;:!?\n“”\"]{0,60})")


def _speaker_signed_below(text: str, close_at: int) -> Speaker | None:
    """A quotation alone in its paragraph, signed in the next one: “...” / - Bernie Sanders."""
    line_end = text.find("\n", close_at)
    if line_end < 0 or text[close_at + 1 : line_end].strip(" .”\"'’"):
        return None
    m = _SIGNED.match(text, line_end)
    if m is None or text[line_end : m.start("np")].count("\n") > 2:
        return None
    span = _trim_np(text, m.start("np"), m.end("np"), from_left=True)
    if span is None or not _looks_like_speaker(text[span[0] : span[1]]):
        return None
    return Speaker(
        span[0], span[1], text[span[0] : span[1]], f"signed '- {text[span[0] : span[1]]}'"
    )


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

    def drop(r: Region, s: int, e: int, speaker: Speaker | None, tag: str) -> None:
        if dropped is not None:
            dropped.append(RuleQuote(r, s, e, speaker, f"dropped by the rules: {tag}", 0.0, tag))

    sents = sentence_spans(text)
    names = _Names(text)
    found: list[tuple[Region, int, int, Speaker | None, str, float]] = []
    last: Speaker | None = None
    last_para = -10
    prev_region: Region | None = None
    index = {id(q): i for i, q in enumerate(regions)}

    def regions_before(r: Region) -> list[Region]:
        i = index[id(r)]
        return regions[max(0, i - 4) : i]

    for r in regions:
        _before_region, prev_region = prev_region, r
        s, e = r.inner
        speaker: Speaker | None = None
        kind = "quotation marks"
        transcript = None
        if r.double and (r.open_at == 0 or text[r.open_at - 1] == "\n"):
            transcript = _TRANSCRIPT.match(text, s, e)
            if transcript is not None and (
                not transcript.group("np").isupper() and len(transcript.group("np").split()) > 2
            ):
                transcript = None
        if transcript is not None:
            ns, ne = transcript.span("np")
            speaker = Speaker(
                ns,
                ne,
                text[ns:ne].title() if text[ns:ne].isupper() else text[ns:ne],
                f"transcript line of '{text[ns:ne]}'",
            )
            s = transcript.end()
            if s >= e:
                continue
        content = text[s:e]
        words = _WORD_RE.findall(content)
        n = len(words)
        if n == 0:
            continue
        open_sent = _sentence_bounds(sents, r.open_at if r.open_at < len(text) else r.open_at - 1)
        close_sent = _sentence_bounds(sents, r.close_at - 1 if not r.closed else r.close_at)
        if speaker is None and r.closed:
            speaker = _speaker_after(
                text, names, r.close_at, max(close_sent[1], r.close_at + 1), last
            )
        if n == 1 and not (
            speaker is not None
            and speaker.mention_start > r.close_at
            and _starts_sentence(text, r.open_at)
            and text[s : r.close_at].rstrip()[-1:] in ",.!?"
        ):
            drop(r, s, e, speaker, "one-word")
            continue  # one word in marks is a quotation only as “No,” replied Jeff Zucker.
        if speaker is None:
            sent_start = min(open_sent[0], r.open_at)
            earlier = [
                (q.open_at, q.close_at) for q in regions_before(r) if q.close_at >= sent_start
            ]
            speaker = _speaker_before(text, names, sent_start, r.open_at, last, earlier)
        para_start = text.rfind("\n", 0, r.open_at) + 1
        if speaker is None and not text[para_start : r.open_at].strip():
            speaker = _speaker_from_previous_paragraph(text, names, para_start, last)
        elif speaker is None and _starts_sentence(text, r.open_at):
            # "Iowa State University's Dianne Bystrom agreed. “Mainstream Republicans ...”": the
            # speaker named in the sentence before, in the same paragraph
            prev_end = r.open_at
            while prev_end > para_start and text[prev_end - 1].isspace():
                prev_end -= 1
            ps = _sentence_bounds(sents, prev_end - 1)
            if para_start <= ps[0] < prev_end:
                earlier = [
                    (q.open_at, q.close_at) for q in regions_before(r) if q.close_at >= ps[0]
                ]
                speaker = _speaker_before(text, names, ps[0], prev_end, last, earlier)
                if speaker is not None:
                    speaker = Speaker(
                        speaker.mention_start,
                        speaker.mention_end,
                        speaker.name,
                        speaker.how + " (the sentence before)",
                    )
        if speaker is None and r.closed and not text[para_start : r.open_at].strip():
            speaker = _speaker_signed_below(text, r.close_at)
        said_after = (
            speaker is not None
            and speaker.mention_start > r.close_at
            and _starts_sentence(text, r.open_at)
        )
        # “No,” replied Jeff Zucker: a reply, not a title
        titled = transcript is None and n <= 12 and _is_title_case(words) and not said_after
        nameish = _NAMEISH_BEFORE.search(text, max(0, r.open_at - 40), r.open_at) is not None
        if speaker is not None and not titled:
            last, last_para = speaker, r.paragraph  # kept even if these words are not a quotation
        if titled:
            drop(r, s, e, speaker, "title")
            continue  # a name or a title: “Wilayah of Hind”, “Fox News Sunday”
        if not r.double and n <= 6:
            para_end = text.find("\n", r.close_at)
            if (len(text) if para_end < 0 else para_end) - para_start < 160:
                drop(r, s, e, speaker, "headline")
                continue  # Clinton blasts Trump over 'deportation force' idea: a headline's words
        if nameish and n <= 4:
            drop(r, s, e, speaker, "nameish")
            continue  # so-called “province”, a group called “...”
        if n <= 4 and _inside_sentence(text, r.open_at) and not _governed(text, r.open_at):
            # a few words in marks inside a sentence are a partial quotation when a speech verb
            # governs them (dismissed the claims as “pure propaganda”); otherwise they are
            # mostly scare quotes or the tail of reported speech
            drop(r, s, e, speaker, "ungoverned")
            continue
        carried = False
        if (
            speaker is None
            and (r.continued or r.paragraph - last_para <= 1)
            and last is not None
            and n >= 4
            and (r.continued or _starts_sentence(text, r.open_at))
        ):
            # a quotation that continues or follows the previous speaker's
            speaker, carried = last, True
        if n <= 4 and (speaker is None or carried):
            drop(r, s, e, speaker, "unattributed")
            continue  # a few words in marks with nobody saying them: scare quotes
        score = (
            0.55
            + (0.3 if speaker and not carried else 0.15 if speaker else 0.0)
            + (0.1 if n >= 4 else 0.0)
        )
        if not r.closed and not r.continues:
            score -= 0.25
        if r.continued:
            kind = "quotation marks, continuing the paragraph before"
        elif r.continues:
            kind = "quotation marks, running on into the next paragraph"
        reason = kind + ("; " + speaker.how if speaker and not carried else "")
        if carried:
            reason += f"; speaker carried over from the quotation before ({speaker.name})"
        elif speaker is None:
            reason += "; no speaker found"
        found.append((r, s, e, speaker, reason, score))
        if speaker is not None:
            last, last_para = speaker, r.paragraph
        elif r.continues or r.continued:
            last_para = r.paragraph
    kept = _drop_fragments(text, sents, found)
    if dropped is not None and len(kept) < len(found):
        ids = {id(item) for item in kept}
        for item in found:
            if id(item) not in ids:
                drop(item[0], item[1], item[2], item[3], "fragment")
    found = kept
    # a quotation over several paragraphs is often attributed only in its last paragraph
    for i in range(len(found) - 2, -1, -1):
        r, s, e, speaker, reason, score = found[i]
        nxt = found[i + 1]
        if speaker is None and r.continues and nxt[0].continued and nxt[3] is not None:
            found[i] = (
                r,
                s,
                e,
                nxt[3],
                reason.replace("; no speaker found", "")
                + f"; speaker from the paragraph it runs into ({nxt[3].name})",
                min(1.0, score + 0.2),
            )
    # “We’re going to win.” ... “And we’ll win big,” Trump said: a quotation with no speaker of
    # its own (or only one carried over) takes the one named after a later quotation in its
    # paragraph
    for i in range(len(found) - 2, -1, -1):
        r, s, e, speaker, reason, score = found[i]
        if speaker is not None and "carried over" not in reason:
            continue
        nxt = found[i + 1]
        nr, nspeaker, nreason = nxt[0], nxt[3], nxt[4]
        if (
            nr.paragraph == r.paragraph
            and nspeaker is not None
            and "carried over" not in nreason
            and nspeaker.mention_start > nr.close_at
            and not _CUE_RE.search(text, r.close_at, nr.open_at)
        ):
            why = reason.replace("; no speaker found", "").split("; speaker carried over")[0]
            found[i] = (
                r,
                s,
                e,
                nspeaker,
                why + f"; speaker of the next quotation in the paragraph ({nspeaker.name})",
                min(1.0, score + 0.1),
            )
    return [RuleQuote(r, s, e, speaker, reason, score) for r, s, e, speaker, reason, score in found]
