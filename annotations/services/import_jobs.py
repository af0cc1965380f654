"""Imports as background jobs: the upload is stored, then a worker reads it through the one
import pipeline (annotations.services.imports.document_import_jsonl) and reports its progress
on the ImportJob row as it goes. Nothing waits on it: the web request only stores the file.

Where the upload waits: a file under settings.IMPORT_UPLOAD_DIR, not the database. Uploads
reach 512 MB; written to disk they are streamed in and read back a line at a time by the
worker, and cost the database no WAL, no backup and no vacuum. The price is a directory the
web server and the worker share (docker-compose.yml mounts one volume in both). The file is
removed when the job is done or failed.

Safe to run twice, and killed mid-way:

- The import's writes and the job's final state commit in one transaction. A worker killed
  mid-import leaves nothing (PostgreSQL rolls the open transaction back when its connection
  drops), whatever the mode, so the delivery that comes back (acks_late and
  reject_on_worker_lost on the task) restarts the job cleanly from the first line; a job found
  done or failed is left as it is.
- While it runs, the job holds a PostgreSQL advisory lock on a connection of its own. A second
  delivery of the same job (the broker's visibility timeout passed during a long import) finds
  it held and waits (JobHeld); a lock that is free means whoever ran it died.
- Progress is written on that same connection, outside the import's transaction, so it is
  seen while the import runs and survives its rollback. At most twice a second: the import
  goes no slower (benchmarks/import_job_speed.py).

On the embedded SQLite (local mode, tasks in-process) the import runs after the request's
commit in the same process; there is no second connection, so no progress until it ends.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from annotations import policy, selectors
from annotations.domain import offsets
from annotations.errors import NotAllowed, ValidationError
from annotations.imports import iter_lines
from annotations.imports.files import FILE_FORMATS, JSONL, Documents, FileRefused, lines_of
from annotations.models import ImportJob, Project
from annotations.services.imports import (
    MAX_REPORTED_ERRORS,
    ON_EXISTING,
    REFUSE,
    ImportReport,
    document_import_jsonl,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 512 * 1024 * 1024
PROGRESS_EVERY = 0.5  # seconds between two writes of a running job's progress
LOCK_NAMESPACE = 0x1A0B  # pg_advisory_lock(namespace, job): held while the job runs
ENDED_CHANNEL = "import_job_ended"  # NOTIFY channel: a job's id once it is done or failed
FALLBACK_POLL = 0.25  # seconds: how often a waiting request reads the job's row anyway
Status = ImportJob.Status


class JobHeld(Exception):
    """Another worker is running this job now: try again later."""


# --- taking an upload -------------------------------------------------------------------------


def import_job_check_options(
    *, fmt: str, offset_unit: str, on_existing: str
) -> tuple[str, str, str]:
    """The import's options, checked: ValidationError names the field."""
    if fmt not in FILE_FORMATS:
        raise ValidationError(
            f"Unknown format {fmt[:40]!r}; choose one of {', '.join(FILE_FORMATS)}.",
            field="format",
        )
    try:
        unit = offsets.check_unit(offset_unit)
    except offsets.UnknownUnit as exc:
        raise ValidationError(str(exc), field="offset_unit") from None
    if on_existing not in ON_EXISTING:
        raise ValidationError(
            f"Unknown value {on_existing[:40]!r}; choose one of {', '.join(ON_EXISTING)}.",
            field="on_existing",
        )
    return fmt, unit, on_existing


