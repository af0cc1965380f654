"""Learned QUOTE stage on top of the rules (scikit-learn, no Django).

Two small classifiers, both trained from labeled quotations:

1. a filter: the rules propose every quoted region, including those they drop themselves (one
   word, titles, unattributed scare quotes, fragments of reported speech ...); a logistic
   regression over cheap features (length, how and whether the rules found a speaker, the words
   around the marks, the speech verb, position in the paragraph, punctuation and capitals inside,
   the rules' own decision) keeps the ones that are quotations;
2. a speaker ranker: for each kept quotation, the rules' speaker and the other names, pronouns and
   noun phrases near it (the sentence, the one before and the one after) are scored by a second
   logistic regression (side, distance, "X said" / "said X" / "according to X", capitals,
   pronoun, head word ...) and the best one is the speaker. A pronoun is resolved to the last
   named person before it, as the rules do.

The trainer takes what a project's reviewers produce: (text, quote spans, speaker spans) triples,
a speaker span being ``(start, end)``, several such ranges, or None. ``polnear_examples`` turns
PolNeAR articles into that form (the direct quotes only, as the benchmark counts them).

    model = train(examples)
    model, heldout = train_with_heldout(examples)  # and its score on articles it never saw
    model.save("quote.joblib")
    model = load("quote.joblib")
    model.suggest(article_text)  # -> list[Candidate]
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import joblib
import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict, train_test_split

from . import quotes as rules
from .candidates import Candidate, make
from .sentences import sentence_spans

NAME = "quote-learned"
VERSION = "1.0"  # of the feature set and file layout; a saved model carries its own
FORMAT = "annotations.suggest.learned_quotes/1"

Span = tuple[int, int]
Example = tuple[str, Sequence[Span], Sequence[Span | Sequence[Span] | None]]


def _ranges(spec) -> tuple[Span, ...]:
    if spec is None:
        return ()
    if len(spec) == 2 and all(isinstance(x, int) for x in spec):
        return ((int(spec[0]), int(spec[1])),)
    return tuple((int(s), int(e)) for s, e in spec)


def _overlap(a: Span, ranges: Iterable[Span]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in ranges)


# --- shared context of one article ---------------------------------------------------------------


class _Context:
    """What the features of one article need: normalised text, sentences, paragraphs, names."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = rules.normalize_marks(text)
        self.sents = sentence_spans(self.text)
        self.names = rules.Names(self.text)
        self.quotes = rules.rule_quotes(text)
        self.regions = [(q.region.open_at, q.region.close_at) for q in self.quotes]

    def sentence_index(self, pos: int) -> int:
        import bisect

        i = bisect.bisect_right(self.sents, (pos, math.inf)) - 1
        return max(0, i)

    def in_quote(self, s: int, e: int) -> bool:
        return any(a <= s and e <= b + 1 for a, b in self.regions)


_HOW = (
    ("transcript line", "transcript"),
    ("carried over", "carried"),
    ("the sentence before", "prev-sentence"),
    ("paragraph it runs into", "next-paragraph"),
    ("speaker of the next quotation", "next-quote"),
    ("signed", "signed"),
    ("according to", "according"),
    ("introduced by", "colon"),
    ("attributed by", "attributed"),
)


def _how(q: rules.RuleQuote) -> str:
    if q.speaker is None:
        return "none"
    text = q.reason + " " + q.speaker.how
    for needle, tag in _HOW:
        if needle in text:
            return tag
    return "other"


_PUNCT_WORD = re.compile(r"[\w’']+|[^\w\s]")


def _tokens_before(text: str, pos: int, n: int) -> list[str]:
    return _PUNCT_WORD.findall(text, max(0, pos - 60), pos)[-n:]


def _tokens_after(text: str, pos: int, n: int) -> list[str]:
    return _PUNCT_WORD.findall(text, pos, pos + 60)[:n]


