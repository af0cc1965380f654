"""Quality of the span suggesters on public labeled data, on dev and on held-out validation that
holds out what unseen data differs in; scored by the rules of the data's README.

    python benchmarks/suggest_quality.py --data ../shared/data

Two columns of figures for each suggester, side by side:

- ``dev``: the published dev split, the learned models trained on all of train;
- ``held-out``: validation inside train that keeps whole what a new article differs in --
  QUOTE leaves each PolNeAR outlet out in turn (trained on the six others); CLAIM holds out the
  latest debates of check-worthiness train (the 2016 debates, trained on the earlier ones:
  annotations/suggest/validation.py finds the debates from the Sentence_id sequence);
  OPINION holds out whole topic clusters of subjectivity train in five folds (its ids are random
  UUIDs and its rows shuffled, so the articles cannot be read; clusters of sentences sharing
  content words stand in for them).

Every setting (regularisation, thresholds, features) is chosen on train, by validation folds
that keep those units whole (debates, topic clusters, outlets), never on dev. Then: the
calibration of the scores (expected calibration error of the raw and the calibrated scores on
the held-out sentences or regions, and the reliability table), the worker CPU time of a
suggestion run on a 5,000-character article, and "after 200 decisions": a desk's own model
against the generic suggesters on that desk's next items.

The "learned" rows use the product's default features (TF-IDF and the rules' signals); where
the ml extra is installed, "learned+e" rows add MiniLM sentence embeddings (``--features tfidf``
leaves them out). Sentence vectors are cached in ``--cache`` (var/bench-cache) between runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.suggest import learned, learned_quotes
from annotations.suggest.calibration import Reliability, format_table, reliability
from annotations.suggest.claims import suggest_claims
from annotations.suggest.datasets import Article, LabeledSentence, load_polnear, load_split
from annotations.suggest.opinions import suggest_opinions
from annotations.suggest.quotes import suggest_quotes
from annotations.suggest.scoring import (
    gold_direct_quotes,
    predict_sentences,
    score_quotes,
    score_sentences,
)
from annotations.suggest.sentences import sentence_spans
from annotations.suggest.validation import (
    debate_groups,
    group_folds,
    latest_debates,
    outlet_of,
    topic_groups,
)

Row = tuple[str, str, str, dict[str, float | None], str]  # label, suggester, column, figures, note
COLS = ["P", "R", "F1", "charF1", "spkAcc", "macroF1", "ECE"]


def _fmt(v: float | None) -> str:
    return "     -" if v is None else f"{v:6.3f}"


def _quote_figures(q) -> dict[str, float | None]:
    return {
        "P": q.precision,
        "R": q.recall,
        "F1": q.f1,
        "charF1": q.char_f1,
        "spkAcc": q.speaker_accuracy,
    }


def _sentence_figures(s, label: str) -> dict[str, float | None]:
    out: dict[str, float | None] = {"P": s.precision, "R": s.recall, "F1": s.f1}
    if label == "OPINION":
        out["macroF1"] = s.macro_f1
    return out


# --- embeddings cache ----------------------------------------------------------------------------


def prime_vectors(texts: Sequence[str], cache: Path) -> None:
    """Fill the learned models' vector cache from ``cache`` (an .npz of texts and vectors),
    encoding and saving what is missing."""
    learned.VECTOR_CACHE_SIZE = 10**7
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        data = np.load(cache, allow_pickle=False)
        known = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        print(f"encoding {len(missing)} sentences (cached in {cache}) ...", flush=True)
        from annotations import embeddings

        for t, v in zip(missing, embeddings.encode(missing), strict=True):
            known[t] = v.astype(np.float32)
        cache.parent.mkdir(parents=True, exist_ok=True)
        keys = list(known)
        np.savez(cache, texts=np.array(keys), vectors=np.stack([known[k] for k in keys]))
    for t in texts:
        learned._vectors[t] = known[t]


# --- QUOTE ---------------------------------------------------------------------------------------


def quote_rows(
    train: list[Article], dev: list[Article], timings: list[str]
) -> tuple[list[Row], dict]:
    rows: list[Row] = []
    t = time.perf_counter()
    q = score_quotes(dev, suggest_quotes)
    note = (
        f"{len(dev)} articles, {q.gold} gold direct quotes, {q.found} found, "
        f"{q.suggested} suggested"
    )
    scores, right = _quote_outcomes(dev, suggest_quotes)
    rows.append(
        ("QUOTE", "rules", "dev", _quote_figures(q) | {"ECE": reliability(scores, right).ece}, note)
    )
    scores, right = _quote_outcomes(train, suggest_quotes)
    q = score_quotes(train, suggest_quotes)
    rows.append(
        (
            "QUOTE",
            "rules",
            "held-out",
            _quote_figures(q) | {"ECE": reliability(scores, right).ece},
            f"all {len(train)} train articles (the rules learn nothing from them)",
        )
    )
    timings.append(f"QUOTE rules {time.perf_counter() - t:.1f}s")

    # held-out: each outlet left out in turn, trained on the six others (settings by folds
    # that keep outlets whole)
    t = time.perf_counter()
    outlets = [outlet_of(a.name) for a in train]
    examples = learned_quotes.polnear_examples(train)
    prepared = learned_quotes.prepare_all(examples)
    raw_scores: list[float] = []
    cal_scores: list[float] = []
    outcomes: list[bool] = []
    suggest_by_article: dict[str, Callable] = {}
    for outlet in sorted(set(outlets)):
        inside = [i for i, o in enumerate(outlets) if o != outlet]
        model = learned_quotes.train_prepared(
            [prepared[i] for i in inside], groups=[outlets[i] for i in inside], folds=3
        )
        for i, o in enumerate(outlets):
            if o == outlet:
                suggest_by_article[train[i].name] = model.suggest
                r, c, y = _quote_model_outcomes(model, train[i])
                raw_scores += r
                cal_scores += c
                outcomes += y
    q = score_quotes(train, lambda text: _by_text(train, suggest_by_article, text))
    rows.append(
        (
            "QUOTE",
            "learned",
            "held-out",
            _quote_figures(q) | {"ECE": reliability(cal_scores, outcomes).ece},
            "each outlet left out in turn, trained on the other six",
        )
    )
    calib = {
        "QUOTE learned (held-out outlets)": (
            reliability(raw_scores, outcomes),
            reliability(cal_scores, outcomes),
        )
    }
    timings.append(f"QUOTE learned leave-one-outlet-out {time.perf_counter() - t:.1f}s")

    t = time.perf_counter()
    report: dict = {}
    qmodel = learned_quotes.train_prepared(prepared, groups=outlets, report=report)
    trained = time.perf_counter() - t
    q = score_quotes(dev, qmodel.suggest)
    scores, right = _quote_outcomes(dev, qmodel.suggest)
    rows.append(
        (
            "QUOTE",
            "learned",
            "dev",
            _quote_figures(q) | {"ECE": reliability(scores, right).ece},
            f"trained on {len(train)} articles, outlet folds; threshold {qmodel.threshold:.2f} "
            f"(CV F1 {report['cv_f1']:.3f}); {q.suggested} suggested",
        )
    )
    timings.append(f"QUOTE learned train {trained:.1f}s")
    return rows, {"model": qmodel, "calibration": calib}


def _by_text(articles: list[Article], suggesters: dict[str, Callable], text: str):
    for a in articles:
        if a.text is text or a.text == text:
            return suggesters[a.name](text)
    raise KeyError("article not found")


def _quote_outcomes(
    articles: Sequence[Article], suggest: Callable
) -> tuple[list[float], list[bool]]:
    """Each QUOTE suggestion's score and whether it overlaps a gold direct quote."""
    scores, right = [], []
    for art in articles:
        gold = [r for g in gold_direct_quotes(art) for r in g.content]
        for c in suggest(art.text):
            if c.label == "QUOTE":
                scores.append(c.score)
                right.append(any(c.start < e and s < c.end for s, e in gold))
    return scores, right