def import_job_create(
    *,
    project: Project,
    actor: User,
    chunks: Iterable[bytes],
    file_name: str = "",
    fmt: str = JSONL,
    offset_unit: str = offsets.CODEPOINT,
    on_existing: str = REFUSE,
    keep_good_lines: bool = False,
    base_url: str = "",
) -> ImportJob:
    """Store the upload (its bytes, in chunks) and queue its import, which starts after the
    caller's transaction commits."""
    if not policy.can_annotate(actor, project):
        raise NotAllowed("Only members of the project can import documents into it.")
    fmt, offset_unit, on_existing = import_job_check_options(
        fmt=fmt, offset_unit=offset_unit, on_existing=on_existing
    )
    folder = Path(settings.IMPORT_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stored_as = f"{uuid.uuid4().hex}.{fmt}"
    path = folder / stored_as
    size = 0
    try:
        with path.open("xb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_IMPORT_BYTES:
                    raise ValidationError(
                        f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.",
                        field="file",
                    )
                out.write(chunk)
        if not size:
            raise ValidationError("The file is empty.", field="file")
        with transaction.atomic():
            job = ImportJob.objects.create(
                project=project,
                created_by=actor,
                format=fmt,
                offset_unit=offset_unit,
                on_existing=on_existing,
                keep_good_lines=keep_good_lines,
                base_url=base_url[:500],
                file_name=Path(file_name).name[:255],
                stored_as=stored_as,
                file_size=size,
            )
            transaction.on_commit(lambda: import_job_enqueue(job_id=job.pk))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job


def import_job_wait(*, job_id: int, seconds: float) -> ImportJob:
    """The job once it ended, or as it is after `seconds` (it reads, never writes).

    On PostgreSQL the wait listens for the job's end: the import's transaction announces it
    (NOTIFY, delivered by its commit, when its rows become visible), so the answer goes the
    moment the import commits, not up to a round of polling later. It still reads the row every
    FALLBACK_POLL seconds, in case an announcement never arrives (a pooler in front of the
    database that does not pass LISTEN on). Elsewhere, or inside a transaction (which would hold
    the LISTEN back until its commit), it reads the row every 20 ms at first, every 250 ms at
    most."""
    deadline = time.monotonic() + max(seconds, 0.0)
    job = ImportJob.objects.get(pk=job_id)
    if job.finished or seconds <= 0:
        return job
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return _polled(job, deadline)
    with connection.cursor() as cursor:
        cursor.execute(f"LISTEN {ENDED_CHANNEL}")
    try:
        job = ImportJob.objects.get(pk=job_id)  # an end between the first read and the LISTEN
        while not job.finished and (left := deadline - time.monotonic()) > 0:
            for _ in connection.connection.notifies(timeout=min(left, FALLBACK_POLL), stop_after=1):
                pass  # a job ended, this one or another: read the row
            job = ImportJob.objects.get(pk=job_id)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"UNLISTEN {ENDED_CHANNEL}")
    return job


def _polled(job: ImportJob, deadline: float) -> ImportJob:
    pause = 0.02
    while not job.finished and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(pause, left))
        pause = min(pause * 1.5, 0.25)
        job = ImportJob.objects.get(pk=job.pk)
    return job


def _announce_end(job_id: int) -> None:
    """Tell the requests waiting for a job (import_job_wait) that it ended. Inside the
    transaction that ends it, PostgreSQL delivers this at its commit, or never if it rolls
    back."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [ENDED_CHANNEL, str(job_id)])


def import_job_enqueue(*, job_id: int) -> bool:
    """Hand the job to the task queue. False (and the job says why) if that failed; the sweep
    tries again."""
    from annotations.tasks import run_import_job

    try:
        run_import_job.enqueue(job_id)
    except Exception as exc:  # any broker failure: the job must stay visibly queued
        log.warning("Could not enqueue import job %s: %s", job_id, exc)
        ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
            error=(
                f"Waiting for the task queue: it could not be reached at "
                f"{timezone.now():%Y-%m-%d %H:%M:%S} UTC ({type(exc).__name__}). "
                "The import starts when the queue is back."
            )
        )
        return False
    ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        enqueued_at=timezone.now(), error=""
    )
    return True


def import_jobs_sweep(*, now: datetime | None = None) -> list[int]:
    """Hand over again the jobs the broker never got (or long ago), and running jobs nobody
    holds (their worker died and its message is gone). Returns their ids."""
    now = now or timezone.now()
    queued = ImportJob.objects.filter(
        status=Status.QUEUED, created_at__lt=now - timedelta(seconds=10)
    )
    lost = timedelta(seconds=settings.SUGGESTION_RUN_LOST_AFTER)
    candidates = list(
        (
            queued.filter(enqueued_at__isnull=True) | queued.filter(enqueued_at__lt=now - lost)
        ).values_list("pk", flat=True)[:100]
    )
    running = ImportJob.objects.filter(
        status=Status.RUNNING, progress_at__lt=now - timedelta(minutes=2)
    ).values_list("pk", flat=True)[:100]
    for job_id in running:
        with _Hold(job_id) as hold:
            if hold.acquired:
                candidates.append(job_id)
    for job_id in candidates:
        import_job_enqueue(job_id=job_id)
    return candidates


# --- running one ------------------------------------------------------------------------------


class _Hold:
    """The job's own connection (PostgreSQL): its advisory lock, held while the job runs, and
    its progress, written outside the import's transaction so that it is seen at once."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.side: Any = None
        self.acquired = True
        self.last = 0.0

    def __enter__(self) -> _Hold:
        if connection.vendor != "postgresql":
            return self  # local mode: one process, one connection
        self.side = connections.create_connection("default")
        with self.side.cursor() as cursor:
            # A progress write never waits long: it is worth less than the import.
            cursor.execute("SET lock_timeout = '2s'")
            cursor.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, self.job_id % 2**31]
            )
            self.acquired = bool(cursor.fetchone()[0])
        return self

    def __exit__(self, *exc: object) -> None:
        if self.side is not None:
            self.side.close()  # the lock goes with the session

    def progress(self, report: ImportReport) -> None:
        """What the import has done so far (throttled), seen by the page and the API now."""
        if self.side is None or time.monotonic() - self.last < PROGRESS_EVERY:
            return
        self.last = time.monotonic()
        self.write(report)

    def write(self, report: ImportReport) -> None:
        table = connection.ops.quote_name(ImportJob._meta.db_table)
        try:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET lines_read = %s, documents_written = %s, "  # noqa: S608
                    "spans_written = %s, error_count = %s, errors = %s::jsonb, "
                    "progress_at = %s WHERE id = %s AND status = %s",
                    [
                        report.lines,
                        report.documents_created + report.documents_updated,
                        report.spans_created,
                        report.error_count,
                        orjson.dumps([asdict(e) for e in report.errors]).decode(),
                        timezone.now(),
                        self.job_id,
                        Status.RUNNING,
                    ],
                )
        except Exception as exc:  # progress is best effort; the import goes on
            log.warning("Import job %s: progress not written (%s)", self.job_id, exc)


