"""Feature and classifier options for the learned OPINION suggester, scikit-learn alone.

    python benchmarks/suggest_opinion_options.py --data ../shared/data [--dev] [NAME ...]

Each option is judged on the train split by two rounds of 5-fold cross-validation: macro-F1 at
the threshold 0.5 and at the threshold that cross-validation finds best (the way ``learned.train``
chooses it). ``--dev`` also fits on all of train and scores dev at that threshold, for reporting
only: choose on train. NAME filters the options by substring. One core, about a minute in all.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler, normalize
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.suggest.datasets import load_split
from annotations.suggest.learned import RuleFeatures
from annotations.suggest.quotes import suggest_quotes
from annotations.suggest.scoring import score_sentences
from annotations.suggest.sentences import sentence_spans


class StyleFeatures(BaseEstimator, TransformerMixin):
    """Shares of capitalised words, digits, -ly adverbs, adjective suffixes, superlatives,
    first- and third-person pronouns, negations, modals and reporting verbs; length; ! ? marks."""

    _WORD = re.compile(r"[A-Za-z’']+|\d+")
    _SETS = (
        {"most", "more", "best", "worst", "least", "less"},
        {"i", "we", "us", "our", "my", "you", "your", "me"},
        {"he", "she", "they", "his", "her", "their", "them", "him"},
        {"not", "no", "never", "nothing", "nobody"},
        {"should", "must", "would", "could", "might", "may", "can", "will"},
        {"said", "says", "told", "according", "reported", "announced"},
    )

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        rows = []
        for s in X:
            toks = self._WORD.findall(s)
            low = [t.lower() for t in toks]
            n = max(1, len(toks))
            row = [
                sum(1 for t in toks[1:] if t[:1].isupper()) / n,
                sum(1 for t in toks if t[:1].isdigit()) / n,
                sum(1 for t in low if t.endswith("ly") and len(t) > 4) / n,
                sum(
                    1 for t in low if len(t) > 4 and t.endswith(("ous", "ful", "ive", "able", "ic"))
                )
                / n,
            ]
            row += [sum(1 for t in low if t in words) / n for words in self._SETS]
            row += [min(n, 60) / 60, float("!" in s), float("?" in s), s.count(",") / n]
            rows.append(row)
        return sparse.csr_matrix(np.array(rows, dtype=float))


class FittedOnce(BaseEstimator, TransformerMixin):
    """A transformer fitted beforehand on unlabeled text (it never sees a label)."""

    def __init__(self, fn=None) -> None:
        self.fn = fn

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return sparse.csr_matrix(self.fn(list(X)))


def _words():
    return ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True))


def _chars():
    return (
        "chars",
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=2,
            sublinear_tf=True,
            max_features=200_000,
        ),
    )


def _rules():
    return ("rules", RuleFeatures("OPINION"))


def _lr(c: float = 1.0):
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="liblinear")


def _union(*parts, clf=None):
    return Pipeline([("features", FeatureUnion(list(parts))), ("clf", clf or _lr())])


def _news_sentences(data: Path) -> list[str]:
    out = []
    for p in sorted((data / "polnear" / "train" / "text").glob("*.txt")):
        t = p.read_text(encoding="utf-8")
        out += [t[a:b] for a, b in sentence_spans(t) if b - a > 40]
    return out


def _lsa(data: Path, train_texts: list[str], k: int):
    docs = train_texts + _news_sentences(data)
    vec = TfidfVectorizer(min_df=2, sublinear_tf=True).fit(docs)
    svd = TruncatedSVD(k, random_state=0).fit(vec.transform(docs))
    return lambda xs: normalize(svd.transform(vec.transform(xs)))


def _speech_score(data: Path):
    """How much a sentence reads like quoted speech rather than narrative, learned from PolNeAR
    train articles: sentences inside quotation marks against sentences with no marks and no
    reporting verb (distant supervision: no subjectivity label is used)."""
    speech, narrative = [], []
    for p in sorted((data / "polnear" / "train" / "text").glob("*.txt")):
        t = p.read_text(encoding="utf-8")
        quoted = [(c.start, c.end) for c in suggest_quotes(t)]
        for a, b in sentence_spans(t):
            if b - a <= 40:
                continue
            inside = sum(max(0, min(e, b) - max(s, a)) for s, e in quoted)
            if inside >= 0.9 * (b - a):
                speech.append(t[a:b])
            elif not inside and not re.search(r"[“”\"]|\b(?:said|says|told|according)\b", t[a:b]):
                narrative.append(t[a:b])
    model = Pipeline(
        [
            ("v", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
            ("c", LogisticRegression(max_iter=2000, class_weight="balanced")),
        ]
    ).fit(speech + narrative, [1] * len(speech) + [0] * len(narrative))
    return lambda xs: model.predict_proba(xs)[:, 1:] - 0.5


def _macro(y, pred) -> float:
    return score_sentences(list(y), list(pred)).macro_f1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--dev", action="store_true", help="also score dev (report only)")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    data = Path(args.data)
    train = load_split(data, "subjectivity", "train")
    dev = load_split(data, "subjectivity", "dev")
    x, y = [s.text for s in train], np.array([s.label for s in train])
    xd, yd = [s.text for s in dev], np.array([s.label for s in dev])

    options = {
        "words": lambda: _union(_words()),
        "words+rules": lambda: _union(_words(), _rules()),
        "words+chars": lambda: _union(_words(), _chars()),
        "words+chars+rules (current)": lambda: _union(_words(), _chars(), _rules()),
        "current, C=0.3": lambda: _union(_words(), _chars(), _rules(), clf=_lr(0.3)),
        "current, C=3": lambda: _union(_words(), _chars(), _rules(), clf=_lr(3.0)),
        "current + style cues": lambda: _union(
            _words(),
            _chars(),
            _rules(),
            ("style", Pipeline([("s", StyleFeatures()), ("z", StandardScaler(with_mean=False))])),
        ),
        "current, calibrated linear SVM": lambda: _union(
            _words(),
            _chars(),
            _rules(),
            clf=CalibratedClassifierCV(LinearSVC(C=0.1, class_weight="balanced"), cv=3),
        ),
    }
    wanted = [k for k in options if not args.names or any(n in k for n in args.names)]
    if not args.names or any("lsa" in n or "speech" in n for n in args.names):
        lsa = _lsa(data, x, 300)
        options["current + LSA-300 of PolNeAR text"] = lambda: _union(
            _words(), _chars(), _rules(), ("lsa", FittedOnce(lsa))
        )
        speech = _speech_score(data)
        options["current + speech-vs-narrative score"] = lambda: _union(
            _words(), _chars(), _rules(), ("speech", FittedOnce(speech))
        )
        wanted += [k for k in options if ("LSA" in k or "speech" in k) and k not in wanted]

    print(
        f"subjectivity: train {len(x)} ({int(y.sum())} SUBJ), dev {len(xd)} ({int(yd.sum())} SUBJ)"
    )
    print(
        f"{'option':40} {'CV@0.5':>7} {'CV@best':>8} {'t':>5}"
        + (f" {'dev@t':>6}" if args.dev else "")
    )
    for name in wanted:
        start = time.perf_counter()
        probs = np.mean(
            [
                cross_val_predict(
                    options[name](),
                    x,
                    y,
                    cv=StratifiedKFold(5, shuffle=True, random_state=seed),
                    method="predict_proba",
                )[:, 1]
                for seed in (0, 1)
            ],
            axis=0,
        )
        ts = np.arange(0.2, 0.81, 0.02)
        values = [_macro(y, probs >= t) for t in ts]
        t = float(ts[int(np.argmax(values))])
        line = f"{name:40} {_macro(y, probs >= 0.5):7.3f} {max(values):8.3f} {t:5.2f}"
        if args.dev:
            model = options[name]().fit(x, y)
            line += f" {_macro(yd, model.predict_proba(xd)[:, 1] >= t):6.3f}"
        print(line + f"   ({time.perf_counter() - start:.0f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
