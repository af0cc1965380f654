"""Scoring rules of the suggesters' quality benchmark.

The rules are those of shared/data/README.md, "How a score is counted".

Kept apart from the benchmark script so tests and the Django side (scoring a project's own
model on held-out reviewer labels) count the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .candidates import Candidate
from .datasets import Article

_OPEN_DOUBLE = "“„«‟"
_CLOSE_DOUBLE = "”»"


def paired_quote_mask(text: str) -> bytearray:
    """1 for every character inside a pair of quotation marks (marks included), else 0.

    Deliberately simpler than the suggester and written apart from it, so the gold standard does
    not inherit the suggester's choices: per paragraph (line), “ „ « open and ” » close, straight
    double marks pair in turn, ‘ at a word start pairs with the next ’ not between letters. A
    mark left open at the end of a paragraph counts to that paragraph's end when the next
    paragraph opens with a mark (the convention for quotations over several paragraphs).
    Two apostrophes in a row count as one double mark.
    """
    # two apostrophes stand for a double mark in some papers' text (''Like this,'' he said)
    text = text.replace("''", '" ')
    mask = bytearray(len(text))
    lines = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    for li, (lo, hi) in enumerate(lines):
        open_at = -1
        straight = False
        i = lo
        while i < hi:
            ch = text[i]
            if open_at < 0:
                if ch in _OPEN_DOUBLE or ch == '"':
                    open_at, straight = i, ch == '"'
                elif ch == "‘" and (i == lo or not text[i - 1].isalnum()):
                    j = i + 1
                    while j < hi:
                        if text[j] == "’" and not (
                            j + 1 < hi and text[j + 1].isalnum() and text[j - 1].isalnum()
                        ):
                            break
                        j += 1
                    if j < hi:
                        mask[i : j + 1] = b"\x01" * (j + 1 - i)
                        i = j
            elif (straight and ch == '"') or (not straight and ch in _CLOSE_DOUBLE):
                mask[open_at : i + 1] = b"\x01" * (i + 1 - open_at)
                open_at = -1
            i += 1
        if open_at >= 0 and li + 1 < len(lines):
            nlo, nhi = lines[li + 1]
            nxt = text[nlo:nhi].lstrip()
            if not nxt and li + 2 < len(lines):  # a blank line between paragraphs
                nxt = text[lines[li + 2][0] : lines[li + 2][1]].lstrip()
            if nxt[:1] in (_OPEN_DOUBLE + '"'):
                mask[open_at:hi] = b"\x01" * (hi - open_at)
    return mask


@dataclass(frozen=True)
class GoldQuote:
    content: tuple[tuple[int, int], ...]
    source: tuple[tuple[int, int], ...]


def gold_direct_quotes(article: Article) -> list[GoldQuote]:
    """Content spans of attributions lying at least half inside paired quotation marks."""
    mask = paired_quote_mask(article.text)
    out = []
    for att in article.attributions:
        total = sum(e - s for s, e in att.content)
        inside = sum(sum(mask[s:e]) for s, e in att.content)
        if total and inside * 2 >= total:
            out.append(GoldQuote(tuple(att.content), tuple(att.source)))
    return out


def _overlaps(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> bool:
    b = list(b)
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class QuoteScore:
    precision: float
    recall: float
    f1: float
    char_f1: float
    speaker_accuracy: float
    suggested: int
    gold: int
    found: int
    speaker_judged: int  # found gold quotes that have a Source to compare with


def score_quotes(
    articles: Sequence[Article],
    suggest: Callable[[str], list[Candidate]],
    *,
    errors: list | None = None,
) -> QuoteScore:
    """Score a QUOTE suggester on PolNeAR articles by the README's rules.

    A suggestion is correct if it overlaps a gold direct quote; a gold quote is found if some
    suggestion overlaps it. Speaker accuracy: among found gold quotes that have a Source, the
    share whose first overlapping suggestion has speaker offsets overlapping that Source.
    Character F1 compares the characters covered by suggestions with those covered by gold.
    """
    tp_s = fp_s = 0
    found = gold_n = 0
    judged = right = 0
    char_tp = char_pred = char_gold = 0
    for art in articles:
        gold = gold_direct_quotes(art)
        cands = [c for c in suggest(art.text) if c.label == "QUOTE"]
        gold_n += len(gold)
        for c in cands:
            if any(_overlaps([(c.start, c.end)], g.content) for g in gold):
                tp_s += 1
            else:
                fp_s += 1
                if errors is not None:
                    errors.append(("fp", art, c, None))
        for g in gold:
            hits = [c for c in cands if _overlaps([(c.start, c.end)], g.content)]
            if not hits:
                if errors is not None:
                    errors.append(("fn", art, None, g))
                continue
            found += 1
            if g.source:
                judged += 1
                first = hits[0]
                if (
                    first.speaker_start is not None
                    and first.speaker_end is not None
                    and _overlaps([(first.speaker_start, first.speaker_end)], g.source)
                ):
                    right += 1
                elif errors is not None:
                    errors.append(("speaker", art, first, g))
        pred_chars: set[int] = set()
        for c in cands:
            pred_chars.update(range(c.start, c.end))
        gold_chars: set[int] = set()
        for g in gold:
            for s, e in g.content:
                gold_chars.update(range(s, e))
        char_tp += len(pred_chars & gold_chars)
        char_pred += len(pred_chars)
        char_gold += len(gold_chars)
    precision = tp_s / (tp_s + fp_s) if tp_s + fp_s else 0.0
    recall = found / gold_n if gold_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    cp = char_tp / char_pred if char_pred else 0.0
    cr = char_tp / char_gold if char_gold else 0.0
    char_f1 = 2 * cp * cr / (cp + cr) if cp + cr else 0.0
    return QuoteScore(
        precision,
        recall,
        f1,
        char_f1,
        right / judged if judged else 0.0,
        tp_s + fp_s,
        gold_n,
        found,
        judged,
    )


@dataclass
class SentenceScore:
    precision: float  # of the positive class
    recall: float
    f1: float
    macro_f1: float


def score_sentences(gold: Sequence[bool], predicted: Sequence[bool]) -> SentenceScore:
    """Precision, recall, F1 of the positive class, and macro-F1 over both classes."""
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    tn = sum(1 for g, p in zip(gold, predicted, strict=True) if not g and not p)
    p, r, f = prf(tp, fp, fn)
    _, _, f_neg = prf(tn, fn, fp)
    return SentenceScore(p, r, f, (f + f_neg) / 2)


def predict_sentences(
    sentences: Iterable[str], suggest: Callable[[str], list[Candidate]], label: str
) -> list[bool]:
    """A sentence is predicted positive if any ``label`` span is suggested in it, given alone."""
    return [any(c.label == label for c in suggest(s)) for s in sentences]
