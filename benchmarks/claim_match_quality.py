"""Claim matching measured on claim retrieval: rank the checked claims for each query.

    python benchmarks/claim_match_quality.py --data ../shared/data --split dev
        [--no-embeddings] [--scale 100000] [--fit]

Reads <data>/claim-retrieval-en (any directory laid out the same way, any split name; see
annotations/claimmatch/dataset.py), ranks the whole collection of verified claims for each query
of the split with annotations.claimmatch, and prints MAP@5 (CheckThat! 2020 task 2's official
measure, trec_eval's way) and MAP@1 for the lexical, embedding and fused rankings, then the model
used, its size and the cost per query.

The collection's embeddings are computed once and kept in var/claim-match-cache/ (keyed by the
model and the texts), as the product stores one vector per desk claim.

--scale N times matching against N claims (the collection repeated, with random unit vectors
where it runs out of real ones): the cost of a query against a desk of that size.

--threshold (run it on train to choose, on dev to see) picks the calibrated score from which the
product shows "already checked" (annotations/services/checking.py SHOW_THRESHOLD): each query's
best match is a true match when its verified claim is first, a false one when another claim is;
and each query is asked once more with its verified claims taken out of the collection, as a
desk's sentence that nobody checked (every query here has a checked claim to find; a desk's
sentences mostly do not), where anything shown is a false match. It prints precision and recall
of the shown matches for each threshold, and the one with the best F1.

--fit (run it on train) re-derives what annotations/claimmatch/matcher.py holds as constants:
MAP@5 of the fused ranking for each candidate lexical weight on the split's earlier four fifths
of queries (by id) and on the latest fifth held out, and the logistic calibration of each method's
ranking value.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations import embeddings  # noqa: E402
from annotations.claimmatch import matcher  # noqa: E402
from annotations.claimmatch.dataset import (  # noqa: E402
    ClaimRetrievalSet,
    load_claim_retrieval,
    mean_average_precision,
)
from annotations.claimmatch.matcher import Claim, ClaimIndex, ranking_values  # noqa: E402
from annotations.claimmatch.text import clean, words  # noqa: E402

CACHE = ROOT / "var" / "claim-match-cache"


def cached_vectors(texts: list[str], label: str) -> np.ndarray:
    digest = hashlib.sha256("\n\x00".join([embeddings.MODEL_NAME, *texts]).encode()).hexdigest()
    path = CACHE / f"{label}-{digest[:16]}.npy"
    if path.exists():
        return np.load(path)
    started = time.perf_counter()
    vectors = embeddings.encode(texts)
    print(f"  encoded {len(texts)} {label} in {time.perf_counter() - started:.0f} s (cached)")
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def rankings(
    index: ClaimIndex, ds: ClaimRetrievalSet, method: str, qvecs: np.ndarray | None, k: int = 5
) -> dict[str, list[str]]:
    out = {}
    for i, q in enumerate(ds.queries):
        if method == "bm25":  # the README's baseline: BM25 over words alone
            values = index.fold(index.bm25.scores(words(clean(q.text))))
        else:
            values, *_ = index.rank_values(
                q.text, method=method, query_vector=None if qvecs is None else qvecs[i]
            )
        top = np.argpartition(-values, k)[:k] if len(values) > k else np.arange(len(values))
        top = top[np.argsort(-values[top], kind="stable")]
        out[q.id] = [index.claims[j].id for j in top if np.isfinite(values[j])]
    return out


def scores(ds: ClaimRetrievalSet, ranked: dict[str, list[str]]) -> tuple[float, float]:
    return (
        mean_average_precision(ranked, ds.relevant, 5),
        mean_average_precision(ranked, ds.relevant, 1),
    )


def fit(index: ClaimIndex, ds: ClaimRetrievalSet, qvecs: np.ndarray | None) -> None:
    """Print what the matcher's constants would be if chosen on this split."""
    from sklearn.linear_model import LogisticRegression

    ids = sorted(int(q.id) for q in ds.queries if q.id.isdigit())
    cut = ids[int(len(ids) * 0.8)] if ids else 0
    parts = {
        "earlier 4/5": {q.id for q in ds.queries if q.id.isdigit() and int(q.id) < cut},
        "latest 1/5": {q.id for q in ds.queries if q.id.isdigit() and int(q.id) >= cut},
    }
    signals = [
        index.signals(q.text, query_vector=None if qvecs is None else qvecs[i])
        for i, q in enumerate(ds.queries)
    ]
    print(f"fit on {len(ds.queries)} queries (held out: ids >= {cut})")
    if qvecs is not None:
        for weight in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8):
            ranked = {}
            for q, sig in zip(ds.queries, signals, strict=True):
                values = index.fold(sig.cosine + weight * sig.lexical_relative)
                ranked[q.id] = [index.claims[j].id for j in np.argsort(-values)[:5]]
            line = []
            for name, members in parts.items():
                rel = {q: r for q, r in ds.relevant.items() if q in members}
                line.append(f"{name} {mean_average_precision(ranked, rel, 5):.3f}")
            print(f"  lexical weight {weight:.1f}: MAP@5 " + ", ".join(line))
    for method in ("lexical", "semantic", "fused"):
        if method != "lexical" and qvecs is None:
            continue
        x, y = [], []
        for q, sig in zip(ds.queries, signals, strict=True):
            values = index.fold(ranking_values(sig, method))
            relevant = ds.relevant.get(q.id, set())
            for j in np.argsort(-values)[:50]:
                x.append(values[j])
                y.append(index.claims[j].id in relevant)
        model = LogisticRegression(C=100.0).fit(np.asarray(x).reshape(-1, 1), np.asarray(y))
        print(
            f"  calibration {method}: slope {model.coef_[0][0]:.1f}, "
            f"offset {model.intercept_[0]:.1f} (top 50 candidates, {sum(y)} positives)"
        )


