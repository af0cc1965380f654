"""One outlet's loaded term where another names the same thing neutrally.

The loaded term is a hit of the hand-written lexicon (``lexicon.TERMS``) in the article's own
words: inside quotation marks the words are the speaker's, not the outlet's, and are skipped. A
modifier takes the word it qualifies with it ("occupied Kashmir", "scathing report").

Its counterpart is the other article's mention of the same thing, found in three steps:

1. the other article's sentences are ranked by how much they are about what the term is about:
   mostly the words around it, a little its whole sentence (story TF-IDF, the term's own words
   left out). A sentence embedding blended in did worse on the development events: a sentence
   about the same event is not one naming the same thing;
2. in a sentence near the top, the words the two passages share on either side of the term (the
   noun a modifier qualifies, the subject and the object of a verb) anchor it, and the other
   article's words between the anchors stand in its place ("Pelosi *slammed* the plan" /
   "Pelosi *criticized* the plan"; "the *scathing* report" / "the report");
3. a neutral name the lexicon gives for the term (militants for freedom fighters, estate tax for
   death tax) is preferred, at the anchors or, for a label, anywhere the sentence is about the
   same thing.

The counterpart is the shortest span found (the words in the term's place, the neutral name with
the word it qualifies), never a whole sentence. It never shares the term's own words ("fighters"
is no neutral name for "freedom fighters") and it is no contrast when the other article uses the
same term there (or, for a label, anywhere).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .claims import Unit, vectors
from .lexicon import TERMS, Lexicon, Term
from .matches import LoadedMatch, Side
from .text import STOPWORDS, Document, Idf, Word, cosine, stem, words

LOCAL = 0.9  # weight of the words around the term against its whole sentence
WINDOW = 6  # content words each side of the term that say what it is about
TIGHT = 3  # words each side of the term where a shared word anchors its place
TOP = 3  # sentences searched for the words standing in the term's place
MAX_SPAN = 6  # at most this many words stand in a term's place
# Categories naming a thing the whole article can refer to: one use anywhere in the other
# article means the two outlets share the label.
_LABELS = frozenset({"contested label", "insinuating label"})


@dataclass
class _Words:
    """An article's words, each with its content stem (None for a stop word) and sentence."""

    text: str
    words: list[Word]
    starts: list[int]
    stems: list[str | None]
    sentence: list[int]
    # The alignment of one of its sentences with another article's, by (the other article's
    # words, this sentence's word range, the other's): terms of one sentence ask for the same.
    aligned: dict[tuple[int, tuple[int, int], tuple[int, int]], list] = field(default_factory=dict)


def _prepared(doc: Document) -> _Words:
    if "loaded-words" not in doc.cache:
        ws = words(doc.text)
        sents = doc.sentences
        ends = [e for _, e in sents]
        stems = [None if (w.norm in STOPWORDS or len(w.norm) < 2) else stem(w.norm) for w in ws]
        doc.cache["loaded-words"] = _Words(
            doc.text, ws, [w.start for w in ws], stems, [bisect_right(ends, w.start) for w in ws]
        )
    return doc.cache["loaded-words"]


def _lexicon(terms: Sequence[Term]) -> Lexicon:
    key = ("lexicon", id(terms), len(terms))
    cached = _LEXICONS.get(key)
    if cached is None or cached[0] is not terms:
        cached = (terms, Lexicon(terms))
        _LEXICONS.clear()  # one lexicon in use at a time; a held-out run swaps it
        _LEXICONS[key] = cached
    return cached[1]


_LEXICONS: dict[tuple, tuple[Sequence[Term], Lexicon]] = {}
_NEUTRAL: dict[int, Lexicon] = {}


def _neutral_lexicon(term: Term) -> Lexicon:
    lex = _NEUTRAL.get(id(term))
    if lex is None:
        lex = _NEUTRAL[id(term)] = Lexicon(term.neutral)
    return lex


def _hits(doc: Document, lex: Lexicon) -> list[tuple[int, int, Term, bool]]:
    """Every term of ``lex`` in the article: first word, past the last, term, quoted."""
    key = ("loaded-hits", id(lex))
    if key not in doc.cache:
        pw = _prepared(doc)
        found = lex.find([w.norm for w in pw.words])
        doc.cache[key] = [
            (i, j, t, doc.quoted(pw.words[i].start, pw.words[j - 1].end))
            for i, j, t in found
            if not _a_name(pw, i, t)
        ]
    return doc.cache[key]


def _a_name(pw: _Words, i: int, term: Term) -> bool:
    """A term the lexicon writes in lower case, capitalised inside a sentence, is part of a
    name ("Islamic State", "SITE Intel Group"), not the word."""
    return (
        term.lemma.islower()
        and pw.text[pw.words[i].start].isupper()
        and i > 0
        and pw.sentence[i - 1] == pw.sentence[i]
    )


