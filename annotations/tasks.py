"""Celery tasks: thin. Each takes ids, calls a service, and is safe to run twice.

Retries are for transient failures only (the database or the broker going away), with
exponential backoff and a cap; anything else marks the run failed with a readable reason.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime
from typing import NoReturn

from celery import Task, shared_task
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from annotations import services
from annotations.errors import ValidationError

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
MAX_RETRIES = 4
HELD_RETRY_SECONDS = 30  # a job another worker runs now is looked at again this often


def _retry_later(task: Task, exc: Exception, *, fail=None) -> NoReturn:
    """A transient failure: the task again after an exponential backoff (capped at a minute),
    or, after the last retry, the failure recorded by `fail` (when the job has a state) and
    raised."""
    if task.request.retries >= MAX_RETRIES:
        if fail is not None:
            fail(f"Gave up after retries: {exc}")
        raise exc
    raise task.retry(exc=exc, countdown=min(60, 2 ** (task.request.retries + 1))) from exc


def _tracked(task: Task, work, *, fail, what: str):
    """Run a job whose state the desk sees: what `work` returns, or None once `fail` has
    recorded why it stopped (the time limit, or any error, logged with its traceback).
    Transient failures are retried; a retry `work` asks for itself goes through."""
    try:
        return work()
    except Retry:
        raise
    except TRANSIENT as exc:
        _retry_later(task, exc, fail=fail)
    except SoftTimeLimitExceeded:
        fail("Took longer than the time limit.")
    except Exception as exc:
        log.exception("%s failed", what)
        fail(f"{type(exc).__name__}: {exc}")
    return None


# Each thread's broker connection and its producer, kept between enqueues: opening one cost
# ~7 ms of every message (a document create sends two). Keyed by process and broker address,
# so a forked worker opens its own and a changed broker (tests point it at a closed port) is
# followed.
_held = threading.local()


def _broker_producer(app):
    """The thread's producer on its connection to the broker, and whether it served an enqueue
    before."""
    key = (os.getpid(), app.conf.broker_url)
    held = getattr(_held, "connection", None)
    if held is not None and held[0] != key:
        _drop(held[1])
        held = None
    if held is not None:
        return held[2], True
    connection = app.connection_for_write()
    producer = app.amqp.Producer(connection, auto_declare=False)
    _held.connection = (key, connection, producer)
    return producer, False


def _drop(connection) -> None:
    _held.connection = None
    try:
        connection.release()
    except Exception:  # a dead connection may not close cleanly; it is gone either way
        log.debug("Releasing a broker connection failed", exc_info=True)


def _published(app, publish):
    """`publish(producer)` on the thread's producer; if it fails there, once more on a fresh
    connection (the broker restarted since); a failure there is the caller's."""
    producer, reused = _broker_producer(app)
    try:
        return publish(producer)
    except Exception:
        _drop(producer.connection)
        if not reused:
            raise
    producer, _ = _broker_producer(app)
    try:
        return publish(producer)
    except Exception:
        _drop(producer.connection)
        raise


# What a message's `argsrepr` header (the arguments as `celery inspect` and Flower show them)
# keeps at most, as Celery's own default.
ARGS_SHOWN = 1024


def shown_args(args: tuple) -> str:
    """The arguments as the message shows them, cut to ARGS_SHOWN characters: `repr`, not
    Celery's own `saferepr`, which took a millisecond for a bulk import's 200 ids (pure Python,
    an item at a time) and was a third of handing an import's work to the queue."""
    text = repr(args)
    return text if len(text) <= ARGS_SHOWN else f"{text[: ARGS_SHOWN - 4]}...)"


def enqueue_together(jobs: list[tuple[EnqueueTask, tuple]]) -> None:
    """Send several tasks (each with its arguments) to the broker in one round trip (one Redis
    pipeline): a new document's jobs, sent after its answer (factcheck.after_response).
    Raises if the broker failed; then any of them may or may not have gone (a
    second try may send one twice: each job is safe to run twice), and the callers' sweeps hand
    over what did not. Not for eager mode, where each runs in-process (EnqueueTask.enqueue)."""

    def publish(producer) -> None:
        with producer.batch():
            for task, args in jobs:
                shown: dict = {"argsrepr": shown_args(args)}  # an option Celery's stubs omit
                task.apply_async(args, producer=producer, retry=False, **shown)

    if jobs:
        _published(jobs[0][0].app, publish)


