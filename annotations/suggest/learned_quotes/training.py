"""Training the QUOTE stage from (text, quote spans, speaker spans) triples, its settings chosen
by cross-validation over whole articles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict, train_test_split

from ..calibration import IDENTITY, isotonic
from .features import (
    Context,
    Example,
    Span,
    matrix,
    overlap,
    overlap_prf,
    pairs,
    quote_features,
    ranges,
    speaker_candidates,
    speaker_features,
)
from .model import VERSION, QuoteModel


@dataclass
class Prepared:
    ctx: Context
    quote_x: list[dict[str, float]]
    quote_y: list[int]
    speaker_groups: list[tuple[list[dict[str, float]], list[int]]]
    gold: list[tuple[tuple[Span, ...], tuple[Span, ...]]]


def prepare(example: Example) -> Prepared:
    text, quote_spans, speaker_spans = example
    gold = [(ranges(qs), ranges(sp)) for qs, sp in pairs(quote_spans, speaker_spans)]
    ctx = Context(text)
    qx, qy, groups = [], [], []
    for i, q in enumerate(ctx.quotes):
        qx.append(quote_features(ctx, i))
        hits = [g for g in gold if overlap((q.start, q.end), g[0])]
        qy.append(int(bool(hits)))
        sources = [g[1] for g in hits if g[1]]
        if not sources:
            continue
        cands = speaker_candidates(ctx, q)
        ys = [int(overlap(span, sources[0])) for span, _ in cands]
        if any(ys):
            groups.append((speaker_features(ctx, q, cands), ys))
    return Prepared(ctx, qx, qy, groups, gold)


def _fit_filter(
    prepared: Sequence[Prepared], c: float
) -> tuple[DictVectorizer, LogisticRegression]:
    vec = DictVectorizer()
    x = matrix(vec, fit=True, rows=[f for p in prepared for f in p.quote_x])
    y = [v for p in prepared for v in p.quote_y]
    if len(set(y)) < 2:
        raise ValueError("training needs quoted regions that are quotations and some that are not")
    return vec, _classifier(c).fit(x, y)


def _fit_speaker(
    prepared: Sequence[Prepared], c: float
) -> tuple[DictVectorizer, LogisticRegression]:
    vec = DictVectorizer()
    rows = [f for p in prepared for fs, _ in p.speaker_groups for f in fs]
    y = [v for p in prepared for _, ys in p.speaker_groups for v in ys]
    if len(set(y)) < 2:
        raise ValueError("training needs quotations with a speaker among other names")
    x = matrix(vec, fit=True, rows=rows)
    return vec, _classifier(c).fit(x, y)


def _classifier(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, solver="liblinear", max_iter=2000)


def _article_folds(y: np.ndarray, articles: np.ndarray, folds: int) -> list | None:
    """Folds that keep each article's rows together and the yes/no share alike in each, or
    None when fewer than two articles have rows."""
    n = min(folds, len(np.unique(articles)))
    if n < 2:
        return None
    return list(StratifiedGroupKFold(n_splits=n).split(np.zeros(len(y)), y, groups=articles))


def _cv_counts(
    prepared: Sequence[Prepared],
    folds: int,
    cs: Sequence[float],
    c_speaker: Sequence[float],
    groups: Sequence | None = None,
) -> tuple[dict[float, list[np.ndarray]], dict[float, float]]:
    """Out-of-fold keep probabilities per article for each filter setting, and the out-of-fold
    share of quotations whose top-ranked speaker is right for each ranker setting. Folds keep
    each article whole, or each of ``groups`` (one a prepared article: its outlet, say).

    The feature vocabulary is built once over all articles (it sees no labels); each fold fits
    the classifiers on the other folds' articles only.
    """
    qvec = DictVectorizer()
    qx = matrix(qvec, [f for p in prepared for f in p.quote_x], fit=True)
    qy = np.array([v for p in prepared for v in p.quote_y])
    unit = list(range(len(prepared))) if groups is None else list(groups)
    q_art = np.array([unit[i] for i, p in enumerate(prepared) for _ in p.quote_x])
    svec = DictVectorizer()
    sx = matrix(svec, [f for p in prepared for fs, _ in p.speaker_groups for f in fs], fit=True)
    sy = np.array([v for p in prepared for _, ys in p.speaker_groups for v in ys])
    s_group = np.array(
        [g for g, ys in enumerate(ys for p in prepared for _, ys in p.speaker_groups) for _ in ys]
    )
    group_art = np.array([unit[i] for i, p in enumerate(prepared) for _ in p.speaker_groups])
    s_art = group_art[s_group] if len(s_group) else np.zeros(0, dtype=int)
    q_folds = _article_folds(qy, q_art, folds)
    if q_folds is None:
        raise ValueError("choosing the settings needs quoted regions in at least two articles")
    probs = {
        c: cross_val_predict(_classifier(c), qx, qy, cv=q_folds, method="predict_proba")[:, 1]
        for c in cs
    }
    right = dict.fromkeys(c_speaker, float("nan"))
    s_folds = _article_folds(sy, s_art, folds)
    if s_folds is not None:
        members = [np.flatnonzero(s_group == g) for g in range(len(group_art))]
        for c in c_speaker:
            p = cross_val_predict(_classifier(c), sx, sy, cv=s_folds, method="predict_proba")[:, 1]
            top = [rows[int(np.argmax(p[rows]))] for rows in members]
            right[c] = float(sy[top].mean())
    split = np.cumsum([len(p.quote_x) for p in prepared])[:-1]
    return {c: list(np.split(v, split)) for c, v in probs.items()}, right


def _f1_at(prepared: Sequence[Prepared], probs: Sequence[np.ndarray], t: float) -> float:
    """F1 of the regions kept at threshold ``t``."""
    kept = [
        [(q.start, q.end) for q, v in zip(p.ctx.quotes, pr, strict=True) if v >= t]
        for p, pr in zip(prepared, probs, strict=True)
    ]
    return overlap_prf(kept, [[quote for quote, _ in p.gold] for p in prepared])[2]


def prepare_all(examples: Iterable[Example]) -> list[Prepared]:
    """The features of each example, computed once for several trainings (the benchmark's
    folds)."""
    return [prepare(ex) for ex in examples]


def train(examples: Iterable[Example], **options) -> QuoteModel:
    """``train_prepared`` on (text, quote spans, speaker spans) triples."""
    return train_prepared(prepare_all(examples), **options)


def train_prepared(
    prepared: Sequence[Prepared],
    *,
    groups: Sequence | None = None,
    c: float | None = None,
    c_speaker: float | None = None,
    threshold: float | None = None,
    folds: int = 5,
    version: str = VERSION,
    report: dict | None = None,
) -> QuoteModel:
    """Train the filter and the speaker ranker from (text, quote spans, speaker spans) triples.

    Settings left as None (regularisation of each classifier, the keep threshold) are chosen by
    ``folds``-fold cross-validation over the examples, never on data judged later: each article
    stays whole in its fold, and so does each of ``groups`` when given (one an example: its
    outlet, so that settings are chosen for outlets the model has not read). The out-of-fold keep
    probabilities also calibrate the score (isotonic): the share of kept regions that are
    quotations. ``report``, when given, receives the cross-validated figures.
    """
    units = len(prepared) if groups is None else len(set(groups))
    folds = max(2, min(folds, units))
    c_grid = [c] if c is not None else [0.1, 0.3, 1.0]
    s_grid = [c_speaker] if c_speaker is not None else [0.1, 0.3, 1.0]
    best = (-1.0, c_grid[0], 0.5 if threshold is None else threshold)
    accuracy = {s_grid[0]: float("nan")}
    calibration = IDENTITY
    if len(c_grid) > 1 or len(s_grid) > 1 or threshold is None:
        probs, accuracy = _cv_counts(prepared, folds, c_grid, s_grid, groups)
        grid = [threshold] if threshold is not None else np.arange(0.2, 0.81, 0.025)
        for ci in c_grid:
            for t in grid:
                f = _f1_at(prepared, probs[ci], float(t))
                if f > best[0] + 1e-9:
                    best = (f, ci, float(t))
    cf, tf = best[1], best[2]
    if len(c_grid) > 1 or len(s_grid) > 1 or threshold is None:
        raw = np.concatenate(probs[cf]) if probs[cf] else np.zeros(0)
        kept = raw >= tf
        labels = np.array([v for p in prepared for v in p.quote_y])
        if kept.any():
            calibration = isotonic(raw[kept].tolist(), labels[kept].astype(bool).tolist())
    cs = max(accuracy, key=lambda k: (accuracy[k], -k))
    if report is not None:
        report.update(
            {
                "cv_f1": best[0],
                "cv_speaker_top1": accuracy[cs],
                "c": cf,
                "c_speaker": cs,
                "threshold": tf,
                "folds": folds,
            }
        )
    fvec, fclf = _fit_filter(prepared, cf)
    svec, sclf = _fit_speaker(prepared, cs)
    return QuoteModel(
        fvec, fclf, svec, sclf, round(tf, 3), version, len(prepared), calibration=calibration
    )


def train_with_heldout(
    examples: Sequence[Example], *, heldout: float = 0.2, **options
) -> tuple[QuoteModel, dict[str, float | int | None]]:
    """``train`` on a share of the articles and score the model on the others (``evaluate``).
    The split is the same for the same articles (a fixed seed)."""
    train_on, held = train_test_split(list(examples), test_size=heldout, random_state=0)
    model = train(train_on, **options)
    return model, model.evaluate(held)


def polnear_examples(articles) -> list[Example]:
    """PolNeAR articles as training triples: each direct quote (as the benchmark counts them) with
    its Source, one triple per content range."""
    from ..scoring import gold_direct_quotes

    out: list[Example] = []
    for art in articles:
        spans: list[Span] = []
        speakers: list[Span | Sequence[Span] | None] = []
        for g in gold_direct_quotes(art):
            for rng in g.content:
                spans.append(rng)
                speakers.append(tuple(g.source) or None)
        out.append((art.text, spans, speakers))
    return out
