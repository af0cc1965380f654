"""Do a bulk import's background jobs starve the clicks? Document creates while the worker
runs the import's jobs, against creates while those jobs wait, interleaved; and the worker CPU
those jobs cost a document.

    .venv/bin/python benchmarks/background_isolation.py                  # make worker's two workers
    .venv/bin/python benchmarks/background_isolation.py --worker plain    # as the shared bench
    .venv/bin/python benchmarks/background_isolation.py --worker plain --root ../main  # other code

Serves the site (this checkout, or --root) with gunicorn (3 sync workers) on a scratch
PostgreSQL database with a real Redis broker (--broker, emptied before and after), and starts
the workers: `--worker split` as `make worker` does (the default queue, the bulk queue with
--bulk-concurrency processes; --nice puts the bulk one under `nice`, for a checkout whose
workers do not lower their own priority), `--worker plain` as the shared benchmark does (one
`celery -A factcheck worker --concurrency=2` on both queues, no `nice`: only what the app does
itself).

A JSONL import of --import-documents documents queues their jobs on the bulk queue. Then one
client creates documents of 5,000 characters (news-like sentences: claims with figures, quotes
of a few speakers, opinions; each queues its own suggestion run, story and claim jobs) in
--rounds rounds of two phases of --creates each, in alternating order: "busy", the workers
consuming the bulk queue, and "idle", the workers told to stop consuming it (Celery's
cancel_consumer; the phase starts once no bulk job is running or reserved) while the new
documents' own jobs still run. Both phases share the machine's minute, so a noisy host moves
them alike. Prints each round's p95s, the pooled p50 and p95 of each phase and their ratio.
Then it waits for the workers to finish everything queued (--drain seconds at most) and prints
their CPU time over the import and the creates, per document.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import time
from pathlib import Path

import psycopg
from _common import (
    PYTHON,
    ROOT,
    children,
    cpu_seconds,
    django_env,
    fresh_database,
    gunicorn,
    insert_member,
    insert_project,
)

SPEAKERS = ["Maria Chen", "Dr. Okafor", "Mr. Lindqvist", "Prof. Dubois", "Ms. Haddad"]
SUBJECTS = [
    "The ministry",
    "The central bank",
    "The mayor's office",
    "Police officials",
    "Union leaders",
]
TOPICS = ["unemployment", "inflation", "crime", "housing prices", "the budget deficit", "exports"]
OPINIONS = ["This is a reckless gamble", "It is the right call", "The numbers simply do not add up"]


def article(rng: random.Random, size: int = 5000) -> str:
    """About `size` characters of the kind of article the shared benchmark sends: claims with
    figures, quotations of a handful of speakers, opinions, now and then an emoji."""
    out: list[str] = []
    while sum(len(s) + 1 for s in out) < size:
        kind = rng.random()
        if kind < 0.45:
            s = (f"{rng.choice(SUBJECTS)} said that {rng.choice(TOPICS)} rose "
                 f"{rng.randint(1, 99)}.{rng.randint(0, 9)}% in {rng.randint(1990, 2025)}, "
                 f"affecting {rng.randint(1_000, 9_999_999):,} people.")  # fmt: skip
        elif kind < 0.75:
            said = f"{rng.choice(SPEAKERS)} told reporters: “{rng.choice(TOPICS).capitalize()}"
            s = f"{said} will fall by {rng.randint(2, 40)} percent by {rng.randint(2026, 2035)}.”"
        else:
            s = f"{rng.choice(OPINIONS)}."
        out.append(s + (" 📈" if rng.random() < 0.2 else ""))
    return " ".join(out)[:size]


def setup(url: str) -> tuple[int, str]:
    with psycopg.connect(url) as conn:
        project_id = insert_project(conn, name="Isolation desk")
        token = "iso".ljust(40, "0")
        insert_member(conn, project_id=project_id, username="iso", token=token)
    return project_id, token


def request(base: str, method: str, path: str, token: str, body: bytes, ctype: str):
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    began = time.perf_counter()
    conn.request(method, path, body, {"Authorization": f"Token {token}", "Content-Type": ctype})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return time.perf_counter() - began, response.status, data


def creates(
    base: str,
    project_id: int,
    token: str,
    count: int,
    tag: str,
    rng: random.Random,
    pause: float = 0.05,  # a person's pace, not a load test
) -> list[float]:
    """Seconds each of `count` document creates took, one client, `pause` apart."""
    times = []
    for i in range(count):
        body = json.dumps({"title": f"{tag} {i}", "text": article(rng)}).encode()
        elapsed, status, data = request(
            base, "POST", f"/api/v1/projects/{project_id}/documents/", token, body,
            "application/json",
        )  # fmt: skip
        assert status == 201, data[:300]
        times.append(elapsed)
        time.sleep(pause)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95)] * 1000


def done_runs(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM annotations_suggestionrun WHERE status = 'done'"
        ).fetchone()[0]


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds of the worker processes and their pools' processes."""
    total = 0.0
    for pid in pids:
        for each in (pid, *children(pid)):
            with contextlib.suppress(OSError):  # a pool process replaced meanwhile
                total += cpu_seconds(each)
    return total


