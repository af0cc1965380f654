"""Document creates over HTTP as the shared bench makes them, and where their time goes.

    .venv/bin/python benchmarks/doc_create_http.py --broker redis://127.0.0.1:6379/12
    .venv/bin/python benchmarks/doc_create_http.py --compare-with /tmp/main-checkout --rounds 3
    .venv/bin/python benchmarks/doc_create_http.py --cases bench,no-worker --creates 200

Serves each checkout (this one, and --compare-with's) as ../shared/bench/factcheck.sh does:
gunicorn with 3 workers and the checkout's own gunicorn.conf.py, a plain `celery -A factcheck
worker --concurrency=2` (no `nice`: only what the app does itself), a real Redis broker
(--broker, emptied before and after) and a scratch PostgreSQL database per checkout, migrated
by it. One client (a requests.Session, keep-alive, as the bench's) creates --creates documents
of 5,000 characters with emoji back to back, each in a fresh project, and prints p50 / p95 /
mean, the CPU the web processes, the worker and the whole machine spent a create, and the
client's own CPU. Cases, each on its own fresh worker (a previous case's jobs would still run):

  bench             the worker consumes each new document's jobs, as in the shared bench
  no-worker         no worker: the jobs wait in Redis (nothing competes for the two cores)
  no-after-answer   the after-answer work (search words, publishing the jobs) dropped, so the
                    worker gets nothing either: what the request alone costs over HTTP
  close             as bench, but a new connection a create (Connection: close)
  import            instead of creates, the bench's bulk import: --import-documents documents
                    with --import-spans spans each, one JSONL body the request waits on (the
                    import job), timed until its report; the job's row says how long it
                    waited for the worker, ran, and how long the answer came after its end

Old and new run interleaved in each round (the order alternating), so the machine's load
moves both alike; compare the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests
from _common import (
    PYTHON,
    ROOT,
    children,
    cpu_seconds,
    django_env,
    free_port,
    fresh_database,
    insert_member,
    insert_project,
    server_url,
)
from background_isolation import article

CASES = ("bench", "no-worker", "no-after-answer", "close", "import")

# A gunicorn config: the checkout's own, plus a hook that drops each request's after-answer
# work (what a process killed right after the answer would do). Written to a scratch file.
DROP_AFTER_ANSWER = """
exec(compile(open("gunicorn.conf.py").read(), "gunicorn.conf.py", "exec"))


def post_worker_init(worker):
    from django.core.signals import request_finished

    request_finished.disconnect(dispatch_uid="factcheck.after_response.finished")
"""


def machine_busy() -> float:
    """Seconds of CPU the whole machine spent (all processes), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int | None) -> float:
    if pid is None:
        return 0.0
    total = 0.0
    for each in (pid, *children(pid)):
        with contextlib.suppress(OSError):
            total += cpu_seconds(each)
    return total


