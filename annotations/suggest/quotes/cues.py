"""Speech verbs: the words that attribute a quotation to someone (said, told, added ...)."""

from __future__ import annotations

import re


def word_list(text: str) -> list[str]:
    """The words of a word list written as one string."""
    return text.split()


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
CUE = (
    r"(?:"
    + "|".join(sorted(set(_CUE_VERBS), key=len, reverse=True))
    + r"|went on|pointed out|points out|pointing out|put it|puts it|shot back|fired back"
    + r"|cut in|chimed in|weighed in|piped up|jumped in)"
)
CUE_RE = re.compile(r"\b" + CUE + r"\b")
# the base form of each speech verb (the first of its group), which is also a noun after an
# article or an adjective: "a snappy retort", "her stock answer", "a Twitter comment"
_BASE_CUES = frozenset(
    w
    for w in _CUE_VERBS
    if not w.endswith(("s", "ed", "ing"))
    and w not in {"said", "told", "wrote", "written", "began", "shot", "sang", "read"}
)
_NOT_NOUN_BEFORE = frozenset(
    word_list("""
i you we they he she it who which that people police to will would can could should may might
must do did does not never also then just only often still now again and or but
""")
)
# verbs of thinking and wanting: they attribute a quotation to a subject ("he thought that “...”")
# but are too weak to make a few words in marks a quotation
_WEAK_CUES = word_list(
    "think thinks thought believe believes believed want wants wanted hope hopes hoped fear fears "
    "feared feel feels felt see sees saw know knows knew expect expects expected promise promises "
    "lists listed reads insist calls spoke speaks described describes defended defends "
    "talked talks estimated estimates referenced references credited credits commanded recognized"
)
SPEAKER_CUE_RE = re.compile(
    r"(?<!-)\b(?:" + CUE[3:-1] + "|" + "|".join(_WEAK_CUES) + r")\b(?!-)"  # not boast-averse
)
AUX = (
    r"(?:(?:has|have|had|would|will|also|later|then|once|previously|recently|again|repeatedly"
    r"|simply|just|only|even|further|bluntly|flatly|angrily|quickly|publicly|privately"
    r"|told\s+\w+\s+and)\s+)*"
)

# verbs that attribute a finished quotation even with an object after them ("... ?" she asked him)
# verbs that stand before their subject after a quotation ("..., said Steve Bell"); "told Bill
# O’Reilly" and "called National Nurses United" name the listener or the object
INVERTING_CUES = frozenset(
    word_list("""
said says added adds wrote writes asked asks recalled explained continued noted argued replied
responded insisted warned declared stated quipped concluded countered
""")
)
REPORTING_CUES = frozenset(
    word_list("""
say said says tell told tells ask asked asks write wrote writes add added adds reply replied
replies respond responded continue continued explain explained recall recalled answer answered
shout shouted yell yelled exclaim exclaimed tweet tweeted post posted insist insisted
""")
)


def noun_cue(prev: list[str], word: str) -> bool:
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
