"""People and organisations: one name for each, within an article and across a story.

A speaker is named many ways: "Spokeswoman Rita Katz", "Rita Katz", "Katz", "Ms. Katz", "she".
Here a name loses what describes the person rather than names them (occupations written before
the name, courtesy titles, what follows a comma), and a surname alone becomes the full name it
stands for when only one person of the article (or story) has that surname. Capitalised runs
that are not people are told apart: dates and holidays ("Easter Sunday"), possessive fragments
("Mr Modi's Hindu"), places named after "in" or "from".

``clean_name`` and ``People`` compare speakers across a story's articles (annotations.compare);
``speaker_name``, ``names_in`` and ``canonical_speakers`` give a quote's speaker as one person
across its article (the quote suggesters and the workspace's list of speakers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .candidates import Candidate


def _words(text: str) -> list[str]:
    """The words of a word list written as one string."""
    return text.split()


# Titles and roles written before a name. Generic news vocabulary, lower case, no dots.
TITLES = frozenset(
    _words(
        """
    mr mrs ms miss dr prof sir dame lord lady rev father sister brother president vice prime
    minister premier chancellor king queen prince princess emperor sen senator rep
    representative congressman congresswoman gov governor lt mayor secretary attorney general
    judge justice chief deputy director spokesman spokeswoman spokesperson chairman chairwoman
    chair speaker leader minority majority whip officer agent special counsel lawyer
    commissioner ambassador commander gen col capt maj sgt adm former acting interim u s us
    house senate white press
        """
    )
)
# Of those, the formal titles of an office, written as part of the name ("Mayor Ana Ruiz",
# "President Joe Biden"); an occupation before a name describes the person and is not part of
# it ("Spokeswoman Rita Katz": capitalised only because it starts the sentence).
OFFICES = frozenset(
    _words(
        """
    dr prof sir dame lord lady rev president vice prime minister premier chancellor king queen
    prince princess emperor sen senator rep representative congressman congresswoman gov
    governor lt mayor secretary general judge justice gen col capt maj sgt adm
        """
    )
)
COURTESY = frozenset(_words("mr mrs ms miss"))
# Occupations and descriptions that may stand before a name, beyond the titles above.
ROLES = TITLES - OFFICES - COURTESY | frozenset(
    _words(
        """
    analyst adviser advisor aide activist author economist editor expert founder head official
    researcher professor scientist strategist writer columnist correspondent reporter manager
    executive coach pollster consultant organizer organiser candidate nominee veteran resident
    owner partner colleague campaign party group campaigner
        """
    )
)
DESCRIBING = ROLES | COURTESY | OFFICES
PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "him", "her", "them"])
# Capitalised words that name a time or an occasion, never a speaker.
NOT_PEOPLE = frozenset(
    _words(
        """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december easter christmas ramadan eid diwali
    passover hanukkah thanksgiving halloween lent advent new year day week month weekend
    olympics games cup election elections war summit bombing bombings attack attacks
        """
    )
)
_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'’.-]*")
_CAPITALISED = re.compile(r"^[A-ZÀ-ÖØ-Þ]")
_POSSESSIVE = re.compile(r"[’']s?$")
# Particles inside a name ("Ludwig van Beethoven", "Abu Bakr al Baghdadi") and after one.
_PARTICLES = frozenset(_words("de van von bin al la del der da di le"))


def clean_name(raw: str | None) -> str | None:
    """The person's name without titles, roles or what follows a comma."""
    if not raw:
        return None
    head = re.split(r"[,(]|\bwho\b|\bof\b", raw, maxsplit=1)[0]
    tokens = _TOKEN.findall(head)
    if len(tokens) == 1 and tokens[0].lower() in PRONOUNS:
        return tokens[0].lower()
    # The last run of capitalised words that are not titles: "Strzok attorney Aitan Goelman".
    runs: list[list[str]] = [[]]
    for t in tokens:
        bare = t.rstrip(".").replace("’", "'")
        if _CAPITALISED.match(bare) and bare.lower().removesuffix("'s") not in TITLES:
            runs[-1].append(bare.removesuffix("'s"))
        elif runs[-1]:
            runs.append([])
    runs = [r for r in runs if r]
    if not runs:
        return raw.strip() or None
    return " ".join(runs[-1])


_SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv"])


def _surname(name: str) -> str:
    parts = [p for p in name.split() if p.lower().rstrip(".") not in _SUFFIXES]
    return (parts or name.split())[-1].lower()


class People:
    """The story's people: maps a speaker as an article names them to one canonical name."""

    def __init__(self, names: Iterable[str | None]) -> None:
        full: dict[str, set[str]] = {}
        for raw in names:
            name = clean_name(raw)
            if name and len(name.split()) >= 2:
                full.setdefault(_surname(name), set()).add(name)
        self._by_surname = full
        self._canonical: dict[str | None, str | None] = {}

    def canonical(self, raw: str | None) -> str | None:
        # The same speakers come up pair after pair of a story's articles.
        if raw not in self._canonical:
            self._canonical[raw] = self._resolve(raw)
        return self._canonical[raw]

    def _resolve(self, raw: str | None) -> str | None:
        name = clean_name(raw)
        if not name or name in PRONOUNS:
            return None
        known = self._by_surname.get(_surname(name), set())
        if len(name.split()) == 1:
            # "Katz" is Rita Katz when the story has one Katz; two Trumps leave it as it is.
            return next(iter(known)) if len(known) == 1 else name
        first = name.split()[0]
        same_first = sorted((k for k in known if k.split()[0] == first), key=len)
        return same_first[0] if same_first and name not in known else name

    def same(self, a: str | None, b: str | None) -> bool | None:
        """True or False when both are known people, None when either is unknown."""
        ca, cb = self.canonical(a), self.canonical(b)
        if ca is None or cb is None:
            return None
        return ca.lower() == cb.lower()


# --- one article: a quote's speaker as a person -------------------------------------------------


def _bare(token: str) -> str:
    return token.rstrip(".").replace("’", "'").lower()


def is_name_like(name: str) -> bool:
    """Whether capitalised words can name a person or an organisation: not a date, holiday or
    event ("Easter Sunday", "Friday"), not a possessive fragment ("Modi’s Hindu"), not a
    compound adjective ("India-controlled Kashmir"), on one line."""
    if not name or "\n" in name:
        return False
    words = name.split()
    if any(_POSSESSIVE.search(w) and w[-2:] in ("’s", "'s") for w in words):
        return False
    if any(_bare(w) in NOT_PEOPLE for w in words):
        return False
    return not any("-" in w and any(c.islower() for c in w.split("-", 1)[1][:1]) for w in words)


def _capitalised(token: str) -> bool:
    return bool(_CAPITALISED.match(token)) or token.lower() in _PARTICLES


def speaker_name(raw: str | None) -> str | None:
    """A speaker phrase as the name of who speaks: "Spokeswoman Rita Katz" is "Rita Katz",
    "Mayor Ana Ruiz" keeps the office that is part of the name, "Rita Katz, director of ..."
    loses the description after the comma; a phrase that describes rather than names ("a
    senior police official", "Police in India-administrated Kashmir") stays as written."""
    if raw is None:
        return None
    head = re.split(r",|\s\(|\bwho\b", " ".join(raw.split()), maxsplit=1)[0].strip()
    tokens = head.split()
    if not tokens:
        return None
    # The name: the capitalised words that end the phrase, up to an occupation or a title.
    j = len(tokens)
    while j > 0 and _capitalised(tokens[j - 1]) and _bare(tokens[j - 1]) not in DESCRIBING:
        j -= 1
    name, before = tokens[j:], tokens[:j]
    if not name or not before or _bare(before[-1]) not in DESCRIBING:
        return head  # a name alone, or words that describe rather than name
    k = len(before)
    while k > 0 and _bare(before[k - 1]) in OFFICES and _CAPITALISED.match(before[k - 1]):
        k -= 1
    offices = before[k:]
    if not offices and _bare(before[-1]) in COURTESY and len(name) == 1:
        offices = before[-1:]  # "Mr Modi": the article's own way, until the full name is known
    return " ".join(offices + name)


