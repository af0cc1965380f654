"""The JSONL import's speed next to a raw COPY of the very rows it writes.

    .venv/bin/python benchmarks/import_speed.py                    # 1,000 documents, 100,000 spans
    .venv/bin/python benchmarks/import_speed.py --runs 5 --cprofile   # and where the time goes

Builds a scratch PostgreSQL database (--database, dropped and created again) with a project
and a reviewer, and a JSONL body of --documents documents with --spans-per-document spans each
(a third each CLAIM, QUOTE, OPINION; texts with emoji, CJK and accents, as export_speed.py
makes them). Each round, in this one process:

- import: document_import_jsonl (all or nothing) into the project, as the API's import calls
  it, with a real Redis broker (--broker; nothing consumes the queue, emptied afterwards), so
  the suggestion runs are only enqueued;
- copy: the rows that import wrote (documents, desk claims, spans, suggestion runs and every
  history record), read back with COPY TO and deleted, written again with one COPY FROM per
  table in one transaction: the same rows, indexes, constraints and triggers, no Python. The
  floor of any writer.

Rounds alternate import and copy (--runs of each) and it prints each one's median spans per
second and their ratio.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import django_env, fresh_database
from export_speed import make_text

# In the order COPY FROM can write them (a span names its document and desk claim).
TABLES = (
    "annotations_document",
    "annotations_deskclaim",
    "annotations_span",
    "annotations_suggestionrun",
    "annotations_auditevent",
)


def body(documents: int, per_document: int) -> tuple[list[bytes], int]:
    import orjson

    rng = random.Random(11)
    lines, spans = [], 0
    for i in range(documents):
        text, ranges = make_text(rng, per_document)
        label = [[s, e, ("CLAIM", "QUOTE", "OPINION")[j % 3]] for j, (s, e) in enumerate(ranges)]
        spans += len(label)
        lines.append(orjson.dumps({"text": text, "label": label, "batch": i}) + b"\n")
    return lines, spans


def empty(cursor) -> None:
    cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000)
    parser.add_argument("--spans-per-document", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default="fc_bench_import")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--cprofile", action="store_true", help="then profile one import")
    args = parser.parse_args()

    url = fresh_database(host=args.db_host, name=args.database)
    os.environ.update(django_env(url, broker_url=args.broker))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from redis import Redis

    from annotations.models import Membership, Project, Role
    from annotations.services.imports import document_import_jsonl

    actor = User.objects.create(username="importer")
    project = Project.objects.create(name="Import desk")
    Membership.objects.create(project=project, user=actor, role=Role.REVIEWER)
    lines, spans = body(args.documents, args.spans_per_document)
    size = sum(map(len, lines))
    print(f"{args.documents:,} documents, {spans:,} spans, {size / 1e6:.1f} MB of JSONL")

    def run_import() -> float:
        began = time.perf_counter()
        report = document_import_jsonl(project=project, actor=actor, lines=lines)
        elapsed = time.perf_counter() - began
        assert report.committed and report.spans_created == spans, report.errors[:3]
        return elapsed

    def run_copy() -> float:
        raw = connection.connection
        data = {}
        for table in TABLES:
            with raw.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                data[table] = b"".join(bytes(block) for block in copy)
        with connection.cursor() as cursor:
            empty(cursor)
        began = time.perf_counter()
        with transaction.atomic(), raw.cursor() as cursor:
            for table in TABLES:
                started = time.perf_counter()
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(data[table])
                per_table[table].append(time.perf_counter() - started)
        return time.perf_counter() - began

    timings: dict[str, list[float]] = {"import": [], "copy": []}
    per_table: dict[str, list[float]] = {table: [] for table in TABLES}
    with connection.cursor() as cursor:
        empty(cursor)
    for _ in range(args.runs):
        timings["import"].append(run_import())
        timings["copy"].append(run_copy())
        with connection.cursor() as cursor:
            empty(cursor)
        print(
            f"  import {timings['import'][-1]:.2f} s, copy {timings['copy'][-1]:.2f} s",
            flush=True,
        )
    imported, copied = (statistics.median(timings[k]) for k in ("import", "copy"))
    print(
        f"import: {spans / imported:,.0f} spans/s (median {imported:.2f} s of {args.runs}); "
        f"COPY of the same rows: {spans / copied:,.0f} spans/s ({copied:.2f} s); "
        f"import/COPY {imported / copied:.2f}x"
    )
    print(
        "  COPY by table: "
        + ", ".join(
            f"{t.removeprefix('annotations_')} {statistics.median(v):.2f} s"
            for t, v in per_table.items()
        )
    )
    if args.cprofile:
        profile = cProfile.Profile()
        profile.enable()
        run_import()
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    Redis.from_url(args.broker).flushdb()


if __name__ == "__main__":
    main()
