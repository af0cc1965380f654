"""Garbage collection in the web processes: with the master's objects frozen before the fork
(gunicorn.conf.py's pre_fork) and without, interleaved.

    .venv/bin/python benchmarks/gc_pauses.py                  # 2 rounds of 20 s each way
    .venv/bin/python benchmarks/gc_pauses.py --seconds 5 --rounds 1   # quick

Serves the site with gunicorn (--workers gthread processes, the checkout's gunicorn.conf.py
with the preload) on a scratch PostgreSQL database (made again each time), and runs
api_load.py's clients (span creates on kept-alive connections) for --warmup seconds, not
counted, then --seconds, once with the config as it is ("frozen") and
once with its pre_fork left out ("not frozen"), in alternating order. A wrapper config adds a
`gc.callbacks` hook to each worker that times every collection, by generation; the worker
writes its tally when it exits. Prints, per way: the requests' p50 / p99 / p99.9 / largest,
the full (generation 2) collections the workers ran and how long each took, the time all
collections took a request, the workers' CPU and minor page faults a request, and their
private memory (Private_Dirty of
/proc/PID/smaps_rollup: the pages a worker no longer shares with the master).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT, children, cpu_seconds, fresh_database, gunicorn, minor_faults
from api_load import client, setup

# Appended to a copy of gunicorn.conf.py. The hook costs two clock reads a collection.
_HOOKS = """
import gc as _gc, json as _json, os as _os, time as _time

if not {freeze!r}:
    def pre_fork(server, worker):
        pass


def post_fork(server, worker):
    tally = {{"count": [0, 0, 0], "seconds": [0.0, 0.0, 0.0], "full": []}}
    began = [0.0]

    def watch(phase, info):
        if phase == "start":
            began[0] = _time.perf_counter()
            return
        took = _time.perf_counter() - began[0]
        generation = info["generation"]
        tally["count"][generation] += 1
        tally["seconds"][generation] += took
        if generation == 2:
            tally["full"].append(took)

    _gc.callbacks.append(watch)
    worker._gc_tally = tally


def worker_exit(server, worker):
    tally = getattr(worker, "_gc_tally", None)
    if tally is not None:
        with open(_os.path.join({out!r}, f"gc-{{_os.getpid()}}.json"), "w") as f:
            _json.dump(tally, f)
"""


def private_mb(pid: int) -> float:
    """The pages a process has written to itself (no longer shared with its parent), in MB."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Private_Dirty:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_and_faults(pids: list[int]) -> tuple[float, int]:
    """The processes' CPU seconds (user and system) and minor page faults so far."""
    return sum(map(cpu_seconds, pids)), sum(map(minor_faults, pids))


def phase(url: str, data: dict, args, *, freeze: bool) -> dict:
    with tempfile.TemporaryDirectory() as out:
        config = Path(out) / "gunicorn.conf.py"
        config.write_text(
            (ROOT / "gunicorn.conf.py").read_text() + _HOOKS.format(freeze=freeze, out=out)
        )
        server = ["-c", str(config), "--workers", str(args.workers), "--threads"]
        server += [str(args.threads), "--max-requests", "0", "--access-logfile", "/dev/null"]
        # Half the clients' documents warm the workers up (the first requests import and
        # build what the preload left lazy), the other half are measured.
        warm, measured = data["people"][: args.clients], data["people"][args.clients :]
        results: list[dict] = [{} for _ in measured]
        with gunicorn(url, args=server) as (base, process):
            for people, seconds, into in (
                (warm, args.warmup, None),
                (measured, args.seconds, results),
            ):
                until = time.perf_counter() + seconds
                threads = [
                    threading.Thread(
                        target=client,
                        args=(base, token, doc, data["text"], until, into[i] if into else {}),
                    )
                    for i, (token, doc) in enumerate(people)
                ]
                if into is not None:
                    workers = children(process.pid)
                    cpu, faults = cpu_and_faults(workers)
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            memory = [private_mb(pid) for pid in workers]
            cpu_after, faults_after = cpu_and_faults(workers)
        tallies = [json.loads(p.read_text()) for p in Path(out).glob("gc-*.json")]
    latencies = sorted(x for r in results for x in r["latencies"])
    return {
        "latencies": latencies,
        "tallies": tallies,
        "memory": memory,
        "cpu": cpu_after - cpu,
        "faults": faults_after - faults,
    }


def quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(len(values) * q))]


def report(name: str, phases: list[dict]) -> None:
    latencies = sorted(x for p in phases for x in p["latencies"])
    tallies = [t for p in phases for t in p["tallies"]]
    full = sorted(x * 1000 for t in tallies for x in t["full"])
    collecting = sum(sum(t["seconds"]) for t in tallies)
    memory = [m for p in phases for m in p["memory"]]
    print(
        f"{name}: {len(latencies):,} creates; p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {quantile(latencies, 0.99) * 1000:.1f}, p99.9 {quantile(latencies, 0.999) * 1000:.1f}"
        f", largest {latencies[-1] * 1000:.1f}"
    )
    print(
        f"  full collections: {len(full)} in {len(tallies)} worker runs"
        + (
            f", each {statistics.median(full):.1f} ms (median), {full[-1]:.1f} ms (largest)"
            if full
            else ""
        )
        + f"; all collections {collecting / max(1, len(latencies)) * 1e6:.0f} µs a create"
        + f" (generations 0/1/2: {[sum(t['count'][g] for t in tallies) for g in range(3)]})"
    )
    cpu, faults = sum(p["cpu"] for p in phases), sum(p["faults"] for p in phases)
    print(
        f"  web CPU {cpu / len(latencies) * 1000:.2f} ms a create; "
        f"{faults / len(latencies):.1f} minor page faults a create"
    )
    print(f"  private memory a worker at the end: {statistics.median(memory):.1f} MB (median)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=3, help="seconds of creates not counted")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--text-length", type=int, default=5_000)
    parser.add_argument("--database", default="fc_bench_gc")
    parser.add_argument("--db-host", default="127.0.0.1")
    args = parser.parse_args()

    ways: dict[str, list[dict]] = {"frozen": [], "not frozen": []}
    for round_ in range(args.rounds):
        order = [True, False] if round_ % 2 == 0 else [False, True]
        for freeze in order:
            # A database of its own each time: the clients create the same spans each time.
            url = fresh_database(host=args.db_host, name=args.database)
            data = setup(url, 2 * args.clients, args.text_length)
            result = phase(url, data, args, freeze=freeze)
            ways["frozen" if freeze else "not frozen"].append(result)
            full = [x * 1000 for t in result["tallies"] for x in t["full"]]
            print(
                f"round {round_ + 1}, {'frozen' if freeze else 'not frozen'}: "
                f"{len(result['latencies']):,} creates, p50 "
                f"{statistics.median(result['latencies']) * 1000:.1f} ms, web CPU "
                f"{result['cpu'] / len(result['latencies']) * 1000:.2f} ms a create, "
                f"{result['faults']:,} page faults, full collections "
                f"{', '.join(f'{x:.0f}' for x in full) or 'none'} ms",
                flush=True,
            )
    for name, phases in ways.items():
        report(name, phases)


if __name__ == "__main__":
    main()
