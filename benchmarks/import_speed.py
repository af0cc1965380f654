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
- copy: the rows that import wrote (documents and their search words, desk claims, spans,
  suggestion runs and every history record), read back with COPY TO and deleted, written
  again with one COPY FROM per table in one transaction: the same rows, indexes, constraints
  and triggers, no Python. The floor of any writer.

Rounds alternate import and copy (--runs of each) and it prints each one's median spans per
second and their ratio, the COPY's time by table and at the commit (the deferred foreign-key
checks, run there), and the CPU time of the importing process (Python's part of the import;
the rest is the database's).

--parts then writes the same rows again with one piece of the schema taken away each time (in
a transaction rolled back: the database is left as it was): what that piece costs the COPY.
Each part is paired with a whole write just before it; still, it wants a quiet machine.
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
    "annotations_documentsearch",
    "annotations_deskclaim",
    "annotations_span",
    "annotations_suggestionrun",
    "annotations_auditevent",
)
COMMIT = "deferred foreign-key checks"


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


# What --parts takes away, one at a time: (name, statements run in the rolled-back transaction).
def _drop_fks(table: str, columns: tuple[str, ...]) -> str:
    """A DO block dropping the foreign keys of `table` over `columns` (names are generated)."""
    wanted = ", ".join(f"'{c}'" for c in columns)
    return f"""DO $$ DECLARE r record; BEGIN
        FOR r IN SELECT c.conname FROM pg_constraint c JOIN pg_attribute a
                   ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
                  WHERE c.conrelid = '{table}'::regclass AND c.contype = 'f'
                    AND a.attname IN ({wanted})
        LOOP EXECUTE format('ALTER TABLE {table} DROP CONSTRAINT %I', r.conname); END LOOP;
    END $$"""


PARTS = (
    ("span search GIN (to_tsvector a row)", ["DROP INDEX span_search_gin"]),
    (
        "span B-trees on author, created_at, label+status, status",
        [
            "DROP INDEX span_created, span_label_review_status, span_review_status",
            "DO $$ DECLARE r record; BEGIN FOR r IN SELECT indexrelid::regclass AS i FROM "
            "pg_index WHERE indrelid = 'annotations_span'::regclass AND indkey::text = "
            "(SELECT attnum::text FROM pg_attribute WHERE attrelid = 'annotations_span'::regclass "
            "AND attname = 'author_id') LOOP EXECUTE 'DROP INDEX ' || r.i; END LOOP; END $$",
        ],
    ),
    (
        "span foreign keys (author, document, desk claim)",
        [_drop_fks("annotations_span", ("author_id", "document_id", "desk_claim_id"))],
    ),
    (
        "history foreign keys (project, actor)",
        [_drop_fks("annotations_auditevent", ("project_id", "actor_id"))],
    ),
    (
        "span INSERT checks (statement trigger)",
        ["ALTER TABLE annotations_span DISABLE TRIGGER span_insert_checks"],
    ),
    (
        "desk claims' search words (row trigger)",
        ["ALTER TABLE annotations_deskclaim DISABLE TRIGGER desk_claim_search_vector"],
    ),
)


def empty(cursor) -> None:
    cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000)
    parser.add_argument("--spans-per-document", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default="fc_bench_import")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--cprofile", action="store_true", help="then profile one import")
    parser.add_argument(
        "--parts", action="store_true", help="then what each piece of the schema costs the COPY"
    )
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
        began, cpu = time.perf_counter(), time.process_time()
        report = document_import_jsonl(project=project, actor=actor, lines=lines)
        elapsed = time.perf_counter() - began
        python_cpu.append(time.process_time() - cpu)
        assert report.committed and report.spans_created == spans, report.errors[:3]
        return elapsed

    def copied_rows() -> dict[str, bytes]:
        raw = connection.connection
        data = {}
        for table in TABLES:
            with raw.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                data[table] = b"".join(bytes(block) for block in copy)
        return data

    def write_rows(cursor, data: dict[str, bytes], times: dict[str, list[float]]) -> None:
        for table in TABLES:
            started = time.perf_counter()
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(data[table])
            times[table].append(time.perf_counter() - started)
        # The deferred foreign-key checks, which the commit would run, timed on their own.
        started = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        times[COMMIT].append(time.perf_counter() - started)

    def run_copy() -> float:
        raw = connection.connection
        data = copied_rows()
        with connection.cursor() as cursor:
            empty(cursor)
        began = time.perf_counter()
        with transaction.atomic(), raw.cursor() as cursor:
            write_rows(cursor, data, per_table)
        return time.perf_counter() - began

    def run_parts() -> None:
        """The rows of one import written again, whole and without each part, rolled back: each
        part's cost is the median of (whole - without it), each pair written back to back so
        that a change in the machine's load shifts both."""
        raw = connection.connection
        document_import_jsonl(project=project, actor=actor, lines=lines)
        data = copied_rows()
        with connection.cursor() as cursor:
            empty(cursor)

        def write_without(statements: list[str]) -> float:
            times: dict[str, list[float]] = {t: [] for t in (*TABLES, COMMIT)}
            with transaction.atomic(), raw.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
                write_rows(cursor, data, times)
                transaction.set_rollback(True)
            return sum(v[0] for v in times.values())

        wholes: list[float] = []
        costs: dict[str, list[float]] = {name: [] for name, _ in PARTS}
        for _ in range(args.runs):
            for name, statements in PARTS:
                whole = write_without([])
                wholes.append(whole)
                costs[name].append(whole - write_without(statements))
        print(
            f"COPY of the same rows: {statistics.median(wholes):.2f} s; what each part costs it "
            f"(median of {args.runs} pairs), load {load()}:"
        )
        for name, values in costs.items():
            print(f"  {name:58} {statistics.median(values):+.2f} s")

    timings: dict[str, list[float]] = {"import": [], "copy": []}
    per_table: dict[str, list[float]] = {table: [] for table in (*TABLES, COMMIT)}
    python_cpu: list[float] = []
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
        f"import/COPY {imported / copied:.2f}x; load {load()}"
    )
    print(f"  the import's own CPU (Python): {statistics.median(python_cpu):.2f} s")
    print(
        "  COPY by table: "
        + ", ".join(
            f"{t.removeprefix('annotations_')} {statistics.median(v):.2f} s"
            for t, v in per_table.items()
        )
    )
    if args.parts:
        run_parts()
    if args.cprofile:
        profile = cProfile.Profile()
        profile.enable()
        run_import()
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    Redis.from_url(args.broker).flushdb()


if __name__ == "__main__":
    main()
