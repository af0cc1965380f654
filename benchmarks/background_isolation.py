"""Do a bulk import's background jobs starve the clicks? Document creates, idle and while the
worker runs the import's suggestion runs.

    .venv/bin/python benchmarks/background_isolation.py                 # the bulk worker niced
    .venv/bin/python benchmarks/background_isolation.py --nice 0        # as before: not niced

Serves the site with gunicorn (3 sync workers) on a scratch PostgreSQL database with a real
Redis broker (--broker, emptied before and after), and starts the workers as `make worker`
does: the default queue at nice 5, the bulk queue at --nice with --bulk-concurrency processes.
Then one client creates --creates documents of 5,000 characters (each queues its own
suggestion run, story and claim jobs on the default queue), once idle and once right after a
JSONL import of --import-documents documents queued their runs on the bulk queue; prints p50
and p95 of each and their ratio, and how many bulk runs were done meanwhile.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import time

import psycopg
from _common import (
    PYTHON,
    ROOT,
    django_env,
    fresh_database,
    gunicorn,
    insert_member,
    insert_project,
)

TEXT = ("Officials said 🙂 the bridge was closed “at least 253” times, police said. " * 80)[:5000]


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


def creates(base: str, project_id: int, token: str, count: int, tag: str) -> list[float]:
    times = []
    for i in range(count):
        body = json.dumps({"title": f"{tag} {i}", "text": TEXT}).encode()
        elapsed, status, data = request(
            base, "POST", f"/api/v1/projects/{project_id}/documents/", token, body,
            "application/json",
        )  # fmt: skip
        assert status == 201, data[:300]
        times.append(elapsed)
        time.sleep(0.05)  # a person's pace, not a load test
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95)] * 1000


def done_runs(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM annotations_suggestionrun WHERE status = 'done'"
        ).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="fc_bench_isolation")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--nice", type=int, default=19, help="the bulk worker's niceness")
    parser.add_argument("--bulk-concurrency", type=int, default=2)
    parser.add_argument("--creates", type=int, default=60)
    parser.add_argument("--import-documents", type=int, default=300)
    args = parser.parse_args()

    from redis import Redis

    Redis.from_url(args.broker).flushdb()
    url = fresh_database(host=args.db_host, name=args.database)
    project_id, token = setup(url)
    env = django_env(url, broker_url=args.broker)
    celery = [PYTHON, "-m", "celery", "-A", "factcheck", "worker", "--loglevel=WARNING"]
    workers = [
        subprocess.Popen(
            ["nice", "-n", "5", *celery, "-Q", "celery", "-n", "default@%h", "--concurrency=1"],
            cwd=ROOT, env=env,
        ),
        subprocess.Popen(
            ["nice", "-n", str(args.nice), *celery, "-Q", "bulk", "-n", "bulk@%h",
             f"--concurrency={args.bulk_concurrency}"],
            cwd=ROOT, env=env,
        ),
    ]  # fmt: skip
    try:
        with gunicorn(url, args=["--workers", "3"], broker_url=args.broker) as (base, _):
            time.sleep(8)  # the workers start
            creates(base, project_id, token, 5, "warm")
            time.sleep(3)
            idle = creates(base, project_id, token, args.creates, "idle")
            lines = b"".join(
                json.dumps({"text": f"Article {i}. {TEXT}", "title": f"Bulk {i}"}).encode() + b"\n"
                for i in range(args.import_documents)
            )
            elapsed, status, data = request(
                base, "POST", f"/api/v1/projects/{project_id}/documents/import/", token, lines,
                "application/x-ndjson",
            )  # fmt: skip
            assert status == 201, data[:300]
            before = done_runs(url)
            time.sleep(2)  # the fan-out has queued the runs
            busy = creates(base, project_id, token, args.creates, "busy")
            during = done_runs(url) - before
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        Redis.from_url(args.broker).flushdb()
    (idle50, idle95), (busy50, busy95) = summary(idle), summary(busy)
    print(
        f"bulk worker nice {args.nice}, {args.bulk_concurrency} processes; import of "
        f"{args.import_documents} documents answered in {elapsed:.1f} s"
    )
    print(f"document create idle:  p50 {idle50:.1f} ms, p95 {idle95:.1f} ms")
    print(
        f"document create busy:  p50 {busy50:.1f} ms, p95 {busy95:.1f} ms "
        f"({busy95 / idle95:.2f}x idle p95; {during} bulk runs done meanwhile)"
    )
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