def _key(name: str) -> tuple[str, str]:
    words = [w for w in name.split() if _bare(w) not in OFFICES | COURTESY]
    words = words or name.split()
    parts = [p for p in words if p.lower().rstrip(".") not in _SUFFIXES] or words
    return parts[0].lower() if len(parts) > 1 else "", parts[-1].lower()


class ArticlePeople:
    """The people and organisations one article names, each under its fullest name."""

    def __init__(self, names: Iterable[str]) -> None:
        self._full: dict[str, list[str]] = {}
        for name in names:
            first, last = _key(name)
            if first:
                known = self._full.setdefault(last, [])
                if name not in known:
                    known.append(name)

    def canonical(self, name: str) -> str:
        """The fullest form of ``name`` the article uses: "Katz" and "Ms. Katz" are "Rita Katz"
        when one person of the article has that surname."""
        words = name.split()
        if not words or words[0].lower() in PRONOUNS:
            return name
        first, last = _key(name)
        known = self._full.get(last, [])
        if first:
            known = [k for k in known if _key(k)[0] == first]
        people = {_key(k) for k in known}
        if len(people) != 1:
            return name
        # The longest form: an office written with the name anywhere in the article counts.
        return max([*known, name], key=lambda k: (len(k.split()), len(k)))


# A name written straight after one of these (no article between) is a place: "in Sri Lanka",
# "from Kashmir"; "in the Islamic State" may be an organisation.
_PLACE_BEFORE = re.compile(r"\b(?:in|at|from|to|into|across|near|outside|inside|visited)\s+$")


def names_in(text: str) -> list[str]:
    """The people and organisations an article names, canonical, most mentioned first: names of
    two to five words that can name someone (``is_name_like``) and are never written as a place
    (straight after "in", "from", "at" ...), an occupation before them left out."""
    from .quotes.speakers import Names  # the quote rules' names, cut the same way

    counts: dict[str, int] = {}
    placed: dict[str, int] = {}
    for s, e in Names(text).spans():
        name = speaker_name(text[s:e].split("\n", 1)[0])
        if name is None:
            continue
        words = name.rstrip(".").split()
        while words and words[-1].lower() in _PARTICLES:
            words.pop()
        core = [w for w in words if _bare(w) not in DESCRIBING]
        name = " ".join(words)
        if not 2 <= len(core) <= 5 or not is_name_like(name):
            continue
        counts[name] = counts.get(name, 0) + 1
        if _PLACE_BEFORE.search(text, max(0, s - 20), s):
            placed[name] = placed.get(name, 0) + 1
    people = [n for n in counts if n not in placed]
    article = ArticlePeople(people)
    merged: dict[str, int] = {}
    for name in people:
        full = article.canonical(name)
        merged[full] = merged.get(full, 0) + counts[name]
    return sorted(merged, key=lambda n: (-merged[n], n))


def canonical_speakers(text: str, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The QUOTE candidates of one article with each speaker given as one person across it:
    the occupation before a name left out, a surname alone ("Katz") or with a courtesy title
    ("Mr Modi") as the full name the article gives that person. Other candidates pass as they
    are."""
    quotes = [c for c in candidates if c.label == "QUOTE" and c.speaker]
    if not quotes:
        return list(candidates)
    spoken = [speaker_name(c.speaker) or "" for c in quotes]
    named_fully = [s for s in spoken if len(s.split()) > 1 and all(map(_capitalised, s.split()))]
    article = ArticlePeople([*names_in(text), *named_fully])
    named = {id(c): article.canonical(s) for c, s in zip(quotes, spoken, strict=True) if s}
    return [replace(c, speaker=named[id(c)]) if id(c) in named else c for c in candidates]
