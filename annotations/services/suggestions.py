"""Machine suggestions: request a run, execute it (the task's body), accept or reject.

A run is safe to execute twice, to retry and to kill mid-way: it upserts on the natural key
(document, suggester, version, label, start, end), replaces only suggestions that are still
open, never brings back a range a reviewer rejected, and never touches a decided suggestion.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from annotations import policy
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import DeskClaim, Document, Label, Project, Span, Suggestion, SuggestionRun
from annotations.services import learning
from annotations.services.common import (
    commit_without_waiting_for_disk,
    record_event,
    redoable_write,
)
from annotations.services.search_index import document_search_fill
from annotations.services.spans import span_create, span_delete
from annotations.suggest import Candidate

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

Status = SuggestionRun.Status
Open, Accepted, Rejected = (
    Suggestion.Status.OPEN,
    Suggestion.Status.ACCEPTED,
    Suggestion.Status.REJECTED,
)

# The suggesters a span-suggestion run owns: their open suggestions are replaced by each run.
OWNED_SUGGESTERS = frozenset(
    {
        "quote-rules",
        "claim-rules",
        "opinion-rules",
        "quote-learned",
        "claim-learned",
        "opinion-learned",
    }
)


# --- requesting a run -------------------------------------------------------------------------


def suggestion_run_request(
    *, document: Document, actor: User | None = None, enqueue: bool = True
) -> SuggestionRun:
    """Create a queued run and enqueue it once the current transaction commits (``enqueue``
    False: the caller does, as an import hands all its background work over at once).

    If the broker cannot be reached, the run stays queued with the reason; the periodic sweep
    enqueues it again when the broker is back. Nothing waits on the run."""
    if actor is not None and not policy.can_annotate(actor, document.project_id):
        raise NotAllowed("Only members of the project can ask for suggestions.")
    # A run still waiting for a worker covers this request too: asking again hands it to the
    # broker again (the way to retry after an outage) instead of piling up duplicates.
    run = document.suggestion_runs.filter(status=Status.QUEUED).order_by("-id").first()
    if run is None:
        run = SuggestionRun.objects.create(document=document, requested_by=actor)
    if enqueue:
        transaction.on_commit(lambda: suggestion_run_enqueue(run_id=run.pk))
    return run


def suggestion_runs_request(*, documents: list[Document], enqueue: bool = True) -> list[int]:
    """suggestion_run_request for many new documents at once (the bulk import): one INSERT for
    the runs, and one connection to the broker after commit for all of them. Returns the runs'
    ids."""
    document_ids = [document.pk for document in documents]
    if connection.vendor == "postgresql":
        # One statement from an array: building a model and compiling its ten fields for
        # each run cost a fifth of a bulk import of short documents.
        with connection.cursor() as cursor:
            sql, values = queued_runs_insert(document_id="unnest(%s::bigint[])")
            cursor.execute(sql, [document_ids, *values])
            run_ids = [row[0] for row in cursor.fetchall()]
    else:
        runs = SuggestionRun.objects.bulk_create(
            [SuggestionRun(document_id=document_id) for document_id in document_ids]
        )
        run_ids = [run.pk for run in runs]
    if run_ids and enqueue:
        transaction.on_commit(lambda: suggestion_runs_enqueue(run_ids=run_ids))
    return run_ids


def queued_runs_insert(*, document_id: str, source: str = "") -> tuple[str, list[Any]]:
    """The INSERT (PostgreSQL) of a queued run for each `document_id` (an SQL expression, read
    `source`: a FROM clause, or none), RETURNING the runs' ids; its values follow the
    expression's own. A bulk import's batch gives an array; a new document the id its INSERT
    returned, in the same statement (services.documents)."""
    sql = (
        f"INSERT INTO {SuggestionRun._meta.db_table} "
        "(document_id, status, error, counts, attempts, created_at) "
        f"SELECT {document_id}, %s, '', '{{}}'::jsonb, 0, statement_timestamp() {source} "
        "RETURNING id"
    )
    return sql, [Status.QUEUED]


def suggestion_runs_enqueue(*, run_ids: list[int]) -> bool:
    """Hand many runs to the task queue as one message (a task that enqueues each, on the
    worker). Returns False (and records why on every run) if the broker could not be reached;
    the sweep enqueues them later."""
    from annotations.tasks import enqueue_suggestion_runs

    try:
        enqueue_suggestion_runs.enqueue(run_ids)
    except Exception as exc:  # any broker failure: the runs must stay visibly queued
        suggestion_runs_waiting(run_ids=run_ids, exc=exc)
        return False
    # Handed over (inside the one message): the sweep waits SUGGESTION_RUN_LOST_AFTER before
    # it hands them over again, as for a run enqueued alone.
    suggestion_runs_handed_over(run_ids=run_ids)
    return True


def suggestion_runs_waiting(*, run_ids: list[int], exc: Exception) -> None:
    """Say on each still-queued run why it waits: the broker could not be reached."""
    reason = (
        f"Waiting for the task queue: it could not be reached at "
        f"{timezone.now():%Y-%m-%d %H:%M:%S} UTC ({type(exc).__name__}). "
        "The run starts when the queue is back."
    )
    log.warning("Could not enqueue suggestion runs %s: %s", run_ids, exc)
    SuggestionRun.objects.filter(pk__in=run_ids, status=Status.QUEUED).update(error=reason)


def suggestion_runs_handed_over(*, run_ids: list[int]) -> None:
    """Stamp the runs handed to the broker. In-process (eager) mode a run may already be done;
    only a still-queued run is stamped. A stamp a crash forgets leaves the run never handed
    over, which the sweep hands over again (a run is safe to do twice)."""
    with redoable_write():
        if connection.vendor != "postgresql":
            SuggestionRun.objects.filter(pk__in=run_ids, status=Status.QUEUED).update(
                enqueued_at=timezone.now(), error=""
            )
            return
        # The ids as one array: `pk__in` over a bulk import's 2,000 ids cost more to write
        # out (a placeholder each, compiled, then split by the driver) than to update.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {SuggestionRun._meta.db_table} SET enqueued_at = %s, error = '' "  # noqa: S608
                "WHERE id = ANY(%s::bigint[]) AND status = %s",
                [timezone.now(), list(run_ids), Status.QUEUED],
            )


def suggestion_runs_fan_out(*, run_ids: list[int]) -> int:
    """The worker's side of suggestion_runs_enqueue: enqueue each run that is still queued.
    Safe to run twice (a run already started or done is left alone)."""
    waiting = SuggestionRun.objects.filter(pk__in=run_ids, status=Status.QUEUED)
    sent = 0
    for run_id in waiting.order_by("pk").values_list("pk", flat=True):
        # The bulk queue: a thousand runs must not hold up the next article a reviewer adds.
        sent += suggestion_run_enqueue(run_id=run_id, queue=settings.BULK_TASK_QUEUE)
    return sent


def suggestion_run_enqueue(*, run_id: int, queue: str | None = None) -> bool:
    """Hand the run to the task queue (`queue`, else the default one). Returns False (and
    records why) if that failed."""
    from annotations.tasks import run_suggestions

    try:
        if queue is None:
            run_suggestions.enqueue(run_id)
        else:
            run_suggestions.enqueue(run_id, queue=queue)
    except Exception as exc:  # any broker failure: the run must stay visibly queued
        suggestion_runs_waiting(run_ids=[run_id], exc=exc)
        return False
    suggestion_runs_handed_over(run_ids=[run_id])
    return True


def suggestion_runs_sweep(*, now: datetime | None = None) -> list[int]:
    """Enqueue again the runs that were never picked up or whose worker died. Returns their ids.

    - queued and never handed to the broker (it was down), or handed over long ago;
    - running for longer than the task's hard time limit (the worker was killed)."""
    now = now or timezone.now()
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    lost = timedelta(seconds=settings.SUGGESTION_RUN_LOST_AFTER)
    grace = timedelta(seconds=10)  # let a fresh run's own on_commit enqueue happen first
    queued = SuggestionRun.objects.filter(status=Status.QUEUED, created_at__lt=now - grace)
    stale = (
        queued.filter(enqueued_at__isnull=True)
        | queued.filter(enqueued_at__lt=now - lost)
        | SuggestionRun.objects.filter(status=Status.RUNNING, started_at__lt=now - limit)
    )
    ids = list(stale.values_list("pk", flat=True)[:500])
    for run_id in ids:
        suggestion_run_enqueue(run_id=run_id)
    return ids


