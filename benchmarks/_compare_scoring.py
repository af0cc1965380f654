"""The cross-outlet data's counting rules (its README, "How a score is counted"), on their own.

A prediction is ``{"type", "a": {"doc", "start", "end"}, "b": {...}}`` plus, for quotes,
``wording``, ``substantive`` and ``differences``. ``score_group`` counts one event; ``Counts``
add up over events before any ratio is taken (``figures``). Nothing here imports the matcher:
the words are split by the README's rule again, so the scorer cannot inherit a matcher's bug.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, fields
from typing import Any

TYPES = ("quote", "claim", "numeric", "loaded")
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′ʼ＇`", "'"),
        **dict.fromkeys("“”„‟″«»＂", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)
_WORD = re.compile(r"[\w'&$%*]+")


def readme_words(text: str) -> list[str]:
    out = []
    for m in _WORD.finditer(text.translate(_FOLD).lower()):
        w = m.group().strip("'")
        if w:
            out.append(w)
    return out


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0  # kept after rule 1
    dropped_short: int = 0
    dropped_ignore: int = 0
    matched: int = 0
    duplicates: int = 0
    judged_errors: int = 0
    negatives: int = 0
    negatives_touched: int = 0
    wording_n: int = 0
    wording_ok: int = 0
    substantive_n: int = 0
    substantive_ok: int = 0
    diff_found: int = 0
    diff_predicted: int = 0
    diff_gold: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def _ratio(n: float, d: float) -> float | None:
    return n / d if d else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


def figures(c: Counts) -> dict[str, float | int | None]:
    recall = _ratio(c.matched, c.gold)
    p_strict = _ratio(c.matched, c.predicted - c.duplicates)
    p_judged = _ratio(c.matched, c.matched + c.judged_errors)
    dp = _ratio(c.diff_found, c.diff_predicted)
    dr = _ratio(c.diff_found, c.diff_gold)
    return {
        "gold": c.gold,
        "predicted": c.predicted,
        "matched": c.matched,
        "duplicates": c.duplicates,
        "judged_errors": c.judged_errors,
        "dropped_short": c.dropped_short,
        "dropped_ignore": c.dropped_ignore,
        "precision": p_judged,
        "precision_strict": p_strict,
        "recall": recall,
        "f1": _f1(p_judged, recall),
        "f1_strict": _f1(p_strict, recall),
        "negatives_respected": (1 - c.negatives_touched / c.negatives if c.negatives else None),
        "wording_accuracy": _ratio(c.wording_ok, c.wording_n),
        "substantive_accuracy": _ratio(c.substantive_ok, c.substantive_n),
        "diff_words_precision": dp,
        "diff_words_recall": dr,
        "diff_words_f1": _f1(dp, dr) if c.diff_predicted or c.diff_gold else None,
    }


def _ov(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _targets(side: dict) -> list[tuple[int, int]]:
    out = [(side["start"], side["end"])]
    out += [tuple(s) for s in side.get("segments", ())]
    out += [tuple(s) for s in side.get("alternates", ())]
    return out


def hit(pred: dict, gold: dict) -> int:
    """Characters of overlap when ``pred`` hits ``gold`` (rule 2), else 0."""
    if pred["doc"] != gold["doc"]:
        return 0
    p = (pred["start"], pred["end"])
    best = 0
    for t in _targets(gold):
        o = _ov(p, t)
        if o > 0 and o >= 0.5 * min(p[1] - p[0], t[1] - t[0]):
            best = max(best, o)
    return best


def pair_overlap(pred: dict, ga: dict, gb: dict) -> int:
    """Total overlap when the predicted pair matches the gold pair in either order, else 0."""
    best = 0
    for x, y in ((ga, gb), (gb, ga)):
        ha, hb = hit(pred["a"], x), hit(pred["b"], y)
        if ha and hb:
            best = max(best, ha + hb)
    return best


def _touches(pred_side: dict, span: dict) -> bool:
    if pred_side["doc"] != span["doc"]:
        return False
    p, s = (pred_side["start"], pred_side["end"]), (span["start"], span["end"])
    o = _ov(p, s)
    return o > 0 and o >= 0.5 * min(p[1] - p[0], s[1] - s[0])


def _gold_sides(group: dict, kind: str) -> list[tuple[dict, dict, dict]]:
    if kind == "quote":
        return [(p["a"], p["b"], p) for p in group["quote_pairs"]]
    if kind == "claim":
        return [(p["a"], p["b"], p) for p in group["claim_pairs"]]
    if kind == "numeric":
        return [(p["a"], p["b"], p) for p in group["numeric_pairs"]]
    return [(p["loaded"], p["neutral"], p) for p in group["loaded_pairs"]]


def _diff_words(diffs: list[dict]) -> Counter[str]:
    c: Counter[str] = Counter()
    for d in diffs:
        c.update(readme_words(d.get("a", "")))
        c.update(readme_words(d.get("b", "")))
    return c


def score_group(group: dict, texts: dict[str, str], preds: list[dict[str, Any]]) -> dict:
    """Counts per type for one event: ``texts`` maps doc ids to their texts."""
    out = {}
    for kind in TYPES:
        c = Counts()
        gold = _gold_sides(group, kind)
        c.gold = len(gold)
        negatives = [n["span"] for n in group["negatives"] if n["type"] == kind]
        ignores = [i["span"] for i in group["ignore"] if i["type"] == kind]
        kept: list[dict] = []
        for p in (p for p in preds if p["type"] == kind):
            sides = (p["a"], p["b"])
            if kind == "quote" and any(
                len(readme_words(texts[s["doc"]][s["start"] : s["end"]])) < 4 for s in sides
            ):
                c.dropped_short += 1
                continue
            if any(
                s["doc"] == i["doc"]
                and _ov((s["start"], s["end"]), (i["start"], i["end"]))
                >= 0.5 * (s["end"] - s["start"])
                for s in sides
                for i in ignores
            ) or (
                kind == "numeric"
                and any(pair_overlap(p, g["a"], g["b"]) for g in group["numeric_ignore"])
            ):
                c.dropped_ignore += 1
                continue
            kept.append(p)
        c.predicted = len(kept)
        cands = [
            (ov, i, j)
            for i, p in enumerate(kept)
            for j, (ga, gb, _) in enumerate(gold)
            if (ov := pair_overlap(p, ga, gb))
        ]
        cands.sort(key=lambda t: (-t[0], t[1], t[2]))
        taken_pred: dict[int, int] = {}
        taken_gold: set[int] = set()
        for _, i, j in cands:
            if i in taken_pred or j in taken_gold:
                continue
            taken_pred[i] = j
            taken_gold.add(j)
        c.matched = len(taken_pred)
        could = {i for _, i, _ in cands}
        gold_quote_sides = [s for ga, gb, _ in _gold_sides(group, "quote") for s in (ga, gb)]
        loose: list[dict] = []
        for i, p in enumerate(kept):
            if i in taken_pred:
                continue
            if i in could:
                c.duplicates += 1
                continue
            loose.append(p)
            wrong = any(_touches(s, n) for s in (p["a"], p["b"]) for n in negatives)
            if kind == "numeric" and any(
                pair_overlap(p, g["a"], g["b"]) for g in group["numeric_same"]
            ):
                wrong = True
            if kind == "quote" and all(
                any(hit(s, g) for g in gold_quote_sides) for s in (p["a"], p["b"])
            ):
                wrong = True
            c.judged_errors += wrong
        c.negatives = len(negatives)
        c.negatives_touched = sum(
            any(_touches(s, n) for p in loose for s in (p["a"], p["b"])) for n in negatives
        )
        if kind == "quote":
            for i, j in taken_pred.items():
                p, g = kept[i], gold[j][2]
                if "wording" in p:
                    c.wording_n += 1
                    c.wording_ok += p["wording"] == g["wording"]
                if "substantive" in p:
                    c.substantive_n += 1
                    c.substantive_ok += p["substantive"] == g["substantive"]
                if "differences" in p:
                    pw, gw = _diff_words(p["differences"]), _diff_words(g["differences"])
                    c.diff_found += sum((pw & gw).values())
                    c.diff_predicted += sum(pw.values())
                    c.diff_gold += sum(gw.values())
        out[kind] = c
    return out