def thresholds(
    ds: ClaimRetrievalSet, vectors: np.ndarray | None, qvecs: np.ndarray | None, method: str
) -> None:
    """Precision and recall of "already checked" shown from each calibrated score."""
    from annotations.claimmatch import same_claim_key

    index = ClaimIndex(ds.claims, vectors=vectors, fold_duplicates=False)
    by_key: dict[str, list[int]] = {}
    for row, claim in enumerate(index.claims):
        by_key.setdefault(same_claim_key(claim.text), []).append(row)
    found, alone = [], []  # (score, right) of the best match; the best score with none to find
    for i, q in enumerate(ds.queries):
        relevant = ds.relevant.get(q.id, set())
        if not relevant:
            continue
        qv = None if qvecs is None else qvecs[i]
        [best] = index.match(q.text, limit=1, method=method, query_vector=qv)
        found.append((best.score, best.claim.id in relevant))
        rows = [r for c in index.claims if c.id in relevant for r in by_key[same_claim_key(c.text)]]
        index.retire(rows)
        [other] = index.match(q.text, limit=1, method=method, query_vector=qv)
        index.retired[:] = False
        alone.append(other.score)
    n = len(found)
    print(f"\n{method}: {n} queries, each also asked with its verified claims taken out")
    print(
        f"{'shown from':>10} {'precision':>9} {'recall':>6} {'F1':>5} {'false, none to find':>20}"
    )
    best = (0.0, 0.0)
    for t in [x / 20 for x in range(1, 20)]:
        right = sum(1 for score, ok in found if score >= t and ok)
        wrong = sum(1 for score, ok in found if score >= t and not ok)
        false_alone = sum(1 for score in alone if score >= t)
        shown = right + wrong + false_alone
        precision = right / shown if shown else 1.0
        recall = right / n
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        best = max(best, (f1, t))
        print(f"{t:>10.2f} {precision:>9.3f} {recall:>6.3f} {f1:>5.3f} {false_alone / n:>19.1%}")
    print(f"best F1 {best[0]:.3f} from a score of {best[1]:.2f}")