# --- executing a run --------------------------------------------------------------------------


def suggestion_run_start(*, run_id: int) -> SuggestionRun | None:
    """Mark the run running (its own commit, so the page shows it). None if there is nothing
    to do: the run is gone or already done."""
    with transaction.atomic():
        commit_without_waiting_for_disk()  # a forgotten start: the sweep hands the run over
        run = SuggestionRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == Status.DONE:
            return None
        run.status = Status.RUNNING
        run.started_at = timezone.now()
        run.attempts += 1
        run.error = ""
        run.save(update_fields=["status", "started_at", "attempts", "error"])
    return run


def suggestion_run_execute(*, run_id: int) -> SuggestionRun | None:
    """The task's body: compute the candidates and upsert them. Safe to call twice."""
    run = suggestion_run_start(run_id=run_id)
    if run is None:
        return None
    document = Document.objects.only("id", "project_id", "text").get(pk=run.document_id)
    # The safety net of a new document's search words, written after its create's answer: a
    # process that died before that left them missing, and this run never handed over.
    document_search_fill(document_ids=[document.pk])
    started = timezone.now()
    candidates = learning.candidates_for(document)
    computed = timezone.now()
    with transaction.atomic():
        # A forgotten end leaves the run running: the sweep runs it again (safe twice).
        commit_without_waiting_for_disk()
        # One writer per document at a time: concurrent runs of it queue up here.
        Document.objects.select_for_update().filter(pk=document.pk).values("pk").first()
        run = SuggestionRun.objects.select_for_update().get(pk=run_id)
        if run.status == Status.DONE:
            return run  # another execution of the same run finished first
        counts = _upsert(document, run, candidates)
        finished = timezone.now()
        counts["compute_ms"] = round((computed - started).total_seconds() * 1000, 1)
        counts["write_ms"] = round((finished - computed).total_seconds() * 1000, 1)
        run.status, run.counts, run.finished_at, run.error = Status.DONE, counts, finished, ""
        run.save(update_fields=["status", "counts", "finished_at", "error"])
        # Its CLAIM suggestions are there now: are any of them checked already?
        transaction.on_commit(lambda: _match_claims(document.pk))
    return run


