"""Throughput of the rule suggesters (quotes, claims, opinions) on one core.

    python benchmarks/suggest_speed.py [--corpus DIR] [--repeat 7]

Prints MB of article text per second over a corpus and the median time for one 5 kB article,
by the wall clock and by this process's CPU time: on a machine shared with other work the wall
clock counts the waits for a core, the CPU time what the suggesters cost on one.
The corpus is the seed articles plus any ``*.txt`` under ``--corpus`` (e.g.
../shared/data/polnear/dev/text); without one, the seeds are repeated.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.suggest import suggest_spans  # noqa: E402


def _seed_texts() -> list[str]:
    for d in (ROOT / "seeds" / "articles", ROOT.parent / "shared" / "seeds"):
        if d.is_dir():
            return [p.read_text(encoding="utf-8") for p in sorted(d.glob("*.txt"))]
    return []


def _five_kb(texts: list[str]) -> str:
    """About 5,000 characters of real article text, cut at a paragraph."""
    joined = "\n\n".join(texts)
    while len(joined) < 5000:
        joined += "\n\n" + joined
    cut = joined.rfind("\n", 0, 5000)
    return joined[: cut if cut > 4000 else 5000]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help="directory of .txt articles to time as well as the seeds")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    texts = _seed_texts()
    if args.corpus:
        texts += [p.read_text(encoding="utf-8") for p in sorted(Path(args.corpus).glob("*.txt"))]
    if not texts:
        print("no articles found", file=sys.stderr)
        return 1
    while sum(len(t) for t in texts) < 1_000_000 and not args.corpus:
        texts = texts * 2
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    for t in texts[:5]:  # warm up regular expressions
        suggest_spans(t)
    runs, cpu_runs = [], []
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        for t in texts:
            suggest_spans(t)
        runs.append(time.perf_counter() - start)
        cpu_runs.append(time.process_time() - cpu)
    mbps = size_mb / statistics.median(runs)
    cpu_mbps = size_mb / statistics.median(cpu_runs)

    article = _five_kb(_seed_texts() or texts)
    per, cpu_per = [], []
    for _ in range(max(50, args.repeat * 10)):
        start, cpu = time.perf_counter(), time.process_time()
        suggest_spans(article)
        per.append(time.perf_counter() - start)
        cpu_per.append(time.process_time() - cpu)
    ms = statistics.median(per) * 1000
    cpu_ms = statistics.median(cpu_per) * 1000

    print(
        f"corpus: {len(texts)} articles, {size_mb:.2f} MB of UTF-8 text, "
        f"median of {args.repeat} runs"
    )
    print(
        f"throughput: {mbps:.2f} MB/s wall clock, {cpu_mbps:.2f} MB/s CPU time, on one core "
        "(target >= 1 MB/s)"
    )
    print(
        f"one {len(article.encode('utf-8')) / 1000:.1f} kB article: {ms:.2f} ms wall clock, "
        f"{cpu_ms:.2f} ms CPU time, median (target < 5 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