def import_job_start(*, job_id: int) -> ImportJob | None:
    """Mark the job running (its own commit, so the page shows it), its progress from zero.
    None when there is nothing to do: the job is gone, done or failed."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        job.status = Status.RUNNING
        job.attempts += 1
        job.started_at = job.progress_at = timezone.now()
        job.lines_read = job.documents_written = job.spans_written = job.error_count = 0
        job.errors, job.error = [], ""
        job.save()
    return job


def import_job_run(*, job_id: int, progress: bool = True) -> ImportJob | None:
    """The task's body: import the stored file. Safe to call twice, and after a worker died
    mid-way (see the module's docstring). JobHeld when another worker runs it now.
    `progress`: write progress while it runs (off: the benchmark's baseline)."""
    with _Hold(job_id) as hold:
        if not hold.acquired:
            raise JobHeld(job_id)
        job = import_job_start(job_id=job_id)
        if job is None:
            return None
        path = Path(settings.IMPORT_UPLOAD_DIR) / job.stored_as
        try:
            with path.open("rb") as stream:
                lines = _lines(job, stream)
                with transaction.atomic():
                    report = document_import_jsonl(
                        project=job.project,
                        actor=job.created_by,
                        lines=lines,
                        keep_good_lines=job.keep_good_lines,
                        offset_unit=job.offset_unit,
                        on_existing=job.on_existing,
                        progress=hold.progress if progress else None,
                    )
                    _finish(job, report)
        except FileRefused as exc:
            return import_job_fail(job_id=job_id, reason=str(exc))
        except FileNotFoundError:
            return import_job_fail(
                job_id=job_id, reason="The uploaded file is gone; upload it again."
            )
    return job


def _lines(job: ImportJob, stream: Any) -> Iterator[bytes | str]:
    if job.format == JSONL:
        return iter_lines(stream)
    return lines_of(stream, job.format, documents=import_documents(job.created_by, job))


def import_documents(user: User, job: ImportJob) -> Documents:
    """The project's documents the user sees, as the W3C import finds them by address."""
    documents = selectors.project_documents(user, project=job.project)

    def by_id(pk: int) -> tuple[int, str] | None:
        return documents.filter(pk=pk).values_list("pk", "text").first()

    def by_url(url: str) -> list[tuple[int, str]]:
        return list(documents.filter(source_url=url).order_by("pk").values_list("pk", "text"))

    return Documents(base_url=job.base_url.rstrip("/"), by_id=by_id, by_url=by_url)


def _finish(job: ImportJob, report: ImportReport) -> None:
    """The job's end, in the import's own transaction: its writes and `done` commit together."""
    job.status = Status.DONE if report.committed else Status.FAILED
    job.lines_read = report.lines
    job.documents_written = report.documents_created + report.documents_updated
    job.spans_written = report.spans_created
    job.error_count = report.error_count
    job.errors = [asdict(e) for e in report.errors]
    job.result = asdict(report)
    job.error = (
        ""
        if report.committed
        else f"{report.error_count} line(s) refused, so nothing was saved (all or nothing)."
    )
    job.finished_at = job.progress_at = timezone.now()
    job.save()
    _announce_end(job.pk)
    transaction.on_commit(lambda: _remove_upload(job))


def import_job_fail(*, job_id: int, reason: str) -> ImportJob | None:
    """The job failed as a whole (an unreadable file, a crash): nothing of it was saved."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return job
    job.status = Status.FAILED
    job.error = reason[:2000]
    job.finished_at = timezone.now()
    job.documents_written = job.spans_written = 0
    job.save(update_fields=["status", "error", "finished_at", "documents_written", "spans_written"])
    _announce_end(job.pk)
    _remove_upload(job)
    return job


def _remove_upload(job: ImportJob) -> None:
    if job.stored_as:
        (Path(settings.IMPORT_UPLOAD_DIR) / job.stored_as).unlink(missing_ok=True)


__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_REPORTED_ERRORS",
    "JobHeld",
    "import_documents",
    "import_job_check_options",
    "import_job_create",
    "import_job_enqueue",
    "import_job_fail",
    "import_job_run",
    "import_job_start",
    "import_job_wait",
    "import_jobs_sweep",
]
