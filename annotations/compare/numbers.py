"""The same quantity told with a different number or qualifier in two articles.

Every figure of an article (``figures``) is a mention with its context: the content words of its
sentence near it. Two mentions of two articles are the same quantity when they have the same
kind of unit (dollars, a duration, a share, a year, the same counted noun), values close enough to
be one quantity told twice, and similar contexts (TF-IDF over the story, so "killed ... Sri Lanka
... Easter" weighs more than "said"). Within an article pair each mention is used once, the
likeliest pairings first, agreeing ones included: a figure another outlet repeats exactly is
accounted for and not flagged against a third one. Only pairs whose values or qualifiers differ
are reported, with whether both can be true.

Figures in a list (three or more of one kind in a paragraph: a poll's results, a table read
out) belong to the name before each ("Palin (12 percent)", "Gingrich garnered 11 percent"). Two
lists are compared name by name; when the names they share all have different figures, they are
two sources (two polls, of two populations or dates), not one told differently, and nothing
between them is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .claims import Unit
from .figures import Figure, compatible, figures, same_value
from .matches import NumberMatch, Side, Value
from .text import Document, Idf, content_stems, cosine, stem, words

WINDOW = 10  # content words each side of a figure that describe what it counts
MAX_RATIO = 1.5  # values further apart than this are different quantities
FLOOR = 0.2  # pairings scoring below this are not the same quantity
MAX_YEARS = 1  # outlets that disagree on a year are one apart (2002 or 2003)


LIST = 3  # figures of one kind in a paragraph that make a list
NAME_REACH = 40  # characters before a listed figure searched for the name it belongs to


@dataclass
class Mention:
    doc: Document
    figure: Figure
    stems: list[str]
    sentence: tuple[int, int]
    vector: dict[str, float]
    sentence_vector: dict[str, float]
    listed: int | None = None  # the paragraph of the list it is part of, if any
    name: str = ""  # in a list: the name the figure belongs to


_NAME = re.compile(r"\b([A-Z][a-z][\w'’-]*)\b")


def _lists(doc: Document, found: list[Mention]) -> None:
    """Mark the figures that are part of a list, with the name each belongs to."""
    paragraphs: dict[tuple[int, str], list[Mention]] = {}
    for m in found:
        para = doc.text.rfind("\n\n", 0, m.figure.start)
        paragraphs.setdefault((para, m.figure.dim), []).append(m)
    for (para, _), ms in paragraphs.items():
        if len(ms) < LIST:
            continue
        for m in ms:
            m.listed = para
            before = doc.text[max(0, m.figure.start - NAME_REACH, para) : m.figure.start]
            names = [n for n in _NAME.findall(before) if n.lower() not in _NOT_NAMES]
            m.name = names[-1] if names else ""


def _different_sources(ma: list[Mention], mb: list[Mention]) -> set[tuple[int, int]]:
    """Pairs of lists (paragraphs) whose shared names all have different figures."""
    by_list: dict[tuple[int, int], tuple[int, int]] = {}
    for x in ma:
        for y in mb:
            if x.listed is None or y.listed is None or not x.name or x.name != y.name:
                continue
            if x.figure.dim != y.figure.dim:
                continue
            agree, differ = by_list.get((x.listed, y.listed), (0, 0))
            if same_value(x.figure, y.figure):
                agree += 1
            else:
                differ += 1
            by_list[(x.listed, y.listed)] = (agree, differ)
    return {k for k, (agree, differ) in by_list.items() if differ >= 2 and not agree}


_NOT_NAMES = frozenset(("the", "in", "at", "former", "gov", "sen", "rep", "president"))


def mentions(doc: Document) -> list[Figure]:
    return figures(doc.text)


def _mentions(doc: Document, found: list[Figure], idf: Idf) -> list[Mention]:
    out = []
    for f in found:
        s, e = doc.sentence_at(f.start)
        if e <= s:
            s, e = f.start, f.end
        before = [t for t in content_stems(doc.text, s, f.start) if _content(t)][-WINDOW:]
        after = [t for t in content_stems(doc.text, f.end, e) if _content(t)][:WINDOW]
        stems = before + after
        if f.noun:
            stems.append(stem(f.noun))
        out.append(
            Mention(
                doc, f, stems, (s, e), idf.vector(stems), idf.vector(content_stems(doc.text, s, e))
            )
        )
    _lists(doc, out)
    return out


def _cached(doc: Document, numbers: dict[str, list[Figure]], idf: Idf) -> list[Mention]:
    key = ("numbers", id(idf))
    if key not in doc.cache:
        doc.cache[key] = _mentions(doc, numbers[doc.doc_id], idf)
    return doc.cache[key]


def _content(t: str) -> bool:
    return not any(ch.isdigit() for ch in t)


def _comparable(a: Figure, b: Figure) -> bool:
    if a.dim != b.dim:
        return False
    if a.dim == "count" and a.unit != b.unit and "tally" not in (a.unit, b.unit):
        return False
    if a.dim == "money" and a.unit != b.unit:
        return False
    if a.value is not None and b.value is not None:
        if a.dim == "year":
            return abs(a.value - b.value) <= MAX_YEARS
        lo, hi = sorted((a.value, b.value))
        return lo > 0 and hi / lo <= MAX_RATIO
    return True  # a vague word against a number: the context decides


def _closeness(a: Figure, b: Figure) -> float:
    if a.value is None or b.value is None:
        return 0.3
    if a.dim == "year":
        return 1.0 - abs(a.value - b.value) / (MAX_YEARS + 1)
    lo, hi = sorted((a.value, b.value))
    return 1.0 - (hi / lo - 1.0) / (MAX_RATIO - 1.0) * 0.7


def _value(f: Figure) -> Value:
    return Value(f.text, f.qualifier, f.value, f.low, f.high)


def match_numbers(
    doc_a: Document,
    doc_b: Document,
    numbers: dict[str, list[Figure]],
    units: dict[str, list[Unit]],
    idf: Idf,
) -> list[NumberMatch]:
    ma = _cached(doc_a, numbers, idf)
    mb = _cached(doc_b, numbers, idf)
    apart = _different_sources(ma, mb)
    cands: list[tuple[float, int, int, bool]] = []
    for i, x in enumerate(ma):
        for j, y in enumerate(mb):
            if not _comparable(x.figure, y.figure) or (x.listed, y.listed) in apart:
                continue
            if x.name and y.name and x.name != y.name:
                continue  # two names' figures in two lists
            ctx = cosine(x.vector, y.vector)
            sent = cosine(x.sentence_vector, y.sentence_vector)
            noun = 0.1 if x.figure.noun and x.figure.noun == y.figure.noun else 0.0
            score = 0.5 * ctx + 0.3 * sent + 0.2 * _closeness(x.figure, y.figure) + noun
            if score >= FLOOR:
                cands.append((min(1.0, score), i, j, same_value(x.figure, y.figure)))
    # Each mention's likeliest counterpart in the other article, seen from either side: a
    # figure another outlet repeats exactly is accounted for and not flagged against a third.
    best_a: dict[int, tuple[float, int, int, bool]] = {}
    best_b: dict[int, tuple[float, int, int, bool]] = {}
    for c in cands:
        _, i, j, _ = c
        if i not in best_a or c[0] > best_a[i][0]:
            best_a[i] = c
        if j not in best_b or c[0] > best_b[j][0]:
            best_b[j] = c
    chosen = {(c[1], c[2]): c for c in best_a.values() if best_b[c[2]] == c}
    out = []
    for score, i, j, same in sorted(chosen.values(), key=lambda c: (c[1], c[2])):
        if same or best_a[i][3] or best_b[j][3]:
            continue
        out.append(_match(ma[i], mb[j], score))
    return out


def _match(x: Mention, y: Mention, score: float) -> NumberMatch:
    fa, fb = x.figure, y.figure
    shared = [t for t in dict.fromkeys(x.stems) if t in set(y.stems)]
    shown = [_word_for(x, t) for t in shared[:4]]
    quantity = fa.noun or fb.noun or fa.unit
    if shown:
        quantity = f"{quantity} ({', '.join(shown)})" if quantity else ", ".join(shown)
    relation = "compatible" if compatible(fa, fb) else "conflict"
    what = []
    if fa.value != fb.value or fa.low != fb.low or fa.high != fb.high:
        what.append("different number" if fa.qclass == fb.qclass else "different figure")
    if fa.qualifier != fb.qualifier:
        what.append("different qualifier")
    reason = f"same quantity ({quantity}): '{fa.text}' / '{fb.text}', {' and '.join(what)}; " + (
        "both can be true" if relation == "compatible" else "they cannot both be true"
    )
    return NumberMatch(
        a=Side.cut(x.doc.doc_id, x.doc.text, fa.start, fa.end),
        b=Side.cut(y.doc.doc_id, y.doc.text, fb.start, fb.end),
        score=score,
        reason=reason,
        quantity=quantity,
        unit={"second": "duration"}.get(fa.unit, fa.unit),
        value_a=_value(fa),
        value_b=_value(fb),
        relation=relation,
    )


def _word_for(m: Mention, t: str) -> str:
    return _surfaces(m.doc, *m.sentence).get(t, t)


def _surfaces(doc: Document, start: int, end: int) -> dict[str, str]:
    """Each stem of the sentence's words, shown as its first word; kept with the article for
    the comparison, whose every pair shows the sentence's figures again."""
    key = ("number-surfaces", start, end)
    if key not in doc.cache:
        out: dict[str, str] = {}
        for w in words(doc.text, start, end):
            out.setdefault(stem(w.norm), w.norm)
        doc.cache[key] = out
    return doc.cache[key]
