"""Choose the comparison's constants by leave-one-event-out, so the figure is a held-out one.

    python benchmarks/compare_tune.py --data ../shared/data/crossoutlet --kind claim \
        [--embeddings] [--cache /tmp/minilm-cache.pkl]

For one kind, every setting of the grid below (module constants, patched in turn) is run on every
event and scored at every threshold. Then each event is scored with the setting and threshold
that do best (mean of F1 and strict F1) on the other events alone, and the counts are summed:
the ``held-out`` row is what choosing the constants on the development events is worth on an
event they were not chosen on. The ``all`` row is the best setting chosen on all events (an
optimistic figure). ``--cache`` keeps the sentence vectors between runs (encoding is the slow
part); the file holds vectors of the development texts, so keep it out of the repository.
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _compare_scoring import Counts, figures, score_group
from compare_quality import GRID, TYPE_OF, above, load, objective, prediction

from annotations.compare import claims, compare_documents, loaded, numbers
from annotations.compare.semantic import SentenceSimilarity, encoder_similarity

# kind -> {(module, constant): values}
GRIDS = {
    "claim": {
        (claims, "SEMANTIC_WEIGHT"): [0.0, 0.3, 0.5, 0.7],
        (claims, "TOP_K"): [2, 3],
        (claims, "TOP_K_SEMANTIC"): [2, 3],
    },
    "loaded": {
        (loaded, "LOCAL"): [0.3, 0.6, 0.9, 1.0],
        (loaded, "TOP"): [1, 3, 5],
    },
    "number": {
        (numbers, "FLOOR"): [0.1, 0.2, 0.3],
        (numbers, "MAX_RATIO"): [1.25, 1.5],
    },
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/crossoutlet")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--kind", choices=sorted(GRIDS), required=True)
    parser.add_argument("--embeddings", action="store_true")
    parser.add_argument("--cache", type=Path, help="a pickle of sentence vectors kept between runs")
    args = parser.parse_args(argv)
    groups, texts = load(Path(args.data), args.split)
    similarity = None
    if args.embeddings:
        similarity = encoder_similarity()
        if similarity is None:
            parser.error("the sentence encoder is not installed (make install-ml)")
        if args.cache and args.cache.exists():
            similarity._cache.update(pickle.loads(args.cache.read_bytes()))
    typ = TYPE_OF[args.kind]
    grid = GRIDS[args.kind]
    names = [f"{m.__name__.rsplit('.', 1)[-1]}.{c}" for m, c in grid]
    settings = list(itertools.product(*grid.values()))
    # counts[setting][group][threshold]
    counts: dict[tuple, dict[int, dict[float, Counts]]] = {}
    for setting in settings:
        old = [getattr(m, c) for m, c in grid]
        for (m, c), v in zip(grid, setting, strict=True):
            setattr(m, c, v)
        try:
            counts[setting] = {}
            for g in groups:
                docs = [(d["doc_id"], texts[d["doc_id"]]) for d in g["documents"]]
                found = compare_documents(
                    docs, kinds=[args.kind], thresholds={args.kind: 0.0}, similarity=similarity
                )
                preds = [prediction(x) for x in found]
                counts[setting][g["group_id"]] = {
                    t: score_group(g, texts, above(preds, dict.fromkeys(TYPE_OF.values(), t)))[typ]
                    for t in GRID
                }
        finally:
            for (m, c), v in zip(grid, old, strict=True):
                setattr(m, c, v)
    if args.cache and isinstance(similarity, SentenceSimilarity):
        args.cache.write_bytes(pickle.dumps(dict(similarity._cache)))

    def total(setting: tuple, t: float, skip: int | None = None) -> Counts:
        c = Counts()
        for gid, by_t in counts[setting].items():
            if gid != skip:
                c = c + by_t[t]
        return c

    choices = [(s, t) for s in settings for t in GRID]
    held = Counts()
    picked = []
    for g in groups:
        gid = g["group_id"]
        s, t = max(choices, key=lambda st: objective(total(st[0], st[1], gid)))
        picked.append((s, t))
        held = held + counts[s][gid][t]
    best = max(choices, key=lambda st: objective(total(*st)))
    print(f"compare_tune {args.kind} ({'embeddings' if similarity else 'lexical'}): {names}")
    for label, c in (("all", total(*best)), ("held-out", held)):
        f = figures(c)
        print(
            f"{label:9} P {f['precision']:.3f} P_str {f['precision_strict']:.3f}"
            f" R {f['recall']:.3f} F1 {f['f1']:.3f} F1_str {f['f1_strict']:.3f}"
            f" pred {f['predicted']} match {f['matched']} err {f['judged_errors']}"
        )
    print(f"chosen on all events: {dict(zip(names, best[0], strict=True))}, threshold {best[1]}")
    print("chosen per held-out event: " + "; ".join(f"{s} {t}" for s, t in picked))
    for s in settings:
        c = max(GRID, key=lambda t, s=s: objective(total(s, t)))
        f = figures(total(s, c))
        print(f"  {s} thr {c:.2f}: F1 {f['f1']:.3f} F1_str {f['f1_strict']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