def _bucket(n: float, edges: Sequence[float]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def _quote_features(ctx: _Context, i: int) -> dict[str, float]:
    q = ctx.quotes[i]
    text, r = ctx.text, q.region
    content = text[q.start : q.end]
    words = rules.WORD_RE.findall(content)
    n = len(words)
    para_start = text.rfind("\n", 0, r.open_at) + 1
    para_end = text.find("\n", r.close_at)
    para_end = len(text) if para_end < 0 else para_end
    f: dict[str, float] = {
        "kept": float(q.dropped is None),
        f"dropped={q.dropped}": 1.0,
        f"how={_how(q)}": 1.0,
        f"how={_how(q)}|dropped={q.dropped}": 1.0,
        f"words{_bucket(n, (1, 2, 3, 4, 6, 10, 20))}": 1.0,
        "log_words": math.log1p(n),
        "closed": float(r.closed),
        "double": float(r.double),
        "continues": float(r.continues),
        "continued": float(r.continued),
        f"mark={text[r.open_at]}": 1.0,
        "starts_sentence": float(rules.starts_sentence(text, r.open_at)),
        "inside_sentence": float(rules.inside_sentence(text, r.open_at)),
        "governed": float(rules.governed(text, r.open_at)),
        "opens_paragraph": float(not text[para_start : r.open_at].strip()),
        "ends_paragraph": float(not text[r.close_at + 1 : para_end].strip(" .,”\"’'")),
        "title_case": float(rules.is_title_case(words)),
        "nameish": float(
            rules.NAMEISH_BEFORE.search(text, max(0, r.open_at - 40), r.open_at) is not None
        ),
        "first_upper": float(content[:1].isupper()),
        "inner_end_punct": float(text[q.start : r.close_at].rstrip()[-1:] in ".,!?"),
        "inner_sentence_break": float(bool(re.search(r"[.!?]\s+[A-Z“\"‘]", content))),
        "first_paragraph": float(para_start == 0),
        "short_paragraph": float(para_end - para_start < 160),
        "paragraph_share": (q.end - q.start) / max(1, para_end - para_start),
        "rule_score": q.score,
        "has_digit": float(any(ch.isdigit() for ch in content)),
        "capital_share": sum(w[:1].isupper() for w in words) / max(1, n),
    }
    prev = _tokens_before(text, r.open_at, 2)
    nxt = _tokens_after(text, r.close_at + 1, 2)
    if prev:
        f[f"prev={prev[-1].lower()}"] = 1.0
    if len(prev) > 1:
        f[f"prev2={prev[-2].lower()}"] = 1.0
    if nxt:
        f[f"next={nxt[0].lower()}"] = 1.0
    if len(nxt) > 1:
        f[f"next2={nxt[1].lower()}"] = 1.0
    cue = rules.CUE_RE.search(text, max(para_start, r.open_at - 50), r.open_at)
    if cue is not None:
        f[f"cue_before={cue.group()}"] = 1.0
    cue = rules.CUE_RE.search(text, r.close_at + 1, min(para_end, r.close_at + 50))
    if cue is not None:
        f[f"cue_after={cue.group()}"] = 1.0
    if q.speaker is not None:
        sp = q.speaker
        f["speaker_pronoun"] = float(
            text[sp.mention_start : sp.mention_end].lower() in rules.PRONOUNS
        )
        f["speaker_after"] = float(sp.mention_start > r.close_at)
        gap = (
            sp.mention_start - r.close_at
            if sp.mention_start > r.close_at
            else r.open_at - sp.mention_end
        )
        f["speaker_log_gap"] = math.log1p(max(0, gap))
    # a few words in marks inside reported speech are a fragment of it (not a direct quote):
    # how much of the sentence, and of what follows its speech verb, stands in marks
    ss, se = ctx.sents[ctx.sentence_index(r.open_at)] if ctx.sents else (para_start, para_end)
    ss, se = min(ss, r.open_at), max(se, r.close_at + 1)
    marked = sum(max(0, min(b + 1, se) - max(a, ss)) for a, b in ctx.regions)
    f["sentence_share"] = marked / max(1, se - ss)
    lead = text[ss : r.open_at]
    tail = text[r.close_at + 1 : se]
    f[f"lead_words{_bucket(len(lead.split()), (0, 2, 5, 10, 20))}"] = 1.0
    f[f"tail_words{_bucket(len(tail.split()), (0, 1, 3, 6, 12))}"] = 1.0
    cues = list(rules.SPEAKER_CUE_RE.finditer(text, ss, r.open_at))
    if cues:
        between = text[cues[-1].end() : r.open_at].split()
        f[f"cue_gap_words{_bucket(len(between), (0, 1, 2, 4, 8))}"] = 1.0
        f["cue_gap_that"] = float("that" in between)
        f["cue_gap_verb"] = float(any(rules.verbish(w) for w in between))
        f[f"last_cue={cues[-1].group()}"] = 1.0
        span = max(1, se - cues[-1].end())
        inside = sum(max(0, min(b + 1, se) - max(a, cues[-1].end())) for a, b in ctx.regions)
        f["after_cue_share"] = inside / span
    else:
        f["no_cue_before"] = 1.0
    same_para = sum(1 for a, _ in ctx.regions if para_start <= a < para_end)
    f["quotes_in_paragraph"] = math.log1p(same_para)
    return f


# --- speaker candidates --------------------------------------------------------------------------

_PRONOUN_RE = re.compile(r"\b(?:he|she|they|we|it|who|He|She|They|We|It|Who|I)\b")
_DET_RE = re.compile(
    r"\b(?:the|a|an|this|that|his|her|their|its|one|another|The|A|An|This|That|His|Her|Their|Its"
    r"|One|Another)\s"
)
_ACCORDING_RE = re.compile(r"\baccording to\s+", re.IGNORECASE)
_PREPOSITIONS = frozenset(
    rules.word_list("to of for with by about at on in against from into over than like as under")
)
_MAX_CANDIDATES = 40


def _speaker_window(ctx: _Context, q: rules.RuleQuote) -> tuple[int, int]:
    r = q.region
    i = ctx.sentence_index(r.open_at)
    j = ctx.sentence_index(max(r.open_at, r.close_at - 1))
    lo = ctx.sents[max(0, i - 1)][0] if ctx.sents else 0
    hi = ctx.sents[min(len(ctx.sents) - 1, j + 1)][1] if ctx.sents else len(ctx.text)
    return min(lo, r.open_at), max(hi, r.close_at + 1)


def _speaker_candidates(ctx: _Context, q: rules.RuleQuote) -> list[tuple[Span, set[str]]]:
    """Spans that might name who is quoted, each with how it was found."""
    text = ctx.text
    lo, hi = _speaker_window(ctx, q)
    lo = max(lo, q.region.open_at - 400)
    hi = min(hi, q.region.close_at + 300)
    found: dict[Span, set[str]] = {}

    def add(s: int, e: int, kind: str) -> None:
        if e <= s or ctx.in_quote(s, e):
            return
        found.setdefault((s, e), set()).add(kind)

    if q.speaker is not None:
        found.setdefault((q.speaker.mention_start, q.speaker.mention_end), set()).add("rule")
    for s, e in ctx.names.spans():
        if lo <= s and e <= hi:
            add(s, e, "name")
    for m in _PRONOUN_RE.finditer(text, lo, hi):
        add(m.start(), m.end(), "pronoun")
    for m in rules.CUE_RE.finditer(text, lo, hi):
        if ctx.in_quote(m.start(), m.end()):
            continue
        ls = max(lo, text.rfind("\n", 0, m.start()) + 1)
        seg = max(
            text.rfind(",", ls, m.start()),
            text.rfind("”", ls, m.start()),
            text.rfind('"', ls, m.start()),
        )
        span = rules.trim_np(text, max(ls, seg + 1), m.start(), from_left=False)
        if span is not None:
            add(*span, "cue-subject")
        le = text.find("\n", m.end())
        le = len(text) if le < 0 else le
        span = rules.trim_np(text, m.end(), min(le, m.end() + 80), from_left=True)
        if span is not None:
            add(*span, "cue-object")
    for m in _ACCORDING_RE.finditer(text, lo, hi):
        le = text.find("\n", m.end())
        le = len(text) if le < 0 else le
        span = rules.trim_np(text, m.end(), min(le, m.end() + 80), from_left=True)
        if span is not None:
            add(*span, "according")
    for m in _DET_RE.finditer(text, lo, hi):
        le = text.find("\n", m.end())
        le = len(text) if le < 0 else le
        span = rules.trim_np(text, m.start(), min(le, m.start() + 80), from_left=True)
        if span is not None and span[1] - span[0] > len(m.group()):
            add(*span, "determiner")
    out = sorted(found.items(), key=lambda kv: kv[0])
    if len(out) > _MAX_CANDIDATES:
        mid = (q.region.open_at + q.region.close_at) / 2
        out.sort(key=lambda kv: ("rule" not in kv[1], abs((kv[0][0] + kv[0][1]) / 2 - mid)))
        out = sorted(out[:_MAX_CANDIDATES])
    return out


def _speaker_features(
    ctx: _Context, q: rules.RuleQuote, cands: list[tuple[Span, set[str]]]
) -> list[dict[str, float]]:
    text, r = ctx.text, q.region
    qi_open = ctx.sentence_index(r.open_at)
    qi_close = ctx.sentence_index(max(r.open_at, r.close_at - 1))
    para_start = text.rfind("\n", 0, r.open_at) + 1
    para_end = text.find("\n", r.close_at)
    para_end = len(text) if para_end < 0 else para_end
    last_name = ctx.names.before(r.open_at)
    before = sorted((s for (s, e), _ in cands if e <= r.open_at), reverse=True)
    after = sorted(s for (s, e), _ in cands if s > r.close_at)
    how = _how(q)
    rows = []
    for (s, e), kinds in cands:
        phrase = text[s:e]
        words = phrase.split()
        low = phrase.lower()
        side = "after" if s > r.close_at else "before" if e <= r.open_at else "inside"
        gap = s - r.close_at if side == "after" else r.open_at - e if side == "before" else 0
        si = ctx.sentence_index(s)
        f: dict[str, float] = {f"kind={k}": 1.0 for k in kinds}
        f[f"side={side}"] = 1.0
        f[f"gap{_bucket(gap, (2, 5, 10, 20, 40, 80, 160))}|{side}"] = 1.0
        f["log_gap"] = math.log1p(max(0, gap))
        rank = before.index(s) if side == "before" else after.index(s) if side == "after" else 9
        f[f"rank={min(rank, 4)}|{side}"] = 1.0
        if si in (qi_open, qi_close):
            f["same_sentence"] = 1.0
        elif si < qi_open:
            f[f"sentences_before={min(3, qi_open - si)}"] = 1.0
        else:
            f[f"sentences_after={min(3, si - qi_close)}"] = 1.0
        f["same_paragraph"] = float(para_start <= s < para_end)
        if "rule" in kinds:
            f[f"rule|how={how}"] = 1.0
            f[f"rule|dropped={q.dropped}"] = 1.0
        else:
            f[f"not_rule|how={how}"] = 1.0
        prev = _tokens_before(text, s, 3)
        nxt = _tokens_after(text, e, 3)
        if prev:
            p = prev[-1].lower()
            f[f"prev={p}"] = 1.0
            f["prev_preposition"] = float(p in _PREPOSITIONS)
            f["prev_cue"] = float(rules.CUE_RE.fullmatch(p) is not None)
            if f["prev_cue"]:
                f[f"prev_cue={p}"] = 1.0
        if nxt:
            n0 = nxt[0].lower()
            f[f"next={n0}"] = 1.0
            f["next_cue"] = float(rules.CUE_RE.fullmatch(n0) is not None)
            if len(nxt) > 1 and rules.CUE_RE.fullmatch(nxt[1].lower()):
                f["next2_cue"] = 1.0
                f[f"next2_cue={nxt[1].lower()}"] = 1.0
        if " ".join(prev[-2:]).lower() == "according to":
            f["according_to"] = 1.0
        f["pronoun"] = float(low in rules.PRONOUNS or low == "who")
        if f["pronoun"]:
            f[f"pronoun={low}"] = 1.0
        f["capitalised"] = float(bool(words) and words[0][:1].isupper())
        f["all_capital_words"] = float(all(w[:1].isupper() for w in words))
        f[f"n_words{_bucket(len(words), (1, 2, 3, 5, 8))}"] = 1.0
        if words:
            f[f"head={words[-1].lower().strip('.,')}"] = 1.0
            f[f"first={words[0].lower()}"] = 1.0
        f["possessive"] = float(phrase.endswith(("’s", "'s", "’")) or (nxt[:1] == ["’s"]))
        f["last_name"] = float(last_name is not None and (s, e) == last_name)
        f["looks_like_speaker"] = float(rules.looks_like_speaker(phrase))
        rows.append(f)
    return rows


def _matrix(vec: DictVectorizer, rows, *, fit: bool = False):
    """Sparse features with 32-bit indices (liblinear refuses 64-bit ones)."""
    x = (vec.fit_transform(rows) if fit else vec.transform(rows)).tocsr()
    x.indices = x.indices.astype(np.int32)
    x.indptr = x.indptr.astype(np.int32)
    return x


# --- the model -----------------------------------------------------------------------------------


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

    name = NAME

    def _keep_probs(self, ctx: _Context) -> list[float]:
        if not ctx.quotes:
            return []
        x = _matrix(self.filter_vec, [_quote_features(ctx, i) for i in range(len(ctx.quotes))])
        return [float(p) for p in self.filter_clf.predict_proba(x)[:, 1]]

    def _speakers(
        self, ctx: _Context, kept: Sequence[rules.RuleQuote]
    ) -> list[tuple[Span, float] | None]:
        """The top-ranked speaker span of each quotation (one matrix for all of them)."""
        groups = [_speaker_candidates(ctx, q) for q in kept]
        rows = [
            f
            for q, cands in zip(kept, groups, strict=True)
            for f in _speaker_features(ctx, q, cands)
        ]
        if not rows:
            return [None] * len(kept)
        probs = self.speaker_clf.predict_proba(_matrix(self.speaker_vec, rows))[:, 1]
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

    def suggest(self, text: str) -> list[Candidate]:
        """QUOTE candidates for ``text``, in text order, each with its most likely speaker."""
        ctx = _Context(text)
        kept = [
            (q, p)
            for q, p in zip(ctx.quotes, self._keep_probs(ctx), strict=True)
            if p >= self.threshold
        ]
        out = []
        for (q, p), picked in zip(kept, self._speakers(ctx, [q for q, _ in kept]), strict=True):
            speaker = name = None
            reason = (
                f"learned model: quotation probability {p:.2f} (threshold {self.threshold:.2f})"
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
                    score=p,
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
            gold.append([(_ranges(q), _ranges(sp)) for q, sp in _pairs(quote_spans, speaker_spans)])
            speakers.append(candidates)
        precision, recall, f1 = _overlap_prf(suggested, [[q for q, _ in g] for g in gold])
        judged = right = 0
        for candidates, quotes in zip(speakers, gold, strict=True):
            for quote, source in quotes:
                hit = next((c for c in candidates if _overlap((c.start, c.end), quote)), None)
                if hit is None or not source:
                    continue
                judged += 1
                right += (
                    hit.speaker_start is not None
                    and hit.speaker_end is not None
                    and _overlap((hit.speaker_start, hit.speaker_end), source)
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
    )


# --- training ------------------------------------------------------------------------------------


@dataclass
class _Prepared:
    ctx: _Context
    quote_x: list[dict[str, float]]
    quote_y: list[int]
    speaker_groups: list[tuple[list[dict[str, float]], list[int]]]
    gold: list[tuple[tuple[Span, ...], tuple[Span, ...]]]


def _pairs(quote_spans, speaker_spans):
    """Each quote with its speaker spec (None where the list of speakers is shorter)."""
    return zip(quote_spans, list(speaker_spans) + [None] * len(quote_spans), strict=False)


def _prepare(example: Example) -> _Prepared:
    text, quote_spans, speaker_spans = example
    gold = [(_ranges(qs), _ranges(sp)) for qs, sp in _pairs(quote_spans, speaker_spans)]
    ctx = _Context(text)
    qx, qy, groups = [], [], []
    for i, q in enumerate(ctx.quotes):
        qx.append(_quote_features(ctx, i))
        hits = [g for g in gold if _overlap((q.start, q.end), g[0])]
        qy.append(int(bool(hits)))
        sources = [g[1] for g in hits if g[1]]
        if not sources:
            continue
        cands = _speaker_candidates(ctx, q)
        ys = [int(_overlap(span, sources[0])) for span, _ in cands]
        if any(ys):
            groups.append((_speaker_features(ctx, q, cands), ys))
    return _Prepared(ctx, qx, qy, groups, gold)


def _fit_filter(
    prepared: Sequence[_Prepared], c: float
) -> tuple[DictVectorizer, LogisticRegression]:
    vec = DictVectorizer()
    x = _matrix(vec, fit=True, rows=[f for p in prepared for f in p.quote_x])
    y = [v for p in prepared for v in p.quote_y]
    if len(set(y)) < 2:
        raise ValueError("training needs quoted regions that are quotations and some that are not")
    return vec, _classifier(c).fit(x, y)


def _fit_speaker(
    prepared: Sequence[_Prepared], c: float
) -> tuple[DictVectorizer, LogisticRegression]:
    vec = DictVectorizer()
    rows = [f for p in prepared for fs, _ in p.speaker_groups for f in fs]
    y = [v for p in prepared for _, ys in p.speaker_groups for v in ys]
    if len(set(y)) < 2:
        raise ValueError("training needs quotations with a speaker among other names")
    x = _matrix(vec, fit=True, rows=rows)
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
    prepared: Sequence[_Prepared], folds: int, cs: Sequence[float], c_speaker: Sequence[float]
) -> tuple[dict[float, list[np.ndarray]], dict[float, float]]:
    """Out-of-fold keep probabilities per article for each filter setting, and the out-of-fold
    share of quotations whose top-ranked speaker is right for each ranker setting.

    The feature vocabulary is built once over all articles (it sees no labels); each fold fits
    the classifiers on the other folds' articles only.
    """
    qvec = DictVectorizer()
    qx = _matrix(qvec, [f for p in prepared for f in p.quote_x], fit=True)
    qy = np.array([v for p in prepared for v in p.quote_y])
    q_art = np.array([i for i, p in enumerate(prepared) for _ in p.quote_x])
    svec = DictVectorizer()
    sx = _matrix(svec, [f for p in prepared for fs, _ in p.speaker_groups for f in fs], fit=True)
    sy = np.array([v for p in prepared for _, ys in p.speaker_groups for v in ys])
    s_group = np.array(
        [g for g, ys in enumerate(ys for p in prepared for _, ys in p.speaker_groups) for _ in ys]
    )
    group_art = np.array([i for i, p in enumerate(prepared) for _ in p.speaker_groups])
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


def _overlap_prf(
    suggested: Sequence[Sequence[Span]], gold: Sequence[Sequence[Sequence[Span]]]
) -> tuple[float, float, float]:
    """Precision, recall and F1 by the benchmark's rule, per article: a suggestion is right if
    it overlaps a gold quote, a gold quote (one or more ranges) is found if a suggestion
    overlaps it. Precision counts suggestions and recall gold quotes, so this is not one
    confusion matrix that scikit-learn's metrics could take."""
    right = wrong = found = gold_n = 0
    for spans, quotes in zip(suggested, gold, strict=True):
        for span in spans:
            if any(_overlap(span, quote) for quote in quotes):
                right += 1
            else:
                wrong += 1
        gold_n += len(quotes)
        found += sum(1 for quote in quotes if any(_overlap(span, quote) for span in spans))
    precision = right / (right + wrong) if right + wrong else 0.0
    recall = found / gold_n if gold_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _f1_at(prepared: Sequence[_Prepared], probs: Sequence[np.ndarray], t: float) -> float:
    """F1 of the regions kept at threshold ``t``."""
    kept = [
        [(q.start, q.end) for q, v in zip(p.ctx.quotes, pr, strict=True) if v >= t]
        for p, pr in zip(prepared, probs, strict=True)
    ]
    return _overlap_prf(kept, [[quote for quote, _ in p.gold] for p in prepared])[2]


def train(
    examples: Iterable[Example],
    *,
    c: float | None = None,
    c_speaker: float | None = None,
    threshold: float | None = None,
    folds: int = 5,
    version: str = VERSION,
    report: dict | None = None,
) -> QuoteModel:
    """Train the filter and the speaker ranker from (text, quote spans, speaker spans) triples.

    Settings left as None (regularisation of each classifier, the keep threshold) are chosen by
    ``folds``-fold cross-validation over the examples (articles), never on data judged later.
    ``report``, when given, receives the cross-validated figures.
    """
    prepared = [_prepare(ex) for ex in examples]
    folds = max(2, min(folds, len(prepared)))
    c_grid = [c] if c is not None else [0.1, 0.3, 1.0]
    s_grid = [c_speaker] if c_speaker is not None else [0.1, 0.3, 1.0]
    best = (-1.0, c_grid[0], 0.5 if threshold is None else threshold)
    accuracy = {s_grid[0]: float("nan")}
    if len(c_grid) > 1 or len(s_grid) > 1 or threshold is None:
        probs, accuracy = _cv_counts(prepared, folds, c_grid, s_grid)
        grid = [threshold] if threshold is not None else np.arange(0.2, 0.81, 0.025)
        for ci in c_grid:
            for t in grid:
                f = _f1_at(prepared, probs[ci], float(t))
                if f > best[0] + 1e-9:
                    best = (f, ci, float(t))
    cf, tf = best[1], best[2]
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
    return QuoteModel(fvec, fclf, svec, sclf, round(tf, 3), version, len(prepared))


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
    from .scoring import gold_direct_quotes

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
