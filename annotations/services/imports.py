"""Importing documents with their spans from JSON Lines: the pipeline of annotations/imports/
(read, check, write) run line by line or in batches, and what is kept.

Failure mode: all or nothing by default (one bad line and nothing is saved; every bad line is
still reported with its number and reason). With keep_good_lines the good lines are saved and
the bad ones reported. Spans are written in bulk after the same checks span_create makes, each
with its own audit record. A line imported with something to say (doccano's edits over our
leftover spans, spans already here) is reported as a warning, with its number.

A line whose external id the project already has is refused, unless on_existing is `update`:
then its spans go to that document as annotations.imports.merge says (nothing a reviewer did
is lost). A line the W3C import made for a document of the project goes there the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotations import policy
from annotations.domain.offsets import CODEPOINT
from annotations.errors import NotAllowed, ValidationError
from annotations.imports import CheckedLine, LineRefused, copy_writer, orm_writer, parse_line
from annotations.imports.merge import StoredSpan, spans_to_add
from annotations.models import Document, Project
from annotations.services.common import full_clean
from annotations.services.documents import (
    document_build,
    document_import,
    document_import_event,
    import_jobs_request,
)
from annotations.services.search_index import document_search_fill
from annotations.services.suggestions import suggestion_runs_request
from annotations.services.table_statistics import GrowingTables

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_REPORTED_ERRORS = 200
# Lines checked, then written, together: enough to make COPY pay, few enough (in lines and in
# bytes) that the batch held in memory stays small.
BATCH_LINES = 200
BATCH_BYTES = 32 * 1024 * 1024

Numbered = tuple[int, bytes | str]  # a line and its number in the file (from 1)
REFUSE, UPDATE = "refuse", "update"
ON_EXISTING = (REFUSE, UPDATE)


@dataclass
class LineError:
    line: int
    reason: str


@dataclass
class LineWarning:
    line: int
    message: str


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
    documents_updated: int = 0
    warnings: list[LineWarning] = field(default_factory=list)
    warning_count: int = 0

    def warn(self, line: int, messages: list[str]) -> None:
        for message in messages:
            self.warning_count += 1
            if len(self.warnings) < MAX_REPORTED_ERRORS:
                self.warnings.append(LineWarning(line, message))

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
        self.documents_updated += other.documents_updated
        for error in other.errors:
            self.refuse(error.line, error.reason)
        for warning in other.warnings:
            self.warn(warning.line, [warning.message])


def document_import_jsonl(
    *,
    project: Project,
    actor: User,
    lines: Iterable[bytes | str],
    keep_good_lines: bool = False,
    offset_unit: str = CODEPOINT,
    on_existing: str = REFUSE,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import documents with their spans, one JSON object a line (annotations.imports says
    which formats). Blank lines are skipped; line numbers count every line of the file from 1.

    On PostgreSQL lines are read, checked and written BATCH_LINES at a time: every check of
    a line (its JSON, its spans, its document, its external id against the project and the
    lines before it) is made before anything of the batch is written, then the batch goes in
    with COPY. Should the database still refuse the batch, it is written again line by line in
    savepoints, so the refused line is named as before.

    offset_unit: what the file's offsets count (a line's own `offset_unit` wins). on_existing:
    `refuse` a line whose external id the project has, or `update` that document. progress:
    called with the report so far after each batch (an import job shows it while it runs)."""
    if not policy.can_annotate(actor, project):
        raise NotAllowed("Only members of the project can import documents into it.")
    options = _Options(offset_unit=offset_unit, update=on_existing == UPDATE)
    report = ImportReport(keep_good_lines=keep_good_lines)
    batched = _batched()
    taken: set[str] = set()  # external ids of the lines checked so far
    handover = _Handover()
    with transaction.atomic():
        tables = GrowingTables()
        numbered = ((number, raw) for number, raw in enumerate(lines, start=1) if raw.strip())
        for chunk in _batches(numbered, lines=BATCH_LINES if batched else 1):
            report.lines += len(chunk)
            if batched:
                written = report.documents_created
                _import_batch(project, actor, chunk, report, taken, options, handover)
                tables.grew(report.documents_created - written)
            else:
                _import_line(project, actor, *chunk[0], report, options)
            if progress is not None:
                progress(report)
        if report.error_count and not keep_good_lines:
            transaction.set_rollback(True)
            report.documents_created = report.spans_created = report.documents_updated = 0
            report.document_ids = []
        else:
            tables.finish()
            # The batches' background work, handed to the queue once the whole file is in.
            import_jobs_request(
                run_ids=handover.run_ids, document_ids=handover.document_ids, bulk=True
            )
            report.committed = True
    return report


@dataclass
class _Handover:
    """The runs and documents the batches wrote (the line-by-line path hands over its own)."""

    run_ids: list[int] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Options:
    offset_unit: str = CODEPOINT
    update: bool = False


def _existing(project: Project, line: CheckedLine, options: _Options) -> Document | None:
    """The project's document the line's spans go to, if any."""
    if line.existing is not None:
        document = project.documents.filter(pk=line.existing, deleted_at__isnull=True).first()
        if document is None:
            raise LineRefused(f"This project has no document {line.existing}.")
        return document
    external_id = line.document["external_id"]
    if options.update and external_id:
        document = project.documents.filter(external_id=external_id).first()
        if document is not None and document.deleted_at is not None:
            # Its id stays taken while it is deleted, so that a restore brings it back whole.
            raise LineRefused(
                f"The document with id {external_id!r} was deleted; a moderator can restore it."
            )
        return document
    return None


