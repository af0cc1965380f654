"""Getting articles in, correcting them, and taking them out.

A document's text is normalised here, once, and never changes: an edited article is a new
document. What can be corrected is what describes it (title, outlet, author, address, date),
versioned and recorded in history. A moderator soft-deletes a document (it leaves every list,
page, export, story and match: the selectors leave it out) and can restore it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from annotations import policy
from annotations.domain import web_address
from annotations.domain.text import normalize_text
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import MAX_DOCUMENT_LENGTH, Document, Project
from annotations.services.checking import claim_checks_enqueue
from annotations.services.common import (
    UNSET,
    check_metadata,
    check_storable,
    full_clean,
    insert_recorded,
    record_event,
)
from annotations.services.search_index import document_search_fill
from annotations.services.story_proposals import story_proposals_enqueue
from annotations.services.suggestions import (
    queued_runs_insert,
    suggestion_run_enqueue,
    suggestion_runs_enqueue,
    suggestion_runs_handed_over,
    suggestion_runs_request,
    suggestion_runs_waiting,
)
from factcheck.after_response import after_response

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def document_import(
    *,
    project: Project,
    actor: User | None,
    text: str,
    title: str,
    outlet: str = "",
    author: str = "",
    source_url: str = "",
    published_on: date | None = None,
    external_id: str = "",
    metadata: dict[str, Any] | None = None,
) -> Document:
    """Add an article to a project. Its text is normalised here, once, and never changes."""
    if actor is not None and not policy.can_annotate(actor, project):
        raise NotAllowed("Only members of the project can add documents to it.")
    document = document_build(
        project=project,
        actor=actor,
        text=text,
        title=title,
        outlet=outlet,
        author=author,
        source_url=source_url,
        published_on=published_on,
        external_id=external_id,
        metadata=metadata,
        external_id_taken=lambda value: project.documents.filter(external_id=value).exists(),
    )
    # The fields' own checks. Not the table's constraints, which document_build has just made
    # true (the text, its length, the external id; the story fields are their defaults) and
    # the database still holds, nor the existence of the project and the actor we hold: those
    # were seven queries, a third of an import's, two of them sending the whole text.
    full_clean(document, exclude=["project", "created_by"], validate_constraints=False)
    # The document, its history record and its queued run: on PostgreSQL one statement, all
    # or nothing by itself, one round trip instead of five (BEGIN, three INSERTs, COMMIT).
    # Elsewhere (SQLite) the run is written on its own, in the record's transaction.
    one_statement = connection.vendor == "postgresql"
    with nullcontext() if one_statement else transaction.atomic():
        run_id = insert_recorded(
            obj=document,
            project_id=project.pk,
            actor=actor,
            after=document_import_event(document),
            action="import",
            also=queued_runs_insert(document_id="new.id", source="FROM new"),
        )
        if run_id is None:
            run_ids = suggestion_runs_request(documents=[document], enqueue=False)
        else:
            run_ids = [run_id]
        # Its search words: to_tsvector over the text was most of the create's database
        # time. In a request they are written once the answer is sent, before its jobs are
        # published (kept from here, ahead of the commit's); outside one, here. A document
        # rolled back by then is simply not found.
        document_ids = [document.pk]
        after_response(lambda: document_search_fill(document_ids=document_ids))
        # A new article has no spans: no claim matching until its run has suggested CLAIMs
        # (the run asks for it when done).
        import_jobs_request(
            run_ids=run_ids, document_ids=document_ids, bulk=False, with_spans=False
        )
    return document


# A bulk import's ids go to the worker this many to a message (one for the runs, one for the
# story proposals, one for the claim matching), which the worker fans out to a job each. A
# message costs the importing process about a millisecond and the runs' stamp a statement:
# sent per batch of the import (200 lines), they were a sixth of a 150,000-line import.
HANDOVER_IDS = 2000


def import_jobs_request(
    *, run_ids: list[int], document_ids: list[int], bulk: bool, with_spans: bool = True
) -> None:
    """Hand an import's background work to the queue in one callback after the commit: the
    worker must find the documents, and a broker that is down leaves visibly queued runs (and
    documents the story sweep picks up) instead of failing the import. ``bulk``: the runs go
    HANDOVER_IDS to a message the worker fans out (a JSONL import, once for the whole file),
    else one message each. ``with_spans``: the documents came with spans, and the claim matching
    of their CLAIMs goes too (their suggestions' CLAIMs are matched when their run is done)."""

    def enqueue() -> None:
        if not bulk and not settings.CELERY_TASK_ALWAYS_EAGER:
            _document_jobs_enqueue(
                run_ids=run_ids, document_ids=document_ids, with_spans=with_spans
            )
            return
        if not bulk:
            for run_id in run_ids:
                suggestion_run_enqueue(run_id=run_id)
            story_proposals_enqueue(document_ids=document_ids)
            if with_spans:
                claim_checks_enqueue(document_ids=document_ids)
            return
        for at in range(0, max(len(run_ids), len(document_ids)), HANDOVER_IDS):
            if runs := run_ids[at : at + HANDOVER_IDS]:
                suggestion_runs_enqueue(run_ids=runs)
            if documents := document_ids[at : at + HANDOVER_IDS]:
                story_proposals_enqueue(document_ids=documents)
                if with_spans:
                    claim_checks_enqueue(document_ids=documents)

    if document_ids:
        # After the commit, and inside a request after its answer: a reviewer does not wait
        # on the broker. A process that dies before it publishes leaves the runs queued and
        # never handed over, which the sweeps hand over (factcheck.after_response).
        transaction.on_commit(lambda: after_response(enqueue))


def _document_jobs_enqueue(
    *, run_ids: list[int], document_ids: list[int], with_spans: bool
) -> None:
    """One article's jobs (its suggestion run, story proposal and, if it came with spans, claim
    matching) to the broker in one round trip, instead of one each: part of the after-answer work
    (factcheck.after_response). If the broker fails, the run says why and stays queued, and the
    sweeps hand over each of them (each safe to run twice)."""
    from annotations.tasks import (
        enqueue_together,
        match_claim_checks,
        propose_story,
        run_suggestions,
    )

    jobs = [(run_suggestions, (run_id,)) for run_id in run_ids]
    jobs += [(propose_story, (document_id,)) for document_id in document_ids]
    if with_spans:
        jobs += [(match_claim_checks, (document_id,)) for document_id in document_ids]
    try:
        enqueue_together(jobs)
    except Exception as exc:  # any broker failure: the run must stay visibly queued
        suggestion_runs_waiting(run_ids=run_ids, exc=exc)
        return
    suggestion_runs_handed_over(run_ids=run_ids)


def document_import_event(document: Document) -> dict[str, Any]:
    """What the audit record of an import keeps."""
    return {"title": document.title, "text_length": document.text_length}


def document_build(
    *,
    project: Project,
    actor: User | None,
    text: str,
    title: str,
    outlet: str = "",
    author: str = "",
    source_url: str = "",
    published_on: date | None = None,
    external_id: str = "",
    metadata: dict[str, Any] | None = None,
    external_id_taken: Callable[[str], bool],
) -> Document:
    """The unsaved document, after every check of an import but the database's own: the text
    normalised, the fields storable and valid, the external id free (`external_id_taken` says
    whether the project already has it). document_import and the bulk JSONL import share it."""
    for field, value in (
        ("text", text),
        ("title", title),
        ("outlet", outlet),
        ("author", author),
        ("source_url", source_url),
        ("external_id", external_id),  # looked up before it is stored
    ):
        check_storable(value, field=field)
    check_metadata(metadata or {})
    text = normalize_text(text)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["The document has no text."]
    elif len(text) > MAX_DOCUMENT_LENGTH:
        errors["text"] = [
            f"The text has {len(text):,} characters; the limit is {MAX_DOCUMENT_LENGTH:,}."
        ]
    title = title.strip()
    if not title:
        errors["title"] = ["A document needs a title."]
    if source_url and not web_address.is_web_address(source_url):
        errors["source_url"] = [web_address.REASON]
    if external_id and external_id_taken(external_id):
        errors["external_id"] = [f"This project already has a document with id {external_id!r}."]
    if errors:
        raise ValidationError(errors)
    return Document(
        project=project,
        title=title,
        outlet=outlet.strip(),
        author=author.strip(),
        source_url=source_url,
        published_on=published_on,
        external_id=external_id,
        text=text,
        text_length=len(text),
        metadata=metadata or {},
        created_by=actor,
    )


# --- corrections and soft delete ---------------------------------------------------------------

# What a correction may change: what describes the article, never its text.
CORRECTABLE_FIELDS = ("title", "outlet", "author", "source_url", "published_on")
# What the story job reads of a document besides its text: a change means signing it again.
_STORY_INPUTS = ("title", "outlet", "published_on")


def document_snapshot(document: Document) -> dict[str, Any]:
    """What history keeps of a document before and after a correction, delete or restore."""
    return {
        "title": document.title,
        "outlet": document.outlet,
        "author": document.author,
        "source_url": document.source_url,
        "published_on": document.published_on.isoformat() if document.published_on else None,
        "deleted": document.deleted_at is not None,
        "version": document.version,
    }


def lock_document(document: Document, version: int | None = None) -> Document:
    """Re-read the document (without its text) under a row lock; refuse a stale version."""
    locked = Document.objects.select_for_update().defer("text", "metadata").get(pk=document.pk)
    if version is not None and locked.version != version:
        raise Conflict(
            f"This document was changed by someone else (you had version {version}, "
            f"it is now version {locked.version}).",
            current=document_snapshot(locked),
        )
    return locked


def _corrected(
    *,
    title: str,
    outlet: str,
    author: str,
    source_url: str,
) -> dict[str, str]:
    for field, value in (
        ("title", title),
        ("outlet", outlet),
        ("author", author),
        ("source_url", source_url),
    ):
        check_storable(value, field=field)
    errors: dict[str, list[str]] = {}
    title = title.strip()
    if not title:
        errors["title"] = ["A document needs a title."]
    source_url = source_url.strip()
    if source_url and not web_address.is_web_address(source_url):
        errors["source_url"] = [web_address.REASON]
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "outlet": outlet.strip(),
        "author": author.strip(),
        "source_url": source_url,
    }


