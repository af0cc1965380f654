"""Spans: create, edit (versioned), soft-delete and restore, and move a CLAIM (a mention) to
another desk claim. The rules of a valid span are the domain's (annotations.domain.span); their
refusals become ValidationErrors here. A CLAIM's desk claim is decided by services.claims."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotations import policy
from annotations.domain import span as rules
from annotations.errors import NON_FIELD, Conflict, NotAllowed, ValidationError
from annotations.models import DeskClaim, Document, Label, ReviewStatus, Span, Suggestion
from annotations.services.claims import (
    check_mention_target,
    desk_claim_of_new_mention,
    desk_claim_of_text,
    lock_desk_claim,
    mention_claim,
    new_mention_source,
)
from annotations.services.common import (
    UNSET,
    full_clean,
    insert_recorded,
    record_event,
    span_snapshot,
)

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User


@contextmanager
def _refusals() -> Iterator[None]:
    """A broken span rule as the ValidationError the API answers 400 with."""
    try:
        yield
    except rules.SpanInvalid as exc:
        raise ValidationError({field: [reason] for field, reason in exc.errors.items()}) from None


def _duplicate_message(label: str, start: int, end: int) -> str:
    return f"You already have a {label} span at {start}:{end} in this document."


def span_create(
    *,
    document: Document,
    actor: User,
    label: str,
    start: int,
    end: int,
    text: str,
    speaker: str = "",
    note: str = "",
    suggestion: Suggestion | None = None,
    desk_claim: DeskClaim | None = None,
    document_text: rules.TextWindow | None = None,
) -> Span:
    """A new span by `actor`; `suggestion` is the machine suggestion it was accepted from.

    A CLAIM is a mention of `desk_claim` (one of the project's), or, without one, of the desk
    claim of a live CLAIM on the same words, else of a new desk claim worded as its text.
    `document_text`: the part of document.text around the span (rules.window_of), when the
    caller read only that."""
    if not policy.can_annotate(actor, document.project_id):
        raise NotAllowed("Only members of the project can add spans.")
    check_mention_target(desk_claim, label=label, project_id=document.project_id)
    with _refusals():
        new = rules.check_span(
            document.text if document_text is None else document_text,
            label=label,
            start=start,
            end=end,
            quote=text,
            speaker=speaker,
            note=note,
        )
    # A duplicate (the same author, label and range, live) is refused by the table's unique
    # constraint, caught below: asking first cost a query of every create.
    span = Span(document=document, author=actor, suggestion=suggestion, **new._asdict())
    after = span_snapshot(span)
    recorded: dict[str, Any] = {
        "obj": span,
        "project_id": document.project_id,
        "actor": actor,
        "after": after,
    }
    # On PostgreSQL every create is one statement, all or nothing by itself: the span and its
    # record, and a new CLAIM's desk claim (found or made) with its record. No transaction to
    # open and commit; inside a caller's, a savepoint keeps a refused duplicate from spoiling
    # the rest of it. Elsewhere (SQLite) the writes go in a transaction.
    one_statement = connection.vendor == "postgresql"
    try:
        with (
            nullcontext()
            if one_statement and not transaction.get_connection().in_atomic_block
            else transaction.atomic()
        ):
            if label != Label.CLAIM or desk_claim is not None:
                span.desk_claim = desk_claim
                insert_recorded(**recorded)
            elif one_statement:
                source, made = new_mention_source(
                    document=document, actor=actor, start=start, end=end, text=text
                )
                span.desk_claim = mention_claim(made, insert_recorded(**recorded, source=source))
            else:
                span.desk_claim = desk_claim_of_new_mention(
                    document=document, actor=actor, start=start, end=end, text=text
                )
                insert_recorded(**recorded)
    except IntegrityError as exc:
        if _constraint_of(exc) != "span_unique_per_author":
            raise
        raise ValidationError(_duplicate_message(label, start, end)) from None
    return span


def _constraint_of(exc: IntegrityError) -> str | None:
    """The name of the constraint the database refused a row by (PostgreSQL says; SQLite's
    message names the columns of a unique index instead)."""
    diag = getattr(exc.__cause__, "diag", None)
    if diag is not None:
        return diag.constraint_name
    message = str(exc)
    if "UNIQUE constraint failed" in message and "annotations_span.author_id" in message:
        return "span_unique_per_author"
    return None


def lock_span(span: Span, version: int | None) -> Span:
    """Re-read the span under a row lock and refuse if the caller's version is stale."""
    locked = Span.objects.select_for_update().select_related("document").get(pk=span.pk)
    if version is not None and locked.version != version:
        raise Conflict(
            f"This span was changed by someone else (you had version {version}, "
            f"it is now version {locked.version}).",
            current=span_snapshot(locked),
        )
    return locked


def span_update(
    *,
    span: Span,
    actor: User,
    version: int,
    label: str = UNSET,
    speaker: str = UNSET,
    note: str = UNSET,
    start: int = UNSET,
    end: int = UNSET,
    text: str = UNSET,
) -> Span:
    """Change a span's label, speaker, note or range. `version` is the one the caller read."""
    with transaction.atomic():
        span = lock_span(span, version)
        if span.deleted_at is not None:
            raise Conflict("This span was deleted.", current=span_snapshot(span))
        if not policy.can_edit_span(actor, span):
            raise NotAllowed("Only the span's author or a moderator of the project can edit it.")
        before = span_snapshot(span)
        desk_claim_before = span.desk_claim_id

        new_label = span.label if label is UNSET else label
        with _refusals():
            rules.check_label(new_label)
        range_given = [v is not UNSET for v in (start, end, text)]
        if any(range_given):
            if not all(range_given):
                raise ValidationError(
                    "Moving a span takes start, end and text together.", field=NON_FIELD
                )
            with _refusals():
                rules.check_anchor(span.document.text, start, end, text)
            span.start, span.end, span.text = start, end, text
            span.prefix, span.suffix = rules.context(span.document.text, start, end)
        if speaker is not UNSET:
            speaker = speaker.strip()
            with _refusals():
                rules.check_speaker(new_label, speaker)
            span.speaker = speaker
        elif new_label != Label.QUOTE:
            span.speaker = ""  # the speaker goes with the QUOTE label
        if note is not UNSET:
            with _refusals():
                rules.check_storable(note, "note")
            span.note = note
        became_claim = new_label == Label.CLAIM and span.label != Label.CLAIM
        span.label = new_label

        if span_snapshot(span) | {"version": 0} == before | {"version": 0}:
            return span  # nothing changed: no new version, no history row
        if _live_twin_exists(span):
            raise ValidationError(_duplicate_message(span.label, span.start, span.end))
        if new_label != Label.CLAIM:
            # It leaves its desk claim, which stays (with its verdict and its other mentions).
            span.desk_claim = None
        elif became_claim or span.desk_claim_id is None:
            span.desk_claim = desk_claim_of_new_mention(
                document=span.document,
                actor=actor,
                start=span.start,
                end=span.end,
                text=span.text,
            )
        if span.review_status == ReviewStatus.APPROVED:
            # What a moderator approved is no longer what the span says.
            span.review_status = ReviewStatus.PENDING
            span.reviewed_by, span.reviewed_at, span.review_reason = None, None, ""
        span.version += 1
        full_clean(span)
        span.save()
        after = span_snapshot(span)
        if span.desk_claim_id != desk_claim_before:
            # The label took it out of its desk claim, or made it a mention of one.
            before, after = (
                before | {"desk_claim": desk_claim_before},
                after | {"desk_claim": span.desk_claim_id},
            )
        record_event(
            project_id=span.document.project_id,
            obj=span,
            action="update",
            actor=actor,
            before=before,
            after=after,
        )
    return span


def span_delete(*, span: Span, actor: User, version: int | None = None) -> Span:
    """Soft delete: the span disappears from pages and exports; a moderator can restore it."""
    with transaction.atomic():
        span = lock_span(span, version)
        if not policy.can_edit_span(actor, span):
            raise NotAllowed("Only the span's author or a moderator of the project can delete it.")
        if span.deleted_at is None:
            _set_deleted(span, actor, timezone.now(), action="delete")
    return span


def span_restore(*, span: Span, actor: User) -> Span:
    """Bring a soft-deleted span back (the author's undo, or a moderator's restore)."""
    with transaction.atomic():
        span = lock_span(span, None)
        if not policy.can_edit_span(actor, span):
            raise NotAllowed("Only the span's author or a moderator of the project can restore it.")
        if span.deleted_at is None:
            return span
        if _live_twin_exists(span):
            raise Conflict("An identical span was made since this one was deleted.")
        _set_deleted(span, actor, None, action="restore")
    return span


def mention_move(
    *, span: Span, actor: User, desk_claim: DeskClaim | None, version: int | None = None
) -> Span:
    """Make a CLAIM a mention of another desk claim of its project (any member may: the desk
    claims are the desk's), or, with `desk_claim` None, of a new one worded as its text. The
    desk claim it leaves stays, with its verdict and its other mentions."""
    with transaction.atomic():
        span = lock_span(span, version)
        project_id = span.document.project_id
        if not policy.can_edit_desk_claim(actor, project_id):
            raise NotAllowed("Only members of the project can move its claims.")
        if span.deleted_at is not None:
            raise Conflict("This span was deleted.", current=span_snapshot(span))
        if span.label != Label.CLAIM:
            raise ValidationError(
                f"Only a CLAIM is a mention of a desk claim; this span is a {span.label}.",
                field="desk_claim",
            )
        check_mention_target(desk_claim, label=span.label, project_id=project_id)
        if desk_claim is not None:
            if desk_claim.pk == span.desk_claim_id:
                return span
            desk_claim = lock_desk_claim(desk_claim)  # not merged into something going away
        before = {"desk_claim": span.desk_claim_id, "version": span.version}
        if desk_claim is None:
            desk_claim = desk_claim_of_text(project_id=project_id, actor=actor, text=span.text)
        span.desk_claim = desk_claim
        span.version += 1
        span.save(update_fields=["desk_claim", "version", "updated_at"])
        record_event(
            project_id=project_id,
            obj=span,
            action="move",
            actor=actor,
            before=before,
            after={"desk_claim": span.desk_claim_id, "version": span.version},
        )
    return span


def _live_twin_exists(span: Span) -> bool:
    """Another live span by the same author with the same label and range."""
    return (
        span.document.spans.filter(
            author=span.author_id,
            label=span.label,
            start=span.start,
            end=span.end,
            deleted_at__isnull=True,
        )
        .exclude(pk=span.pk)
        .exists()
    )


def _set_deleted(span: Span, actor: User, deleted_at: datetime | None, *, action: str) -> None:
    before = span_snapshot(span)
    span.deleted_at = deleted_at
    span.version += 1
    span.save(update_fields=["deleted_at", "version", "updated_at"])
    record_event(
        project_id=span.document.project_id,
        obj=span,
        action=action,
        actor=actor,
        before=before,
        after=span_snapshot(span),
    )
