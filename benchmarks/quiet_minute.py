"""The first clicks after a quiet minute: document creates right after the site was idle, for
each DB_CONN_MAX_AGE given.

    .venv/bin/python benchmarks/quiet_minute.py [--ages 60,600] [--idle 65] [--rounds 2]

Serves the site with gunicorn (3 workers, the checkout's gunicorn.conf.py) on a scratch
PostgreSQL database and a real Redis broker no worker reads (--broker, emptied after), once per
age and round, the ages interleaved. Each time one client (a new connection a request, as the
shared bench's) creates 30 documents of 5,000 characters so every web thread has used its
connection, waits --idle seconds, creates 10 ("after idle") and 10 more at once ("warm").
A connection older than DB_CONN_MAX_AGE is replaced at the next request, and a new PostgreSQL
backend reads the catalog again on its first statements: that is what "after idle" pays.
Prints each time's creates and, per age, the p50, mean and largest of each group.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import psycopg
from _common import fresh_database, gunicorn, insert_member, insert_project
from background_isolation import creates


def ms(seconds: list[float]) -> list[float]:
    return [s * 1000 for s in seconds]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ages", default="60,600", help="DB_CONN_MAX_AGE values, in seconds")
    parser.add_argument("--idle", type=float, default=65)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database", default="fc_bench_quiet")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()

    from redis import Redis

    url = fresh_database(host=args.db_host, name=args.database)
    with psycopg.connect(url) as conn:
        project_id = insert_project(conn, name="Quiet desk")
        token = "qui".ljust(40, "0")
        insert_member(conn, project_id=project_id, username="quiet", token=token)
    rng = random.Random(1)
    ages = [a.strip() for a in args.ages.split(",") if a.strip()]
    seen: dict[str, dict[str, list[float]]] = {a: {"after idle": [], "warm": []} for a in ages}
    try:
        for _ in range(args.rounds):
            for age in ages:
                with gunicorn(
                    url,
                    args=["--workers", "3", "--access-logfile", "/dev/null"],
                    broker_url=args.broker,
                    env={"DB_CONN_MAX_AGE": age},
                ) as (base, _):
                    creates(base, project_id, token, 30, "warm", rng, pause=0)
                    time.sleep(args.idle)
                    after = ms(creates(base, project_id, token, 10, "after idle", rng, pause=0))
                    warm = ms(creates(base, project_id, token, 10, "warm again", rng, pause=0))
                seen[age]["after idle"] += after
                seen[age]["warm"] += warm
                print(
                    f"DB_CONN_MAX_AGE={age}: after idle {[round(t) for t in after]} ms, "
                    f"warm {[round(t) for t in warm]} ms",
                    flush=True,
                )
    finally:
        Redis.from_url(args.broker).flushdb()
    for age in ages:
        parts = []
        for group, times in seen[age].items():
            parts.append(
                f"{group} p50 {statistics.median(times):.1f} ms, mean "
                f"{statistics.mean(times):.1f}, largest {max(times):.1f}"
            )
        print(f"DB_CONN_MAX_AGE={age} ({args.idle:.0f} s idle): " + "; ".join(parts))


if __name__ == "__main__":
    main()
