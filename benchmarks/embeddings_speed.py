"""The numpy sentence encoder: its speed here, and whether it computes what the reference does.

    python benchmarks/embeddings_speed.py [--data ../shared/data] [--sentences 2000]
        [--reference /path/to/python-with-sentence-transformers]

Speed: sentences per second encoding real sentences (the seed articles' sentences, plus the
claim-retrieval tweets and verified claims when --data is given), by wall clock and by this
process's CPU time, at a few batch sizes; the model's load time and size.

--reference PYTHON runs sentence-transformers (with PyTorch) in that other interpreter on the same
model files and texts (the seeds' 30 sentences and 7 awkward ones: emoji, CJK, an empty string, a
text past the 256-token limit; with --data also 20 tweets), and prints the largest absolute
difference between the two sets of vectors and the lowest cosine between matching rows.
PyTorch stays out of this project's environment: make a throwaway one, e.g.
``python -m venv /tmp/refvenv && /tmp/refvenv/bin/pip install torch==2.13.0 sentence-transformers``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations import embeddings  # noqa: E402
from annotations.suggest.sentences import sentence_spans  # noqa: E402

_REFERENCE_SCRIPT = """
import json, sys
import numpy as np
from sentence_transformers import SentenceTransformer
model_dir, texts_file, out_file = sys.argv[1:4]
texts = json.load(open(texts_file, encoding="utf-8"))
model = SentenceTransformer(model_dir, device="cpu")
vectors = model.encode(texts, batch_size=16, convert_to_numpy=True, normalize_embeddings=False)
np.save(out_file, vectors.astype(np.float32))
print(model.max_seq_length)
"""


def seed_sentences() -> list[str]:
    out = []
    for path in sorted((ROOT / "seeds" / "articles").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out.extend(text[s:e].strip() for s, e in sentence_spans(text))
    return [s for s in out if s]


def reference_texts(data: Path | None) -> list[str]:
    seeds = seed_sentences()
    if data is not None:  # tweets: URLs, handles, emoji, hashtags
        from annotations.claimmatch.dataset import load_claim_retrieval

        seeds += [q.text for q in load_claim_retrieval(data, "dev").queries[:20]]
    long_text = " ".join(seeds)  # far past 256 word pieces: checks the truncation
    awkward = [
        "",
        "a",
        "At least 253 people were killed in the Easter Sunday bombings 😀🇱🇰 #SriLanka",
        "東京は日本の首都です。",
        "Ünïcödé àccents — “quotes” and ‘marks’ … 1,000,000 $ 3.5%",
        "https://t.co/AbCdEf pic.twitter.com/xyz — Name (@handle) January 6, 2020",
        long_text,
    ]
    return seeds + awkward


def compare_with_reference(python: str, encoder: embeddings.Encoder, data: Path | None) -> None:
    texts = reference_texts(data)
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = os.path.join(tmp, "texts.json")
        out_file = os.path.join(tmp, "reference.npy")
        Path(texts_file).write_text(json.dumps(texts), encoding="utf-8")
        started = time.perf_counter()
        run = subprocess.run(
            [python, "-c", _REFERENCE_SCRIPT, str(encoder.directory), texts_file, out_file],
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            print(f"reference run failed:\n{run.stderr[-2000:]}")
            return
        reference = np.load(out_file)
        print(
            f"reference: sentence-transformers in {python}, max_seq_length {run.stdout.strip()}, "
            f"{time.perf_counter() - started:.1f} s"
        )
    ours = encoder.encode(texts, batch_size=16)
    ref_unit = reference / np.maximum(np.linalg.norm(reference, axis=1, keepdims=True), 1e-12)
    diff = np.abs(ours - ref_unit)
    cosines = np.sum(ours * ref_unit, axis=1)
    worst = int(np.argmin(cosines))
    print(f"compared {len(texts)} texts (dimension {ours.shape[1]})")
    print(f"  max |difference| of unit vectors: {diff.max():.2e} (mean {diff.mean():.2e})")
    print(f"  lowest cosine between matching rows: {cosines.min():.7f} ({texts[worst][:50]!r})")
    print(
        f"  reference vectors' norms: {np.linalg.norm(reference, axis=1).min():.4f} .. "
        f"{np.linalg.norm(reference, axis=1).max():.4f} (normalised before comparing)"
    )


def speed_texts(data: Path | None, count: int) -> list[str]:
    texts = seed_sentences()
    if data is not None:
        from annotations.claimmatch.dataset import load_claim_retrieval

        collection = data / "claim-retrieval-en"
        for split in ("dev", "train"):
            if (collection / split).is_dir():
                ds = load_claim_retrieval(data, split)
                texts += [q.text for q in ds.queries]
                texts += [c.text for c in ds.claims[: count // 2]]
                break
    while len(texts) < count:
        texts = texts + texts
    return texts[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="e.g. ../shared/data")
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--batch-sizes", default="8,32,64")
    parser.add_argument("--reference", default="", help="a python with sentence-transformers")
    args = parser.parse_args(argv)

    if not embeddings.available():
        print(f"encoder unavailable: {embeddings.why_unavailable()}")
        return 1
    started, cpu = time.perf_counter(), time.process_time()
    encoder = embeddings.Encoder()
    print(f"model {encoder.name} from {encoder.directory}")
    print(
        f"  {encoder.size_bytes / 1e6:.1f} MB of float32 weights, dimension {encoder.dimension}, "
        f"loaded in {time.perf_counter() - started:.2f} s ({time.process_time() - cpu:.2f} s CPU)"
    )

    if args.reference:
        compare_with_reference(args.reference, encoder, args.data)

    texts = speed_texts(args.data, args.sentences)
    tokens = [len(t) for t in encoder.token_ids(texts)]
    print(
        f"speed on {len(texts)} sentences, {np.mean(tokens):.0f} word pieces on average "
        f"(median {np.median(tokens):.0f}, max {max(tokens)}), {os.cpu_count()} cores:"
    )
    encoder.encode(texts[:64])  # warm the BLAS threads
    for batch_size in (int(b) for b in args.batch_sizes.split(",")):
        started, cpu = time.perf_counter(), time.process_time()
        encoder.encode(texts, batch_size=batch_size)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"  batch {batch_size:>3}: {len(texts) / wall:7.1f} sentences/s wall, "
            f"{len(texts) / cpu:7.1f} per CPU-second"
        )
    one = texts[0]
    started = time.perf_counter()
    for _ in range(20):
        encoder.encode([one])
    one_ms = (time.perf_counter() - started) / 20 * 1000
    print(f"  one sentence ({tokens[0]} word pieces): {one_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
