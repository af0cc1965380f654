"""The same factual assertion in two articles, in other words.

Each sentence is a unit (headlines included). Two units are compared by the cosine of their
TF-IDF vectors over crude stems, the IDF taken over the whole story's sentences, so that what
only these two sentences share (a name, a figure, an unusual verb) weighs most. A pair is kept
when each is among the other's best few counterparts (a sentence can assert two things, each
found in a different sentence of the other article) and the similarity clears a floor.

A sentence-embedding similarity can be plugged in (``similarity``): it is blended with the
lexical one, so paraphrases with no word in common can still meet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .matches import ClaimMatch, Side
from .text import Document, Idf, content_stems, stem, words

Similarity = Callable[[Sequence[str], Sequence[str]], Sequence[Sequence[float]]]

FLOOR = 0.1  # below this lexical cosine two sentences are not the same assertion
TOP_K = 2  # each sentence keeps at most this many counterparts in the other article
TOP_K_SEMANTIC = 3  # as many with a sentence embedding, whose ranking is surer
SEMANTIC_WEIGHT = 0.5  # share of a plugged-in similarity in the blended score
CONTAINMENT = 0.0  # share of containment in the lexical similarity
MIN_STEMS = 3  # shorter units ("he said.") assert nothing to compare


@dataclass
class Unit:
    doc: Document
    start: int
    end: int
    stems: list[str]
    vector: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)  # IDF of each distinct stem
    mass: float = 0.0
    surface: dict[str, str] = field(default_factory=dict)  # stem -> first word, for reasons

    @property
    def text(self) -> str:
        return self.doc.text[self.start : self.end]


def sentence_units(doc: Document) -> list[Unit]:
    out = []
    seen: set[tuple[str, ...]] = set()
    for s, e in doc.sentences:
        stems = content_stems(doc.text, s, e)
        # A sentence printed twice (a headline repeated as the first paragraph) is one unit.
        key = tuple(stems)
        if key in seen:
            continue
        seen.add(key)
        out.append(Unit(doc, s, e, stems))
    return out


def vectors(units: Sequence[Unit], idf: Idf) -> None:
    for u in units:
        if not u.vector:
            u.vector = idf.vector(u.stems)
            u.weights = {t: idf(t) for t in set(u.stems)}
            u.mass = sum(u.weights.values())


def similarities(ua: Sequence[Unit], ub: Sequence[Unit]) -> dict[tuple[int, int], float]:
    """Similarity of every two units that share a stem, through an inverted index.

    The cosine of the TF-IDF vectors, blended with containment (the IDF mass they share over
    the smaller unit's): a clause asserting one thing inside a long sentence asserting three
    is still the same claim.
    """
    index: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for j, u in enumerate(ub):
        for t, v in u.vector.items():
            index[t].append((j, v, u.weights[t]))
    sims: dict[tuple[int, int], float] = {}
    for i, u in enumerate(ua):
        cos: dict[int, float] = defaultdict(float)
        shared: dict[int, float] = defaultdict(float)
        for t, v in u.vector.items():
            for j, w, idf in index.get(t, ()):
                cos[j] += v * w
                shared[j] += idf
        for j, c in cos.items():
            contained = shared[j] / min(u.mass, ub[j].mass)
            sims[(i, j)] = (1 - CONTAINMENT) * c + CONTAINMENT * contained
    return sims


def best_pairs(
    sims: dict[tuple[int, int], float], floor: float, top_k: int
) -> list[tuple[int, int, float]]:
    """Pairs above ``floor`` where each side is among the other's ``top_k`` best."""
    by_a: dict[int, list[tuple[float, int]]] = defaultdict(list)
    by_b: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (i, j), s in sims.items():
        if s >= floor:
            by_a[i].append((s, j))
            by_b[j].append((s, i))
    top_a = {i: {j for _, j in sorted(v, reverse=True)[:top_k]} for i, v in by_a.items()}
    top_b = {j: {i for _, i in sorted(v, reverse=True)[:top_k]} for j, v in by_b.items()}
    return [
        (i, j, s)
        for (i, j), s in sims.items()
        if s >= floor and j in top_a.get(i, ()) and i in top_b.get(j, ())
    ]


def match_claims(
    doc_a: Document,
    doc_b: Document,
    units: dict[str, list[Unit]],
    idf: Idf,
    similarity: Similarity | None = None,
) -> list[ClaimMatch]:
    ua = [u for u in units[doc_a.doc_id] if len(u.stems) >= MIN_STEMS]
    ub = [u for u in units[doc_b.doc_id] if len(u.stems) >= MIN_STEMS]
    if not ua or not ub:
        return []
    vectors(ua, idf)
    vectors(ub, idf)
    sims = similarities(ua, ub)
    if similarity is not None:
        matrix = similarity([u.text for u in ua], [u.text for u in ub])
        for i in range(len(ua)):
            for j in range(len(ub)):
                lex = sims.get((i, j), 0.0)
                sims[(i, j)] = (1 - SEMANTIC_WEIGHT) * lex + SEMANTIC_WEIGHT * float(matrix[i][j])
    out = []
    top_k = TOP_K if similarity is None else TOP_K_SEMANTIC
    for i, j, s in best_pairs(sims, FLOOR, top_k):
        a, b = ua[i], ub[j]
        # Ties in alphabetical order: the same reason in every worker process.
        shared_terms = sorted(
            set(a.vector) & set(b.vector), key=lambda t: (-a.vector[t] * b.vector[t], t)
        )
        shown = [_show(a, t) for t in shared_terms[:6]]
        out.append(
            ClaimMatch(
                a=Side.cut(doc_a.doc_id, doc_a.text, a.start, a.end),
                b=Side.cut(doc_b.doc_id, doc_b.text, b.start, b.end),
                score=min(1.0, max(0.0, s)),
                reason=f"similar wording (cosine {s:.2f}); shared: {', '.join(shown)}",
                shared=shown,
            )
        )
    return out


def _show(unit: Unit, stem_: str) -> str:
    """A stem shown as the first word of the unit it came from."""
    if not unit.surface:
        for w in words(unit.doc.text, unit.start, unit.end):
            unit.surface.setdefault(stem(w.norm), w.norm)
    return unit.surface.get(stem_, stem_)