def drained(url: str, broker: str, pids: list[int], limit: float) -> float:
    """Wait until nothing is queued and the workers have been idle for a few seconds (at most
    `limit` seconds); returns the seconds waited."""
    from redis import Redis

    began = time.monotonic()
    redis, quiet, last = Redis.from_url(broker), 0, tree_cpu(pids)
    while time.monotonic() - began < limit:
        time.sleep(1)
        now = tree_cpu(pids)
        queued = sum(redis.llen(q) for q in ("celery", "bulk")) + redis.hlen("unacked")
        quiet = quiet + 1 if (now - last < 0.05 and queued == 0) else 0
        last = now
        if quiet >= 5:
            break
    return time.monotonic() - began


class BulkQueue:
    """Turns the workers' consumption of the bulk queue off and on (Celery's remote control,
    over the same broker)."""

    def __init__(self, broker: str) -> None:
        from celery import Celery
        from redis import Redis

        self.control = Celery(broker=broker).control
        self.redis = Redis.from_url(broker)
        self.name = os.environ.get("BULK_TASK_QUEUE", "bulk")

    def consume(self, on: bool, limit: float = 120) -> None:
        if on:
            self.control.add_consumer(self.name, reply=True, timeout=5)
            return
        self.control.cancel_consumer(self.name, reply=True, timeout=5)
        # A job already running, or reserved by a pool process, still runs: wait for them.
        began = time.monotonic()
        while time.monotonic() - began < limit and self._bulk_in_hand():
            time.sleep(0.2)

    def _bulk_in_hand(self) -> bool:
        inspect = self.control.inspect(timeout=2)
        held = [*(inspect.active() or {}).values(), *(inspect.reserved() or {}).values()]
        return any(
            (task.get("delivery_info") or {}).get("routing_key") == self.name
            for tasks in held
            for task in tasks
        )

    def waiting(self) -> int:
        return self.redis.llen(self.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="fc_bench_isolation")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--worker", choices=["split", "plain"], default="split")
    parser.add_argument("--nice", type=int, default=0, help="split: `nice` on the bulk worker")
    parser.add_argument("--drain", type=float, default=900, help="seconds to wait for the jobs")
    parser.add_argument("--bulk-concurrency", type=int, default=2)
    parser.add_argument("--creates", type=int, default=20, help="document creates a phase")
    parser.add_argument(
        "--rounds", type=int, default=6,
        help="rounds of an idle and a busy phase (0: only the import, then its drain timed)",
    )  # fmt: skip
    parser.add_argument("--import-documents", type=int, default=200)
    args = parser.parse_args()

    from redis import Redis

    Redis.from_url(args.broker).flushdb()
    url = fresh_database(host=args.db_host, name=args.database)
    project_id, token = setup(url)
    env = django_env(url, broker_url=args.broker)
    celery = [PYTHON, "-m", "celery", "-A", "factcheck", "worker", "--loglevel=WARNING"]
    if args.worker == "plain":
        commands = [[*celery, "--concurrency=2"]]
    else:
        commands = [
            [*celery, "-Q", "celery", "-n", "default@%h", "--concurrency=1"],
            ["nice", "-n", str(args.nice), *celery, "-Q", "bulk", "-n", "bulk@%h",
             f"--concurrency={args.bulk_concurrency}"],
        ]  # fmt: skip
    workers = [subprocess.Popen(command, cwd=args.root, env=env) for command in commands]
    pids = [worker.pid for worker in workers]
    rng = random.Random(7)
    try:
        with gunicorn(url, args=["--workers", "3"], broker_url=args.broker, root=args.root) as (
            base,
            _,
        ):
            time.sleep(8)  # the workers start
            creates(base, project_id, token, 5, "warm", rng)
            drained(url, args.broker, pids, args.drain)
            niceness = sorted(
                {
                    int(Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()[16])
                    for pid in pids
                    for p in (pid, *children(pid))
                }
            )
            cpu_before = tree_cpu(pids)
            lines = b"".join(
                json.dumps({"text": article(rng), "title": f"Bulk {i}"}).encode() + b"\n"
                for i in range(args.import_documents)
            )
            began = time.perf_counter()
            elapsed, status, data = request(
                base, "POST", f"/api/v1/projects/{project_id}/documents/import/", token, lines,
                "application/x-ndjson",
            )  # fmt: skip
            assert status in (201, 202), data[:300]
            if status == 202:  # an import job: the worker writes the documents, then fans out
                job = json.loads(data)
                while job["status"] in ("queued", "running"):
                    time.sleep(0.5)
                    _, _, body = request(base, "GET", job["url"], token, b"", "application/json")
                    job = json.loads(body)
                assert job["status"] == "done", job
                elapsed = time.perf_counter() - began
            before = done_runs(url)
            time.sleep(2)  # the fan-out has queued the runs
            bulk = BulkQueue(args.broker)
            phases: dict[str, list[float]] = {"idle": [], "busy": []}
            rounds: list[tuple[float, float, int]] = []
            slowest: list[str] = []  # each busy phase's slowest creates, by their place in it
            for number in range(args.rounds):
                order = ("busy", "idle") if number % 2 == 0 else ("idle", "busy")
                got: dict[str, list[float]] = {}
                for phase in order:
                    bulk.consume(phase == "busy")
                    got[phase] = creates(base, project_id, token, args.creates, phase, rng)
                    phases[phase] += got[phase]
                rounds.append((summary(got["idle"])[1], summary(got["busy"])[1], bulk.waiting()))
                slow = sorted(range(len(got["busy"])), key=lambda k: -got["busy"][k])[:3]
                slowest.append(", ".join(f"#{k + 1} {got['busy'][k] * 1000:.0f} ms" for k in slow))
            bulk.consume(True)
            during = done_runs(url) - before
            waited = drained(url, args.broker, pids, args.drain)
            cpu = tree_cpu(pids) - cpu_before
    finally:
        # A cold shutdown: a warm one waits for a comparison in flight (minutes, on these
        # articles), and the broker is emptied below anyway.
        for worker in workers:
            worker.send_signal(signal.SIGQUIT)
        for worker in workers:
            worker.wait(timeout=60)
        Redis.from_url(args.broker).flushdb()
    print(
        f"{args.root.resolve().name}, worker {args.worker}: worker niceness {niceness}; import of "
        f"{args.import_documents} documents done in {elapsed:.1f} s"
    )
    for number, (idle95, busy95, waiting) in enumerate(rounds, 1):
        print(
            f"round {number}: p95 idle {idle95:.1f} ms, busy {busy95:.1f} ms "
            f"({busy95 / idle95:.2f}x; busy's slowest {slowest[number - 1]}); "
            f"bulk jobs still queued after it: {waiting}"
        )
    if rounds:
        (idle50, idle95), (busy50, busy95) = summary(phases["idle"]), summary(phases["busy"])
        ratios = statistics.median(b / i for i, b, _ in rounds)
        print(f"document create idle:  p50 {idle50:.1f} ms, p95 {idle95:.1f} ms")
        print(
            f"document create busy:  p50 {busy50:.1f} ms, p95 {busy95:.1f} ms "
            f"({busy95 / idle95:.2f}x idle p95, {busy50 / idle50:.2f}x idle p50; "
            f"median of the rounds' p95 ratios {ratios:.2f}x; {during} bulk runs done meanwhile)"
        )
        if rounds[-1][2] == 0:
            print("the bulk queue ran dry before the last round: its busy phase was idle too")
    documents = args.import_documents + 2 * args.rounds * args.creates
    print(
        f"worker CPU for the import and the creates: {cpu:.1f} s, "
        f"{cpu / documents:.3f} s a document ({waited:.0f} s to drain)"
    )
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
