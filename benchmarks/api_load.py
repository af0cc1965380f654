"""Concurrent span creation over HTTP: throughput and latency.

    .venv/bin/python benchmarks/api_load.py                # 16 clients, 30 seconds
    .venv/bin/python benchmarks/api_load.py --seconds 5    # quick
    .venv/bin/python benchmarks/api_load.py --workers 1,2,4   # scaling out: creates/s a process

Serves the site with gunicorn (gthread workers) on loopback against a scratch PostgreSQL
database (--database, dropped and created again), then runs --clients threads, each with its
own keep-alive connection, creating spans (POST /api/v1/documents/{id}/spans/) for --seconds.
Prints creates per second, p50/p99 latency, the CPU the web processes and this load client
each spent a create (the client shares the cores with the server it measures: it sends
prepared bytes on raw sockets), and every answer that was not 201.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
from _common import (
    children,
    fresh_database,
    gunicorn,
    insert_member,
    insert_project,
)

TEXT_LENGTH = 400_000
LABELS = ("CLAIM", "OPINION", "QUOTE")


def setup(url: str, clients: int, text_length: int = TEXT_LENGTH) -> dict:
    """One project; per client a user, a token and a document of its own."""
    text = "".join(chr(ord("a") + i % 26) for i in range(text_length))
    people = []
    with psycopg.connect(url) as conn:
        project_id = insert_project(conn, name="Load desk")
        for i in range(clients):
            token = f"load{i:04d}".ljust(40, "0")
            insert_member(conn, project_id=project_id, username=f"load{i}", token=token)
            document_id = conn.execute(
                "INSERT INTO annotations_document (project_id, title, outlet, author, source_url,"
                " external_id, text, text_length, metadata, created_at) VALUES (%s, %s, '', '', "
                "'', '', %s, %s, '{}', now()) RETURNING id",
                (project_id, f"Load {i}", text, len(text)),
            ).fetchone()[0]
            people.append((token, document_id))
    return {"people": people, "text": text}


def _post(sock: socket.socket, request: bytes, buffer: bytearray) -> int:
    """Send one request on the kept-alive socket and read its answer; returns its status.
    Bytes and a Content-Length, nothing else: the client threads share the cores with the
    server they measure, so they spend as little CPU as they can."""
    sock.sendall(request)
    while (head_end := buffer.find(b"\r\n\r\n")) < 0:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buffer += chunk
    head = bytes(buffer[:head_end])
    length = int(_CONTENT_LENGTH.search(head).group(1))  # type: ignore[union-attr]
    total = head_end + 4 + length
    while len(buffer) < total:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buffer += chunk
    del buffer[:total]
    return int(head[9:12])


_CONTENT_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")


def client(base: str, token: str, document_id: int, text: str, until: float, out: dict) -> None:
    host, port = base.removeprefix("http://").split(":")
    head = (
        f"POST /api/v1/documents/{document_id}/spans/ HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
        "Content-Length: "
    ).encode()
    sock = socket.create_connection((host, int(port)), timeout=30)
    buffer = bytearray()
    latencies: list[float] = []
    statuses: Counter = Counter()
    # Every (label, range) once: a short article runs through its ranges once per label.
    spots = ((label, start) for label in LABELS for start in range(0, len(text) - 5, 3))
    for label, start in spots:
        if time.perf_counter() >= until:
            break
        end = start + 5
        body = json.dumps(
            {"label": label, "start": start, "end": end, "text": text[start:end]}
        ).encode()
        request = head + str(len(body)).encode() + b"\r\n\r\n" + body
        began = time.perf_counter()
        try:
            statuses[_post(sock, request, buffer)] += 1
        except OSError as exc:
            statuses[type(exc).__name__] += 1
            sock.close()
            sock, buffer = socket.create_connection((host, int(port)), timeout=30), bytearray()
            continue
        latencies.append(time.perf_counter() - began)
    sock.close()
    out["latencies"], out["statuses"] = latencies, statuses


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def run(url: str, data: dict, args, workers: int) -> None:
    # No recycling (gunicorn.conf.py's max_requests) in the middle of a measurement: the
    # clients' connections would drop and the new process's CPU would go uncounted.
    server = ["--workers", str(workers), "--threads", str(args.threads), "-k", "gthread"]
    server += ["--max-requests", "0"]
    results: list[dict] = [{} for _ in range(args.clients)]
    with gunicorn(url, args=server) as (base, process):
        web = children(process.pid)
        until = time.perf_counter() + args.seconds
        threads = [
            threading.Thread(target=client, args=(base, tok, doc, data["text"], until, results[i]))
            for i, (tok, doc) in enumerate(data["people"])
        ]
        started, web_cpu, own_cpu = time.perf_counter(), _cpu_seconds(web), time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        web_cpu, own_cpu = _cpu_seconds(web) - web_cpu, time.process_time() - own_cpu
    latencies = sorted(x for r in results for x in r["latencies"])
    statuses: Counter = sum((r["statuses"] for r in results), Counter())
    created = statuses.get(201, 0)
    requests = max(1, sum(statuses.values()))
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"{args.clients} clients, {args.text_length:,}-character documents, {elapsed:.1f} s, "
        f"gunicorn {workers} workers x "
        f"{args.threads} threads: {created / elapsed:,.0f} creates/s "
        f"({created / elapsed / workers:,.0f} a process); latency p50 "
        f"{statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms; "
        f"CPU a create: web {web_cpu / requests * 1000:.2f} ms, "
        f"load client {own_cpu / requests * 1000:.2f} ms; answers {dict(statuses)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument(
        "--workers",
        default="2",
        help="gunicorn processes; several, comma-separated (1,2,4), run one after the other",
    )
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database", default="fc_bench_load")
    parser.add_argument(
        "--text-length",
        type=int,
        default=TEXT_LENGTH,
        help="characters in each client's document (a news article is 3,000-10,000)",
    )
    parser.add_argument("--db-host", default="127.0.0.1")
    args = parser.parse_args()

    for workers in [int(w) for w in args.workers.split(",")]:
        url = fresh_database(host=args.db_host, name=args.database)
        data = setup(url, args.clients, args.text_length)
        run(url, data, args, workers)


if __name__ == "__main__":
    main()
