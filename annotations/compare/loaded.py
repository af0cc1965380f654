"""One outlet's loaded term where another names the same thing neutrally.

A loaded term is a hit of the hand-written lexicon (``lexicon.ENTRIES``) in an article's own
words: inside quotation marks the words are the speaker's, not the outlet's, and are skipped.
Its counterpart in the other article is, when the lexicon knows a neutral name ("occupied
Kashmir" -> "India-administered Kashmir"), that name in the sentence most like the loaded one;
otherwise the sentence that reports the same thing (TF-IDF similarity, the loaded words left
out). The other article must not use the loaded term itself: then it is no contrast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .claims import Unit, vectors
from .lexicon import ENTRIES, Entry
from .matches import LoadedMatch, Side
from .text import STOPWORDS, Document, Idf, content_stems, cosine

FLOOR = 0.15  # sentence similarity below which no counterpart is proposed
LOCAL = 0.6  # weight of the words near the loaded term against its whole sentence
_NEXT_WORD = re.compile(r"\s+([A-Za-z][\w'’-]*)")


def _hits(doc: Document, entries: Sequence[Entry]) -> list[tuple[Entry, re.Match]]:
    """The lexicon's hits in the article's own words (every hit, quoted or not, is kept in
    ``doc.cache`` for the other pairs of the story)."""
    key = ("loaded", id(entries))
    if key not in doc.cache:
        found = [(e, m) for e in entries for m in e.loaded.finditer(doc.text)]
        found.sort(key=lambda h: h[1].start())
        doc.cache[key] = found
    return [(e, m) for e, m in doc.cache[key] if not doc.quoted(m.start(), m.end())]


def _uses(doc: Document, entry: Entry, entries: Sequence[Entry]) -> bool:
    _hits(doc, entries)
    return any(e is entry for e, _ in doc.cache[("loaded", id(entries))])


def _loaded_span(doc: Document, entry: Entry, m: re.Match) -> tuple[int, int]:
    """The loaded words, with the noun they qualify when they are an adjective."""
    s, e = m.span()
    if entry.category == "evaluative adjective":
        nxt = _NEXT_WORD.match(doc.text, e)
        if nxt and nxt.group(1).lower() not in STOPWORDS:
            e = nxt.end()
    return s, e


def _unit_at(units: Sequence[Unit], pos: int) -> Unit | None:
    for u in units:
        if u.start <= pos < u.end:
            return u
    return None


def _directed(
    x: Document,
    y: Document,
    ux: Sequence[Unit],
    uy: Sequence[Unit],
    idf: Idf,
    entries: Sequence[Entry],
) -> list[LoadedMatch]:
    out: list[LoadedMatch] = []
    done: set[tuple[int, int]] = set()
    for entry, m in _hits(x, entries):
        if _uses(y, entry, entries):
            continue  # both outlets use it: no contrast
        s, e = _loaded_span(x, entry, m)
        if (s, e) in done:
            continue
        unit = _unit_at(ux, m.start())
        if unit is None:
            continue
        term = set(content_stems(x.text, m.start(), m.end()))
        vec = idf.vector([t for t in unit.stems if t not in term])
        # What the loaded words are about is mostly next to them ("lover Lisa Page").
        near = content_stems(x.text, max(unit.start, s - 60), min(unit.end, e + 60))
        local = idf.vector([t for t in near if t not in term])
        ranked = sorted(
            (
                (LOCAL * cosine(local, u.vector) + (1 - LOCAL) * cosine(vec, u.vector), u)
                for u in uy
            ),
            key=lambda t: -t[0],
        )
        found = None
        if entry.neutral is not None:
            pattern = entry.neutral
            if "{x}" in pattern:
                pattern = pattern.replace("{x}", re.escape(m.group("x")))
            neutral = re.compile(pattern, re.IGNORECASE)
            for sim, u in ranked:
                hit = neutral.search(y.text, u.start, u.end)
                if hit and not y.quoted(hit.start(), hit.end()):
                    found = (hit.start(), hit.end(), 0.6 + 0.4 * min(1.0, sim), "its neutral name")
                    break
        if found is None and ranked and ranked[0][0] >= FLOOR:
            sim, u = ranked[0]
            found = (u.start, u.end, sim, "the sentence reporting the same thing")
        if found is None:
            continue
        ns, ne, score, how = found
        done.add((s, e))
        out.append(
            LoadedMatch(
                a=Side.cut(x.doc_id, x.text, s, e),
                b=Side.cut(y.doc_id, y.text, ns, ne),
                score=min(1.0, score),
                reason=(
                    f"'{x.text[s:e]}' ({entry.category}) where the other article has "
                    f"{how}: '{_short(y.text[ns:ne])}'"
                ),
                term=x.text[s:e],
                neutral=y.text[ns:ne],
                category=entry.category,
            )
        )
    return out


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def match_loaded(
    doc_a: Document,
    doc_b: Document,
    units: dict[str, list[Unit]],
    idf: Idf,
    entries: Sequence[Entry] | None = None,
) -> list[LoadedMatch]:
    """Loaded terms of either article against the other (``a`` is always the loaded side)."""
    entries = ENTRIES if entries is None else entries
    ua, ub = units[doc_a.doc_id], units[doc_b.doc_id]
    vectors(ua, idf)
    vectors(ub, idf)
    return _directed(doc_a, doc_b, ua, ub, idf, entries) + _directed(
        doc_b, doc_a, ub, ua, idf, entries
    )