def _match_claims(document_id: int) -> None:
    from annotations.services.checking import claim_checks_enqueue

    claim_checks_enqueue(document_ids=[document_id])


def suggestion_run_fail(*, run_id: int, reason: str) -> None:
    SuggestionRun.objects.filter(pk=run_id).exclude(status=Status.DONE).update(
        status=Status.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def _key(
    label: str, start: int, end: int, suggester: str, version: str
) -> tuple[str, str, str, int, int]:
    return (suggester, version, label, start, end)


def _upsert(document: Document, run: SuggestionRun, candidates: Iterable[Candidate]) -> dict:
    existing = {
        _key(s.label, s.start, s.end, s.suggester, s.suggester_version): s
        for s in document.suggestions.all()
    }
    rejected = {(s.label, s.start, s.end) for s in existing.values() if s.status == Rejected}
    spans = set(document.spans.filter(deleted_at__isnull=True).values_list("label", "start", "end"))
    counts = {"suggested": 0, "created": 0, "updated": 0, "removed": 0, "skipped": 0}
    seen, create, update = set(), [], []
    for c in candidates:
        counts["suggested"] += 1
        key = _key(c.label, c.start, c.end, c.suggester, c.version)
        if key in seen:
            continue
        seen.add(key)
        row = existing.get(key)
        if row is not None:
            fresh = (
                c.score,
                c.raw_score,
                c.reason[:500],
                (c.speaker or "")[:300],
                c.speaker_start,
                c.speaker_end,
            )
            if row.status == Open and fresh != (
                row.score,
                row.raw_score,
                row.reason,
                row.speaker,
                row.speaker_start,
                row.speaker_end,
            ):
                (
                    row.score,
                    row.raw_score,
                    row.reason,
                    row.speaker,
                    row.speaker_start,
                    row.speaker_end,
                ) = fresh
                row.run = run
                update.append(row)
            continue
        if (c.label, c.start, c.end) in rejected or (c.label, c.start, c.end) in spans:
            counts["skipped"] += 1  # a reviewer already said no, or the desk already has it
            continue
        create.append(
            Suggestion(
                document=document,
                run=run,
                label=c.label,
                start=c.start,
                end=c.end,
                text=c.text,
                score=c.score,
                raw_score=c.raw_score,
                reason=c.reason[:500],
                suggester=c.suggester,
                suggester_version=c.version,
                speaker=(c.speaker or "")[:300],
                speaker_start=c.speaker_start,
                speaker_end=c.speaker_end,
            )
        )
    stale = [
        s.pk
        for key, s in existing.items()
        if s.status == Open and s.suggester in OWNED_SUGGESTERS and key not in seen
    ]
    if stale:
        counts["removed"] = Suggestion.objects.filter(pk__in=stale, status=Open).delete()[0]
    if update:
        Suggestion.objects.bulk_update(
            update,
            ["score", "raw_score", "reason", "run", "speaker", "speaker_start", "speaker_end"],
        )
    # ignore_conflicts: a concurrent writer that slipped past the document lock cannot make a
    # duplicate; the unique constraint on the natural key keeps one row.
    Suggestion.objects.bulk_create(create, ignore_conflicts=True)
    counts["created"], counts["updated"] = len(create), len(update)
    counts["open"] = document.suggestions.filter(status=Open).count()
    return counts


# --- deciding ---------------------------------------------------------------------------------


def _lock_open(suggestion: Suggestion) -> Suggestion:
    locked = Suggestion.objects.select_for_update().select_related("document").get(pk=suggestion.pk)
    if locked.status != Open:
        raise Conflict(f"This suggestion was already {locked.status}.")
    return locked


def suggestion_accept(
    *, suggestion: Suggestion, actor: User, desk_claim: DeskClaim | None = None
) -> Span:
    """Make the suggestion a span by `actor` that remembers where it came from; a CLAIM as a
    mention of `desk_claim` when given (a match confirmed: services.checking)."""
    with transaction.atomic():
        suggestion = _lock_open(suggestion)
        document = suggestion.document
        if not policy.can_annotate(actor, document.project_id):
            raise NotAllowed("Only members of the project can accept suggestions.")
        same = document.spans.filter(
            author=actor,
            label=suggestion.label,
            start=suggestion.start,
            end=suggestion.end,
            deleted_at__isnull=True,
        ).first()
        if same is None:
            span = span_create(
                document=document,
                actor=actor,
                label=suggestion.label,
                start=suggestion.start,
                end=suggestion.end,
                text=suggestion.text,
                speaker=suggestion.speaker if suggestion.label == Label.QUOTE else "",
                suggestion=suggestion,
                desk_claim=desk_claim if suggestion.label == Label.CLAIM else None,
            )
        else:
            span = same  # the reviewer tagged it by hand already: accepting adds nothing
        _decide(suggestion, actor, Accepted)
    return span


def suggestion_reject(*, suggestion: Suggestion, actor: User) -> Suggestion:
    with transaction.atomic():
        suggestion = _lock_open(suggestion)
        if not policy.can_annotate(actor, suggestion.document.project_id):
            raise NotAllowed("Only members of the project can reject suggestions.")
        _decide(suggestion, actor, Rejected)
    return suggestion


def suggestions_accept_above(*, document: Document, actor: User, min_score: float) -> list[Span]:
    """Accept every open suggestion of the document scoring at least `min_score`."""
    if not 0.0 <= min_score <= 1.0:
        raise ValidationError("A score is between 0 and 1.", field="min_score")
    if not policy.can_annotate(actor, document.project_id):
        raise NotAllowed("Only members of the project can accept suggestions.")
    spans = []
    with transaction.atomic():
        chosen = document.suggestions.select_for_update().filter(status=Open, score__gte=min_score)
        for suggestion in chosen.order_by("start", "end", "id"):
            spans.append(suggestion_accept(suggestion=suggestion, actor=actor))
    return spans


def suggestions_reopen(*, document: Document, actor: User, ids: list[int]) -> list[Suggestion]:
    """Take back decisions on the document's suggestions `ids`: a rejected one is open again, an
    accepted one too once the spans `actor` made from it are deleted (the reviewer's undo of an
    accept, or of "accept all"). All or nothing; an open one is left as it is."""
    if not policy.can_annotate(actor, document.project_id):
        raise NotAllowed("Only members of the project can reopen suggestions.")
    with transaction.atomic():
        chosen = list(
            document.suggestions.select_for_update().filter(pk__in=ids).order_by("start", "id")
        )
        missing = set(ids) - {s.pk for s in chosen}
        if missing:
            raise ValidationError(f"This document has no suggestion {min(missing)}.", field="ids")
        for suggestion in chosen:
            if suggestion.status == Open:
                continue
            if suggestion.status == Accepted:
                made = document.spans.filter(suggestion=suggestion, deleted_at__isnull=True)
                for span in made:
                    if span.author_id != actor.pk:
                        raise Conflict(
                            f"Someone else's span was made from suggestion {suggestion.pk}; "
                            "it stays accepted."
                        )
                    span_delete(span=span, actor=actor)
            before = suggestion.status
            suggestion.status, suggestion.decided_by, suggestion.decided_at = Open, None, None
            suggestion.save(update_fields=["status", "decided_by", "decided_at"])
            record_event(
                project_id=document.project_id,
                obj=suggestion,
                action="reopen",
                actor=actor,
                before={"status": before},
                after={"status": Open, "label": suggestion.label, "score": suggestion.score},
            )
    return chosen


def _decide(suggestion: Suggestion, actor: User, status: str) -> None:
    suggestion.status, suggestion.decided_by, suggestion.decided_at = status, actor, timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        project_id=suggestion.document.project_id,
        obj=suggestion,
        action=status,
        actor=actor,
        before={"status": Open},
        after={"status": status, "label": suggestion.label, "score": suggestion.score},
    )
    learning.retrain_check_on_commit(
        project_id=suggestion.document.project_id, label=suggestion.label
    )


# --- what the workspace shows -------------------------------------------------------------------


def project_suggestion_threshold_set(
    *, project: Project, threshold: float | None, actor: User
) -> Project:
    """Set the score below which the project's workspace hides suggestions until the reviewer
    shows them; None goes back to the score above which the desk accepts most of them."""
    if not policy.can_moderate(actor, project):
        raise NotAllowed("Only moderators of the project set its suggestion threshold.")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValidationError("A score is between 0 and 1.", field="suggestion_threshold")
    with transaction.atomic():
        before = project.suggestion_threshold
        project.suggestion_threshold = threshold
        project.full_clean()
        project.save(update_fields=["suggestion_threshold"])
        record_event(
            project_id=project.pk,
            obj=project,
            action="suggestion-threshold",
            actor=actor,
            before={"suggestion_threshold": before},
            after={"suggestion_threshold": threshold},
        )
    return project
