"""Getting articles in. A document's text is normalised here, once, and never changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction

from annotations import policy
from annotations.domain.text import normalize_text
from annotations.errors import NotAllowed, ValidationError
from annotations.models import MAX_DOCUMENT_LENGTH, Document, Project, SuggestionRun
from annotations.services.checking import claim_checks_enqueue
from annotations.services.common import (
    check_storable,
    check_storable_json,
    full_clean,
    record_event,
)
from annotations.services.stories import story_proposals_enqueue
from annotations.services.suggestions import (
    suggestion_run_enqueue,
    suggestion_run_request,
    suggestion_runs_enqueue,
)

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
    full_clean(document)
    with transaction.atomic():
        document.save()
        record_event(
            project_id=project.pk,
            obj=document,
            action="import",
            actor=actor,
            before=None,
            after=document_import_event(document),
        )
        run = suggestion_run_request(document=document, enqueue=False)
        import_jobs_request(runs=[run], documents=[document], bulk=False)
    return document


def import_jobs_request(
    *, runs: list[SuggestionRun], documents: list[Document], bulk: bool
) -> None:
    """Hand an import's background work to the queue in one callback after the commit: the
    worker must find the documents, and a broker that is down leaves visibly queued runs (and
    documents the story sweep picks up) instead of failing the import. ``bulk``: the runs go as
    one message the worker fans out (a batch of a JSONL import), else one message each. The
    claim matching of the documents' imported CLAIMs goes too (their suggestions' CLAIMs are
    matched when their run is done)."""
    run_ids = [run.pk for run in runs]
    document_ids = [document.pk for document in documents]

    def enqueue() -> None:
        if bulk:
            suggestion_runs_enqueue(run_ids=run_ids)
        else:
            for run_id in run_ids:
                suggestion_run_enqueue(run_id=run_id)
        story_proposals_enqueue(document_ids=document_ids)
        claim_checks_enqueue(document_ids=document_ids)

    if document_ids:
        transaction.on_commit(enqueue)


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
    for field, value in (("text", text), ("title", title), ("outlet", outlet), ("author", author)):
        check_storable(value, field=field)
    check_storable_json(metadata or {}, field="metadata")
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
    if source_url and urlsplit(source_url).scheme not in ("http", "https"):
        errors["source_url"] = ["Give an http or https address."]
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