def document_update(
    *,
    document: Document,
    actor: User,
    version: int,
    title: str = UNSET,
    outlet: str = UNSET,
    author: str = UNSET,
    source_url: str = UNSET,
    published_on: date | None = UNSET,
) -> Document:
    """Correct what describes an article (any member of its project). Its text never changes:
    there is no way to give one here. `version` is the one the caller read."""
    with transaction.atomic():
        document = lock_document(document, version)
        if not policy.can_edit_document(actor, document.project_id):
            raise NotAllowed("Only members of the project can correct its documents.")
        if document.deleted_at is not None:
            raise Conflict("This document was deleted.", current=document_snapshot(document))
        given = {
            "title": document.title if title is UNSET else title,
            "outlet": document.outlet if outlet is UNSET else outlet,
            "author": document.author if author is UNSET else author,
            "source_url": document.source_url if source_url is UNSET else source_url,
        }
        values: dict[str, Any] = _corrected(**given)
        values["published_on"] = document.published_on if published_on is UNSET else published_on
        before = document_snapshot(document)
        changed = [name for name in CORRECTABLE_FIELDS if getattr(document, name) != values[name]]
        if not changed:
            return document
        for name in changed:
            setattr(document, name, values[name])
        document.version += 1
        full_clean(document, exclude=["text", "metadata"], validate_constraints=False)
        document.save(update_fields=[*changed, "version"])
        record_event(
            project_id=document.project_id,
            obj=document,
            action="update",
            actor=actor,
            before=before,
            after=document_snapshot(document),
        )
        if any(name in _STORY_INPUTS for name in changed):
            # Its story signature reads these: the job signs it again (and proposes, unless a
            # reviewer confirmed its story).
            document_ids = [document.pk]
            transaction.on_commit(lambda: story_proposals_enqueue(document_ids=document_ids))
    return document


def document_delete(*, document: Document, actor: User, version: int | None = None) -> Document:
    """Soft delete (moderators): the document leaves every list, page, export, story and match
    until it is restored. Its spans, suggestions and history stay as they are."""
    return _set_deleted(document, actor, version, deleted=True)


def document_restore(*, document: Document, actor: User) -> Document:
    """Bring a soft-deleted document back, as it was (moderators)."""
    return _set_deleted(document, actor, None, deleted=False)


def _set_deleted(
    document: Document, actor: User, version: int | None, *, deleted: bool
) -> Document:
    with transaction.atomic():
        document = lock_document(document, version)
        if not policy.can_delete_document(actor, document.project_id):
            raise NotAllowed(
                "Only moderators of the project can "
                + ("delete its documents." if deleted else "restore its documents.")
            )
        if (document.deleted_at is not None) == deleted:
            return document
        before = document_snapshot(document)
        document.deleted_at = timezone.now() if deleted else None
        document.version += 1
        document.save(update_fields=["deleted_at", "version"])
        record_event(
            project_id=document.project_id,
            obj=document,
            action="delete" if deleted else "restore",
            actor=actor,
            before=before,
            after=document_snapshot(document),
        )
    return document
