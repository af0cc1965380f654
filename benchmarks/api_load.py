"""Concurrent span creation over HTTP: throughput and latency.

    .venv/bin/python benchmarks/api_load.py                # 16 clients, 30 seconds
    .venv/bin/python benchmarks/api_load.py --seconds 5    # quick
    .venv/bin/python benchmarks/api_load.py --workers 1,2,4   # scaling out: creates/s a process

Serves the site with gunicorn (gthread workers) on loopback against a scratch PostgreSQL
database (--database, dropped and created again), then runs --clients threads, each with its
own keep-alive connection, creating spans (POST /api/v1/documents/{id}/spans/) for --seconds.
Prints creates per second, p50/p99 latency and every answer that was not 201.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from collections import Counter

import psycopg
from _common import fresh_database, gunicorn, insert_api_token

TEXT_LENGTH = 400_000
LABELS = ("CLAIM", "OPINION", "QUOTE")


def setup(url: str, clients: int, text_length: int = TEXT_LENGTH) -> dict:
    """One project; per client a user, a token and a document of its own."""
    text = "".join(chr(ord("a") + i % 26) for i in range(text_length))
    people = []
    with psycopg.connect(url) as conn:
        project_id = conn.execute(
            "INSERT INTO annotations_project (name, description, created_at, publisher_logo,"
            " publisher_name, publisher_url, review_url_template)"
            " VALUES ('Load desk', '', now(), '', '', '', '') RETURNING id"
        ).fetchone()[0]
        for i in range(clients):
            user_id = conn.execute(
                "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
                " email, is_staff, is_active, date_joined) VALUES ('!', false, %s, '', '', '', "
                "false, true, now()) RETURNING id",
                (f"load{i}",),
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO annotations_membership (project_id, user_id, role, created_at) "
                "VALUES (%s, %s, 'reviewer', now())",
                (project_id, user_id),
            )
            token = f"load{i:04d}".ljust(40, "0")
            insert_api_token(conn, user_id=user_id, key=token)
            document_id = conn.execute(
                "INSERT INTO annotations_document (project_id, title, outlet, author, source_url,"
                " external_id, text, text_length, metadata, created_at) VALUES (%s, %s, '', '', "
                "'', '', %s, %s, '{}', now()) RETURNING id",
                (project_id, f"Load {i}", text, len(text)),
            ).fetchone()[0]
            people.append((token, document_id))
    return {"people": people, "text": text}


def client(base: str, token: str, document_id: int, text: str, until: float, out: dict) -> None:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    latencies: list[float] = []
    statuses: Counter = Counter()
    # Every (label, range) once: a short article runs through its ranges once per label.
    spots = ((label, start) for label in LABELS for start in range(0, len(text) - 5, 3))
    for label, start in spots:
        if time.perf_counter() >= until:
            break
        end = start + 5
        body = json.dumps({"label": label, "start": start, "end": end, "text": text[start:end]})
        began = time.perf_counter()
        try:
            conn.request("POST", f"/api/v1/documents/{document_id}/spans/", body, headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
        except (OSError, http.client.HTTPException) as exc:
            statuses[type(exc).__name__] += 1
            conn.close()
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            continue
        latencies.append(time.perf_counter() - began)
    out["latencies"], out["statuses"] = latencies, statuses


def run(url: str, data: dict, args, workers: int) -> None:
    server = ["--workers", str(workers), "--threads", str(args.threads), "-k", "gthread"]
    results: list[dict] = [{} for _ in range(args.clients)]
    with gunicorn(url, args=server) as (base, _process):
        until = time.perf_counter() + args.seconds
        threads = [
            threading.Thread(target=client, args=(base, tok, doc, data["text"], until, results[i]))
            for i, (tok, doc) in enumerate(data["people"])
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r["latencies"])
    statuses: Counter = sum((r["statuses"] for r in results), Counter())
    created = statuses.get(201, 0)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"{args.clients} clients, {args.text_length:,}-character documents, {elapsed:.1f} s, "
        f"gunicorn {workers} workers x "
        f"{args.threads} threads: {created / elapsed:,.0f} creates/s "
        f"({created / elapsed / workers:,.0f} a process); latency p50 "
        f"{statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms; "
        f"answers {dict(statuses)}"
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