def _span(doc: Document, pw: _Words, i: int, j: int) -> tuple[int, int]:
    """Offsets of words ``i..j-1``, with a hyphen-joined word before ("India-controlled") and
    without a possessive ending ("Kashmir's" is Kashmir)."""
    s, e = pw.words[i].start, pw.words[j - 1].end
    while i > 0 and doc.text[s - 1 : s] == "-" and pw.words[i - 1].end == s - 1:
        i -= 1
        s = pw.words[i].start
    tail = doc.text[e - 2 : e]
    if tail in ("'s", "’s") and e - 2 > s:
        e -= 2
    return s, e


@dataclass
class _Candidate:
    score: float
    start: int  # words of the other article
    end: int
    how: str


def _keys(pw: _Words, lo: int, hi: int) -> list[str]:
    """What words are aligned by: the stem of a content word, a stop word as it is."""
    return [pw.stems[k] or pw.words[k].norm for k in range(lo, hi)]


def _sentence_words(pw: _Words, start: int, end: int) -> tuple[int, int]:
    return bisect_left(pw.starts, start), bisect_left(pw.starts, end)


def _aligned(
    px: _Words,
    py: _Words,
    xs: tuple[int, int],
    ys: tuple[int, int],
    i: int,
    j: int,
    head: int | None,
) -> tuple[int, int, float] | None:
    """Where the other sentence puts the term: ``(first word, past the last, evidence)``.

    The two sentences' words are aligned (a longest-common-subsequence diff over stems); the
    other sentence's words replacing the term's are its counterpart, or, when it leaves the term
    out ("abruptly resigned" / "resigned"), the word it qualified. Anchors are the aligned content
    words within a few words of the term: without one the place is a guess, and None is returned.
    None too when the other sentence has the term's own words there: no contrast.
    """
    x0, x1 = xs
    y0, y1 = ys
    key = (id(py), xs, ys)
    ops_list = px.aligned.get(key)
    if ops_list is None:
        ops = SequenceMatcher(None, _keys(px, x0, x1), _keys(py, y0, y1), autojunk=False)
        ops_list = px.aligned[key] = ops.get_opcodes()
    term = range(i - x0, j - x0)
    aligned: set[int] = set()  # content words of x aligned with the other sentence
    for tag, a0, a1, _, _ in ops_list:
        if tag == "equal":
            for k in range(a0, a1):
                if px.stems[x0 + k] is not None:
                    if k in term:
                        return None  # the same words in the same place
                    aligned.add(k)
    # Evidence of the place: an aligned word right before the term and one right after it.
    left = any(k in aligned for k in range(term.start - TIGHT, term.start))
    right = any(k in aligned for k in range(term.stop, term.stop + TIGHT))
    if not (left or right):
        return None
    evidence = (left + right) / 2
    replaced = [
        (b0, b1)
        for tag, a0, a1, b0, b1 in ops_list
        if tag in ("replace", "insert") and a0 < term.stop and a1 > term.start
    ]
    if replaced:
        b0 = min(b for b, _ in replaced)
        b1 = max(b for _, b in replaced)
        content = [k for k in range(b0, b1) if py.stems[y0 + k] is not None]
        if content:
            first, last = content[0], min(content[-1], content[0] + MAX_SPAN - 1)
            extra = (last - first + 1) - len(term)
            if _names(py, y0 + first, y0 + last + 1) and not _names(px, i, j):
                return None  # names in its place: another thing, not another word for it
            return y0 + first, y0 + last + 1, evidence - 0.1 * max(0, extra - 1)
    if head is None:
        return None
    # A modifier left out: the word it qualified, unqualified.
    for tag, a0, a1, b0, _ in ops_list:
        if tag == "equal" and a0 <= term.stop < a1:
            for k in range(term.stop, a1):
                if px.stems[x0 + k] is not None:
                    yk = y0 + b0 + (k - a0)
                    return yk, yk + 1, evidence
    return None


def _names(pw: _Words, a: int, b: int) -> bool:
    """Whether the content words ``a..b-1`` are all capitalised (names)."""
    content = [pw.words[k] for k in range(a, b) if pw.stems[k] is not None]
    return bool(content) and all(pw.text[w.start].isupper() for w in content)


def _counterpart(
    x: Document,
    y: Document,
    px: _Words,
    py: _Words,
    i: int,
    j: int,
    head: int | None,
    term: Term,
    unit: Unit,
    ranked: list[tuple[float, Unit]],
) -> _Candidate | None:
    own = {w.norm for w in px.words[i:j]} | {stem(w.norm) for w in px.words[i:j]}
    neutral = [
        (a, b)
        for a, b, _, quoted in _hits(y, _neutral_lexicon(term))
        if not quoted
        and not any(py.words[k].norm in own or py.stems[k] in own for k in range(a, b))
    ]
    starts = [a for a, _ in neutral]
    xs = _sentence_words(px, unit.start, unit.end)
    best: _Candidate | None = None

    def offer(c: _Candidate) -> None:
        nonlocal best
        if best is None or c.score > best.score:
            best = c

    for rank, (sim, u) in enumerate(ranked):
        ys = _sentence_words(py, u.start, u.end)
        inside = [(a, b) for a, b in neutral[bisect_left(starts, ys[0]) :] if b <= ys[1]]
        if rank >= TOP and not (inside and term.category in _LABELS):
            continue
        place = _aligned(px, py, xs, ys, i, j, head) if rank < TOP else None
        if place is not None:
            a, b, evidence = place
            named = [(ha, hb) for ha, hb in inside if ha < b and hb > a]
            if named:
                a, b = min(a, named[0][0]), max(b, named[-1][1])
            if b < ys[1] and head is not None and py.stems[b] == px.stems[head]:
                b += 1  # with the word it qualifies, as the loaded side has it
            how = "its neutral name" if named else "other words in its place"
            score = 0.25 + 0.35 * sim + 0.25 * evidence + (0.15 if named else 0.0)
            offer(_Candidate(score, a, b, how))
            mid = (a + b) / 2
        else:
            mid = None
        for a, b in inside:
            # A neutral name in a sentence about the same thing, nearest the aligned place.
            far = 0.0 if mid is None else min(1.0, abs((a + b) / 2 - mid) / 10)
            if b < ys[1] and head is not None and py.stems[b] == px.stems[head]:
                b += 1  # the neutral modifier with the word it qualifies
            offer(_Candidate(0.3 + 0.35 * sim + 0.1 * (1 - far), a, b, "its neutral name"))
    return best


