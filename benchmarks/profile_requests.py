"""Where a click's time goes: each interactive request, split into SQL, broker and Python.

    .venv/bin/python benchmarks/profile_requests.py                      # 200,000 other spans
    .venv/bin/python benchmarks/profile_requests.py --other-spans 1000000 --runs 200
    .venv/bin/python benchmarks/profile_requests.py --cprofile span_create   # the hot functions
    # the rows of a last run as they are: run it from two checkouts in turn to compare them
    .venv/bin/python benchmarks/profile_requests.py --keep --only doc_read_50,doc_read_2000

Builds a scratch PostgreSQL database (--database, dropped and created again) holding a project,
a reviewer with a token, --other-spans spans spread over 5,000-character documents (with
INSERT ... SELECT generate_series, a million a statement, with the span table's indexes and
foreign keys made again after), and documents of 50 and 2,000 spans (a third of
them CLAIMs whose desk claims have verdicts). Then it runs each request --runs times in this
process through Django's full stack (middleware, token authentication, DRF, JSON rendering)
with a real Redis broker (--broker; nothing consumes the queue, which is emptied afterwards):

- span_create: POST /api/v1/documents/{id}/spans/ (a CLAIM, a QUOTE, an OPINION in turn)
- doc_create: POST /api/v1/projects/{id}/documents/ (5,000 characters with emoji; its
  suggestion run and story proposal are enqueued after the commit; its claims are matched
  once its run has suggested them)
- doc_read_50 and doc_read_2000: GET /api/v1/documents/{id}/ (its spans and their verdicts)

For each it prints the median time until the answer is complete and its parts: SQL (queries
and the time the database calls took), broker (the time spent publishing, connecting included)
and the rest, Python (DRF, serialization, middleware), plus the query count, which is the
robust figure on a shared machine, and the process's CPU time (the CPU this process spent on
the request, after-answer work included, which waiting for a core on a loaded machine does not
inflate as it does the times); then the messages published and the time spent after the answer
(factcheck.after_response: publishing a new document's jobs).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import django_env, fresh_database, insert_member, insert_project

EMOJI_TEXT = ("Officials said 🙂 the bridge was closed “at least 253” times, police said. " * 80)[
    :5000
]
TOKEN = "profile".ljust(40, "0")


def _setup_django(url: str, broker: str) -> None:
    os.environ.update(django_env(url, broker_url=broker))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()


@contextmanager
def _without_span_indexes(cur):
    """The span table's secondary indexes and foreign keys dropped while the other spans go in,
    made again after: one sort per index and one join per key instead of millions of index
    insertions and key lookups (minutes, not hours, for 10,000,000 spans). Its checks and
    triggers stay."""
    cur.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'annotations_span'"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint"
        " WHERE conrelid = 'annotations_span'::regclass)"
    )
    indexes = cur.fetchall()
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'annotations_span'::regclass AND contype = 'f'"
    )
    keys = cur.fetchall()
    for name, _ in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    for name, _ in keys:
        cur.execute(f'ALTER TABLE annotations_span DROP CONSTRAINT "{name}"')
    yield
    cur.execute("SET maintenance_work_mem = '1GB'")
    for _, definition in indexes:
        cur.execute(definition)
    for name, definition in keys:
        cur.execute(f'ALTER TABLE annotations_span ADD CONSTRAINT "{name}" {definition}')
    cur.execute("RESET maintenance_work_mem")


def _fill(other_spans: int) -> dict:
    """The rows, written with SQL: ORM inserts of a million spans would take the whole run."""
    from django.db import connection

    text = ("The minister said the economy grew 3.2% last year, officials said. " * 80)[:5000]
    per_doc = 100
    with connection.cursor() as cur:
        project_id = insert_project(connection.connection, name="Profile desk")
        user_id = insert_member(
            connection.connection, project_id=project_id, username="profiler", token=TOKEN
        )
        documents = max(1, other_spans // per_doc)
        cur.execute(
            "INSERT INTO annotations_document (project_id, title, outlet, author, source_url,"
            " external_id, text, text_length, metadata, created_at, version)"
            " SELECT %s, 'Other ' || g, '', '', '', '', %s, %s, '{}', now(), 1"
            " FROM generate_series(1, %s) g",
            [project_id, text, len(text), documents],
        )
        if other_spans:
            with _without_span_indexes(cur):
                cur.execute(
                    "SELECT min(id), max(id) FROM annotations_document WHERE project_id = %s",
                    [project_id],
                )
                first, last = cur.fetchone()
                step = 10_000  # documents a statement: a million spans
                for low in range(first, last + 1, step):
                    cur.execute(
                        'INSERT INTO annotations_span (label, start, "end", text, prefix,'
                        " suffix, speaker, note, review_status, review_reason, version,"
                        " created_at, updated_at, author_id, document_id)"
                        " SELECT (ARRAY['OPINION','QUOTE'])[1 + s %% 2], s * 40, s * 40 + 10,"
                        " substr(d.text, s * 40 + 1, 10), '', '', '', '', 'pending', '', 1,"
                        " now(), now(), %s, d.id"
                        " FROM annotations_document d, generate_series(0, %s - 1) s"
                        " WHERE d.id BETWEEN %s AND %s",
                        [user_id, per_doc, low, min(last, low + step - 1)],
                    )
                    print(f"  documents {low:,}-{min(last, low + step - 1):,} done", flush=True)
        read_docs = {}
        for size in (50, 2000):
            long_text = (text * (1 + size * 50 // len(text)))[: size * 50]
            cur.execute(
                "INSERT INTO annotations_document (project_id, title, outlet, author, source_url,"
                " external_id, text, text_length, metadata, created_at, version)"
                " VALUES (%s, %s, '', '', '', '', %s, %s, '{}', now(), 1) RETURNING id",
                [project_id, f"Read {size}", long_text, len(long_text)],
            )
            document_id = cur.fetchone()[0]
            read_docs[size] = document_id
            claims = size // 3
            cur.execute(
                "WITH claims AS (INSERT INTO annotations_deskclaim (wording, version, created_at,"
                " updated_at, created_by_id, project_id) SELECT 'Claim ' || %s || '-' || g, 1,"
                " now(), now(), %s, %s FROM generate_series(1, %s) g RETURNING id)"
                " INSERT INTO annotations_verdict (rating, rationale, evidence_links,"
                " review_status, review_reason, version, created_at, updated_at, author_id,"
                " desk_claim_id, review_url) SELECT 'false', 'Because.', '[\"https://e.org\"]',"
                " 'approved', '', 1, now(), now(), %s, id, '' FROM claims",
                [document_id, user_id, project_id, claims, user_id],
            )
            cur.execute(
                'INSERT INTO annotations_span (label, start, "end", text, prefix, suffix,'
                " speaker, note, review_status, review_reason, version, created_at, updated_at,"
                " author_id, document_id, desk_claim_id)"
                " SELECT CASE WHEN s < %s THEN 'CLAIM' ELSE 'OPINION' END, s * 50, s * 50 + 20,"
                " substr(d.text, s * 50 + 1, 20), '', '', '', '', 'pending', '', 1, now(), now(),"
                " %s, d.id, CASE WHEN s < %s THEN (SELECT id FROM annotations_deskclaim"
                " WHERE wording = 'Claim ' || d.id || '-' || (s + 1)) END"
                " FROM annotations_document d, generate_series(0, %s - 1) s WHERE d.id = %s",
                [claims, user_id, claims, size, document_id],
            )
        cur.execute(
            "INSERT INTO annotations_document (project_id, title, outlet, author, source_url,"
            " external_id, text, text_length, metadata, created_at, version)"
            " VALUES (%s, 'Write here', '', '', '', '', %s, %s, '{}', now(), 1) RETURNING id",
            [project_id, text * 20, len(text) * 20],
        )
        write_doc = cur.fetchone()[0]
        cur.execute("ANALYZE")
        cur.execute("SELECT count(*) FROM annotations_span")
        total = cur.fetchone()[0]
    return {
        "project": project_id,
        "read": read_docs,
        "write": write_doc,
        "write_text": text * 20,
        "total_spans": total,
    }


def _found() -> dict:
    """The rows a last run left (--keep): the same data for two checkouts compared in turn."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id FROM annotations_project WHERE name = 'Profile desk'")
        (project_id,) = cur.fetchone()
        cur.execute(
            "SELECT title, id, text FROM annotations_document WHERE project_id = %s"
            " AND title IN ('Read 50', 'Read 2000', 'Write here')",
            [project_id],
        )
        documents = {title: (id_, text) for title, id_, text in cur.fetchall()}
        cur.execute("SELECT count(*) FROM annotations_span")
        (total,) = cur.fetchone()
    return {
        "project": project_id,
        "read": {size: documents[f"Read {size}"][0] for size in (50, 2000)},
        "write": documents["Write here"][0],
        "write_text": documents["Write here"][1],
        "total_spans": total,
    }