def _quote_model_outcomes(model, art: Article) -> tuple[list[float], list[float], list[bool]]:
    gold = [r for g in gold_direct_quotes(art) for r in g.content]
    cands = model.suggest(art.text)
    cal = [c.score for c in cands]
    raw = model.raw_scores(art.text)
    y = [any(c.start < e and s < c.end for s, e in gold) for c in cands]
    return raw, cal, y


# --- CLAIM and OPINION ---------------------------------------------------------------------------


def _rule_ece(sents: Sequence[LabeledSentence], suggest: Callable, label: str) -> float:
    """ECE of the rules' suggestions: each sentence they suggest, its best score against gold."""
    scores, right = [], []
    for s in sents:
        found = [c.score for c in suggest(s.text) if c.label == label]
        if found:
            scores.append(max(found))
            right.append(s.label)
    return reliability(scores, right).ece


def _predict(model: learned.SentenceModel, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    raw = model.raw_proba(texts)
    return raw, np.array([model.calibration(float(p)) for p in raw])


def claim_rows(
    train: list[LabeledSentence],
    dev: list[LabeledSentence],
    features: str,
    timings: list[str],
    *,
    who: str = "learned",
    with_rules: bool = True,
) -> tuple[list[Row], dict]:
    rows: list[Row] = []
    groups = debate_groups([s.id for s in train])
    late = latest_debates(groups)
    early_at = [i for i, g in enumerate(groups) if g not in late]
    late_at = [i for i, g in enumerate(groups) if g in late]
    held = [train[i] for i in late_at]
    for column, sents in (("dev", dev), ("held-out", held)) if with_rules else ():
        gold = [s.label for s in sents]
        c = score_sentences(
            gold, predict_sentences([s.text for s in sents], suggest_claims, "CLAIM")
        )
        note = f"{len(sents)} sentences, {sum(gold)} Yes"
        if column == "held-out":
            note += f"; the latest {len(late)} debates of train (2016)"
        ece = {"ECE": _rule_ece(sents, suggest_claims, "CLAIM")}
        rows.append(("CLAIM", "rules", column, _sentence_figures(c, "CLAIM") | ece, note))
    calib: dict[str, tuple[Reliability, Reliability]] = {}
    trained: dict[str, learned.SentenceModel] = {}
    for column, fit_at, sents in (
        ("held-out", early_at, held),
        ("dev", list(range(len(train))), dev),
    ):
        t = time.perf_counter()
        report: dict = {}
        model = learned.train(
            [train[i].text for i in fit_at],
            [train[i].label for i in fit_at],
            label="CLAIM",
            groups=[groups[i] for i in fit_at],
            c=1.0,
            features=features,
            report=report,
        )
        gold = [s.label for s in sents]
        raw, cal = _predict(model, [s.text for s in sents])
        c = score_sentences(gold, list(cal >= model.threshold))
        rows.append(
            (
                "CLAIM",
                who,
                column,
                _sentence_figures(c, "CLAIM") | {"ECE": reliability(cal.tolist(), gold).ece},
                f"{features}, trained on {len(fit_at)} sentences of {report['groups']} debates "
                f"(debate folds: CV F1 {report['cv_f1']:.3f}), threshold {model.threshold:.2f}",
            )
        )
        trained[column] = model
        calib[f"CLAIM {who} ({column})"] = (
            reliability(raw.tolist(), gold),
            reliability(cal.tolist(), gold),
        )
        timings.append(f"CLAIM {who} {column} {time.perf_counter() - t:.0f}s")
    return rows, {"model": model, "heldout_model": trained["held-out"], "calibration": calib}


def opinion_rows(
    train: list[LabeledSentence],
    dev: list[LabeledSentence],
    features: str,
    timings: list[str],
    *,
    who: str = "learned",
    with_rules: bool = True,
) -> tuple[list[Row], dict]:
    rows: list[Row] = []
    texts = [s.text for s in train]
    y = np.array([s.label for s in train])
    groups = topic_groups(texts)
    gold = [s.label for s in dev]
    rows += _opinion_rules(train, dev) if with_rules else []
    return _opinion_learned(texts, y, groups, dev, gold, features, timings, who, rows)


def _opinion_rules(train: list[LabeledSentence], dev: list[LabeledSentence]) -> list[Row]:
    rows: list[Row] = []
    texts = [s.text for s in train]
    y = np.array([s.label for s in train])
    gold = [s.label for s in dev]
    o = score_sentences(gold, predict_sentences([s.text for s in dev], suggest_opinions, "OPINION"))
    rows.append(
        (
            "OPINION",
            "rules",
            "dev",
            _sentence_figures(o, "OPINION") | {"ECE": _rule_ece(dev, suggest_opinions, "OPINION")},
            f"{len(dev)} sentences, {sum(gold)} SUBJ",
        )
    )
    o = score_sentences(list(y), predict_sentences(texts, suggest_opinions, "OPINION"))
    rows.append(
        (
            "OPINION",
            "rules",
            "held-out",
            _sentence_figures(o, "OPINION")
            | {"ECE": _rule_ece(train, suggest_opinions, "OPINION")},
            f"all {len(train)} train sentences, {int(y.sum())} SUBJ",
        )
    )
    return rows


def _opinion_learned(texts, y, groups, dev, gold, features, timings, who, rows):
    # held-out: five folds of whole topic clusters, each model choosing its settings by
    # inner folds of whole clusters
    t = time.perf_counter()
    raw = np.zeros(len(y))
    cal = np.zeros(len(y))
    predicted = np.zeros(len(y), dtype=bool)
    for fit_at, test_at in group_folds(y, groups, 5):
        model = learned.train(
            [texts[i] for i in fit_at],
            y[fit_at].tolist(),
            label="OPINION",
            groups=[groups[i] for i in fit_at],
            features=features,
        )
        r, c = _predict(model, [texts[i] for i in test_at])
        raw[test_at], cal[test_at] = r, c
        predicted[test_at] = c >= model.threshold
    o = score_sentences(list(y), list(predicted))
    rows.append(
        (
            "OPINION",
            who,
            "held-out",
            _sentence_figures(o, "OPINION") | {"ECE": reliability(cal.tolist(), list(y)).ece},
            f"{features}; 5 folds of whole topic clusters ({len(set(groups))} clusters)",
        )
    )
    calib = {
        "OPINION learned (held-out)": (
            reliability(raw.tolist(), list(y)),
            reliability(cal.tolist(), list(y)),
        )
    }
    timings.append(f"OPINION {who} held-out {time.perf_counter() - t:.0f}s")
    t = time.perf_counter()
    report: dict = {}
    model = learned.train(
        texts, y.tolist(), label="OPINION", groups=groups, features=features, report=report
    )
    r, c = _predict(model, [s.text for s in dev])
    o = score_sentences(gold, list(c >= model.threshold))
    rows.append(
        (
            "OPINION",
            who,
            "dev",
            _sentence_figures(o, "OPINION") | {"ECE": reliability(c.tolist(), gold).ece},
            f"{features}, C {report['c']}, threshold {model.threshold:.2f} (cluster folds: CV "
            f"macro-F1 {report['cv_macro']:.3f})",
        )
    )
    calib[f"OPINION {who} (dev)"] = (reliability(r.tolist(), gold), reliability(c.tolist(), gold))
    timings.append(f"OPINION {who} dev {time.perf_counter() - t:.0f}s")
    return rows, {"model": model, "calibration": calib}


# --- run time ------------------------------------------------------------------------------------


def run_time(article: str, models: dict, features: str) -> str:
    """Worker CPU of the candidates of one run: the three learned models (what a project with
    models runs) and the rules, on a 5,000-character article (first call excluded: model load)."""
    from annotations.suggest.people import canonical_speakers

    def one() -> None:
        learned._vectors.clear()  # a new article: nothing encoded yet
        out = []
        for m in models.values():
            out.extend(m.suggest(article))
        canonical_speakers(article, out)

    one()
    times = []
    for _ in range(5):
        t = time.process_time()
        one()
        times.append(time.process_time() - t)
    t = time.process_time()
    for _ in range(5):
        suggest_quotes(article), suggest_claims(article), suggest_opinions(article)
    rules = (time.process_time() - t) / 5
    return (
        f"run time on a {len(article)}-character article ({len(sentence_spans(article))} "
        f"sentences): learned models ({features}) median {sorted(times)[2] * 1000:.0f} ms CPU, "
        f"rules {rules * 1000:.0f} ms CPU"
    )


def five_thousand_characters(articles: Sequence[Article]) -> str:
    longest = max(articles, key=lambda a: len(a.text)).text
    cut = longest[:5000]
    return cut[: cut.rfind(".") + 1] if "." in cut else cut


# --- after 200 decisions -------------------------------------------------------------------------


DECISIONS = 200


def simulate_sentences(
    label: str,
    sentences: Sequence[LabeledSentence],
    rules: Callable,
    generic: learned.SentenceModel | None,
    features: str,
    doc_size: int = 20,
) -> str:
    """A desk works through ``sentences`` in order, one document every ``doc_size`` sentences,
    deciding the rules' suggestions (the gold answers them) and tagging what they missed. Once
    it has decided DECISIONS suggestions its own model is trained on those documents (as
    services.learning does: every sentence of a worked document is a yes or a no) and compared
    with the rules and the generic model on the documents that come after."""
    decided = 0
    cut = len(sentences)
    for i in range(0, len(sentences), doc_size):
        doc = sentences[i : i + doc_size]
        decided += sum(1 for s in doc if any(c.label == label for c in rules(s.text)))
        if decided >= DECISIONS:
            cut = i + doc_size
            break
    seen, later = sentences[:cut], sentences[cut:]
    model = learned.train(
        [s.text for s in seen],
        [s.label for s in seen],
        label=label,
        groups=[i // doc_size for i in range(len(seen))],
        features=features,
    )
    gold = [s.label for s in later]
    texts = [s.text for s in later]
    measure = "F1" if label == "CLAIM" else "macro-F1"

    def fig(predicted: list[bool]) -> float:
        s = score_sentences(gold, predicted)
        return s.f1 if label == "CLAIM" else s.macro_f1

    parts = [
        f"{label}: {decided} decisions in {cut} sentences, then {len(later)} later sentences: "
        f"{measure} rules {fig(predict_sentences(texts, rules, label)):.3f}",
    ]
    if generic is not None:
        parts.append(f"generic learned {fig(generic.predict(texts)):.3f}")
    parts.append(f"desk's own model {fig(model.predict(texts)):.3f}")
    if generic is not None:
        # the desk started from the generic model: its own model builds on it
        built = learned.train(
            [s.text for s in seen],
            [s.label for s in seen],
            label=label,
            groups=[i // doc_size for i in range(len(seen))],
            features=features,
            base=generic,
        )
        parts.append(f"desk's own model built on the generic one {fig(built.predict(texts)):.3f}")
        parts.append(_desk_calibration(generic, seen, later))
    return ", ".join(parts)


def _desk_calibration(
    generic: learned.SentenceModel,
    seen: Sequence[LabeledSentence],
    later: Sequence[LabeledSentence],
) -> str:
    """The desk's own calibration (services.learning.desk_calibration: Platt on its decided
    suggestions) of the generic model's scores, fitted on the suggestions of the first
    documents and measured on the later ones."""
    from annotations.suggest.calibration import platt

    def suggested(sents):
        p = np.array(generic.predict_proba([s.text for s in sents]))
        kept = p >= generic.threshold
        return p[kept].tolist(), [s.label for s, k in zip(sents, kept, strict=True) if k]

    fit_scores, fit_right = suggested(seen)
    scores, right = suggested(later)
    fit = platt(fit_scores, fit_right)
    before = reliability(scores, right).ece
    after = reliability([fit(s) for s in scores], right).ece
    return (
        f"ECE of the generic model's suggestions {before:.3f}, after the desk's own calibration "
        f"on its {len(fit_scores)} decisions {after:.3f}"
    )


def simulate_quotes(articles: Sequence[Article]) -> str:
    """Per outlet, articles in date order: the desk decides the rules' QUOTE suggestions (the
    gold answers them, a speaker is corrected to the gold one) until DECISIONS; its own model
    is trained on those articles and compared with the rules on that outlet's later articles."""
    by_outlet: dict[str, list[Article]] = {}
    for a in sorted(articles, key=lambda a: a.name.split("_", 2)[1]):
        by_outlet.setdefault(outlet_of(a.name), []).append(a)
    rules_right = rules_n = own_right = own_n = 0
    r_f, o_f, r_s, o_s = [], [], [], []
    for arts in by_outlet.values():
        decided, cut = 0, len(arts)
        for i, a in enumerate(arts):
            decided += len(suggest_quotes(a.text))
            if decided >= DECISIONS:
                cut = i + 1
                break
        seen, later = arts[:cut], arts[cut:]
        if not later:
            continue
        model = learned_quotes.train(learned_quotes.polnear_examples(seen), folds=3)
        r = score_quotes(later, suggest_quotes)
        o = score_quotes(later, model.suggest)
        r_f.append(r.f1)
        o_f.append(o.f1)
        r_s.append(r.speaker_accuracy)
        o_s.append(o.speaker_accuracy)
        rules_n += 1
        own_n += 1
        rules_right += r.f1 >= o.f1
        own_right += o.f1 > r.f1
    return (
        f"QUOTE: per outlet ({own_n}), after {DECISIONS} decisions, later articles: F1 rules "
        f"{np.mean(r_f):.3f} vs desk's own model {np.mean(o_f):.3f} (better on {own_right} of "
        f"{own_n} outlets); speaker accuracy {np.mean(r_s):.3f} vs {np.mean(o_s):.3f}"
    )


# --- the table -----------------------------------------------------------------------------------


def print_table(rows: list[Row]) -> None:
    print(
        f"{'label':8} {'suggester':9} {'column':9} " + " ".join(f"{c:>6}" for c in COLS) + "  notes"
    )
    for label, who, column, vals, note in rows:
        print(
            f"{label:8} {who:9} {column:9} "
            + " ".join(_fmt(vals.get(c)) for c in COLS)
            + f"  {note}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default="../shared/data", help="directory laid out like shared/data"
    )
    parser.add_argument("--split", default="dev", help="the split scored in the dev column")
    parser.add_argument("--train-split", default="train")
    parser.add_argument(
        "--features",
        choices=learned.FEATURE_SETS,
        default=None,
        help="tfidf: leave out the rows with sentence embeddings (default: both when installed)",
    )
    parser.add_argument(
        "--cache", default="var/bench-cache", help="where sentence vectors are kept"
    )
    parser.add_argument(
        "--only",
        choices=["QUOTE", "CLAIM", "OPINION"],
        action="append",
        help="score these labels only",
    )
    parser.add_argument("--no-simulation", action="store_true")
    args = parser.parse_args(argv)
    data = Path(args.data)
    features = "tfidf"  # the product's default (settings.SUGGESTER_FEATURES)
    features_e = (
        ["tfidf+embeddings"] if args.features != "tfidf" and learned.embeddings_available() else []
    )
    only = set(args.only or ["QUOTE", "CLAIM", "OPINION"])
    rows: list[Row] = []
    timings: list[str] = []
    calib: dict[str, tuple[Reliability, Reliability]] = {}
    models: dict = {}
    extra: list[str] = []

    claim_train = load_split(data, "checkworthiness", args.train_split)
    claim_dev = load_split(data, "checkworthiness", args.split)
    opinion_train = load_split(data, "subjectivity", args.train_split)
    opinion_dev = load_split(data, "subjectivity", args.split)
    quote_train = load_polnear(data / "polnear" / args.train_split)
    quote_dev = load_polnear(data / "polnear" / args.split)
    if features_e:
        article = five_thousand_characters(quote_dev)
        texts = [s.text for s in claim_train + claim_dev + opinion_train + opinion_dev]
        prime_vectors(texts, Path(args.cache) / f"minilm-{args.train_split}-{args.split}.npz")

    if "QUOTE" in only:
        r, out = quote_rows(quote_train, quote_dev, timings)
        rows += r
        calib |= out["calibration"]
        models["QUOTE"] = out["model"]
    # The product's default features, then sentence embeddings beside them (learned+e)
    variants = [("learned", "tfidf")] + [("learned+e", f) for f in features_e]
    fast: dict = {}
    for i, (who, feats) in enumerate(variants):
        if "CLAIM" in only:
            r, out = claim_rows(claim_train, claim_dev, feats, timings, who=who, with_rules=i == 0)
            rows += r
            calib |= out["calibration"]
            (models if i == 0 else fast).setdefault("CLAIM", out["model"])
            if i == 0:
                generic_claim = out["heldout_model"]
        if "OPINION" in only:
            r, out = opinion_rows(
                opinion_train, opinion_dev, feats, timings, who=who, with_rules=i == 0
            )
            rows += r
            calib |= out["calibration"]
            (models if i == 0 else fast).setdefault("OPINION", out["model"])

    print(f"dev: {args.split} split; held-out: validation inside {args.train_split}; data: {data}")
    rows.sort(
        key=lambda r: (["QUOTE", "CLAIM", "OPINION"].index(r[0]), r[1] != "rules", r[2] != "dev")
    )
    print_table(rows)
    print(
        "\ncalibration (expected calibration error of the raw and the calibrated scores; "
        "reliability of the calibrated ones)"
    )
    for name, (before, after) in calib.items():
        print(f"{name}: ECE raw {before.ece:.3f} -> calibrated {after.ece:.3f}")
        for line in format_table(after):
            print(line)

    if models:
        article = five_thousand_characters(quote_dev)
        extra.append(run_time(article, models, features))
        if fast:
            extra.append(run_time(article, {**models, **fast}, "tfidf+embeddings"))
    if not args.no_simulation:
        t = time.perf_counter()
        if "CLAIM" in only:
            groups = debate_groups([s.id for s in claim_train])
            late = latest_debates(groups)
            order = sorted(
                (i for i, g in enumerate(groups) if g in late), key=lambda i: int(claim_train[i].id)
            )
            generic = generic_claim  # trained on the debates before these
            extra.append(
                simulate_sentences(
                    "CLAIM", [claim_train[i] for i in order], suggest_claims, generic, features
                )
            )
        if "OPINION" in only:
            extra.append(
                simulate_sentences("OPINION", opinion_train, suggest_opinions, None, features)
            )
        if "QUOTE" in only:
            extra.append(simulate_quotes(quote_train))
        timings.append(f"simulation {time.perf_counter() - t:.0f}s")
    print()
    for line in extra:
        print(line)
    print("timings: " + "; ".join(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
