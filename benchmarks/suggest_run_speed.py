"""Worker time of one whole suggestion run for a 5 kB article, database writes included.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_bench python benchmarks/suggest_run_speed.py

Creates (or reuses) the database named in DATABASE_URL, migrates it, imports --articles copies
of a 5 kB article built from the seeds and times `suggestion_run_execute` on each: the task's
whole body (mark running, compute, upsert, mark done). A second pass re-runs every document
(the idempotent path: nothing new to write). Prints medians and the 90th percentile in ms.
Target: under 100 ms a run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
# Imports run their own suggestion run in-process; the timed runs below call the task body.
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            conn.execute(f'create database "{name}"')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database (it is created if missing).")
        return 2
    _ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from annotations import services
    from annotations.models import Role, Suggestion, SuggestionRun

    seeds = [
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds" / "articles").glob("*.txt"))
    ]
    text = "\n\n".join(seeds)
    while len(text) < 5000:
        text += "\n\n" + text
    text = text[: text.rfind("\n", 0, 5000)]

    project, _ = services.project_get_or_create(name=f"Run speed {time.time():.0f}")
    user = get_user_model().objects.create(username=f"bench-{project.pk}")
    services.membership_set(project=project, user=user, role=Role.REVIEWER)
    documents = [
        services.document_import(project=project, actor=user, text=text, title=f"Article {i}")
        for i in range(args.articles)
    ]
    # Start from no suggestions, so the first timed pass writes them all.
    Suggestion.objects.filter(document__in=documents).delete()

    def timed_runs() -> list[float]:
        times = []
        for document in documents:
            run = SuggestionRun.objects.create(document=document)
            started = time.perf_counter()
            services.suggestion_run_execute(run_id=run.pk)
            times.append((time.perf_counter() - started) * 1000)
        return times

    first, again = timed_runs(), timed_runs()
    counts = SuggestionRun.objects.filter(document=documents[0]).order_by("id")[1].counts
    print(f"article: {len(text):,} characters; {args.articles} runs each pass")
    print(f"suggestions per article: {counts['created']} ({counts})")
    for name, times in (("first run (inserts)", first), ("re-run (upserts)", again)):
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"{name:22s} median {statistics.median(times):6.1f} ms   p90 {p90:6.1f} ms")
    print("target: under 100 ms of worker time a run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
