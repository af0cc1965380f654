"""One name per person across a story's articles.

Outlets name a speaker differently: "Spokeswoman Rita Katz", "Rita Katz", "Katz", "Ms. Katz",
"she". The quote finder already resolves a pronoun to the last person named before it; here a
name loses its titles and roles, and a surname alone becomes the full name it stands for in any
article of the story (when only one person of the story has that surname).
"""

from __future__ import annotations

import re
from collections.abc import Iterable


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
PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "him", "her", "them"])
_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'’.-]*")
_CAPITALISED = re.compile(r"^[A-ZÀ-ÖØ-Þ]")


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

    def canonical(self, raw: str | None) -> str | None:
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
