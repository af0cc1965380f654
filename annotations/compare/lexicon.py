"""Loaded wording: terms that carry a judgement, and where one exists, their neutral names.

Written by hand from general knowledge of news language: the terms style guides (AP, Reuters,
the BBC's) tell reporters to avoid or attribute (occupied/administered territory, freedom
fighters, regime, illegal aliens, death tax, pro-life, ObamaCare, witch hunt), the evaluative
adjectives, adverbs and verbs that editorialise a report (explosive, scathing, bizarre, abruptly,
slammed, doubled down) and the pejoratives of the seed articles (death cult, slaughtered). It is
not learned from any data set.

Each entry: a pattern for the loaded words, the category (why it is loaded) and, when a neutral
name is standard, a pattern for it. ``{x}`` in a neutral pattern stands for what the loaded
pattern captured as ``x`` (the place in "occupied Kashmir").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    loaded: re.Pattern[str]
    category: str
    neutral: str | None = None  # a pattern, may use {x}


def _e(loaded: str, category: str, neutral: str | None = None) -> Entry:
    return Entry(re.compile(loaded, re.IGNORECASE), category, neutral)


_PLACE = r"(?P<x>[A-Z][\w-]*(?: [A-Z][\w-]*)?)"
_ADMIN = r"\b[\w]+[- ](?:administered|administrated|controlled|held|ruled)\s+"

ENTRIES: list[Entry] = [
    # Names for places, people and groups that take a side.
    _e(rf"\b(?:\w+-)?occupied {_PLACE}", "occupation framing", _ADMIN + "{x}"),
    _e(r"\bIoK\b|\bIndian-occupied Kashmir\b", "occupation framing", _ADMIN + "Kashmir"),
    _e(
        r"\b(?:Indian|Israeli|Russian|Chinese|Moroccan) occupation\b",
        "occupation framing",
        r"\b(?:Indian|Israeli|Russian|Chinese|Moroccan) (?:rule|control|administration)\b",
    ),
    _e(
        r"\bfreedom fighters?\b",
        "glorifying label",
        r"\b(?:militants?|rebels?|insurgents?|fighters?|separatists?)\b",
    ),
    _e(r"\bjihadists?\b", "pejorative label", r"\b(?:militants?|fighters?|insurgents?)\b"),
    _e(r"\bdeath cult\b", "pejorative label", r"\b(?:group|organi[sz]ation|militants?)\b"),
    _e(
        r"\bterror (?:group|outfit|organi[sz]ation)\b",
        "pejorative label",
        r"\bmilitant (?:group|outfit|organi[sz]ation)\b",
    ),
    _e(r"\bregime\b", "pejorative label", r"\b(?:government|administration)\b"),
    _e(r"\bthugs\b|\bmob\b", "pejorative label", r"\b(?:protesters|demonstrators|crowd)\b"),
    _e(
        r"\billegal (?:aliens?|immigrants?)\b|\billegals\b",
        "pejorative label",
        r"\b(?:undocumented|unauthori[sz]ed) (?:immigrants?|migrants?)\b|\bimmigrants?\b",
    ),
    _e(
        r"\bObamaCare\b",
        "partisan label",
        r"\b(?:Affordable Care Act|health(?:[- ]care)? (?:care )?law|ACA)\b",
    ),
    _e(r"\bdeath tax\b", "partisan label", r"\bestate tax\b"),
    _e(r"\bpro-life\b", "partisan label", r"\banti-abortion\b"),
    _e(r"\bpro-abortion\b", "partisan label", r"\babortion[- ]rights\b"),
    _e(r"\btax relief\b", "partisan label", r"\btax cuts?\b"),
    _e(r"\bwitch[- ]hunt\b", "pejorative label", r"\b(?:investigation|inquiry|probe)\b"),
    _e(r"\bbirthers?\b", "pejorative label"),
    _e(r"\bconspiracy theor(?:y|ies|ists?)\b", "pejorative label"),
    _e(r"\bKremlin-(?:backed|linked|connected)\b", "insinuating label"),
    _e(r"\b(?:lover|mistress|paramour)\b", "insinuating label"),
    _e(r"\bfixer\b|\bcronies\b|\bhenchm[ae]n\b|\bpuppet\b|\bstooge\b", "pejorative label"),
    _e(r"\bso-called\b", "scare framing"),
    _e(r"\bjob-killing\b|\bjob-crushing\b", "partisan label"),
    # Verbs that judge what they report.
    _e(
        r"\bslaughter(?:ed|ing|s)?\b|\bmassacr(?:ed|ing)\b|\bbutcher(?:ed|ing)\b",
        "emotive verb",
        r"\bkill(?:ed|ing|s)?\b",
    ),
    _e(
        r"\bst(?:ole|olen|eal|ealing)\b",
        "accusing verb",
        r"\b(?:hacked|leaked|took|taken|obtained|released|published|cut)\b",
    ),
    _e(r"\braid(?:ed|ing|s)?\b", "accusing verb", r"\b(?:cut|cuts|savings|reduc\w+)\b"),
    _e(
        r"\bsqueez(?:ed|ing|e)\b|\bgutt(?:ed|ing)\b|\bslash(?:ed|ing|es)?\b",
        "emotive verb",
        r"\b(?:cut|cuts|savings|reduc\w+)\b",
    ),
    _e(
        r"\bslamm?(?:ed|ing|s)?\b|\bblast(?:ed|ing|s)\b|\blash(?:ed|es)? out\b|\bblasts\b",
        "emotive verb",
        r"\b(?:criticiz\w+|criticis\w+)\b",
    ),
    _e(r"\bdoubled down\b|\bdoubles down\b", "emotive verb"),
    _e(r"\bbrawl\b|\bfuror\b|\bfurore\b|\bfirestorm\b|\buproar\b|\bmeltdown\b", "emotive noun"),
    _e(r"\bthreat(?:en(?:ed|s)?)? to (?:filibuster|block|shut)\b", "emotive verb"),
    _e(r"\bbizarre (?:threat|outburst|rant|tirade)\b|\btirade\b|\brant\b", "emotive noun"),
    _e(r"\bvendetta\b|\bwish[- ]list\b|\bdumping ground\b|\bslush fund\b", "pejorative label"),
    _e(r"\bvoucher\b", "partisan label", r"\b(?:premium support|payments?|subsid\w+)\b"),
    # Adjectives and adverbs that editorialise.
    _e(
        r"\b(?:explosive|scathing|bombshell|stunning|shocking|damning|disastrous|devastating|"
        r"humiliating|embarrassing|bizarre|outrageous|notorious|infamous|disgraced|embattled|"
        r"beleaguered|illicit|lavish|radical|extremist|far-(?:left|right)|hard-?line|"
        r"controversial|brazen|anti-Trump|anti-Obama|corrupt)\b",
        "evaluative adjective",
    ),
    _e(r"\b(?:abruptly|brazenly|bizarrely|stunningly|shockingly)\b", "evaluative adverb"),
    _e(r"\bcorruption (?:charges?|case|probe|investigation)\b", "evaluative label"),
]