def _directed(
    x: Document,
    y: Document,
    ux: Sequence[Unit],
    uy: Sequence[Unit],
    idf: Idf,
    lex: Lexicon,
) -> list[LoadedMatch]:
    px, py = _prepared(x), _prepared(y)
    y_terms = {t.lemma for _, _, t, quoted in _hits(y, lex) if not quoted}
    index: dict[str, list[int]] = {}  # stem -> the other article's sentences that have it
    for k, u in enumerate(uy):
        for t in u.vector:
            index.setdefault(t, []).append(k)
    out: list[LoadedMatch] = []
    for i, j, term, quoted in _hits(x, lex):
        if quoted or (term.category in _LABELS and term.lemma in y_terms):
            continue
        qualifies = (
            term.modifier
            and j < len(px.words)
            and px.stems[j] is not None
            and px.sentence[j] == px.sentence[i]
            and not x.quoted(px.words[j].start, px.words[j].end)
        )
        head = j if qualifies else None
        s, e = _span(x, px, i, (head + 1) if head is not None else j)
        unit = next((u for u in ux if u.start <= s < u.end), None)
        if unit is None:
            continue
        own = {stem(w.norm) for w in px.words[i:j]}
        sent = idf.vector([t for t in unit.stems if t not in own])
        near = [t for t in _window(px, i, j) if t not in own]
        local = idf.vector(near)
        # A sentence sharing no stem with either vector scores 0.0: only those that share one
        # are computed (the same sum, in the same order, as for every sentence).
        sharing = {k for t in (*local, *sent) for k in index.get(t, ())}
        ranked = [
            (
                LOCAL * cosine(local, u.vector) + (1 - LOCAL) * cosine(sent, u.vector)
                if k in sharing
                else 0.0,
                u,
            )
            for k, u in enumerate(uy)
        ]
        ranked.sort(key=lambda t: -t[0])
        found = _counterpart(x, y, px, py, i, j, head, term, unit, ranked)
        if found is None:
            continue
        # The other article saying the same thing there is no contrast.
        if any(
            t.lemma == term.lemma and abs(a - found.start) <= 2 * MAX_SPAN
            for a, _, t, _ in _hits(y, lex)
        ):
            continue
        ns, ne = _span(y, py, found.start, found.end)
        out.append(
            LoadedMatch(
                a=Side.cut(x.doc_id, x.text, s, e),
                b=Side.cut(y.doc_id, y.text, ns, ne),
                score=min(1.0, max(0.0, found.score)),
                reason=(
                    f"'{x.text[s:e]}' ({term.category}) where the other article has "
                    f"{found.how}: '{y.text[ns:ne]}'"
                ),
                term=x.text[s:e],
                neutral=y.text[ns:ne],
                category=term.category,
                cue=term.lemma,
            )
        )
    return out


def _window(px: _Words, i: int, j: int) -> list[str]:
    sx = px.sentence[i]
    before: list[str] = []
    k = i - 1
    while k >= 0 and px.sentence[k] == sx and len(before) < WINDOW:
        if px.stems[k] is not None:
            before.append(px.stems[k])  # type: ignore[arg-type]
        k -= 1
    after: list[str] = []
    k = j
    while k < len(px.stems) and px.sentence[k] == sx and len(after) < WINDOW:
        if px.stems[k] is not None:
            after.append(px.stems[k])  # type: ignore[arg-type]
        k += 1
    return before + after


def match_loaded(
    doc_a: Document,
    doc_b: Document,
    units: dict[str, list[Unit]],
    idf: Idf,
    terms: Sequence[Term] | None = None,
) -> list[LoadedMatch]:
    """Loaded terms of either article against the other (``a`` is always the loaded side)."""
    lex = _lexicon(TERMS if terms is None else terms)
    ua, ub = units[doc_a.doc_id], units[doc_b.doc_id]
    vectors(ua, idf)
    vectors(ub, idf)
    return _directed(doc_a, doc_b, ua, ub, idf, lex) + _directed(doc_b, doc_a, ub, ua, idf, lex)
