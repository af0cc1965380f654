"""CPU time of comparing one story: 10 articles of 5,000 characters, every pair (45 pairs).

    python benchmarks/compare_speed.py [--data ../shared/data/crossoutlet] [--articles 10]
        [--chars 5000] [--repeat 5]

The articles are cut from the cross-outlet texts when --data holds them (consecutive texts joined
until long enough, so each article is real news prose of the wanted length, and articles of one
event share quotes, figures and names as a story does), else from the seed articles repeated
with their paragraphs rotated. Prints the CPU seconds of the whole comparison (median of the
repeats) and the cost per article pair. The aim is under 1 s for 10 articles of 5,000.

With ``--embeddings`` the sentence encoder is plugged in (``encoder_similarity()``, the ``ml``
extra). Its vectors are kept per sentence, so it prints two figures: the first comparison of the
story, which encodes every sentence once (the encoder's cost: about 20 ms of CPU a sentence here,
seconds for a story, paid once per article as it joins), and the comparison again with the
vectors kept (what re-running a story costs when an article joins or a reviewer asks), which is
what the 1 s aim is held to.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotations.compare import compare_documents
from annotations.compare.semantic import encoder_similarity

ROOT = Path(__file__).resolve().parent.parent


def _sources(data: Path) -> list[str]:
    texts = sorted((data / "text").glob("*.txt")) if data.is_dir() else []
    if texts:
        return [p.read_text(encoding="utf-8") for p in texts]
    seeds = sorted((ROOT / "seeds" / "articles").glob("*.txt"))
    out = []
    for shift in range(5):  # the seeds with their paragraphs rotated, so repeats differ
        for p in seeds:
            paras = [x for x in p.read_text(encoding="utf-8").split("\n\n") if x.strip()]
            k = shift % len(paras)
            out.append("\n\n".join(paras[k:] + paras[:k]) + "\n")
    return out


def story(data: Path, n: int, chars: int) -> list[tuple[str, str]]:
    sources = _sources(data)
    docs = []
    i = 0
    for a in range(n):
        text = ""
        while len(text) < chars:
            text += sources[i % len(sources)].rstrip("\n") + "\n\n"
            i += 1
        cut = text.rfind("\n\n", 0, chars)
        docs.append((f"article-{a + 1}", text[: cut if cut > chars // 2 else chars]))
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/crossoutlet")
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--chars", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--embeddings", action="store_true", help="plug in the sentence encoder")
    args = parser.parse_args(argv)
    docs = story(Path(args.data), args.articles, args.chars)
    pairs = len(docs) * (len(docs) - 1) // 2
    similarity = encoder_similarity() if args.embeddings else None
    if args.embeddings:
        if similarity is None:
            parser.error("the sentence encoder is not installed (make install-ml)")
        from annotations import embeddings

        embeddings.get_encoder()  # the model's load is a worker's start-up, not a comparison
        t = time.process_time()
        compare_documents(docs, similarity=similarity)
        cold = time.process_time() - t
        print(
            f"first comparison, encoding {similarity.encoded} sentences: CPU {cold:.3f} s"
            f" ({1000 * cold / max(similarity.encoded, 1):.1f} ms a sentence,"
            f" {cold / len(docs):.2f} s an article)"
        )
    times = []
    found = 0
    for _ in range(args.repeat):
        t = time.process_time()
        found = len(compare_documents(docs, similarity=similarity))
        times.append(time.process_time() - t)
    cpu = statistics.median(times)
    by_kind: dict[str, int] = {}
    for m in compare_documents(docs, similarity=similarity):
        by_kind[m.kind] = by_kind.get(m.kind, 0) + 1
    sizes = [len(t) for _, t in docs]
    print(
        f"compare_speed: {len(docs)} articles of {min(sizes)}-{max(sizes)} characters,"
        f" {pairs} pairs, {found} matches ({', '.join(f'{k} {v}' for k, v in by_kind.items())})"
    )
    label = "with the sentence vectors kept, " if similarity is not None else ""
    print(
        f"{label}CPU {cpu:.3f} s (median of {args.repeat},"
        f" min {min(times):.3f}, max {max(times):.3f});"
        f" {1000 * cpu / pairs:.1f} ms per article pair; aim < 1 s: {'ok' if cpu < 1 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
