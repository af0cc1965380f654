"""What running an import as a job costs: spans per second of the import service called directly
against the same file imported by an import job (what the worker does), progress written to
the job's row at most twice a second on a connection of its own, and against the job without
its progress (what the progress alone costs). Median of --runs runs each, in another order each
run, each into emptied tables.

    .venv/bin/python benchmarks/import_job_speed.py                     # 5,000 documents x 20 spans
    .venv/bin/python benchmarks/import_job_speed.py --documents 500 --runs 1   # quick

Uses a scratch PostgreSQL database (--database, dropped and created again) and a Redis database
(--broker, emptied afterwards) that the imports' on-commit messages (suggestion runs, story
and claim jobs) go to, as on the real stack; no worker consumes them. Every variant reads the
file from disk and pays for those messages alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, django_env, fresh_database


def make_file(path: Path, *, documents: int, spans: int) -> int:
    """A JSONL file of `documents` lines, each with `spans` OPINION spans; returns the spans."""
    with path.open("w") as out:
        for d in range(documents):
            words = [f"w{d}x{i}" for i in range(spans)]
            text = " ".join(words)
            labels, at = [], 0
            for word in words:
                labels.append([at, at + len(word), "OPINION"])
                at += len(word) + 1
            out.write(json.dumps({"text": text, "label": labels}) + "\n")
    return documents * spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--spans-per-document", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--database", default="fc_bench_import_jobs")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/2")
    args = parser.parse_args()

    url = fresh_database(host=args.host, name=args.database)
    uploads = Path(tempfile.mkdtemp(prefix="import-job-bench-"))
    os.environ.update(django_env(url, broker_url=args.broker))
    os.environ["IMPORT_UPLOAD_DIR"] = str(uploads)
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from annotations import services
    from annotations.imports import iter_lines
    from annotations.models import ImportJob, Role
    from factcheck.celery import app

    user, _ = services.user_get_or_create(username="bench")
    source = uploads / "source.jsonl"
    total = make_file(source, documents=args.documents, spans=args.spans_per_document)

    def fresh_project(name: str):
        project, _ = services.project_get_or_create(name=name)
        services.membership_set(project=project, user=user, role=Role.REVIEWER)
        return project

    def direct(run: int) -> tuple[float, float]:
        project = fresh_project(f"direct {run}")
        started, cpu = time.perf_counter(), time.process_time()
        with source.open("rb") as stream:
            report = services.document_import_jsonl(
                project=project, actor=user, lines=iter_lines(stream)
            )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert report.committed and report.spans_created == total, report.errors[:3]
        return elapsed, cpu

    def empty() -> None:
        """Every run starts from the same empty tables (the earlier runs' rows would slow it)."""
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE annotations_document, annotations_auditevent CASCADE")

    def job(run: int, *, progress: bool = True) -> tuple[float, float]:
        project = fresh_project(f"job {run} {progress}")
        with source.open("rb") as stream:
            created = services.import_job_create(
                project=project, actor=user, chunks=iter(lambda: stream.read(1 << 20), b"")
            )
        app.control.purge()  # no worker here: this process runs the job, as a worker would
        started, cpu = time.perf_counter(), time.process_time()
        services.import_job_run(job_id=created.pk, progress=progress)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        done = ImportJob.objects.get(pk=created.pk)
        assert done.status == "done" and done.spans_written == total, done.error
        assert done.attempts == 1
        return elapsed, cpu

    variants = {
        "direct": direct,
        "job without progress": lambda run: job(run, progress=False),
        "job": job,
    }
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    names = list(variants)
    try:
        for run in range(args.runs):
            # A different order each run: no variant always goes first (or last).
            for name in names[run % len(names) :] + names[: run % len(names)]:
                empty()
                timings[name].append(variants[name](run))
    finally:
        app.control.purge()
    print(
        f"{args.documents:,} documents x {args.spans_per_document} spans = {total:,} spans, "
        f"median of {args.runs} run(s) each (wall clock; this process's CPU beside it)"
    )
    rates, cpu_rates = {}, {}
    for name, runs in timings.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        rates[name], cpu_rates[name] = total / wall, total / cpu
        each = ", ".join(f"{w:.2f}" for w, _ in runs)
        print(
            f"  {name:<20} {rates[name]:>10,.0f} spans/s   median {wall:.2f} s ({each})   "
            f"CPU {cpu_rates[name]:,.0f} spans/s"
        )
    for base in ("direct", "job without progress"):
        print(
            f"  the job with progress against {base}: "
            f"{100 * (rates['job'] / rates[base] - 1):+.1f}% spans/s "
            f"(CPU {100 * (cpu_rates['job'] / cpu_rates[base] - 1):+.1f}%)"
        )


if __name__ == "__main__":
    main()
