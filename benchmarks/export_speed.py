"""How fast the export streams, how flat its memory stays, and how fast the JSONL import runs.

    .venv/bin/python benchmarks/export_speed.py                  # 10,000 documents, 1,000,000 spans
    .venv/bin/python benchmarks/export_speed.py --documents 200 --spans-per-document 50   # quick
    .venv/bin/python benchmarks/export_speed.py --offset-units utf16,grapheme  # other units too
    .venv/bin/python benchmarks/export_speed.py --compare-with ../main --rounds 5 \
        --import-documents 0   # before and after, interleaved: main served beside this checkout

Loads a project into a scratch PostgreSQL database (COPY), serves the site with one gunicorn
sync worker on loopback, downloads the JSONL and W3C exports over HTTP and prints spans per
second, bytes per second, the worker's CPU time and memory (resident set, sampled every
20 ms), next to the time PostgreSQL takes to COPY the same rows to nowhere (the physical
floor); the compact JSONL (format=jsonl-compact) and each gzip-compressed (Accept-Encoding:
gzip) too; with --offset-units, the JSONL export again in each unit given (the texts hold emoji,
CJK and accented letters, so every document needs converting). Then times the
JSONL import of --import-documents documents with --import-spans-per-document spans each
through the API (all or nothing). With --broker (a Redis URL; a database of its own, which is
emptied afterwards) the import enqueues each document's suggestion run as the real stack does;
without it runs execute in-process inside the request, and the figure includes them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

import psycopg
from _common import (
    ROOT,
    celery_worker,
    children,
    cpu_seconds,
    fresh_database,
    gunicorn,
    insert_member,
    insert_project,
    rss_mb,
)

WORDS = [
    "the", "minister", "said", "growth", "hit", "percent", "in", "police", "reported", "people",
    "killed", "at", "least", "more", "than", "officials", "claimed", "record", "first", "time",
    "India", "Pakistan", "Kashmir", "attack", "東京", "人口", "😀", "café", "Zoë", "مرحبا", "שלום",
    "naïve", "façade",
]  # fmt: skip


def make_text(rng: random.Random, sentences: int) -> tuple[str, list[tuple[int, int]]]:
    """A text and the (start, end) of each sentence's first clause, in code points."""
    parts, spans, position = [], [], 0
    for _ in range(sentences):
        clause = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6)))
        rest = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5)))
        sentence = f"{clause.capitalize()}, {rest}. "
        spans.append((position, position + len(clause)))
        parts.append(sentence)
        position += len(sentence)
    return "".join(parts), spans


def load(url: str, *, documents: int, per_document: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    labels = ("CLAIM", "QUOTE", "OPINION")
    with psycopg.connect(url) as conn:
        project_id = insert_project(conn, name="Bench desk")
        token = "bench" + "0" * 35
        user_id = insert_member(
            conn, project_id=project_id, username="bench", role="moderator", token=token
        )
        texts = {}
        with conn.cursor().copy(
            "COPY annotations_document (id, project_id, title, outlet, author, source_url, "
            "external_id, text, text_length, metadata, created_at) FROM STDIN"
        ) as copy:
            for doc_id in range(1, documents + 1):
                text, spans = make_text(rng, per_document)
                texts[doc_id] = (text, spans)
                copy.write_row(
                    (doc_id, project_id, f"Article {doc_id}", "Bench", "", "", "", text,
                     len(text), '{"bench": true}', now)
                )  # fmt: skip
        conn.execute("SELECT setval('annotations_document_id_seq', %s)", (documents,))
        span_id = 0
        with conn.cursor().copy(
            'COPY annotations_span (id, document_id, label, start, "end", text, prefix, '
            "suffix, speaker, note, author_id, review_status, version, created_at, updated_at, "
            "review_reason) FROM STDIN"
        ) as copy:
            for doc_id, (text, spans) in texts.items():
                for start, end in spans:
                    span_id += 1
                    copy.write_row(
                        (span_id, doc_id, labels[span_id % 3], start, end, text[start:end],
                         text[max(0, start - 32):start], text[end:end + 32], "", "", user_id,
                         "approved", 1, now, now, "")
                    )  # fmt: skip
        conn.execute("SELECT setval('annotations_span_id_seq', %s)", (span_id,))
        conn.execute("ANALYZE")
    return {"project_id": project_id, "token": token, "spans": span_id}


def copy_floor(url: str, project_id: int) -> tuple[float, int]:
    """Seconds and bytes for PostgreSQL to COPY the export's rows (spans joined with their
    author, desk claim and its verdict, and the documents' texts) to a client that throws them
    away."""
    spans_sql = (
        "SELECT s.document_id, s.id, s.label, s.start, s.end, s.text, s.prefix, s.suffix, "
        "s.speaker, s.note, u.username, s.suggestion_id, s.review_status, s.reviewed_at, "
        "s.created_at, s.updated_at, s.desk_claim_id, v.id, v.rating, v.rationale, "
        "v.evidence_links, v.review_status, v.reviewed_at, v.updated_at, c.wording "
        "FROM annotations_span s "
        "JOIN annotations_document d ON d.id = s.document_id "
        "JOIN auth_user u ON u.id = s.author_id "
        "LEFT JOIN annotations_deskclaim c ON c.id = s.desk_claim_id "
        "LEFT JOIN annotations_verdict v ON v.desk_claim_id = s.desk_claim_id "
        f"WHERE d.project_id = {project_id} AND s.deleted_at IS NULL "
        "AND s.review_status = 'approved' ORDER BY s.document_id, s.start, s.end, s.id"
    )
    docs_sql = (
        "SELECT id, title, outlet, author, source_url, published_on, external_id, metadata, "
        f"text, created_at FROM annotations_document WHERE project_id = {project_id} ORDER BY id"
    )
    size = 0
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        for sql in (spans_sql, docs_sql):
            with conn.cursor().copy(f"COPY ({sql}) TO STDOUT") as copy:
                for block in copy:
                    size += len(block)
    return time.perf_counter() - started, size


class PeakMemory:
    """Samples the resident memory of the gunicorn workers while a download runs."""

    def __init__(self, master_pid: int) -> None:
        self.master = master_pid
        self.baseline = self.peak = self._now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _now(self) -> float:
        return max((rss_mb(pid) for pid in children(self.master)), default=0.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._now())
            time.sleep(0.02)

    def __enter__(self):
        self.baseline = self.peak = self._now()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def download(base: str, path: str, token: str, *, gzip: bool = False) -> tuple[float, int, int]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=900)
    started = time.perf_counter()
    headers = {"Authorization": f"Token {token}"}
    if gzip:
        headers["Accept-Encoding"] = "gzip"
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    assert response.status == 200, (response.status, response.read(500))
    size = 0
    while block := response.read(1 << 20):
        size += len(block)
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, size, response.status


