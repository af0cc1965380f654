"""Importing documents with their spans from JSON Lines: the pipeline of annotations/imports/
(read, check, write) run line by line or in batches, and what is kept.

Failure mode: all or nothing by default (one bad line and nothing is saved; every bad line is
still reported with its number and reason). With keep_good_lines the good lines are saved and
the bad ones reported. Spans are written in bulk after the same checks span_create makes, each
with its own audit record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotations import policy
from annotations.errors import NotAllowed, ValidationError
from annotations.imports import CheckedLine, LineRefused, copy_writer, orm_writer, parse_line
from annotations.models import Document, Project
from annotations.services.common import full_clean
from annotations.services.documents import (
    document_build,
    document_import,
    document_import_event,
    import_jobs_request,
)
from annotations.services.suggestions import suggestion_runs_request

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_REPORTED_ERRORS = 200
# Lines checked, then written, together: enough to make COPY pay, few enough (in lines and in
# bytes) that the batch held in memory stays small.
BATCH_LINES = 200
BATCH_BYTES = 32 * 1024 * 1024

Numbered = tuple[int, bytes | str]  # a line and its number in the file (from 1)


@dataclass
class LineError:
    line: int
    reason: str


@dataclass
class ImportReport:
    keep_good_lines: bool
    committed: bool = False
    lines: int = 0
    documents_created: int = 0
    spans_created: int = 0
    document_ids: list[int] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0

    def refuse(self, line: int, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(LineError(line, reason))

    def created(self, documents: list[Document], spans: int) -> None:
        self.documents_created += len(documents)
        self.spans_created += spans
        self.document_ids += [document.pk for document in documents]

    def absorb(self, other: ImportReport) -> None:
        """What another report (of part of this import) created and refused."""
        self.documents_created += other.documents_created
        self.spans_created += other.spans_created
        self.document_ids += other.document_ids
        for error in other.errors:
            self.refuse(error.line, error.reason)


def document_import_jsonl(
    *,
    project: Project,
    actor: User,
    lines: Iterable[bytes | str],
    keep_good_lines: bool = False,
) -> ImportReport:
    """Import documents with their spans, one JSON object a line (annotations.imports says
    which formats). Blank lines are skipped; line numbers count every line of the file from 1.

    On PostgreSQL lines are read, checked and written BATCH_LINES at a time: every check of
    a line (its JSON, its spans, its document, its external id against the project and the
    lines before it) is made before anything of the batch is written, then the batch goes in
    with COPY. Should the database still refuse the batch, it is written again line by line in
    savepoints, so the refused line is named as before."""
    if not policy.can_annotate(actor, project):
        raise NotAllowed("Only members of the project can import documents into it.")
    report = ImportReport(keep_good_lines=keep_good_lines)
    batched = _batched()
    taken: set[str] = set()  # external ids of the lines checked so far
    with transaction.atomic():
        numbered = ((number, raw) for number, raw in enumerate(lines, start=1) if raw.strip())
        for chunk in _batches(numbered, lines=BATCH_LINES if batched else 1):
            report.lines += len(chunk)
            if batched:
                _import_batch(project, actor, chunk, report, taken)
            else:
                _import_line(project, actor, *chunk[0], report)
        if report.error_count and not keep_good_lines:
            transaction.set_rollback(True)
            report.documents_created = report.spans_created = 0
            report.document_ids = []
        else:
            report.committed = True
    return report


def _batched() -> bool:
    """Batches with COPY on PostgreSQL; line by line on the embedded SQLite."""
    return connection.vendor == "postgresql"


def _batches(numbered: Iterator[Numbered], *, lines: int) -> Iterator[list[Numbered]]:
    """The numbered lines in lists of at most `lines` lines and about BATCH_BYTES."""
    batch: list[Numbered] = []
    size = 0
    for item in numbered:
        batch.append(item)
        size += len(item[1])
        if len(batch) >= lines or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "non_field_errors" else " ".join(messages)
            for name, messages in exc.errors.items()
        )
    if isinstance(exc, IntegrityError):
        return f"Refused by the database: {str(exc).splitlines()[0]}"
    return str(exc)


def _import_line(
    project: Project, actor: User, number: int, raw: bytes | str, report: ImportReport
) -> None:
    """The line-by-line path (the embedded SQLite, and a batch the database refused, to find
    which line it refused): read and check, then write in a savepoint through document_import."""
    try:
        line = parse_line(raw)
        with transaction.atomic():  # a savepoint: a refused line leaves nothing behind
            document = document_import(
                project=project, actor=actor, text=line.text, **line.document
            )
            spans = [(document.pk, line.spans)]
            if _batched():
                copy_writer.write_spans(
                    project_id=project.pk, actor=actor, spans=spans, now=timezone.now()
                )
            else:
                orm_writer.write_spans(
                    document=document, actor=actor, spans=line.spans, now=timezone.now()
                )
    except (LineRefused, ValidationError, NotAllowed, IntegrityError) as exc:
        report.refuse(number, _reason(exc))
        return
    report.created([document], len(line.spans))


def _import_batch(
    project: Project,
    actor: User,
    chunk: list[Numbered],
    report: ImportReport,
    taken: set[str],
) -> None:
    good = _check_batch(project, actor, chunk, report, taken)
    if not good or (report.error_count and not report.keep_good_lines):
        return  # nothing of this import will be kept: no need to write it
    try:
        with transaction.atomic():
            documents = _write_batch(
                project=project, actor=actor, batch=[(line, doc) for _, line, doc in good]
            )
    except IntegrityError:
        # Refused by the database (a concurrent import took an external id, say): write the
        # batch line by line, each in its savepoint, so the refusal names its line.
        one_by_one = ImportReport(keep_good_lines=True)
        raws = dict(chunk)
        for number, _, _ in good:
            _import_line(project, actor, number, raws[number], one_by_one)
        report.absorb(one_by_one)
        return
    report.created(documents, sum(len(line.spans) for _, line, _ in good))


def _check_batch(
    project: Project,
    actor: User,
    chunk: list[Numbered],
    report: ImportReport,
    taken: set[str],
) -> list[tuple[int, CheckedLine, Document]]:
    """Every check of each line of the batch (its document's included) before any is written;
    the refused lines go to the report."""
    parsed: list[tuple[int, CheckedLine | LineRefused]] = []
    for number, raw in chunk:
        try:
            parsed.append((number, parse_line(raw)))
        except LineRefused as exc:
            parsed.append((number, exc))
    wanted = [
        line.document["external_id"]
        for _, line in parsed
        if isinstance(line, CheckedLine) and line.document["external_id"]
    ]
    # One query for the batch instead of one a line; ids of earlier lines are in `taken`.
    existing = set(
        project.documents.filter(external_id__in=wanted).values_list("external_id", flat=True)
    )
    good: list[tuple[int, CheckedLine, Document]] = []
    for number, line in parsed:
        try:
            if isinstance(line, LineRefused):
                raise line
            document = document_build(
                project=project,
                actor=actor,
                text=line.text,
                **line.document,
                external_id_taken=lambda value: value in existing or value in taken,
            )
            # The fields' own checks; the project and the actor exist, and the constraints
            # (text, external id) were checked above and are checked again by the database.
            full_clean(
                document,
                exclude=["project", "created_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except (LineRefused, ValidationError) as exc:
            report.refuse(number, _reason(exc))
            continue
        if document.external_id:
            taken.add(document.external_id)
        good.append((number, line, document))
    return good


def _write_batch(
    *, project: Project, actor: User, batch: list[tuple[CheckedLine, Document]]
) -> list[Document]:
    """A batch of checked lines at once (PostgreSQL): documents, their audit records and
    suggestion runs, then every span and its audit record, with COPY, in the caller's
    transaction. The database's constraints and triggers check every row again."""
    now = timezone.now()
    documents = [document for _, document in batch]
    copy_writer.write_documents(
        project_id=project.pk,
        actor=actor,
        documents=documents,
        event=document_import_event,
        now=now,
    )
    # Enqueued together after commit, as document_import does one by one.
    runs = suggestion_runs_request(documents=documents, enqueue=False)
    import_jobs_request(runs=runs, documents=documents, bulk=True)
    copy_writer.write_spans(
        project_id=project.pk,
        actor=actor,
        spans=[(document.pk, line.spans) for line, document in batch],
        now=now,
    )
    return documents


__all__ = ["MAX_REPORTED_ERRORS", "ImportReport", "LineError", "document_import_jsonl"]
