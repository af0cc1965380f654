"""What live updates cost the server: open workspaces polling for others' changes.

    .venv/bin/python benchmarks/live_updates_cost.py                  # 50 workspaces, 30 s
    .venv/bin/python benchmarks/live_updates_cost.py --seconds 10     # quick

Serves the site with gunicorn (sync workers, as docker-compose runs it) on loopback against a
scratch PostgreSQL database (--database, dropped and created again). --workspaces reviewers
have a document open each (spread over --documents documents of --spans spans); each polls
GET /api/v1/documents/{id}/live/ every --every seconds with the ETag it holds, as the page
does. One more reviewer tags a span every --write-every seconds, so some polls find a change
(200 with the spans) and most find none (304). Prints polls per second, the server's CPU
(gunicorn's processes and the database's backends, from /proc) per second of wall time, and
the latency of a 304 and of a 200.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
from _common import ROOT, children, django_env, fresh_database, gunicorn

TICKS = 100  # /proc times are in clock ticks (USER_HZ)
WORDS = ("officials", "said", "the", "bombing", "killed", "at", "least", "people", "in", "city")


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def setup(url: str, workspaces: int, documents: int, spans: int) -> dict:
    """The desk, through the app's own services (the spans in one bulk insert each document)."""
    os.environ.update(django_env(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    from annotations import services
    from annotations.domain.span import context
    from annotations.models import Span

    text = " ".join(WORDS[i % len(WORDS)] for i in range(900))  # about 5,000 characters
    starts = [i + 1 for i, ch in enumerate(text) if ch == " "]
    project, _ = services.project_get_or_create(name="Live desk")
    people = []
    for i in range(workspaces + 1):
        user, _ = services.user_get_or_create(username=f"live{i}")
        services.membership_set(project=project, user=user, role="reviewer")
        people.append((Token.objects.create(user=user).key, user))
    document_ids = []
    for d in range(documents):
        document = services.document_import(
            project=project, actor=people[0][1], text=text, title=f"Live {d}"
        )
        document_ids.append(document.pk)
        author = people[d % workspaces][1]
        rows = []
        for k in range(spans):
            start = starts[k % len(starts)]
            end = start + 4
            prefix, suffix = context(text, start, end)
            label = ("OPINION", "QUOTE")[k // len(starts) % 2]
            rows.append(
                Span(
                    document=document,
                    author=author,
                    label=label,
                    start=start,
                    end=end,
                    text=text[start:end],
                    prefix=prefix,
                    suffix=suffix,
                )
            )
        Span.objects.bulk_create(rows)
    return {"tokens": [t for t, _ in people], "documents": document_ids, "text": text}


def connect(base: str) -> http.client.HTTPConnection:
    host, port = base.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)


def poller(
    base: str, token: str, document_id: int, every: float, until: list[float], out: dict
) -> None:
    """One open workspace: poll with the ETag it holds (a sync worker closes the connection
    after each answer, so each poll connects again, as a browser behind it would)."""
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    times: dict[int, list[float]] = {200: [], 304: []}
    statuses: Counter = Counter()
    # The page arrives with the ETag of what it shows (the workspace embeds it): read it before
    # the measured window, as the page's own load.
    conn = connect(base)
    conn.request("GET", f"/api/v1/documents/{document_id}/live/", headers=headers)
    response = conn.getresponse()
    response.read()
    etag = response.getheader("ETag")
    conn.close()
    out["fetched"].wait()  # every page loaded: the measured window starts
    time.sleep(random.uniform(0, every))  # workspaces opened at different moments
    while time.perf_counter() < until[0]:
        began = time.perf_counter()
        conn = connect(base)
        try:
            conn.request(
                "GET",
                f"/api/v1/documents/{document_id}/live/",
                headers={**headers, **({"If-None-Match": etag} if etag else {})},
            )
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
            if response.status == 200:
                etag = response.getheader("ETag")
            times.setdefault(response.status, []).append(time.perf_counter() - began)
        except (OSError, http.client.HTTPException) as exc:
            statuses[type(exc).__name__] += 1
        finally:
            conn.close()
        time.sleep(max(0.0, every - (time.perf_counter() - began)))
    out["times"], out["statuses"] = times, statuses


def writer(
    base: str, token: str, documents: list[int], text: str, every: float, until: list[float]
) -> None:
    """Another reviewer tagging: each new span changes one document for its pollers."""
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    n = 0
    while time.perf_counter() < until[0]:
        time.sleep(every)
        start = 6 * n % (len(text) - 10)
        body = (
            f'{{"label": "CLAIM", "start": {start}, "end": {start + 5}, '
            f'"text": "{text[start : start + 5]}"}}'
        )
        conn = connect(base)
        try:
            conn.request(
                "POST", f"/api/v1/documents/{documents[n % len(documents)]}/spans/", body, headers
            )
            conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        n += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspaces", type=int, default=50)
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--spans", type=int, default=200, help="spans in each document")
    parser.add_argument("--every", type=float, default=3.0, help="seconds between a page's polls")
    parser.add_argument("--write-every", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="fc_bench_live")
    parser.add_argument("--db-host", default="127.0.0.1")
    args = parser.parse_args()

    url = fresh_database(host=args.db_host, name=args.database)
    data = setup(url, args.workspaces, args.documents, args.spans)
    server = ["--workers", str(args.workers), "-k", "sync"]
    fetched = threading.Barrier(args.workspaces + 1)
    results: list[dict] = [{"fetched": fetched} for _ in range(args.workspaces)]
    with gunicorn(url, args=server) as (base, process), psycopg.connect(url) as watch:

        def server_pids() -> list[int]:
            return [process.pid, *children(process.pid)]

        def database_pids() -> list[int]:
            rows = watch.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (args.database,),
            ).fetchall()
            return [pid for (pid,) in rows]

        # Warm up: each worker connects to the database and loads the app.
        for token, document in zip(data["tokens"][:4], data["documents"], strict=False):
            conn = connect(base)
            conn.request(
                "GET",
                f"/api/v1/documents/{document}/live/",
                headers={"Authorization": f"Token {token}"},
            )
            conn.getresponse().read()
            conn.close()
        until = [float("inf")]
        threads = [
            threading.Thread(
                target=poller,
                args=(
                    base,
                    data["tokens"][i],
                    data["documents"][i % args.documents],
                    args.every,
                    until,
                    results[i],
                ),
            )
            for i in range(args.workspaces)
        ]
        for thread in threads:
            thread.start()
        fetched.wait()  # every workspace has its page's ETag
        writing = threading.Thread(
            target=writer,
            args=(
                base,
                data["tokens"][-1],
                data["documents"],
                data["text"],
                args.write_every,
                until,
            ),
        )
        threads.append(writing)
        pids_before = server_pids()
        server_before = sum(cpu_seconds(p) for p in pids_before)
        db_pids = database_pids()
        db_before = {p: cpu_seconds(p) for p in db_pids}
        started = time.perf_counter()
        until[0] = started + args.seconds
        writing.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        server_cpu = (
            sum(cpu_seconds(p) for p in set(pids_before) | set(server_pids())) - server_before
        )
        db_after = {p: cpu_seconds(p) for p in set(db_pids) | set(database_pids())}
        db_cpu = sum(db_after[p] - db_before.get(p, 0.0) for p in db_after)

    statuses: Counter = sum((r["statuses"] for r in results), Counter())
    not_modified = [t for r in results for t in r["times"].get(304, [])]
    changed = [t for r in results for t in r["times"].get(200, [])]
    polls = sum(statuses.values())
    print(
        f"{args.workspaces} open workspaces on {args.documents} documents of {args.spans} spans, "
        f"polling every {args.every:g} s for {elapsed:.1f} s (a new span every "
        f"{args.write_every:g} s), gunicorn {args.workers} sync workers:"
    )
    print(f"  polls: {polls / elapsed:.1f}/s; answers {dict(statuses)}")
    print(
        f"  server CPU: gunicorn {server_cpu / elapsed * 1000:.0f} ms/s "
        f"({server_cpu / elapsed * 100:.1f}% of one core), PostgreSQL backends "
        f"{db_cpu / elapsed * 1000:.0f} ms/s; "
        f"per poll {(server_cpu + db_cpu) / max(polls, 1) * 1000:.2f} ms"
    )
    print(
        f"  304 (unchanged): p50 {statistics.median(not_modified) * 1000:.1f} ms, "
        f"p95 {percentile(not_modified, 0.95) * 1000:.1f} ms"
        if not_modified
        else "  no 304 answers"
    )
    if changed:
        print(
            f"  200 (changed, {args.spans}+ spans): "
            f"p50 {statistics.median(changed) * 1000:.1f} ms, "
            f"p95 {percentile(changed, 0.95) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