def _update(
    project: Project, actor: User, document: Document, line: CheckedLine, report: ImportReport,
    number: int,
) -> None:  # fmt: skip
    """The line's new spans added to an existing document (annotations.imports.merge)."""
    stored = [
        StoredSpan(label, start, end, speaker, note, deleted_at is not None)
        for label, start, end, speaker, note, deleted_at in document.spans.values_list(
            "label", "start", "end", "speaker", "note", "deleted_at"
        )
    ]
    what = f"Document {document.pk}" + (
        f" (external id {document.external_id!r})" if document.external_id else ""
    )
    added, warnings = spans_to_add(
        stored_text=document.text, given_text=line.text, what=what, stored=stored, given=line.spans
    )
    if added:
        if _batched():
            copy_writer.write_spans(
                project_id=project.pk, actor=actor, spans=[(document.pk, added)],
                now=timezone.now(),
            )  # fmt: skip
        else:
            orm_writer.write_spans(document=document, actor=actor, spans=added, now=timezone.now())
    report.documents_updated += 1
    report.spans_created += len(added)
    report.warn(number, line.warnings + warnings)


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
    project: Project,
    actor: User,
    number: int,
    raw: bytes | str,
    report: ImportReport,
    options: _Options,
) -> None:
    """The line-by-line path (the embedded SQLite, a batch the database refused, to find which
    line it refused, and lines for existing documents): read and check, then write in a
    savepoint through document_import."""
    try:
        line = parse_line(raw, offset_unit=options.offset_unit)
        existing = _existing(project, line, options)
        if existing is not None:
            with transaction.atomic():
                _update(project, actor, existing, line, report, number)
            return
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
    report.warn(number, line.warnings)


def _import_batch(
    project: Project,
    actor: User,
    chunk: list[Numbered],
    report: ImportReport,
    taken: set[str],
    options: _Options,
    handover: _Handover,
) -> None:
    good, updates = _check_batch(project, actor, chunk, report, taken, options)
    for number, raw in updates:  # few: a line at a time, each in its savepoint
        _import_line(project, actor, number, raw, report, options)
    if not good or (report.error_count and not report.keep_good_lines):
        return  # nothing of this import will be kept: no need to write it
    try:
        with transaction.atomic():
            documents, run_ids = _write_batch(
                project=project, actor=actor, batch=[(line, doc) for _, line, doc in good]
            )
    except IntegrityError:
        # Refused by the database (a concurrent import took an external id, say): write the
        # batch line by line, each in its savepoint, so the refusal names its line.
        one_by_one = ImportReport(keep_good_lines=True)
        raws = dict(chunk)
        for number, _, _ in good:
            _import_line(project, actor, number, raws[number], one_by_one, options)
        report.absorb(one_by_one)
        return
    handover.run_ids += run_ids
    handover.document_ids += [document.pk for document in documents]
    report.created(documents, sum(len(line.spans) for _, line, _ in good))
    for number, line, _ in good:
        report.warn(number, line.warnings)


def _check_batch(
    project: Project,
    actor: User,
    chunk: list[Numbered],
    report: ImportReport,
    taken: set[str],
    options: _Options,
) -> tuple[list[tuple[int, CheckedLine, Document]], list[Numbered]]:
    """Every check of each line of the batch (its document's included) before any is written;
    the refused lines go to the report. Also the lines for documents the project has (by
    their id, or their external id with on_existing=update), to be written one by one."""
    parsed: list[tuple[int, CheckedLine | LineRefused]] = []
    raws = dict(chunk)
    for number, raw in chunk:
        try:
            parsed.append((number, parse_line(raw, offset_unit=options.offset_unit)))
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
    updates: list[Numbered] = []
    for number, line in parsed:
        if isinstance(line, CheckedLine) and (
            line.existing is not None
            or (options.update and line.document["external_id"] in existing)
        ):
            updates.append((number, raws[number]))
            continue
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
    return good, updates


def _write_batch(
    *, project: Project, actor: User, batch: list[tuple[CheckedLine, Document]]
) -> tuple[list[Document], list[int]]:
    """A batch of checked lines at once (PostgreSQL): documents, their audit records and
    suggestion runs, then every span and its audit record, with COPY, in the caller's
    transaction. The database's constraints and triggers check every row again. Returns the
    documents and their queued runs' ids, for the caller to hand over after the commit."""
    now = timezone.now()
    documents = [document for _, document in batch]
    copy_writer.write_documents(
        project_id=project.pk,
        actor=actor,
        documents=documents,
        event=document_import_event,
        now=now,
    )
    # Searchable when the import commits, one statement a batch (migration 0019).
    document_search_fill(document_ids=[document.pk for document in documents])
    run_ids = suggestion_runs_request(documents=documents, enqueue=False)
    copy_writer.write_spans(
        project_id=project.pk,
        actor=actor,
        spans=[(document.pk, line.spans) for line, document in batch],
        now=now,
    )
    return documents, run_ids


__all__ = [
    "MAX_REPORTED_ERRORS",
    "ON_EXISTING",
    "ImportReport",
    "LineError",
    "LineWarning",
    "document_import_jsonl",
]
