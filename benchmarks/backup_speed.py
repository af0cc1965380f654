"""Time and memory of a project's full backup and its restore into an empty project.

    python benchmarks/backup_speed.py [--documents 2000] [--spans 20] [--database fc_backup_bench]

Builds a project in a scratch PostgreSQL database (--database, dropped and created again):
--documents articles of about 5,000 characters, each with --spans spans (every third a CLAIM,
each its own desk claim with a rating and an approved verdict), a few suggestions an article,
and a history event for each row, written in bulk. Then streams the backup to memory
(annotations.backup.dump.project_backup) and restores it into an empty project
(annotations.services.backup.project_restore) from a temporary file a line at a time, as the
API does, and prints the wall time, the records a second and the size, and the process's peak
memory (resident) after building, after the backup and after the restore.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import django_env, fresh_database  # noqa: E402

WORDS = [
    "the",
    "minister",
    "said",
    "growth",
    "reached",
    "percent",
    "in",
    "while",
    "officials",
    "police",
    "reported",
]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(documents: int, spans_each: int) -> tuple:
    from django.utils import timezone

    from annotations import services
    from annotations.models import (
        AuditEvent,
        ClaimRating,
        DeskClaim,
        Document,
        Role,
        Span,
        Suggestion,
        Verdict,
    )

    rng = random.Random(13)
    project, _ = services.project_get_or_create(name="Backup bench")
    moderator, _ = services.user_get_or_create(username="bench-moderator")
    services.membership_set(project=project, user=moderator, role=Role.MODERATOR)
    now = timezone.now()
    for start in range(0, documents, 200):
        batch = []
        for i in range(start, min(documents, start + 200)):
            text = " ".join(rng.choice(WORDS) for _ in range(700))[:5000]
            batch.append(
                Document(
                    project=project,
                    title=f"Article {i}",
                    outlet="Bench",
                    text=text,
                    text_length=len(text),
                    created_by=moderator,
                )
            )
        Document.objects.bulk_create(batch)
        spans, suggestions, claims = [], [], []
        for document in batch:
            for j in range(spans_each):
                start_at = j * 200
                end_at = start_at + 40
                label = "CLAIM" if j % 3 == 0 else "OPINION"
                span = Span(
                    document=document,
                    label=label,
                    start=start_at,
                    end=end_at,
                    text=document.text[start_at:end_at],
                    author=moderator,
                )
                if label == "CLAIM":
                    claim = DeskClaim(project=project, wording=span.text, created_by=moderator)
                    claims.append((claim, span))
                spans.append(span)
            for j in range(3):
                suggestions.append(
                    Suggestion(
                        document=document,
                        label="QUOTE",
                        start=100 + j * 300,
                        end=130 + j * 300,
                        text=document.text[100 + j * 300 : 130 + j * 300],
                        score=0.5,
                        reason="bench",
                        suggester="bench",
                        suggester_version="1",
                    )
                )
        DeskClaim.objects.bulk_create([claim for claim, _ in claims])
        for claim, span in claims:
            span.desk_claim = claim
        Span.objects.bulk_create(spans)
        Suggestion.objects.bulk_create(suggestions)
        ClaimRating.objects.bulk_create(
            [ClaimRating(desk_claim=c, author=moderator, rating="false") for c, _ in claims]
        )
        Verdict.objects.bulk_create(
            [
                Verdict(
                    desk_claim=c,
                    author=moderator,
                    rating="false",
                    review_status="approved",
                    reviewed_by=moderator,
                    reviewed_at=now,
                )
                for c, _ in claims
            ]
        )
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    project=project,
                    object_type="span",
                    object_id=s.pk,
                    action="create",
                    actor=moderator,
                    after={"label": s.label, "version": 1},
                )
                for s in spans
            ]
        )
    return project, moderator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--spans", type=int, default=20, help="spans an article")
    parser.add_argument("--database", default="fc_backup_bench")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    url = fresh_database(host=args.host, name=args.database)
    os.environ.update(django_env(url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    import django

    django.setup()
    from annotations import services
    from annotations.backup.dump import project_backup
    from annotations.backup.records import MAX_LINE_BYTES
    from annotations.imports import iter_lines
    from annotations.models import Role
    from annotations.services.backup import project_restore

    project, moderator = build(args.documents, args.spans)
    base = _peak_mb()

    began = time.perf_counter()
    size = lines = 0
    with tempfile.TemporaryFile() as file:
        for piece in project_backup(project):  # as the API streams it: nothing held
            file.write(piece)
            size += len(piece)
            lines += piece.count(b"\n")
        dumped = time.perf_counter() - began
        after_dump = _peak_mb()
        print(
            f"backup:  {lines:,} records, {size / 1e6:,.1f} MB in {dumped:.1f} s "
            f"({lines / dumped:,.0f} records/s)"
        )
        file.seek(0)
        target, _ = services.project_get_or_create(name="Backup bench (restored)")
        services.membership_set(project=target, user=moderator, role=Role.MODERATOR)
        began = time.perf_counter()
        report = project_restore(
            project=target, actor=moderator, lines=iter_lines(file, limit=MAX_LINE_BYTES)
        )
        restored = time.perf_counter() - began
    print(
        f"restore: {sum(report.records.values()):,} records in {restored:.1f} s "
        f"({lines / restored:,.0f} records/s)"
    )
    print(
        f"peak memory: {base:,.0f} MB after building, {after_dump:,.0f} MB after the backup, "
        f"{_peak_mb():,.0f} MB after the restore"
    )


if __name__ == "__main__":
    main()