def local_ports(root_pid: int | None) -> set[int]:
    """The local TCP ports of the sockets the process tree holds."""
    if root_pid is None:
        return set()
    inodes = set()
    for pid in (root_pid, *children(root_pid)):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def backend_cpu(url: str, root_pid: int | None) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the process tree's connections: the
    database's work for it, which the tree's own niceness does not lower."""
    ports = local_ports(root_pid)
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT pid, client_port FROM pg_stat_activity WHERE datname = current_database()"
        ).fetchall()
    out = {}
    for pid, port in rows:
        if port in ports:
            with contextlib.suppress(OSError):
                out[pid] = cpu_seconds(pid)
    return out


def grown(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def bench_env(url: str, broker: str, scratch: Path) -> dict[str, str]:
    """The bench's environment (factcheck.sh): its settings, not the benchmarks' own."""
    env = django_env(url, broker_url=broker)
    env["IMPORT_UPLOAD_DIR"] = str(scratch / "uploads")
    return env


@contextlib.contextmanager
def serve(root: Path, env: dict[str, str], scratch: Path, *, drop_after_answer: bool):
    port = free_port()
    command = [PYTHON, "-m", "gunicorn", "factcheck.wsgi:application", "--workers", "3"]
    command += ["--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    if drop_after_answer:
        config = scratch / "drop_after_answer.conf.py"
        config.write_text(DROP_AFTER_ANSWER)
        command += ["-c", str(config)]
    log = (scratch / "web.log").open("ab")
    process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{base}/accounts/login/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


@contextlib.contextmanager
def worker(root: Path, env: dict[str, str], scratch: Path, prefix: list[str]):
    """The bench's worker (under `prefix`, e.g. `chrt --idle 0`); yields its pid once it says
    it is ready."""
    out = scratch / "worker.log"
    out.write_text("")
    command = [*prefix, PYTHON, "-m", "celery", "-A", "factcheck", "worker", "--concurrency=2"]
    command += ["--loglevel=INFO"]
    with out.open("ab") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while b" ready." not in out.read_bytes():
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the worker did not start: {out}")
            time.sleep(0.2)
        yield process.pid
    finally:
        # Cold: a warm shutdown would wait for the job in flight; the broker is emptied anyway.
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def creates(base: str, url: str, count: int, *, close: bool, rng: random.Random) -> dict:
    with psycopg.connect(url) as conn:
        project = insert_project(conn, name=f"Bench desk {rng.random()}")
        token = f"dch{rng.randrange(10**12)}".ljust(40, "0")
        insert_member(conn, project_id=project, username=f"u{rng.randrange(10**12)}", token=token)
    http = requests.Session()
    http.trust_env = False
    headers = {"Authorization": f"Token {token}"}
    if close:
        headers["Connection"] = "close"
    path = f"{base}/api/v1/projects/{project}/documents/"
    texts = [article(rng) for _ in range(count + 5)]
    times = []
    for i, text in enumerate(texts):
        body = {"title": f"Bench document {i}", "text": text, "outlet": "Daily Ledger",
                "source_url": f"https://news.example.org/bench/{i}"}  # fmt: skip
        began = time.perf_counter()
        answer = http.post(path, json=body, headers=headers, timeout=60)
        elapsed = time.perf_counter() - began
        assert answer.status_code == 201, answer.text[:300]
        if i == 4:  # five to warm up; the clocks start here
            cpu0, began_all = time.process_time(), time.perf_counter()
        elif i > 4:
            times.append(elapsed)
    http.close()
    return {
        "times": times,
        "client_cpu": time.process_time() - cpu0,
        "seconds": time.perf_counter() - began_all,
    }


def import_body(rng: random.Random, documents: int, spans: int) -> bytes:
    """The bench's bulk import body: its texts with `spans` non-overlapping labels each."""
    out = []
    for _ in range(documents):
        text = article(rng)
        slot = len(text) // spans
        labels = []
        for k in range(spans):
            start = k * slot + rng.randint(0, slot // 4)
            end = min(start + rng.randint(max(1, slot // 4), max(1, slot // 2)), (k + 1) * slot)
            labels.append([start, end, rng.choice(["CLAIM", "QUOTE", "OPINION"])])
        out.append(json.dumps({"text": text, "label": labels}, ensure_ascii=False) + "\n")
    return "".join(out).encode()


def bulk_import(base: str, url: str, args, rng: random.Random) -> dict:
    with psycopg.connect(url) as conn:
        project = insert_project(conn, name=f"Import desk {rng.random()}")
        token = f"dci{rng.randrange(10**12)}".ljust(40, "0")
        insert_member(conn, project_id=project, username=f"i{rng.randrange(10**12)}", token=token)
    body = import_body(rng, args.import_documents, args.import_spans)
    http = requests.Session()
    http.trust_env = False
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/x-ndjson"}
    cpu0, began = time.process_time(), time.perf_counter()
    answer = http.post(
        f"{base}/api/v1/projects/{project}/documents/import/", data=body, headers=headers,
        timeout=600,
    )  # fmt: skip
    elapsed, answered = time.perf_counter() - began, time.time()
    http.close()
    assert answer.status_code == 201, answer.text[:300]
    with psycopg.connect(url) as conn:
        created, started, finished = conn.execute(
            "SELECT extract(epoch FROM created_at), extract(epoch FROM started_at),"
            " extract(epoch FROM finished_at) FROM annotations_importjob WHERE project_id = %s",
            (project,),
        ).fetchone()
    return {
        "times": [elapsed],
        "client_cpu": time.process_time() - cpu0,
        "pickup": float(started - created),
        "run": float(finished - started),
        "after": answered - float(finished),
    }


def run_case(root: Path, url: str, broker: str, case: str, args, rng) -> dict:
    from redis import Redis

    Redis.from_url(broker).flushdb()
    scratch = Path(tempfile.mkdtemp(prefix="doc-create-http-"))
    env = bench_env(url, broker, scratch)
    with contextlib.ExitStack() as stack:
        base, web = stack.enter_context(
            serve(root, env, scratch, drop_after_answer=case == "no-after-answer")
        )
        jobs = (
            None
            if case == "no-worker"
            else stack.enter_context(worker(root, env, scratch, args.worker_prefix.split()))
        )
        time.sleep(1)
        web0, jobs0, busy0 = tree_cpu(web), tree_cpu(jobs), machine_busy()
        webdb0, jobsdb0 = backend_cpu(url, web), backend_cpu(url, jobs)
        load = os.getloadavg()[0]
        if case == "import":
            got = bulk_import(base, url, args, rng)
        else:
            got = creates(base, url, args.creates, close=case == "close", rng=rng)
        n = len(got["times"])
        got.update(
            web_ms=1000 * (tree_cpu(web) - web0) / n,
            worker_ms=1000 * (tree_cpu(jobs) - jobs0) / n,
            web_db_ms=1000 * grown(webdb0, backend_cpu(url, web)) / n,
            worker_db_ms=1000 * grown(jobsdb0, backend_cpu(url, jobs)) / n,
            machine_ms=1000 * (machine_busy() - busy0) / n,
            load=load,
        )
    Redis.from_url(broker).flushdb()
    return got


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * p))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="fc_bench_doc_http")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--compare-with", type=Path, help="another checkout, run interleaved")
    parser.add_argument("--cases", default="bench,no-worker,no-after-answer")
    parser.add_argument("--creates", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--import-documents", type=int, default=1000)
    parser.add_argument("--import-spans", type=int, default=100, help="spans a document")
    parser.add_argument("--worker-prefix", default="", help="e.g. 'chrt --idle 0', 'nice -n 19'")
    args = parser.parse_args()
    cases = [c for c in args.cases.split(",") if c]
    if unknown := set(cases) - set(CASES):
        parser.error(f"unknown cases {sorted(unknown)}; known: {', '.join(CASES)}")

    roots = [ROOT] + ([args.compare_with.resolve()] if args.compare_with else [])
    names = ["new", "old"] if args.compare_with else ["this"]
    urls = [
        fresh_database(host=args.db_host, name=f"{args.database}_{i}", root=root)
        for i, root in enumerate(roots)
    ]
    rng = random.Random(11)
    results: dict[tuple[str, str], list[dict]] = {}
    for r in range(args.rounds):
        order = list(range(len(roots)))
        if r % 2 == 0:
            order.reverse()  # old first in even rounds
        for case in cases:
            for i in order:
                got = run_case(roots[i], urls[i], args.broker, case, args, rng)
                results.setdefault((case, names[i]), []).append(got)
                if case == "import":
                    print(
                        f"round {r + 1} {case:16} {names[i]:4}: {got['times'][0]:6.2f} s until"
                        f" the report; the job waited {got['pickup']:.2f} s for the worker, ran"
                        f" {got['run']:.2f} s, answered {got['after']:.2f} s after its end; "
                        f"CPU: web {got['web_ms'] / 1000:.2f} s, worker"
                        f" {got['worker_ms'] / 1000:.2f} s (its db"
                        f" {got['worker_db_ms'] / 1000:.2f} s)  (load {got['load']:.1f})",
                        flush=True,
                    )
                    continue
                print(
                    f"round {r + 1} {case:16} {names[i]:4}: p50 {pct(got['times'], 0.5):6.1f} ms"
                    f"  p95 {pct(got['times'], 0.95):6.1f}  mean "
                    f"{1000 * statistics.fmean(got['times']):6.1f}  CPU a create: web "
                    f"{got['web_ms']:5.1f} ms (its db {got['web_db_ms']:4.1f}), worker "
                    f"{got['worker_ms']:6.1f} (its db {got['worker_db_ms']:5.1f}), machine "
                    f"{got['machine_ms']:6.1f}, client "
                    f"{1000 * got['client_cpu'] / args.creates:4.1f}"
                    f"  (load {got['load']:.1f})",
                    flush=True,
                )
    print("\nmedians over the rounds:")
    for case in cases:
        row = {}
        for name in names:
            runs = results[(case, name)]
            row[name] = tuple(
                statistics.median(x)
                for x in (
                    [pct(g["times"], 0.5) for g in runs],
                    [pct(g["times"], 0.95) for g in runs],
                    [g["web_ms"] for g in runs],
                    [g["worker_ms"] for g in runs],
                    [g["machine_ms"] for g in runs],
                )
            )
            p50, p95, web, work, machine = row[name]
            print(
                f"{case:16} {name:4}: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  CPU a create: web "
                f"{web:5.1f} ms, worker {work:6.1f}, machine {machine:6.1f}"
            )
        if len(names) == 2:
            (n50, n95, *_), (o50, o95, *_) = row["new"], row["old"]
            print(f"{case:16} new/old: p50 {n50 / o50:.2f}x  p95 {n95 / o95:.2f}x")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    with psycopg.connect(f"{server_url(args.db_host)}/postgres", autocommit=True) as conn:
        for i in range(len(roots)):
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database}_{i}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
