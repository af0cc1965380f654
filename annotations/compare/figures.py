"""Figures in running text: the value, its qualifier, its unit and what it allows.

"more than 250 people" is (250, unbounded) people, "at least 253" is [253, unbounded), "about
$60,000" is 60,000 dollars give or take a tenth, "a 48-page indictment" is 48 pages, "dozens" is
24 to 99, "nearly half" a share a little under 0.5. Dates, clock times and ordinals are not
quantities and are skipped; a year counts only after "since", "in", "from", "until" and the like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _words(text: str) -> list[str]:
    """The words of a word list written as one string."""
    return text.split()


_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
_FRACTIONS = {
    "half": 0.5, "a half": 0.5, "one half": 0.5, "a third": 1 / 3, "one third": 1 / 3,
    "one-third": 1 / 3, "two-thirds": 2 / 3, "two thirds": 2 / 3, "a quarter": 0.25,
    "one quarter": 0.25, "three-quarters": 0.75, "three quarters": 0.75,
}  # fmt: skip
# Vague amounts: the range a reader takes them to mean.
VAGUE: dict[str, tuple[float, float, str]] = {
    "a handful": (2, 6, ""), "handful": (2, 6, ""), "a few": (2, 5, ""), "several": (3, 9, ""),
    "a couple": (2, 3, ""), "dozens": (24, 99, ""), "scores": (40, 99, ""),
    "hundreds": (200, 999, ""), "thousands": (2000, 9999, ""), "millions": (2e6, 9.99e8, ""),
    "a dozen or so": (10, 15, ""), "moments": (1, 300, "second"),
}  # fmt: skip
# Qualifier -> its class: how the written value bounds the true one.
QUALIFIERS = {
    "more than": "gt", "over": "gt", "above": "gt", "upwards of": "gt", "in excess of": "gt",
    "just over": "gt", "at least": "ge", "no fewer than": "ge", "no less than": "ge",
    "nearly": "near", "almost": "near", "close to": "near", "just under": "near",
    "about": "approx", "around": "approx", "roughly": "approx", "approximately": "approx",
    "some": "approx", "an estimated": "approx", "estimated": "approx", "or so": "approx",
    "up to": "le", "as many as": "le", "as much as": "le", "at most": "le", "no more than": "le",
    "fewer than": "lt", "less than": "lt", "under": "lt", "below": "lt",
}  # fmt: skip
DURATIONS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800,
             "month": 2629800, "year": 31557600, "decade": 315576000}  # fmt: skip

_WORD_NUM = "|".join(sorted(list(_UNITS) + list(_TENS), key=len, reverse=True))
_QUAL = "|".join(sorted((re.escape(q) for q in QUALIFIERS if q != "or so"), key=len, reverse=True))
_VAGUE = "|".join(sorted((re.escape(v) for v in VAGUE), key=len, reverse=True))
_FRAC = "|".join(sorted((re.escape(f) for f in _FRACTIONS), key=len, reverse=True))
_SCALE = r"hundred|thousand|million|billion|trillion|bn|mn|tn|[mkb](?![\w])"
_DURATION = "|".join(DURATIONS)

FIGURE = re.compile(
    rf"(?:\b(?P<qual>{_QUAL})\s+)?"
    rf"(?:(?P<money>[$£€])\s?)?"
    rf"(?:(?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|\b(?P<frac>{_FRAC})\b"
    rf"|\b(?P<words>(?:{_WORD_NUM})(?:[- ](?:{_WORD_NUM}))?)\b"
    rf"|\b(?P<vague>{_VAGUE})\b"
    rf"|\ba (?P<dozen>dozen)\b)"
    rf"(?:\s?(?P<scale>{_SCALE})\b)?"
    rf"(?:\s?(?P<pct>%|percent\b|per cent\b))?"
    rf"(?:-(?P<hyunit>{_DURATION}|page|point|member|seat|vote|count|term)s?(?:-old)?\b)?"
    rf"(?:\s+(?P<orso>or so)\b)?",
    re.IGNORECASE,
)
_MONTHS = (
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    r"july|august|september|october|november|december"
)
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.IGNORECASE)
_AFTER_SKIP = re.compile(r"^(?:st|nd|rd|th)\b|^\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|^s\b|^:\d", re.I)
_YEAR_CUE = re.compile(
    r"\b(?:since|in|from|until|till|through|by|before|after|of|between|and|to)\s*$", re.I
)
_NOUN = re.compile(r"\s*(?:[-–]\s*)?([A-Za-z][\w'’-]*)")
_TALLY_AFTER = re.compile(r"(?:-to-|\s+to\s+)\d{1,3}\b")
_TALLY_BEFORE = re.compile(r"\b\d{1,3}(?:-to-|\s+to\s+)$")
_NOT_NOUNS = frozenset(
    _words(
        """
    a an the and or of to in on at for from by with as than that this who which were was is are
    be been had has have will would said says percent
        """
    )
)


@dataclass(frozen=True)
class Figure:
    start: int  # the qualifier (if any) through the unit
    end: int
    text: str
    qualifier: str
    qclass: str  # exact, gt, ge, lt, le, near, approx, vague
    value: float | None
    low: float | None
    high: float | None
    dim: str  # money, percent, share, duration, year, count
    unit: str  # "$", "percent", "year", "page", or the counted noun
    noun: str  # the word after the figure ("people", "indictment"), "" if none


def _word_value(words: str) -> float | None:
    total = 0
    for part in re.split(r"[- ]", words.lower()):
        if part in _UNITS:
            total += _UNITS[part]
        elif part in _TENS:
            total += _TENS[part]
        else:
            return None
    return float(total)


def _bounds(qclass: str, v: float) -> tuple[float | None, float | None]:
    return {
        "exact": (v, v),
        "gt": (v, None),
        "ge": (v, None),
        "lt": (None, v),
        "le": (None, v),
        "near": (v * 0.85, v),
        "approx": (v * 0.9, v * 1.1),
    }[qclass]


def figures(text: str) -> list[Figure]:
    """Every quantity written in ``text``, in order."""
    out: list[Figure] = []
    for m in FIGURE.finditer(text):
        f = _figure(text, m)
        if f is not None:
            out.append(f)
    return out


def _figure(text: str, m: re.Match) -> Figure | None:
    g = m.groupdict()
    start, end = m.span()
    inside = start > 0 and (text[start - 1].isalnum() or text[start - 1] in "/:.")
    if inside and not g["qual"]:
        return None  # inside a word, a ratio or a time
    after = text[end : end + 6]
    if (g["digits"] and _AFTER_SKIP.match(after)) or text[end : end + 1] == "/":
        return None  # 27th, 5 p.m., 1990s, 9/11
    if g["digits"] and re.search(
        r"\b(?:no|number|nos)\.?\s*$", text[max(0, start - 8) : start], re.I
    ):
        return None  # a rank: "the No. 3 position"
    if g["digits"] and _DATE_BEFORE.search(text[max(0, start - 12) : start]):
        return None  # Nov. 8, March 31
    if g["digits"] and re.match(r",\s*\d{4}", after):
        return None  # the day of "Oct. 14, 2016"
    qual = (g["qual"] or "").lower()
    qclass = QUALIFIERS.get(qual, "exact") if qual else "exact"
    if g["orso"]:
        qual, qclass = (qual + " or so").strip(), "approx"
    money = g["money"]
    scale = _SCALES.get((g["scale"] or "").lower(), 1.0)
    dim, unit = "count", ""
    value: float | None
    low: float | None
    high: float | None
    if g["vague"]:
        lo_v, hi_v, vunit = VAGUE[g["vague"].lower()]
        value, low, high, qclass = None, lo_v, hi_v, "vague"
        qual = g["vague"].lower()
        if vunit:
            dim, unit = "duration", "second"
    else:
        if g["digits"]:
            raw = g["digits"].replace(",", "")
            value = float(raw)
            if (
                not money
                and not g["scale"]
                and not g["pct"]
                and re.fullmatch(r"(?:19|20)\d\d", raw)
            ):
                if not _YEAR_CUE.search(text[max(0, start - 10) : start]):
                    return None
                dim, unit = "year", "year"
        elif g["words"]:
            value = _word_value(g["words"])
            if value is None or (value == 1 and not g["hyunit"]):
                return None  # "one" is rarely a count ("one of the")
        elif g["frac"]:
            value, dim, unit = _FRACTIONS[g["frac"].lower()], "share", "share"
        else:
            value = 12.0
        value *= scale
        low, high = _bounds(qclass, value)
    if money:
        dim, unit = "money", money
    elif g["pct"]:
        dim, unit = "percent", "percent"
    noun = ""
    nm = _NOUN.match(text, end)
    hy = (g["hyunit"] or "").lower()
    if nm and nm.group(1).lower() == "of" and (g["vague"] or g["dozen"]):
        nm = _NOUN.match(text, nm.end())  # "dozens of people"
    if nm and nm.group(1).lower() not in _NOT_NOUNS:
        noun = nm.group(1).lower().strip("'’")
    if hy:
        unit = hy
    elif dim == "count" and noun:
        unit = noun.rstrip("s") if len(noun) > 3 else noun
    small = g["digits"] and not money and value is not None and value < 1000
    if small and (
        _TALLY_AFTER.match(text, end) or _TALLY_BEFORE.search(text[max(0, start - 10) : start])
    ):
        # One side of a vote or score: "134-to-63", "134 to 63".
        return Figure(
            start, end, text[start:end], qual, qclass, value, low, high, "count", "tally", ""
        )
    if dim != "year" and (unit in DURATIONS or unit.rstrip("s") in DURATIONS):
        base = DURATIONS[unit.rstrip("s")] if unit not in DURATIONS else DURATIONS[unit]
        dim, unit = "duration", "second"
        value, low, high = (
            None if value is None else value * base,
            None if low is None else low * base,
            None if high is None else high * base,
        )
    if dim == "count" and not unit and qclass == "vague":
        return None  # "hundreds" of what?
    if g["scale"] and g["scale"].lower() in ("m", "b", "k") and not money:
        return None  # a lone letter after a number is not a scale without a currency
    if noun and not hy and dim in ("count", "duration") and nm is not None:
        end = nm.end()
    return Figure(start, end, text[start:end], qual, qclass, value, low, high, dim, unit, noun)


def compatible(a: Figure, b: Figure) -> bool:
    """Whether both figures can be true of one quantity: their ranges meet, or one is a round
    figure within 5% of the other ("250" for 253, "$700 billion" for "$716 billion")."""
    lo = max(x for x in (a.low, b.low, float("-inf")) if x is not None)
    hi = min(x for x in (a.high, b.high, float("inf")) if x is not None)
    strict = (a.qclass == "gt" and a.low == lo) or (b.qclass == "gt" and b.low == lo)
    strict |= (a.qclass == "lt" and a.high == hi) or (b.qclass == "lt" and b.high == hi)
    if lo < hi or (lo == hi and not strict):
        return True
    if a.dim == "year" or lo <= 0 or hi <= 0:
        return False
    round_side = any(f.value is not None and _is_round(f.value) for f in (a, b))
    return round_side and lo <= hi * 1.05


def _is_round(v: float) -> bool:
    """Ends in a zero and has at most two significant digits: 250, 700, 60,000."""
    if v < 10 or v % 10:
        return False
    while v % 10 == 0:
        v /= 10
    return v < 100


def same_value(a: Figure, b: Figure) -> bool:
    return a.qclass == b.qclass and a.value == b.value and a.low == b.low and a.high == b.high