def download_body(base: str, path: str, token: str) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=900)
    conn.request("GET", path, headers={"Authorization": f"Token {token}"})
    response = conn.getresponse()
    assert response.status == 200, (response.status, response.read(500))
    body = response.read()
    conn.close()
    return body


def import_body(documents: int, per_document: int) -> tuple[bytes, int]:
    rng = random.Random(11)
    lines, spans = [], 0
    for i in range(documents):
        text, ranges = make_text(rng, per_document)
        label = [[s, e, ("CLAIM", "QUOTE", "OPINION")[j % 3]] for j, (s, e) in enumerate(ranges)]
        spans += len(label)
        lines.append(json.dumps({"text": text, "label": label, "batch": i}, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode(), spans


def post_import(base: str, project_id: int, token: str, body: bytes) -> tuple[float, dict]:
    """The upload (202 and its job), then the job polled until it ends: the whole import."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=900)
    headers = {"Authorization": f"Token {token}"}
    started = time.perf_counter()
    conn.request(
        "POST",
        f"/api/v1/projects/{project_id}/documents/import/",
        body=body,
        headers={**headers, "Content-Type": "application/x-ndjson"},
    )
    response = conn.getresponse()
    job = json.loads(response.read())
    assert response.status == 202, job
    while job["status"] not in ("done", "failed"):
        time.sleep(0.05)
        conn.request("GET", response.headers["Location"], headers=headers)
        job = json.loads(conn.getresponse().read())
    elapsed = time.perf_counter() - started
    conn.close()
    assert job["status"] == "done", job
    return elapsed, job["result"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--spans-per-document", type=int, default=100)
    parser.add_argument("--import-documents", type=int, default=1_000)
    parser.add_argument("--import-spans-per-document", type=int, default=100)
    parser.add_argument("--database", default="fc_bench")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--broker", default="", help="e.g. redis://127.0.0.1:6379/6")
    parser.add_argument(
        "--offset-units", default="", help="also export JSONL in these units, e.g. utf16,grapheme"
    )
    parser.add_argument(
        "--compare-with",
        default="",
        help="another checkout of the app (a git worktree of main, say): served beside this one "
        "on the same database, each export downloaded from it then from this one, in turn",
    )
    parser.add_argument("--rounds", type=int, default=1, help="each export this many times")
    parser.add_argument("--formats", default="", help="only these, e.g. jsonl,w3c")
    args = parser.parse_args()

    url = fresh_database(host=args.db_host, name=args.database)
    started = time.perf_counter()
    data = load(url, documents=args.documents, per_document=args.spans_per_document)
    print(f"loaded {args.documents:,} documents, {data['spans']:,} spans with COPY "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    floor_s, floor_bytes = copy_floor(url, data["project_id"])
    print(f"PostgreSQL COPY floor: {floor_s:.2f} s, {data['spans'] / floor_s:,.0f} spans/s, "
          f"{floor_bytes / floor_s / 1e6:,.1f} MB/s ({floor_bytes / 1e6:,.1f} MB)")  # fmt: skip

    servers = {"this": ROOT}
    if args.compare_with:
        servers = {"other": Path(args.compare_with).resolve(), **servers}
    with ExitStack() as stack:
        served = {
            name: stack.enter_context(
                gunicorn(url, args=["--workers", "1"], broker_url=args.broker, root=root)
            )
            for name, root in servers.items()
        }
        for base, _process in served.values():
            # Warm up (imports, first connection), so the baseline memory is the idle worker's.
            download(
                base, f"/api/v1/projects/{data['project_id']}/export/?document=1", data["token"]
            )
        units = [u for u in args.offset_units.split(",") if u]
        runs = [
            ("jsonl", "", False),
            ("jsonl", "", True),
            ("jsonl-compact", "", False),
            ("jsonl-compact", "utf16", True),
            ("w3c", "", False),
            ("w3c", "", True),
            *(("jsonl", unit, False) for unit in units),
        ]
        if args.formats:
            runs = [run for run in runs if run[0] in args.formats.split(",")]
        figures: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
        for round_ in range(1, args.rounds + 1):
            for fmt, unit, packed in runs:
                name = f"{fmt} ({unit})" if unit else fmt
                name += " gzip" if packed else ""
                for server, (base, process) in served.items():
                    path = f"/api/v1/projects/{data['project_id']}/export/?format={fmt}"
                    if unit:
                        path += f"&offset_unit={unit}"
                    worker = children(process.pid)[0]
                    cpu_before = cpu_seconds(worker)
                    with PeakMemory(process.pid) as memory:
                        elapsed, size, _ = download(base, path, data["token"], gzip=packed)
                    cpu = cpu_seconds(worker) - cpu_before
                    growth = memory.peak - memory.baseline
                    figures.setdefault((name, server), []).append((elapsed, cpu, growth))
                    rate = data["spans"] / elapsed
                    print(
                        f"[{round_}] {server:5} {name:26} export: {elapsed:.2f} s, "
                        f"{rate:,.0f} spans/s, {size / elapsed / 1e6:,.1f} MB/s "
                        f"({size / 1e6:,.1f} MB); "
                        f"{elapsed / floor_s:.1f}x the COPY floor; worker CPU {cpu:.2f} s "
                        f"({data['spans'] / max(cpu, 0.01):,.0f} spans per CPU second); "
                        f"worker memory {memory.baseline:.0f} MB -> peak {memory.peak:.0f} MB "
                        f"(+{growth:.1f} MB)",
                        flush=True,
                    )
        if args.rounds > 1 or args.compare_with:
            print(f"medians of {args.rounds} round(s):")
            for (name, server), values in figures.items():
                elapsed = median(v[0] for v in values)
                cpu = median(v[1] for v in values)
                line = (
                    f"  {server:5} {name:26} {data['spans'] / elapsed:,.0f} spans/s, worker CPU "
                    f"{cpu:.2f} s, memory growth up to +{max(v[2] for v in values):.1f} MB"
                )
                if server == "this" and (name, "other") in figures:
                    other = figures[(name, "other")]
                    line += (
                        f"; other/this time {median(v[0] for v in other) / elapsed:.2f}x, "
                        f"CPU {median(v[1] for v in other) / max(cpu, 0.01):.2f}x"
                    )
                print(line)
        base, process = served["this"]
        if args.import_documents <= 0:
            return
        body, spans = import_body(args.import_documents, args.import_spans_per_document)
        if args.broker:  # the import job needs a worker; the runs' messages wait on the broker
            with celery_worker(url, broker_url=args.broker):
                elapsed, report = post_import(base, data["project_id"], data["token"], body)
        else:
            elapsed, report = post_import(base, data["project_id"], data["token"], body)
        runs = "queued on the broker" if args.broker else "run in-process within the request"
        if args.broker:
            import redis

            redis.Redis.from_url(args.broker).flushdb()  # the runs' messages: nobody takes them
        print(
            f"JSONL import (all or nothing; suggestion runs {runs}): "
            f"{report['documents_created']:,} documents, "
            f"{report['spans_created']:,} spans in {elapsed:.2f} s: {spans / elapsed:,.0f} spans/s "
            f"({len(body) / 1e6:.1f} MB)"
        )


if __name__ == "__main__":
    main()