def time_at_scale(ds: ClaimRetrievalSet, n: int, with_vectors: bool) -> None:
    rng = np.random.default_rng(0)
    base = ds.claims
    claims = [
        Claim(id=f"{i}", text=base[i % len(base)].text, title=base[i % len(base)].title)
        for i in range(n)
    ]
    started = time.perf_counter()
    vectors = None
    if with_vectors:
        vectors = rng.standard_normal((n, embeddings.DIMENSION), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    # Repeated wordings would all fold into one: keep them apart, as distinct claims would be.
    index = ClaimIndex(claims, vectors=vectors, fold_duplicates=False)
    built = time.perf_counter() - started
    queries = [q.text for q in ds.queries[:50]]
    qvec = rng.standard_normal(embeddings.DIMENSION).astype(np.float32)
    qvec /= np.linalg.norm(qvec)
    for method in ("lexical", "fused") if with_vectors else ("lexical",):
        index.match(queries[0], method=method, query_vector=qvec)
        started, cpu = time.perf_counter(), time.process_time()
        for text in queries:
            index.match(text, method=method, query_vector=qvec, limit=10)
        wall = (time.perf_counter() - started) / len(queries) * 1000
        cpu = (time.process_time() - cpu) / len(queries) * 1000
        print(
            f"  {n:,} claims, {method:<7}: {wall:6.1f} ms a query (wall), {cpu:6.1f} ms CPU; "
            f"index built in {built:.1f} s"
        )
    if with_vectors:
        started = time.perf_counter()
        for _ in range(20):
            index.vectors @ qvec
        print(
            f"    of which the cosine product alone: "
            f"{(time.perf_counter() - started) / 20 * 1000:.1f} ms"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data", help="laid out like shared/data")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--no-embeddings", action="store_true", help="lexical only")
    parser.add_argument("--scale", type=int, default=0, help="time queries against N claims")
    parser.add_argument("--fit", action="store_true", help="re-derive the constants (on train)")
    parser.add_argument(
        "--threshold", action="store_true", help="precision and recall of shown matches"
    )
    args = parser.parse_args(argv)

    ds = load_claim_retrieval(args.data, args.split)
    print(
        f"claim retrieval, split {args.split}: {len(ds.queries)} queries, "
        f"{len(ds.claims):,} verified claims"
    )
    use_embeddings = not args.no_embeddings and embeddings.available()
    if not args.no_embeddings and not use_embeddings:
        print(f"embeddings skipped: {embeddings.why_unavailable()}")

    vectors = qvecs = None
    encode_ms = 0.0
    if use_embeddings:
        encoder = embeddings.get_encoder()
        vectors = cached_vectors([c.text for c in ds.claims], "claims")
        started, cpu = time.perf_counter(), time.process_time()
        qvecs = encoder.encode([clean(q.text) for q in ds.queries], batch_size=1)
        encode_ms = (time.process_time() - cpu) / len(ds.queries) * 1000
        encode_wall = (time.perf_counter() - started) / len(ds.queries) * 1000

    started = time.perf_counter()
    index = ClaimIndex(ds.claims, vectors=vectors)
    print(
        f"index built in {time.perf_counter() - started:.1f} s; "
        f"{len(index.folded)} claims fold into an earlier one of the same wording"
    )
    if args.fit:
        fit(index, ds, qvecs)
        return 0
    if args.threshold:
        for method in ["lexical"] + (["fused"] if use_embeddings else []):
            thresholds(ds, vectors, qvecs, method)
        return 0

    methods = ["bm25", "lexical"] + (["semantic", "fused"] if use_embeddings else [])
    labels = {
        "bm25": "BM25 (words)",
        "lexical": "lexical (BM25 + char 4-grams)",
        "semantic": "embeddings (MiniLM cosine)",
        "fused": f"fused (cosine + {matcher.LEXICAL_WEIGHT} x lexical)",
    }
    unfolded = ClaimIndex(ds.claims, vectors=vectors, fold_duplicates=False)
    print(f"\n{'method':<34} {'MAP@5':>6} {'MAP@1':>6} {'ms/query':>9}   duplicates not folded")
    for method in methods:
        started = time.process_time()
        ranked = rankings(index, ds, method, qvecs)
        per_query = (time.process_time() - started) / len(ds.queries) * 1000
        m5, m1 = scores(ds, ranked)
        u5, u1 = scores(ds, rankings(unfolded, ds, method, qvecs))
        print(f"{labels[method]:<34} {m5:6.3f} {m1:6.3f} {per_query:9.1f}   {u5:.3f} {u1:.3f}")
    print("ms/query: CPU time to rank the whole collection, the query's embedding given")

    print("\ncost (CPU time; this machine has", os.cpu_count(), "cores)")
    if use_embeddings:
        print(
            f"  model {encoder.name} (numpy, from {embeddings.MODEL_PACKAGE}): "
            f"{encoder.size_bytes / 1e6:.0f} MB float32, {encoder.dimension} dimensions"
        )
        print(
            f"  encoding one query: {encode_ms:.1f} ms CPU ({encode_wall:.1f} ms wall); the "
            f"collection's {len(ds.claims):,} vectors are computed once and stored"
        )
    print(f"  ranking {len(ds.claims):,} claims: the ms/query column above")
    if args.scale:
        time_at_scale(ds, args.scale, use_embeddings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
