"""What a web process's first requests cost: each kind of click three times in a row on a
gunicorn that has just started.

    .venv/bin/python benchmarks/first_requests.py                 # 5 rounds
    .venv/bin/python benchmarks/first_requests.py --root ../other --rounds 5   # another checkout

A worker starts when the site starts, when gunicorn replaces one that outgrew
GUNICORN_MAX_WORKER_MB (a large import or export can do that), or after GUNICORN_MAX_REQUESTS.
Whatever the preload in the master left for later (a module imported on first use, a regular
expression compiled on first use) is then paid by a reviewer's click. Each round serves the
site with a new gunicorn (one worker, the checkout's gunicorn.conf.py, so the preload) on a scratch
PostgreSQL database and a Redis broker no worker reads (--broker; emptied after), and sends,
one client, a new connection each time (as the shared benchmark does): a document create
(5,000 characters and a source URL), then a span create on it, a read of it with its spans,
and a JSONL export of the project, each three times in a row. Prints, per kind, the median
over the rounds of the first, second and third request's time.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from pathlib import Path

from _common import ROOT, fresh_database, gunicorn
from background_isolation import article, request, setup
from redis import Redis

KINDS = ("document create", "span create", "document read", "export")


def round_(
    url: str, broker: str, root: Path, rng: random.Random, project_id: int, token: str
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}

    def timed(kind: str, method: str, path: str, body: dict | None = None) -> bytes:
        data = json.dumps(body).encode() if body is not None else b""
        elapsed, status, answer = request(base, method, path, token, data, "application/json")
        assert status in (200, 201), (kind, status, answer[:300])
        times[kind].append(elapsed)
        return answer

    with gunicorn(
        url, args=["--workers", "1", "--access-logfile", "/dev/null"], broker_url=broker, root=root
    ) as (base, _):
        documents = []
        for i in range(3):
            text = article(rng)
            answer = timed(
                "document create",
                "POST",
                f"/api/v1/projects/{project_id}/documents/",
                {"title": f"First {i}", "text": text, "source_url": f"https://example.org/{i}"},
            )
            documents.append((json.loads(answer)["id"], text))
        document_id, text = documents[0]
        for i in range(3):
            start = text.index(" ", 40 * i + 1) + 1
            end = text.index(" ", start + 10)
            timed(
                "span create",
                "POST",
                f"/api/v1/documents/{document_id}/spans/",
                {"label": "CLAIM", "start": start, "end": end, "text": text[start:end]},
            )
        for _ in range(3):
            timed("document read", "GET", f"/api/v1/documents/{document_id}/")
        for _ in range(3):
            timed("export", "GET", f"/api/v1/projects/{project_id}/export/?format=jsonl")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--database", default="fc_bench_first")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/6")
    args = parser.parse_args()

    rng = random.Random(11)
    rounds = []
    url = fresh_database(host=args.db_host, name=args.database, root=args.root)
    project_id, token = setup(url)
    try:
        for _ in range(args.rounds):
            rounds.append(round_(url, args.broker, args.root.resolve(), rng, project_id, token))
    finally:
        Redis.from_url(args.broker).flushdb()
    print(f"{args.root.resolve()}: {args.rounds} rounds, a fresh worker each; ms, median of rounds")
    print(f"  {'':16} {'1st':>8} {'2nd':>8} {'3rd':>8}")
    for kind in KINDS:
        columns = [statistics.median(r[kind][i] for r in rounds) * 1000 for i in range(3)]
        print(f"  {kind:16} " + " ".join(f"{c:8.1f}" for c in columns))


if __name__ == "__main__":
    main()
