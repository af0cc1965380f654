"""How moderation scales: bulk review and the admin's span list, with N spans in a project.

Prints, for each size, the queries and the median time of: a bulk approve of every span, a
bulk reject of every span, the span list's first page (100 rows), a document's review page
and the project's dashboard. Everything runs inside one transaction that is rolled back, so it
leaves the database as it found it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck SECRET_KEY=x DEBUG=false \
    ALLOWED_HOSTS=testserver .venv/bin/python benchmarks/moderation.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from annotations import policy, services  # noqa: E402
from annotations.models import Project, Span  # noqa: E402
from annotations.services import document_import  # noqa: E402


class Rollback(Exception):
    pass


def measure(fn, runs: int, setup=None) -> tuple[int, float]:
    times, queries = [], 0
    for _ in range(runs):
        if setup is not None:
            setup()  # untimed: put the rows back the way the measured step expects them
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        queries = len(ctx)
    return queries, statistics.median(times)


def run(size: int, runs: int) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    project = Project.objects.create(name=f"benchmark {size} {time.time()}")
    reviewers = [users.create_user(f"bench-r{i}-{project.pk}") for i in range(2)]
    moderator = users.create_user(f"bench-m-{project.pk}", is_staff=True)
    for user in reviewers:
        services.membership_set(project=project, user=user, role="reviewer")
    services.membership_set(project=project, user=moderator, role="moderator")
    per_document = 500
    documents = [
        document_import(
            project=project,
            actor=None,
            text="word " * per_document,
            title=f"Doc {d}",
            outlet=("Wire", "Daily")[d % 2],
        )
        for d in range(max(1, size // per_document))
    ]
    Span.objects.bulk_create(
        (
            Span(
                document=documents[(i // per_document) % len(documents)],
                label=("CLAIM", "QUOTE", "OPINION")[i % 3],
                start=(i % per_document) * 5,
                end=(i % per_document) * 5 + 4,
                text="word",
                author=reviewers[(i // per_document // len(documents)) % 2],
            )
            for i in range(size)
        ),
        batch_size=2000,
    )
    spans = Span.objects.filter(document__project=project)
    client = Client()
    client.force_login(moderator)

    def reset():
        spans.update(review_status="pending", review_reason="", reviewed_by=None)
        policy.forget_roles(moderator)  # each measured call asks for the roles afresh

    def approve():
        services.span_review_bulk(spans=spans, actor=moderator, status="approved")

    def reject():
        services.span_review_bulk(spans=spans, actor=moderator, status="rejected", reason="dup")

    def page(url):
        return lambda: client.get(url)

    rows = [
        ("bulk approve, all spans", approve, reset),
        ("bulk reject with a reason, all spans", reject, reset),
        ("span list, first 100 rows", page("/admin/annotations/span/"), None),
        (
            "span list, filtered by label",
            page("/admin/annotations/span/?label__exact=CLAIM"),
            None,
        ),
        (
            f"review page ({per_document} spans of one document)",
            page(f"/admin/annotations/document/{documents[0].pk}/review/"),
            None,
        ),
        ("dashboard", page(f"/admin/annotations/project/{project.pk}/dashboard/"), None),
    ]
    print(f"\n{size} spans in {len(documents)} documents (median of {runs} runs)")
    for name, fn, setup in rows:
        queries, seconds = measure(fn, runs, setup)
        print(f"  {name:<45} {queries:>4} queries  {seconds * 1000:>9.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        try:
            with transaction.atomic():
                run(size, args.runs)
                raise Rollback
        except Rollback:
            pass


if __name__ == "__main__":
    main()
