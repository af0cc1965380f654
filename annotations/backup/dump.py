"""Write a project's backup (annotations.backup): its records as JSON Lines, streamed.

Read in one transaction (on PostgreSQL a repeatable-read snapshot, so a backup taken while the
desk works is one moment's project), a kind at a time in id order; documents come in chunks,
each with its suggestions and spans, so memory holds a chunk, never the project.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from annotations.backup.records import (
    DESK_CLAIM,
    DOCUMENT,
    END,
    EVENT,
    FORMAT,
    HEADER,
    MEMBERSHIP,
    PROJECT,
    RATING,
    SPAN,
    STORY,
    SUGGESTION,
    USER,
    USER_FIELDS,
    VERDICT,
    VERSION,
    Kind,
)
from annotations.domain import bounds
from annotations.models import (
    AuditEvent,
    ClaimRating,
    DeskClaim,
    Document,
    Membership,
    Project,
    Span,
    Story,
    Suggestion,
    Verdict,
)

DOCUMENTS_A_CHUNK = 50
ROWS_A_CHUNK = 2000
_OPTIONS = orjson.OPT_APPEND_NEWLINE | orjson.OPT_UTC_Z


@contextmanager
def _snapshot() -> Iterator[None]:
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _columns(kind: Kind) -> list[str]:
    return [
        "pk",
        *kind.fields,
        *(f"{field}_id" for field in kind.users),
        *(f"{field}_id" for field, _ in kind.refs),
    ]


class _Writer:
    def __init__(self, usernames: dict[int, str]) -> None:
        self.usernames = usernames
        self.counts: Counter[str] = Counter()

    def line(self, record: dict[str, Any]) -> bytes:
        if record["type"] not in (HEADER, END):
            self.counts[record["type"]] += 1
        return orjson.dumps(record, option=_OPTIONS)

    def record(self, kind: Kind, row: tuple) -> bytes:
        values = iter(row)
        record: dict[str, Any] = {"type": kind.name, "id": next(values)}
        for name in kind.fields:
            record[name] = next(values)
        if kind is DOCUMENT:  # written back by the restore, which applies the same bound
            record["metadata"] = bounds.exportable_metadata(record["metadata"])
        for name in kind.users:
            user_id = next(values)
            record[name] = None if user_id is None else self.usernames[user_id]
        for name, _ in kind.refs:
            record[name] = next(values)
        return self.line(record)

    def rows(self, kind: Kind, queryset: QuerySet) -> Iterator[bytes]:
        for row in queryset.order_by("pk").values_list(*_columns(kind)).iterator(ROWS_A_CHUNK):
            yield self.record(kind, row)


def _user_ids(project: Project) -> set[int]:
    """Every account the project's records name."""
    sources: list[tuple[QuerySet, str]] = [
        (Membership.objects.filter(project=project), "user_id"),
        (Document.objects.filter(project=project), "created_by_id"),
        (DeskClaim.objects.filter(project=project), "created_by_id"),
        (Span.objects.filter(document__project=project), "author_id"),
        (Span.objects.filter(document__project=project), "reviewed_by_id"),
        (Suggestion.objects.filter(document__project=project), "decided_by_id"),
        (ClaimRating.objects.filter(desk_claim__project=project), "author_id"),
        (Verdict.objects.filter(desk_claim__project=project), "author_id"),
        (Verdict.objects.filter(desk_claim__project=project), "reviewed_by_id"),
        (AuditEvent.objects.filter(project=project), "actor_id"),
    ]
    ids: set[int] = set()
    for queryset, column in sources:
        ids.update(
            queryset.exclude(**{f"{column}__isnull": True})
            .order_by()
            .values_list(column, flat=True)
            .distinct()
        )
    return ids


def _documents(project: Project, writer: _Writer) -> Iterator[bytes]:
    ids = list(Document.objects.filter(project=project).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), DOCUMENTS_A_CHUNK):
        chunk = ids[start : start + DOCUMENTS_A_CHUNK]
        suggestions: dict[int, list[tuple]] = defaultdict(list)
        for row in (
            Suggestion.objects.filter(document_id__in=chunk)
            .order_by("pk")
            .values_list(*_columns(SUGGESTION))
        ):
            suggestions[row[-1]].append(row)  # the last column is its document
        spans: dict[int, list[tuple]] = defaultdict(list)
        document_at = _columns(SPAN).index("document_id")
        for row in (
            Span.objects.filter(document_id__in=chunk).order_by("pk").values_list(*_columns(SPAN))
        ):
            spans[row[document_at]].append(row)
        for row in (
            Document.objects.filter(pk__in=chunk).order_by("pk").values_list(*_columns(DOCUMENT))
        ):
            yield writer.record(DOCUMENT, row)
            for suggestion in suggestions[row[0]]:
                yield writer.record(SUGGESTION, suggestion)
            for span in spans[row[0]]:
                yield writer.record(SPAN, span)


def project_backup(project: Project) -> Iterator[bytes]:
    """The project's backup, a line at a time (annotations.backup says what is in it)."""
    with _snapshot():
        users = (
            get_user_model()
            .objects.filter(pk__in=_user_ids(project))
            .order_by("username")
            .values_list("pk", *USER_FIELDS)
        )
        people = {pk: values for pk, *values in users}
        writer = _Writer({pk: values[0] for pk, values in people.items()})
        yield writer.line(
            {
                "type": HEADER,
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now(),
                "source": {"project": project.pk, "name": project.name},
            }
        )
        yield from writer.rows(PROJECT, Project.objects.filter(pk=project.pk))
        for values in people.values():
            yield writer.line({"type": USER, **dict(zip(USER_FIELDS, values, strict=True))})
        yield from writer.rows(MEMBERSHIP, Membership.objects.filter(project=project))
        yield from writer.rows(STORY, Story.objects.filter(project=project))
        yield from writer.rows(DESK_CLAIM, DeskClaim.objects.filter(project=project))
        yield from _documents(project, writer)
        yield from writer.rows(RATING, ClaimRating.objects.filter(desk_claim__project=project))
        yield from writer.rows(VERDICT, Verdict.objects.filter(desk_claim__project=project))
        yield from writer.rows(EVENT, AuditEvent.objects.filter(project=project))
        yield writer.line({"type": END, "counts": dict(sorted(writer.counts.items()))})
