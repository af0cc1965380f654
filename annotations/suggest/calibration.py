"""Scores that mean what they say: among suggestions scored 0.8, about 80% are right.

A classifier's probability, or a rule's hand-set score, is mapped to the share of suggestions
that turned out right (matched the gold, or were accepted by the desk) at that score, fitted on
held-out outcomes: isotonic regression (pool adjacent violators) where there are many, Platt's
logistic fit of the score's log-odds where there are few (a desk's first decisions). The
reliability table and the expected calibration error say how far a set of scores is from that.

Pure Python, no numpy: the moderators' dashboard and the workspace (web processes) use the table
and the display threshold, and the fits run on a few thousand decisions at most there.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# The desk's display threshold before it has decided enough suggestions: a calibrated score of
# 0.5 means as likely right as wrong.
DEFAULT_THRESHOLD = 0.5
MIN_DECISIONS = 30


@dataclass(frozen=True)
class Calibration:
    """A monotone map from a suggester's score to the share of its suggestions that are right.

    ``kind`` "isotonic": a step function through ``xs``/``ys`` (linearly joined); "platt":
    ``sigmoid(a * logit(score) + b)``; "identity": the score as it is."""

    kind: str = "identity"
    xs: tuple[float, ...] = ()
    ys: tuple[float, ...] = ()
    a: float = 1.0
    b: float = 0.0
    fitted_on: int = 0

    def __call__(self, score: float) -> float:
        if self.kind == "isotonic" and self.xs:
            return _clip(_interp(score, self.xs, self.ys))
        if self.kind == "platt":
            return _clip(_sigmoid(self.a * _logit(score) + self.b))
        return _clip(score)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "xs": list(self.xs),
            "ys": list(self.ys),
            "a": self.a,
            "b": self.b,
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Calibration:
        if not data:
            return cls()
        return cls(
            data.get("kind", "identity"),
            tuple(data.get("xs", ())),
            tuple(data.get("ys", ())),
            float(data.get("a", 1.0)),
            float(data.get("b", 0.0)),
            int(data.get("fitted_on", 0)),
        )


IDENTITY = Calibration()


def _clip(p: float) -> float:
    return min(1.0, max(0.0, p))


def _logit(p: float) -> float:
    p = min(1 - 1e-6, max(1e-6, p))
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def _interp(x: float, xs: Sequence[float], ys: Sequence[float]) -> float:
    if x <= xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    i = bisect_right(xs, x)
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def isotonic(scores: Sequence[float], outcomes: Sequence[bool]) -> Calibration:
    """The non-decreasing step function closest (least squares) to the outcomes, by pool
    adjacent violators; each block is represented by its mean score and its share right."""
    pairs = sorted(zip(scores, outcomes, strict=True))
    if not pairs:
        return IDENTITY
    # blocks: [sum of scores, sum of outcomes, count]
    blocks: list[list[float]] = []
    for s, y in pairs:
        blocks.append([s, float(y), 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            s2, y2, n2 = blocks.pop()
            blocks[-1][0] += s2
            blocks[-1][1] += y2
            blocks[-1][2] += n2
    xs = tuple(b[0] / b[2] for b in blocks)
    ys = tuple(b[1] / b[2] for b in blocks)
    return Calibration("isotonic", xs, ys, fitted_on=len(pairs))


def platt(
    scores: Sequence[float], outcomes: Sequence[bool], *, iterations: int = 50
) -> Calibration:
    """Platt scaling on the score's log-odds, with Platt's smoothed targets (so a handful of
    decisions cannot push a score to 0 or 1) and a weak pull towards the identity (so decisions
    that all share one score still give one answer), fitted by Newton's method."""
    n = len(scores)
    if n == 0:
        return IDENTITY
    pos = sum(1 for y in outcomes if y)
    hi, lo = (pos + 1) / (pos + 2), 1 / (n - pos + 2)
    xs = [_logit(s) for s in scores]
    ts = [hi if y else lo for y in outcomes]
    ridge = 1.0

    def loss(a: float, b: float) -> float:
        total = ridge / 2 * ((a - 1.0) ** 2 + b**2)
        for x, t in zip(xs, ts, strict=True):
            z = a * x + b
            # log(1 + e^z) - t z, written so it never overflows
            total += max(z, 0.0) + math.log1p(math.exp(-abs(z))) - t * z
        return total

    a, b = 1.0, 0.0
    current = loss(a, b)
    for _ in range(iterations):
        ga, gb = ridge * (a - 1.0), ridge * b
        haa = hbb = ridge
        hab = 0.0
        for x, t in zip(xs, ts, strict=True):
            p = _sigmoid(a * x + b)
            d = p - t
            w = p * (1 - p)
            ga += d * x
            gb += d
            haa += w * x * x
            hab += w * x
            hbb += w
        det = haa * hbb - hab * hab
        if abs(det) < 1e-18:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        step = 1.0
        while step > 1e-6:  # halve the Newton step until the loss goes down
            trial = loss(a - step * da, b - step * db)
            if trial <= current:
                break
            step /= 2
        a, b, current = a - step * da, b - step * db, min(current, trial)
        if abs(step * da) < 1e-9 and abs(step * db) < 1e-9:
            break
    return Calibration("platt", a=a, b=b, fitted_on=n)


