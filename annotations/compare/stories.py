"""Which articles report the same event: a signature per article, a score per pair, a proposal.

An article's **signature** is what the score reads, computed once (on import) and stored:

* its content words as crude stems with their counts, the title's counted twice;
* the names it writes (capitalised words that are not sentence-initial common words), each with
  the run it first appeared in ("Rita Katz"), so "Katz" alone still meets "Rita Katz";
* the places among them (countries, states, large cities, and names written after "in",
  "near", "at" ...: ``places``);
* its figures (``figures``), dates, years and small counts left out: "253 people", "$716bn";
* its outlet and publication date.

Two articles report one event when they share rare words, names, places and figures, and were
published close together. Rarity is the project's: ``Rarity`` holds how many articles of the
project have each key (``Signature.keys``), so "Trump" weighs little on a politics desk and
"Amshipora" a lot. The score is a weighted sum, in [0, 1], with a reason a reviewer can read:
"similar text (0.42); names: Kashmir, Ishfaq Ahmad Sofi; numbers: 253; 1 day apart".

``propose`` turns a new article's scores against its candidates into the decision the story job
writes: join the best story, pair with the best article that has none, or stay alone.
No Django here; the job (annotations.services.stories) stores signatures and picks candidates.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from annotations.suggest.people import TITLES

from .figures import figures
from .places import NOT_PLACES, PLACE_WORDS, PLACES
from .text import STOPWORDS, content_stems, cosine, words

SIGNATURE_VERSION = 1

# Chosen on the cross-outlet events and the seeds (benchmarks/story_quality.py prints how the
# choice does on all events and on events held out of it).
THRESHOLD = 0.22
WEIGHTS = {"text": 0.65, "names": 0.25, "numbers": 0.1}
# Days apart at which the date starts to count against a pair, and the penalty's cap.
NEAR_DAYS = 2
FAR_DAYS = 7
DATE_BONUS = 0.05
DATE_PENALTY = 0.3

MIN_NAME_MASS = 3.0  # a pair that shares names is judged against at least this much name weight
MIN_NUMBER_MASS = 8.0
MAX_REASON_ITEMS = 5

_PLACE_CUE = frozenset(["in", "at", "near", "outside", "across", "throughout"])
_CALENDAR = frozenset(
    [
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december", "jan", "feb", "mar", "apr"),
        *("jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
    ]
)
# Ranks and roles written before a name that the quote matcher's TITLES spells short.
_MORE_TITLES = frozenset(
    [
        *("captain", "colonel", "sergeant", "lieutenant", "professor", "detective"),
        *("inspector", "councillor", "councilman", "councilwoman"),
    ]
)
_SENTENCE_END = re.compile(r"[.!?:;\"“”‘’()\[\]\n]\s*$")


@dataclass(frozen=True)
class Signature:
    """What the score needs of one article. ``to_json``/``from_json`` store it."""

    terms: Mapping[str, int]  # content stem -> count
    names: Mapping[str, str]  # name word (folded) -> the name it first appeared in
    places: frozenset[str]  # name words written as places
    numbers: Mapping[str, str]  # figure key -> the figure as written
    outlet: str = ""
    published_on: date | None = None
    version: int = SIGNATURE_VERSION

    def rarity_keys(self) -> set[str]:
        """The keys rarity is counted on: every stem, name word and figure, prefixed by kind."""
        return (
            {f"w:{t}" for t in self.terms}
            | {f"n:{n}" for n in self.names}
            | {f"#:{k}" for k in self.numbers}
        )

    def index_keys(self) -> set[str]:
        """The keys candidates are found by (``shortlist``): its figures and names. Every event
        names someone or somewhere; words alone would make the index ten times larger."""
        return {f"#:{k}" for k in self.numbers} | {f"n:{n}" for n in self.names}

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "terms": dict(self.terms),
            "names": dict(self.names),
            "places": sorted(self.places),
            "numbers": dict(self.numbers),
            "outlet": self.outlet,
            "published_on": self.published_on.isoformat() if self.published_on else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Signature:
        published = data.get("published_on")
        return cls(
            terms=data["terms"],
            names=data["names"],
            places=frozenset(data["places"]),
            numbers=data["numbers"],
            outlet=data.get("outlet", ""),
            published_on=date.fromisoformat(published) if published else None,
            version=data.get("version", 0),
        )


def signature(
    text: str, *, title: str = "", outlet: str = "", published_on: date | None = None
) -> Signature:
    """The signature of one article. The title may also be the text's first line: it then
    counts three times, which is what a headline is worth."""
    terms: Counter[str] = Counter(content_stems(text))
    for _ in range(2):
        terms.update(content_stems(title))
    names: dict[str, str] = {}
    places: set[str] = set()
    for body in (title, text):
        _names(body, names, places)
    numbers: dict[str, str] = {}
    for body in (title, text):
        for f in figures(body):
            key = _figure_key(f.dim, f.unit, f.value)
            if key is not None:
                numbers.setdefault(key, f.text)
    return Signature(
        terms=dict(terms),
        names=names,
        places=frozenset(places),
        numbers=numbers,
        outlet=outlet.strip(),
        published_on=published_on,
    )


def _figure_key(dim: str, unit: str, value: float | None) -> str | None:
    """A figure as a key two articles share when they print the same quantity: small counts
    ("two people", "5 percent"), years and durations are too common to tell events apart."""
    if value is None or dim in ("year", "duration"):
        return None
    if dim in ("count", "percent") and value < 10:
        return None
    prefix = {"money": unit, "percent": "%", "share": "share "}.get(dim, "")
    return f"{prefix}{value:g}"


def _names(text: str, names: dict[str, str], places: set[str]) -> None:
    """Collect the name words of ``text`` into ``names`` (word -> the run it appeared in) and
    the ones written as places into ``places``. Lines in title case (a headline written "Obama
    Medicare Attack") are skipped: every word of them is capitalised, names or not."""
    for line in text.split("\n"):
        if line.strip() and not _title_case(line):
            for run in _runs(line):
                _add_run(line, run, names, places)


def _title_case(line: str) -> bool:
    long_words = [w for w in words(line) if len(w.norm) > 3 and w.norm not in STOPWORDS]
    capitalised = sum(line[w.start].isupper() for w in long_words)
    return len(long_words) >= 3 and capitalised >= 0.7 * len(long_words)


def _runs(text: str) -> list[list[tuple[str, int, int]]]:
    """Runs of capitalised words joined by a space or a hyphen; a possessive ends a run."""
    runs: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    last_end = -1
    for w in words(text):
        capitalised = text[w.start].isupper()
        if capitalised and current and _joined(text[last_end : w.start]):
            current.append((w.norm, w.start, w.end))
        elif capitalised:
            if current:
                runs.append(current)
            current = [(w.norm, w.start, w.end)]
        elif current:
            runs.append(current)
            current = []
        if current and w.norm.endswith("'s"):
            runs.append(current)
            current = []
        last_end = w.end
    if current:
        runs.append(current)
    return runs


def _add_run(
    text: str, run: list[tuple[str, int, int]], names: dict[str, str], places: set[str]
) -> None:
    # A capitalised common word opening a sentence is no name ("The", "Police", "Nothing").
    at_start = run[0][1] == 0 or bool(_SENTENCE_END.search(text[max(0, run[0][1] - 3) : run[0][1]]))
    if at_start and len(run) == 1 and not _looks_like_name(text, run[0]):
        return
    kept = [(norm.removesuffix("'s"), s, e) for norm, s, e in run]
    kept = [(norm, s, e) for norm, s, e in kept if _name_word(norm)]
    if not kept:
        return
    surface = text[kept[0][1] : kept[-1][2]]
    surface = surface.removesuffix("'s").removesuffix("’s")
    is_place = _is_place(text, run, " ".join(norm for norm, _, _ in kept))
    for norm, _, _ in kept:
        names.setdefault(norm, surface)
        if is_place:
            places.add(norm)


def _is_place(text: str, run: list[tuple[str, int, int]], name: str) -> bool:
    """A known place, a name with a geographic word in it ("Lake Kivu"), or a name written as
    a place ("in Amshipora") that is not an institution ("in Congress")."""
    if name in PLACES or any(norm in PLACE_WORDS for norm, _, _ in run):
        return True
    before = [w.norm for w in words(text, max(0, run[0][1] - 12), run[0][1])]
    return (
        bool(before)
        and before[-1] in _PLACE_CUE
        and name not in NOT_PLACES
        and not any(norm in NOT_PLACES for norm, _, _ in run)
    )


def _name_word(norm: str) -> bool:
    return (
        len(norm) > 1
        and "'" not in norm
        and not norm.isdigit()
        and norm not in STOPWORDS
        and norm not in TITLES
        and norm not in _MORE_TITLES
        and norm not in _CALENDAR
    )


def _joined(between: str) -> bool:
    """Two capitalised words belong to one name when only a space or a hyphen separates them."""
    return between in (" ", "-", " - ") or (between.strip() == "" and "\n" not in between)


def _looks_like_name(text: str, word: tuple[str, int, int]) -> bool:
    """A sentence's first word is a name if the text also writes it capitalised elsewhere, not
    at a sentence start, or writes it in capitals (an acronym)."""
    norm, s, e = word
    if norm in STOPWORDS:
        return False
    surface = text[s:e]
    if len(surface) > 1 and surface.isupper():
        return True
    for m in re.finditer(rf"\b{re.escape(surface)}\b", text):
        if m.start() != s and not _SENTENCE_END.search(text[max(0, m.start() - 3) : m.start()]):
            return True
    return False


# --- rarity and the score ---------------------------------------------------------------------


@dataclass
class Rarity:
    """How many articles of the project have each key (``Signature.keys``), out of ``n``."""

    df: Mapping[str, int]
    n: int

    def __call__(self, key: str) -> float:
        return math.log((1 + self.n) / (1 + self.df.get(key, 0))) + 1.0

    @classmethod
    def of(cls, signatures: Iterable[Signature]) -> Rarity:
        """Rarity counted over these signatures (tests, benchmarks, a small project)."""
        df: Counter[str] = Counter()
        n = 0
        for s in signatures:
            n += 1
            df.update(s.rarity_keys())
        return cls(df=df, n=n)


@dataclass(frozen=True)
class PairScore:
    score: float
    reason: str
    parts: Mapping[str, float] = field(default_factory=dict)


def _vector(terms: Mapping[str, int], rarity: Rarity) -> dict[str, float]:
    vec = {t: (1.0 + math.log(c)) * rarity(f"w:{t}") for t, c in terms.items() if c > 0}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def _overlap(a: Iterable[str], b: Iterable[str], rarity: Rarity, prefix: str, floor: float):
    """The cosine of the two key sets weighted by rarity (a side lighter than ``floor`` counts
    as ``floor``, so two articles naming one common name are not alike), with the shared keys,
    rarest first."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0, []
    weight = {k: rarity(f"{prefix}{k}") ** 2 for k in sa | sb}
    shared = sorted(sa & sb, key=lambda k: (-weight[k], k))
    mass_a = max(floor, sum(weight[k] for k in sa))
    mass_b = max(floor, sum(weight[k] for k in sb))
    return min(1.0, sum(weight[k] for k in shared) / math.sqrt(mass_a * mass_b)), shared


def days_apart(a: date | None, b: date | None) -> int | None:
    return None if a is None or b is None else abs((a - b).days)


def _date_part(days: int | None) -> float:
    """A small bonus for articles out within a few days of each other, a growing penalty past a
    month; nothing when either date is unknown."""
    if days is None:
        return 0.0
    if days <= NEAR_DAYS:
        return DATE_BONUS
    if days <= FAR_DAYS:
        return 0.0
    return -min(DATE_PENALTY, DATE_PENALTY * (days - FAR_DAYS) / FAR_DAYS)


def score(
    a: Signature,
    b: Signature,
    rarity: Rarity,
    *,
    vectors: tuple[dict[str, float], dict[str, float]] | None = None,
) -> PairScore:
    """How likely ``a`` and ``b`` report the same event, in [0, 1], and why."""
    va, vb = vectors or (_vector(a.terms, rarity), _vector(b.terms, rarity))
    text = cosine(va, vb)
    names, shared_names = _overlap(a.names, b.names, rarity, "n:", MIN_NAME_MASS)
    numbers, shared_numbers = _overlap(a.numbers, b.numbers, rarity, "#:", MIN_NUMBER_MASS)
    days = days_apart(a.published_on, b.published_on)
    value = (
        WEIGHTS["text"] * text
        + WEIGHTS["names"] * names
        + WEIGHTS["numbers"] * numbers
        + _date_part(days)
    )
    value = min(1.0, max(0.0, value))
    parts = {"text": round(text, 3), "names": round(names, 3), "numbers": round(numbers, 3)}
    return PairScore(round(value, 3), _reason(a, text, shared_names, shared_numbers, days), parts)


def _reason(
    a: Signature, text: float, shared_names: list[str], shared_numbers: list[str], days: int | None
) -> str:
    parts = [f"similar text ({text:.2f})"]
    places = [n for n in shared_names if n in a.places]
    people = [n for n in shared_names if n not in a.places]
    if people:
        parts.append("names: " + ", ".join(_shown(people, a.names)))
    if places:
        parts.append("places: " + ", ".join(_shown(places, a.names)))
    if shared_numbers:
        shown = [a.numbers[k] for k in shared_numbers[:MAX_REASON_ITEMS]]
        parts.append("numbers: " + ", ".join(shown))
    if days is not None:
        parts.append("same day" if days == 0 else f"{days} day{'s' if days != 1 else ''} apart")
    return "; ".join(parts)


def _shown(keys: Sequence[str], names: Mapping[str, str]) -> list[str]:
    """Shared name words shown as the names they belong to, each name once."""
    out: list[str] = []
    for k in keys:
        surface = names.get(k, k)
        if surface not in out:
            out.append(surface)
        if len(out) >= MAX_REASON_ITEMS:
            break
    return out


# --- the candidates ---------------------------------------------------------------------------

SHORTLIST_KEYS = 40  # the new article's rarest index keys looked up
SHORTLIST = 30  # articles scored in full
# A key more than this share of the project's articles have singles nothing out (and its list
# of articles is long to read): "n:trump" on a politics desk.
SHORTLIST_MAX_SHARE = 0.1
SHORTLIST_MIN_DF = 50  # ... unless the project is small
# Articles published further apart than this are not looked at (the date penalty is at its
# cap long before); an article with no date is looked at whatever its neighbour's date.
SHORTLIST_DAYS = 30


def lookup_keys(new: Signature, rarity: Rarity, *, limit: int = SHORTLIST_KEYS) -> list[str]:
    """The new article's index keys that some other article has, rarest first: the ones worth
    looking up."""
    most = max(SHORTLIST_MIN_DF, int(rarity.n * SHORTLIST_MAX_SHARE))
    present = [k for k in new.index_keys() if 0 < rarity.df.get(k, 0) <= most]
    present.sort(key=lambda k: (-rarity(k), k))
    return present[:limit]


def shortlist(
    postings: Iterable[tuple[str, Any]], rarity: Rarity, *, limit: int = SHORTLIST
) -> list[Any]:
    """The articles worth scoring in full: those sharing the most weight of rare keys with the
    new one. ``postings`` are (key, article) pairs for the keys ``lookup_keys`` chose."""
    weight: defaultdict[Any, float] = defaultdict(float)
    for key, document in postings:
        weight[document] += rarity(key)
    return [d for d, _ in sorted(weight.items(), key=lambda i: (-i[1], str(i[0])))[:limit]]


# --- the proposal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An article the new one may join: its key, its story's key (None: in no story) and its
    signature."""

    document: Any
    story: Any
    signature: Signature


@dataclass(frozen=True)
class Proposal:
    """What the story job does with a new article: ``join`` ``story``, ``pair`` with
    ``document`` in a new story, or stay ``alone`` (in no story until another article pairs with
    it). ``score`` and ``reason`` are the best pair's."""

    action: Literal["join", "pair", "alone"]
    story: Any = None
    document: Any = None
    score: float = 0.0
    reason: str = ""


def rank(
    new: Signature, candidates: Sequence[Candidate], rarity: Rarity
) -> list[tuple[Candidate, PairScore]]:
    """Every candidate scored against ``new``, best first."""
    vn = _vector(new.terms, rarity)
    scored = [
        (c, score(new, c.signature, rarity, vectors=(vn, _vector(c.signature.terms, rarity))))
        for c in candidates
    ]
    scored.sort(key=lambda pair: (-pair[1].score, str(pair[0].document)))
    return scored


# How a story scores against a new article: its best article's score weighed with its
# articles' mean, so an article like one member of a long story but not the rest does not join
# it (single links chain a season of campaign coverage into one "story").
STORY_BEST_WEIGHT = 0.5


def story_score(scores: Sequence[float]) -> float:
    best = max(scores)
    mean = sum(scores) / len(scores)
    return STORY_BEST_WEIGHT * best + (1 - STORY_BEST_WEIGHT) * mean


def propose(
    new: Signature,
    candidates: Sequence[Candidate],
    rarity: Rarity,
    *,
    threshold: float = THRESHOLD,
) -> Proposal:
    """The best story or article scoring at least ``threshold``. ``candidates`` hold every
    article of each story among them: a story scores by ``story_score`` over its articles."""
    ranked = rank(new, candidates, rarity)
    by_story: dict[Any, list[tuple[Candidate, PairScore]]] = {}
    options: list[tuple[float, int, Proposal]] = []
    for candidate, pair in ranked:
        if candidate.story is None:
            proposal = Proposal(
                "pair", document=candidate.document, score=pair.score, reason=pair.reason
            )
            options.append((pair.score, len(options), proposal))
        else:
            by_story.setdefault(candidate.story, []).append((candidate, pair))
    for story, members in by_story.items():
        value = round(story_score([pair.score for _, pair in members]), 3)
        best = members[0][1]  # ranked: the story's best article comes first
        reason = best.reason
        if len(members) > 1:
            reason = f"{reason} (best of {len(members)} articles; story {value:.2f})"
        proposal = Proposal("join", story=story, score=value, reason=reason)
        options.append((value, len(options), proposal))
    options.sort(key=lambda o: (-o[0], o[1]))
    if options and options[0][0] >= threshold:
        return options[0][2]
    return Proposal("alone")


__all__ = [
    "THRESHOLD",
    "Candidate",
    "PairScore",
    "Proposal",
    "Rarity",
    "Signature",
    "propose",
    "rank",
    "score",
    "shortlist",
    "signature",
]
