"""The trained QUOTE stage: a filter over the rules' quoted regions and a speaker ranker."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import joblib
import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from .. import quotes as rules
from ..calibration import IDENTITY, Calibration
from ..candidates import Candidate, make
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

NAME = "quote-learned"
VERSION = "1.0"  # of the feature set and file layout; a saved model carries its own
FORMAT = "annotations.suggest.learned_quotes/1"


@dataclass
class QuoteModel:
    """A trained QUOTE filter and speaker ranker over the rules' quoted regions."""

    filter_vec: DictVectorizer
    filter_clf: LogisticRegression
    speaker_vec: DictVectorizer
    speaker_clf: LogisticRegression
    threshold: float
    version: str
    trained_on: int
    # The keep probability as the share of kept regions that are quotations (out of fold);
    # the threshold stays on the filter's own probability.
    calibration: Calibration = IDENTITY

    name = NAME

    def _keep_probs(self, ctx: Context) -> list[float]:
        if not ctx.quotes:
            return []
        x = matrix(self.filter_vec, [quote_features(ctx, i) for i in range(len(ctx.quotes))])
        return [float(p) for p in self.filter_clf.predict_proba(x)[:, 1]]

    def _speakers(
        self, ctx: Context, kept: Sequence[rules.RuleQuote]
    ) -> list[tuple[Span, float] | None]:
        """The top-ranked speaker span of each quotation (one matrix for all of them)."""
        groups = [speaker_candidates(ctx, q) for q in kept]
        rows = [
            f
            for q, cands in zip(kept, groups, strict=True)
            for f in speaker_features(ctx, q, cands)
        ]
        if not rows:
            return [None] * len(kept)
        probs = self.speaker_clf.predict_proba(matrix(self.speaker_vec, rows))[:, 1]
        out: list[tuple[Span, float] | None] = []
        pos = 0
        for cands in groups:
            if not cands:
                out.append(None)
                continue
            part = probs[pos : pos + len(cands)]
            best = int(np.argmax(part))
            out.append((cands[best][0], float(part[best])))
            pos += len(cands)
        return out

    def raw_scores(self, text: str) -> list[float]:
        """The filter's own keep probability of each region ``suggest`` keeps, in its order."""
        ctx = Context(text)
        return [p for p in self._keep_probs(ctx) if p >= self.threshold]

    def suggest(self, text: str) -> list[Candidate]:
        """QUOTE candidates for ``text``, in text order, each with its most likely speaker."""
        ctx = Context(text)
        kept = [
            (q, p)
            for q, p in zip(ctx.quotes, self._keep_probs(ctx), strict=True)
            if p >= self.threshold
        ]
        out = []
        for (q, p), picked in zip(kept, self._speakers(ctx, [q for q, _ in kept]), strict=True):
            speaker = name = None
            reason = (
                f"learned model: quotation probability {self.calibration(p):.2f}"
                f" (kept at {self.threshold:.2f} of the filter's own)"
            )
            if picked is not None:
                (s, e), sp = picked
                speaker = (s, e)
                if q.speaker is not None and (s, e) == (
                    q.speaker.mention_start,
                    q.speaker.mention_end,
                ):
                    name = q.speaker.name
                    reason += f"; speaker as the rules found it ({q.speaker.how})"
                else:
                    resolved = rules.resolve(ctx.text, ctx.names, s, e, q.speaker, "ranked")
                    name = resolved.name
                    reason += f"; speaker '{ctx.text[s:e]}' ranked first ({sp:.2f})"
                    if name != ctx.text[s:e]:
                        reason += f", taken to be {name}"
                if name == ctx.text[s:e]:
                    name = text[s:e]
            out.append(
                make(
                    text,
                    "QUOTE",
                    q.start,
                    q.end,
                    score=self.calibration(p),
                    reason=reason,
                    suggester=NAME,
                    version=self.version,
                    speaker=name,
                    speaker_start=speaker[0] if speaker else None,
                    speaker_end=speaker[1] if speaker else None,
                )
            )
        return out

    def evaluate(self, examples: Iterable[Example]) -> dict[str, float | int | None]:
        """Quote precision, recall and F1 by overlap on these articles, and speaker accuracy:
        among found quotes with a speaker, the share whose first overlapping suggestion names
        a range overlapping it. Rounded for storing."""
        suggested, gold, speakers = [], [], []
        for text, quote_spans, speaker_spans in examples:
            candidates = self.suggest(text)
            suggested.append([(c.start, c.end) for c in candidates])
            gold.append([(ranges(q), ranges(sp)) for q, sp in pairs(quote_spans, speaker_spans)])
            speakers.append(candidates)
        precision, recall, f1 = overlap_prf(suggested, [[q for q, _ in g] for g in gold])
        judged = right = 0
        for candidates, quotes in zip(speakers, gold, strict=True):
            for quote, source in quotes:
                hit = next((c for c in candidates if overlap((c.start, c.end), quote)), None)
                if hit is None or not source:
                    continue
                judged += 1
                right += (
                    hit.speaker_start is not None
                    and hit.speaker_end is not None
                    and overlap((hit.speaker_start, hit.speaker_end), source)
                )
        return {
            "articles": len(gold),
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "speaker_accuracy": round(right / judged, 4) if judged else None,
        }

    def top_features(self, n: int = 15) -> dict[str, list[tuple[str, float]]]:
        """The heaviest weights of each classifier, for and against."""
        out = {}
        for key, vec, clf in (
            ("filter", self.filter_vec, self.filter_clf),
            ("speaker", self.speaker_vec, self.speaker_clf),
        ):
            names = vec.get_feature_names_out()
            w = clf.coef_[0]
            order = np.argsort(w)
            out[key + "+"] = [(str(names[i]), float(w[i])) for i in order[::-1][:n]]
            out[key + "-"] = [(str(names[i]), float(w[i])) for i in order[:n]]
        return out

    def save(self, path: str | os.PathLike) -> None:
        joblib.dump(
            {
                "format": FORMAT,
                "version": self.version,
                "threshold": self.threshold,
                "trained_on": self.trained_on,
                "calibration": self.calibration.to_dict(),
                "filter_vec": self.filter_vec,
                "filter_clf": self.filter_clf,
                "speaker_vec": self.speaker_vec,
                "speaker_clf": self.speaker_clf,
            },
            path,
            compress=3,
        )


def load(path: str | os.PathLike) -> QuoteModel:
    """Load a model saved by ``QuoteModel.save``; refuses files of another layout.

    Only load files this application wrote: joblib files are pickles and run code on load.
    """
    data = joblib.load(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a saved QUOTE model ({FORMAT})")
    return QuoteModel(
        data["filter_vec"],
        data["filter_clf"],
        data["speaker_vec"],
        data["speaker_clf"],
        data["threshold"],
        data["version"],
        data["trained_on"],
        Calibration.from_dict(data.get("calibration")),
    )