@dataclass(frozen=True)
class Bin:
    lo: float
    hi: float
    count: int
    mean_score: float
    rate: float  # the share right (matched the gold, or accepted)

    @property
    def gap(self) -> float:
        return abs(self.rate - self.mean_score)


@dataclass(frozen=True)
class Reliability:
    bins: tuple[Bin, ...]
    total: int
    ece: float  # expected calibration error: the count-weighted mean gap of the bins


def reliability(
    scores: Sequence[float], outcomes: Sequence[bool], *, bins: int = 10
) -> Reliability:
    """Scores in ``bins`` equal-width bins: each non-empty bin's count, mean score and share
    right, and the expected calibration error over them."""
    sums = [[0, 0.0, 0] for _ in range(bins)]  # count, sum of scores, right
    for s, y in zip(scores, outcomes, strict=True):
        i = min(bins - 1, max(0, int(s * bins)))
        sums[i][0] += 1
        sums[i][1] += s
        sums[i][2] += int(bool(y))
    out = tuple(
        Bin(i / bins, (i + 1) / bins, int(n), total / n, right / n)
        for i, (n, total, right) in enumerate(sums)
        if n
    )
    count = sum(b.count for b in out)
    ece = sum(b.count * b.gap for b in out) / count if count else 0.0
    return Reliability(out, count, ece)


def format_table(table: Reliability) -> list[str]:
    """The reliability table as text lines (the benchmark prints them)."""
    lines = [f"  {'score bin':>11} {'n':>6} {'mean score':>10} {'right':>6}"]
    for b in table.bins:
        lines.append(f"  {b.lo:4.1f}-{b.hi:<6.1f} {b.count:6d} {b.mean_score:10.3f} {b.rate:6.3f}")
    lines.append(f"  ECE {table.ece:.3f} over {table.total}")
    return lines


def acceptance_threshold(
    decisions: Iterable[tuple[float, bool]],
    *,
    default: float = DEFAULT_THRESHOLD,
    min_decisions: int = MIN_DECISIONS,
) -> tuple[float, int]:
    """The score above which the desk accepts most suggestions, and how many decisions say so.

    The acceptance rate is fitted as a non-decreasing function of the score (isotonic); the
    threshold is the lowest decided score where the fitted rate (joined linearly between the
    fitted blocks) reaches one half, rounded down to 0.05.
    ``default`` until there are ``min_decisions``; 1.0 when the desk accepts fewer than half
    even of its best-scored suggestions."""
    pairs = list(decisions)
    if len(pairs) < min_decisions:
        return default, len(pairs)
    fit = isotonic([s for s, _ in pairs], [y for _, y in pairs])
    for x in sorted(s for s, _ in pairs):
        if fit(x) >= 0.5:
            return math.floor(x * 20) / 20, len(pairs)
    return 1.0, len(pairs)