class EnqueueTask(Task):
    def enqueue(self, *args, countdown: float | None = None, queue: str | None = None):
        """Send to the broker now (to run `countdown` seconds later), failing fast instead of
        retrying for minutes: callers record the failure and the sweep tries again later.
        `queue`: another than the default (settings.BULK_TASK_QUEUE for a bulk import's jobs). The
        thread's connection is reused; a publish that fails on it is tried once on a fresh one
        (the broker restarted since), and a failure there is the caller's."""
        if self.app.conf.task_always_eager:
            return self.apply(args)  # in-process and at once, without a broker connection
        options: dict = {"argsrepr": shown_args(args)}
        if countdown is not None:
            options["countdown"] = countdown
        if queue is not None:
            options["queue"] = queue
        return _published(
            self.app,
            lambda producer: self.apply_async(args, producer=producer, retry=False, **options),
        )


@shared_task(
    base=EnqueueTask,
    bind=True,
    name="annotations.run_suggestions",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def run_suggestions(self, run_id: int) -> dict | None:
    run = _tracked(
        self,
        lambda: services.suggestion_run_execute(run_id=run_id),
        fail=lambda reason: services.suggestion_run_fail(run_id=run_id, reason=reason),
        what=f"Suggestion run {run_id}",
    )
    return run.counts if run is not None else None


@shared_task(base=EnqueueTask, name="annotations.enqueue_suggestion_runs", acks_late=True)
def enqueue_suggestion_runs(run_ids: list[int]) -> int:
    """Hand each of many runs to the queue: a bulk import sends this one message instead of a
    thousand, so its request does not wait on the broker a thousand times."""
    return services.suggestion_runs_fan_out(run_ids=run_ids)


@shared_task(base=EnqueueTask, name="annotations.sweep_suggestion_runs", acks_late=True)
def sweep_suggestion_runs() -> list[int]:
    return services.suggestion_runs_sweep()


@shared_task(
    base=EnqueueTask,
    bind=True,
    name="annotations.retrain_suggester",
    acks_late=True,
    max_retries=MAX_RETRIES,
)
def retrain_suggester(self, project_id: int, label: str) -> int | None:
    """Train the label's model again if the desk's decisions still call for it: the version
    made, or None (nothing new since the last model, too few examples, project gone)."""
    try:
        row = services.suggester_retrain(project_id=project_id, label=label)
    except ValidationError as exc:
        log.info("Not retraining %s for project %s: %s", label, project_id, exc)
        return None
    except TRANSIENT as exc:
        _retry_later(self, exc)
    return row.version if row is not None else None


@shared_task(
    base=EnqueueTask,
    bind=True,
    name="annotations.propose_story",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def propose_story(self, document_id: int) -> dict | None:
    """The story job of one document: what it did, or None (document gone, or failed: logged,
    and the sweep tries a document with no signature again)."""
    try:
        result = services.story_propose(document_id=document_id)
    except TRANSIENT as exc:
        _retry_later(self, exc)
    except SoftTimeLimitExceeded:
        log.warning("Story proposal for document %s took longer than the time limit", document_id)
        return None
    if result is None:
        return None
    return {"action": result.action, "story": result.story_id, "score": result.score}


@shared_task(base=EnqueueTask, name="annotations.enqueue_story_proposals", acks_late=True)
def enqueue_story_proposals(document_ids: list[int]) -> int:
    """A bulk import's batch as one message; the worker enqueues each document's job."""
    return services.story_proposals_fan_out(document_ids=document_ids)


@shared_task(base=EnqueueTask, name="annotations.sweep_story_proposals", acks_late=True)
def sweep_story_proposals() -> list[int]:
    return services.story_proposals_sweep()


@shared_task(
    base=EnqueueTask,
    bind=True,
    name="annotations.compare_story",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def compare_story(self, story_id: int, requested_at: str | None = None) -> dict | None:
    """The comparison of one story's articles: what it found, or None (story gone, skipped as
    covered by another run or by a later request's job, or failed: the state says why).
    ``requested_at``: the ISO time of the request it was sent for."""
    asked = None if requested_at is None else datetime.fromisoformat(requested_at)
    result = _tracked(
        self,
        lambda: services.story_comparison_run(story_id=story_id, requested_at=asked),
        fail=lambda reason: services.story_comparison_fail(story_id=story_id, reason=reason),
        what=f"Comparison of story {story_id}",
    )
    if result is None or result.skipped:
        return None
    return result.counts


@shared_task(base=EnqueueTask, name="annotations.sweep_story_comparisons", acks_late=True)
def sweep_story_comparisons() -> list[int]:
    return services.story_comparisons_sweep()


@shared_task(
    base=EnqueueTask,
    bind=True,
    name="annotations.match_claim_checks",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def match_claim_checks(self, document_id: int) -> dict | None:
    """Match a document's claims against what the desk and fact-checkers checked: its counts,
    or None (document gone, or failed: logged, and the sweep tries its new CLAIMs again)."""
    try:
        result = services.claim_checks_match(document_id=document_id)
    except TRANSIENT as exc:
        _retry_later(self, exc)
    except SoftTimeLimitExceeded:
        log.warning("Claim checks of document %s took longer than the time limit", document_id)
        return None
    return None if result is None else result.counts


@shared_task(base=EnqueueTask, name="annotations.enqueue_claim_checks", acks_late=True)
def enqueue_claim_checks(document_ids: list[int]) -> int:
    """An import's batch as one message; the worker enqueues each document with claims."""
    return services.claim_checks_fan_out(document_ids=document_ids)


@shared_task(base=EnqueueTask, name="annotations.sweep_claim_checks", acks_late=True)
def sweep_claim_checks() -> list[int]:
    return services.claim_checks_sweep()


@shared_task(
    base=EnqueueTask,
    bind=True,
    name="annotations.embed_checked_claims",
    acks_late=True,
    max_retries=MAX_RETRIES,
)
def embed_checked_claims(self, project_id: int) -> int:
    """Compute the sentence embeddings a project's checked claims lack (stored as it goes, so a
    killed run keeps what it did and a second one does the rest)."""
    try:
        return services.checked_claims_embed(project_id=project_id)
    except TRANSIENT as exc:
        _retry_later(self, exc)


@shared_task(
    base=EnqueueTask,
    bind=True,
    name="annotations.run_import_job",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    # A large file takes longer than the other tasks' limit.
    time_limit=settings.IMPORT_JOB_TIME_LIMIT,
    soft_time_limit=settings.IMPORT_JOB_TIME_LIMIT - 60,
)
def run_import_job(self, job_id: int) -> dict | None:
    """Import a stored upload: the job's counts, or None (gone, finished already, or failed:
    the job says why). Delivered again after a worker died, it starts the job over."""

    def work():
        try:
            return services.import_job_run(job_id=job_id)
        except services.JobHeld:
            # Another worker runs it now (this is a second delivery): look again later, for as
            # long as it runs, so that a message stays in flight should that worker die.
            raise self.retry(
                countdown=HELD_RETRY_SECONDS,
                max_retries=settings.IMPORT_JOB_TIME_LIMIT // HELD_RETRY_SECONDS + MAX_RETRIES,
            ) from None

    job = _tracked(
        self,
        work,
        fail=lambda reason: services.import_job_fail(job_id=job_id, reason=reason),
        what=f"Import job {job_id}",
    )
    if job is None:
        return None
    return {"status": job.status, "lines": job.lines_read, "spans": job.spans_written}


@shared_task(base=EnqueueTask, name="annotations.sweep_import_jobs", acks_late=True)
def sweep_import_jobs() -> list[int]:
    return services.import_jobs_sweep()