def _reused(other_spans: int) -> dict | None:
    """The rows of a last fill of the same size, with a new document to write spans on (so runs
    of old and new code can take turns on one database); None if there is no such fill."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.id, count(d.id) FILTER (WHERE d.title LIKE 'Other %%') FROM"
            " annotations_project p JOIN annotations_document d ON d.project_id = p.id"
            " WHERE p.name = 'Profile desk' GROUP BY p.id"
        )
        found = cur.fetchone()
        if found is None or found[1] != max(1, other_spans // 100):
            return None
        project_id = found[0]
        cur.execute(
            "SELECT title, id FROM annotations_document WHERE project_id = %s AND title IN"
            " ('Read 50', 'Read 2000')",
            [project_id],
        )
        read_docs = {int(title.split()[1]): doc_id for title, doc_id in cur.fetchall()}
        cur.execute("SELECT text FROM annotations_document WHERE title = 'Other 1'")
        text = cur.fetchone()[0] * 20
        cur.execute(
            "INSERT INTO annotations_document (project_id, title, outlet, author, source_url,"
            " external_id, text, text_length, metadata, created_at, version)"
            " VALUES (%s, 'Write here', '', '', '', '', %s, %s, '{}', now(), 1) RETURNING id",
            [project_id, text, len(text)],
        )
        write_doc = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM annotations_span")
        total = cur.fetchone()[0]
    return {
        "project": project_id,
        "read": read_docs,
        "write": write_doc,
        "write_text": text,
        "total_spans": total,
    }


class Phases:
    """SQL and broker time of one request, measured where they happen, and when its answer
    was complete (what ran after it, factcheck.after_response, the client does not wait for)."""

    current: Phases | None = None

    def __init__(self) -> None:
        self.sql = 0.0
        self.queries = 0
        self.broker = 0.0
        self.messages = 0
        self.answered: tuple[float, float, float, int] | None = None

    def mark_answered(self, **_) -> None:
        self.answered = (time.perf_counter(), self.sql, self.broker, self.queries)

    @staticmethod
    def on_request_finished(**kwargs) -> None:
        if Phases.current is not None:
            Phases.current.mark_answered(**kwargs)

    def total(self) -> tuple[float, float, int]:
        return self.sql, self.broker, self.queries

    def sql_wrapper(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.perf_counter() - began
            self.queries += 1


def _watch_answers() -> None:
    """Note when the answer is complete: before the jobs kept for after it, if any."""
    from django.core.signals import request_finished

    try:
        from factcheck import after_response
    except ImportError:  # code from before after_response: everything ran before the answer
        request_finished.connect(Phases.on_request_finished)
        return
    uid = "factcheck.after_response.finished"
    request_finished.disconnect(dispatch_uid=uid)
    request_finished.connect(Phases.on_request_finished)
    request_finished.connect(after_response._request_finished, dispatch_uid=uid)


@contextmanager
def _broker_timed(phases: Phases):
    """Time every publish, connecting included, wherever it is called from."""
    from kombu import Connection
    from kombu.messaging import Producer

    publish, ensure = Producer.publish, Connection.ensure_connection

    def timed_publish(self, *args, **kwargs):
        began = time.perf_counter()
        try:
            return publish(self, *args, **kwargs)
        finally:
            phases.broker += time.perf_counter() - began
            phases.messages += 1

    def timed_connect(self, *args, **kwargs):
        began = time.perf_counter()
        try:
            return ensure(self, *args, **kwargs)
        finally:
            phases.broker += time.perf_counter() - began

    Producer.publish, Connection.ensure_connection = timed_publish, timed_connect
    try:
        yield
    finally:
        Producer.publish, Connection.ensure_connection = publish, ensure


def _requests(data: dict):
    """name -> a function making one request (and checking its answer)."""
    import json

    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {TOKEN}", HTTP_HOST="127.0.0.1")
    text = data["write_text"]
    position = iter(range(0, len(text) - 10, 7))
    labels = ("CLAIM", "QUOTE", "OPINION")

    def span_create() -> None:
        start = next(position)
        label = labels[start % 3]
        body = {"label": label, "start": start, "end": start + 6, "text": text[start : start + 6]}
        if label == "QUOTE":
            body["speaker"] = "A minister"
        answer = client.post(
            f"/api/v1/documents/{data['write']}/spans/",
            json.dumps(body),
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content[:300]

    counter = iter(range(10**9))

    def doc_create() -> None:
        body = {"title": f"Article {next(counter)}", "text": EMOJI_TEXT, "outlet": "Wire"}
        answer = client.post(
            f"/api/v1/projects/{data['project']}/documents/",
            json.dumps(body),
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content[:300]

    def doc_read(size: int):
        checked = False

        def read() -> None:
            nonlocal checked
            answer = client.get(f"/api/v1/documents/{data['read'][size]}/")
            assert answer.status_code == 200, answer.content[:300]
            if not checked:  # once: parsing a megabyte of answer is the client's time
                assert len(answer.json()["spans"]) == size
                checked = True

        return read

    return {
        "span_create": span_create,
        "doc_create": doc_create,
        "doc_read_50": doc_read(50),
        "doc_read_2000": doc_read(2000),
    }


def measure(make, runs: int) -> dict:
    from django.db import connection

    rows = []
    for _ in range(runs):
        phases = Phases.current = Phases()
        with ExitStack() as stack:
            stack.enter_context(connection.execute_wrapper(phases.sql_wrapper))
            stack.enter_context(_broker_timed(phases))
            cpu = time.process_time()
            began = time.perf_counter()
            make()
            ended = time.perf_counter()
            cpu = time.process_time() - cpu
        Phases.current = None
        answered, sql, broker, queries = phases.answered or (ended, *phases.total())
        rows.append(
            (answered - began, sql, broker, queries, phases.messages, ended - answered, cpu)
        )
    total, sql, broker, queries, messages, after, cpu = (
        statistics.median(col) for col in zip(*rows, strict=True)
    )
    return {
        "total": total * 1000,
        "cpu": cpu * 1000,
        "sql": sql * 1000,
        "broker": broker * 1000,
        "python": max(0.0, total - sql - broker) * 1000,
        "queries": queries,
        "max_queries": max(r[3] for r in rows),
        "messages": messages,
        "after": after * 1000,
    }


def _print_sizes() -> None:
    """The span and history tables: rows, heap and TOAST, and each index."""
    from django.db import connection

    with connection.cursor() as cur:
        for table in ("annotations_span", "annotations_auditevent", "annotations_document"):
            cur.execute(
                "SELECT pg_table_size(%s::regclass), pg_indexes_size(%s::regclass),"
                " (SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass)",
                [table, table, table],
            )
            heap, indexes, rows = cur.fetchone()
            print(
                f"{table}: {rows:,} rows, table {heap / 2**20:,.0f} MB,"
                f" indexes {indexes / 2**20:,.0f} MB"
            )
            cur.execute(
                "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index"
                " WHERE indrelid = %s::regclass ORDER BY 2 DESC",
                [table],
            )
            print(
                "    " + ", ".join(f"{name} {size / 2**20:,.0f}" for name, size in cur.fetchall())
            )


def explain(requests: dict, names: list[str]) -> None:
    """The plan of every SELECT each request makes, as the database ran it (the captured SQL
    has its parameters in place)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name in names:
        requests[name]()
        with CaptureQueriesContext(connection) as captured:
            requests[name]()
        print(f"=== {name}: {len(captured.captured_queries)} queries")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                print(f"--- {sql[:160]}")
                continue
            print(f"--- {sql[:400]}")
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                for (line,) in cur.fetchall():
                    print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="fc_bench_profile")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--other-spans", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of a last run (and its rows, if it was filled to the same size)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database and the rows of a last run as they are (to compare two "
        "checkouts in turn on the same rows; --other-spans is then ignored)",
    )
    parser.add_argument("--cprofile", help="print the hot functions of this request")
    parser.add_argument("--only", help="comma-separated request names")
    parser.add_argument("--show-queries", help="print the SQL of one such request")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="then print EXPLAIN ANALYZE of each request's SELECTs",
    )
    args = parser.parse_args()

    url = f"postgres://postgres@{args.db_host}:5432/{args.database}"
    if not (args.reuse or args.keep):
        url = fresh_database(host=args.db_host, name=args.database)
    _setup_django(url, args.broker)
    from django.db import connection

    began = time.perf_counter()
    data = _found() if args.keep else _reused(args.other_spans) if args.reuse else None
    if data is None:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE annotations_project, auth_user CASCADE")
        data = _fill(args.other_spans)
    print(
        f"{data['total_spans']:,} spans in the database "
        f"(filled in {time.perf_counter() - began:.0f} s)"
    )

    _print_sizes()
    requests = _requests(data)
    names = args.only.split(",") if args.only else list(requests)
    if args.show_queries:
        from django.test.utils import CaptureQueriesContext

        requests[args.show_queries]()
        with CaptureQueriesContext(connection) as captured:
            requests[args.show_queries]()
        for query in captured.captured_queries:
            print(f"{query['time']:>6} {query['sql'][:300]}")
        return
    if args.cprofile:
        make = requests[args.cprofile]
        for _ in range(5):
            make()
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.runs):
            make()
        profile.disable()
        lines, order = int(os.environ.get("PROFILE_LINES", "40")), os.environ.get("PROFILE_SORT")
        pstats.Stats(profile).sort_stats(order or "cumulative").print_stats(lines)
        return
    for name in names:
        requests[name]()  # warm: imports, the connection, caches
    _watch_answers()
    # Until the answer is complete; `after`: what ran after it (the messages are all of them).
    print(
        f"{'request':<15}{'median ms':>10}{'SQL ms':>8}{'broker':>8}{'Python':>8}"
        f"{'queries':>9}{'msgs':>6}{'after':>7}{'CPU ms':>8}"
    )
    for name in names:
        row = measure(requests[name], args.runs if "2000" not in name else max(5, args.runs // 5))
        print(
            f"{name:<15}{row['total']:>10.1f}{row['sql']:>8.1f}{row['broker']:>8.1f}"
            f"{row['python']:>8.1f}{row['queries']:>9.0f}{row['messages']:>6.0f}"
            f"{row['after']:>7.1f}{row['cpu']:>8.1f}"
        )
    if args.explain:
        explain(requests, names)
    from redis import Redis

    Redis.from_url(args.broker).flushdb()


if __name__ == "__main__":
    main()
