"""What the learned QUOTE stage reads of an article: the rules' quoted regions with cheap
features, and for each quotation the phrases that might name its speaker with theirs."""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
from sklearn.feature_extraction import DictVectorizer

from .. import quotes as rules
from ..sentences import sentence_spans

Span = tuple[int, int]
Example = tuple[str, Sequence[Span], Sequence[Span | Sequence[Span] | None]]


def ranges(spec) -> tuple[Span, ...]:
    if spec is None:
        return ()
    if len(spec) == 2 and all(isinstance(x, int) for x in spec):
        return ((int(spec[0]), int(spec[1])),)
    return tuple((int(s), int(e)) for s, e in spec)


def overlap(a: Span, ranges: Iterable[Span]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in ranges)


# --- shared context of one article ---------------------------------------------------------------


class Context:
    """What the features of one article need: normalised text, sentences, paragraphs, names."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = rules.normalize_marks(text)
        self.sents = sentence_spans(self.text)
        self.names = rules.Names(self.text)
        self.quotes = rules.rule_quotes(text)
        self.regions = [(q.region.open_at, q.region.close_at) for q in self.quotes]

    def sentence_index(self, pos: int) -> int:
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


def attributed_how(q: rules.RuleQuote) -> str:
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


def quote_features(ctx: Context, i: int) -> dict[str, float]:
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
        f"how={attributed_how(q)}": 1.0,
        f"how={attributed_how(q)}|dropped={q.dropped}": 1.0,
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


def _speaker_window(ctx: Context, q: rules.RuleQuote) -> tuple[int, int]:
    r = q.region
    i = ctx.sentence_index(r.open_at)
    j = ctx.sentence_index(max(r.open_at, r.close_at - 1))
    lo = ctx.sents[max(0, i - 1)][0] if ctx.sents else 0
    hi = ctx.sents[min(len(ctx.sents) - 1, j + 1)][1] if ctx.sents else len(ctx.text)
    return min(lo, r.open_at), max(hi, r.close_at + 1)


def speaker_candidates(ctx: Context, q: rules.RuleQuote) -> list[tuple[Span, set[str]]]:
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


def speaker_features(
    ctx: Context, q: rules.RuleQuote, cands: list[tuple[Span, set[str]]]
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
    how = attributed_how(q)
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


def matrix(vec: DictVectorizer, rows, *, fit: bool = False):
    """Sparse features with 32-bit indices (liblinear refuses 64-bit ones)."""
    x = (vec.fit_transform(rows) if fit else vec.transform(rows)).tocsr()
    x.indices = x.indices.astype(np.int32)
    x.indptr = x.indptr.astype(np.int32)
    return x


def pairs(quote_spans, speaker_spans):
    """Each quote with its speaker spec (None where the list of speakers is shorter)."""
    return zip(quote_spans, list(speaker_spans) + [None] * len(quote_spans), strict=False)


def overlap_prf(
    suggested: Sequence[Sequence[Span]], gold: Sequence[Sequence[Sequence[Span]]]
) -> tuple[float, float, float]:
    """Precision, recall and F1 by the benchmark's rule, per article: a suggestion is right if
    it overlaps a gold quote, a gold quote (one or more ranges) is found if a suggestion
    overlaps it. Precision counts suggestions and recall gold quotes, so this is not one
    confusion matrix that scikit-learn's metrics could take."""
    right = wrong = found = gold_n = 0
    for spans, quotes in zip(suggested, gold, strict=True):
        for span in spans:
            if any(overlap(span, quote) for quote in quotes):
                right += 1
            else:
                wrong += 1
        gold_n += len(quotes)
        found += sum(1 for quote in quotes if any(overlap(span, quote) for span in spans))
    precision = right / (right + wrong) if right + wrong else 0.0
    recall = found / gold_n if gold_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
