"""Desk claims: make one, edit its wording (versioned, with history), and find the desk claim a
new CLAIM is a mention of. Moving a mention is a span's change (services.spans.mention_move).

Every live CLAIM span is a mention of one desk claim. A new CLAIM names its desk claim, or
joins the one of a live CLAIM on the same words of the same document (another reviewer's), or
starts a new one worded as its text. Two reviewers tagging the same words at the same instant
may each start one; moving a mention joins them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet

from annotations import policy
from annotations.domain import claim as claim_domain
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import DeskClaim, Document, Label, Project, Span
from annotations.services.common import (
    Source,
    desk_claim_snapshot,
    full_clean,
    insert_recorded,
    record_event,
    recorded_insert,
)
from factcheck.precompiled import Precompiled

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _wording(wording: str) -> str:
    try:
        return claim_domain.check_wording(wording)
    except claim_domain.WordingInvalid as exc:
        raise ValidationError(str(exc), field="wording") from None


def desk_claim_create(*, project: Project, actor: User | None, wording: str) -> DeskClaim:
    """A desk claim with no mentions yet (a CLAIM's own is made by desk_claim_of_new_mention).
    `actor` None: the system (a seed, an import without a person)."""
    if actor is not None and not policy.can_edit_desk_claim(actor, project):
        raise NotAllowed("Only members of the project can add desk claims.")
    return _create(project_id=project.pk, actor=actor, wording=_wording(wording))


def _create(*, project_id: int, actor: User | None, wording: str) -> DeskClaim:
    desk_claim = DeskClaim(project_id=project_id, wording=wording, created_by=actor)
    # The row and its record in one statement: no savepoint inside a new CLAIM's transaction.
    insert_recorded(
        obj=desk_claim, project_id=project_id, actor=actor, after=desk_claim_snapshot(desk_claim)
    )
    # A new desk claim has no verdict: known here, so the answer asks for none.
    DeskClaim.verdict.related.set_cached_value(desk_claim, None)
    return desk_claim


def lock_desk_claim(desk_claim: DeskClaim, version: int | None = None) -> DeskClaim:
    """Re-read the desk claim under a row lock; refuse if the caller's version is stale."""
    locked = DeskClaim.objects.select_for_update().get(pk=desk_claim.pk)
    if version is not None and locked.version != version:
        raise Conflict(
            f"This desk claim was changed by someone else (you had version {version}, "
            f"it is now version {locked.version}).",
            current=desk_claim_snapshot(locked),
        )
    return locked


def desk_claim_update(
    *, desk_claim: DeskClaim, actor: User, version: int, wording: str
) -> DeskClaim:
    """Edit the canonical wording. `version` is the one the caller read."""
    wording = _wording(wording)
    with transaction.atomic():
        desk_claim = lock_desk_claim(desk_claim, version)
        if not policy.can_edit_desk_claim(actor, desk_claim.project_id):
            raise NotAllowed("Only members of the project can edit its desk claims.")
        if desk_claim.wording == wording:
            return desk_claim
        before = desk_claim_snapshot(desk_claim)
        desk_claim.wording = wording
        desk_claim.version += 1
        full_clean(desk_claim, exclude=["search_vector"])
        desk_claim.save(update_fields=["wording", "version", "updated_at"])
        record_event(
            project_id=desk_claim.project_id,
            obj=desk_claim,
            action="update",
            actor=actor,
            before=before,
            after=desk_claim_snapshot(desk_claim),
        )
    return desk_claim


def check_mention_target(
    desk_claim: DeskClaim | None, *, label: str, project_id: int
) -> DeskClaim | None:
    """A desk claim a span may be a mention of: only a CLAIM is, and only of its project's."""
    if desk_claim is None:
        return None
    if label != Label.CLAIM:
        raise ValidationError(
            f"Only a CLAIM is a mention of a desk claim; this span is a {label}.",
            field="desk_claim",
        )
    if desk_claim.project_id != project_id:
        raise ValidationError(
            f"There is no desk claim {desk_claim.pk} in this project.", field="desk_claim"
        )
    return desk_claim


def _first_mention_on(document_id: int, start: int, end: int) -> QuerySet[Span, int]:
    """The desk claim a new CLAIM over a document's start:end joins, if any: that of the first
    live CLAIM made on the same words."""
    return (
        Span.objects.filter(
            document_id=document_id,
            label=Label.CLAIM,
            start=start,
            end=end,
            deleted_at__isnull=True,
            desk_claim__isnull=False,
        )
        .order_by("id")
        .values_list("desk_claim_id", flat=True)[:1]
    )


# Compiled once: a new CLAIM's own statement reads it (new_mention_source).
_FIRST_MENTION_ON = Precompiled(_first_mention_on, kinds=(int, int, int))


def desk_claim_of_new_mention(
    *, document: Document, actor: User | None, start: int, end: int, text: str
) -> DeskClaim:
    """The desk claim a new CLAIM over document.text[start:end] joins: that of a live CLAIM on
    the same words, else a new one worded as `text`. Call inside the span's transaction."""
    joined = _first_mention_on(document.pk, start, end).first()
    if joined is not None:
        return _joined(joined)
    return desk_claim_of_text(project_id=document.project_id, actor=actor, text=text)


def _joined(desk_claim_id: int) -> DeskClaim:
    # Its verdict comes along: the new mention is answered with it.
    return DeskClaim.objects.select_related("verdict__author").get(pk=desk_claim_id)


def new_mention_source(
    *, document: Document, actor: User | None, start: int, end: int, text: str
) -> tuple[Source, DeskClaim]:
    """desk_claim_of_new_mention as SQL written ahead of the new CLAIM's own INSERT, so the span,
    its desk claim when it makes one, and their history records are one statement (PostgreSQL;
    insert_recorded's `source`): the same rule, the same-words lookup compiled from the same
    queryset. Gives the Source and the desk claim it would make; mention_claim reads what the
    statement returned."""
    joined_sql, values = _FIRST_MENTION_ON.sql(document.pk, start, end)
    made = DeskClaim(
        project_id=document.project_id, wording=claim_domain.wording_of(text), created_by=actor
    )
    made_sql, made_values = recorded_insert(
        obj=made,
        project_id=document.project_id,
        actor=actor,
        after=desk_claim_snapshot(made),
        name="made",
        tail="WHERE NOT EXISTS (SELECT FROM joined)",
    )
    # The same-words lookup, the desk claim made only when it found none, and the one the
    # span takes; names from the models, every value bound.
    sql = (
        f"joined AS ({joined_sql}), {made_sql}, claim AS (SELECT desk_claim_id AS id,"  # noqa: S608
        " false AS made FROM joined UNION ALL SELECT id, true FROM made)"
    )
    source = Source(
        sql=sql,
        values=values + made_values,
        name="claim",
        columns=(("desk_claim_id", "claim.id"),),
        returned="claim.id, claim.made",
    )
    return source, made


def mention_claim(made: DeskClaim, returned: tuple[int, bool]) -> DeskClaim:
    """The desk claim a new_mention_source statement gave the span: the one it made (which has
    no verdict: the answer asks for none), or the one it joined."""
    desk_claim_id, was_made = returned
    if not was_made:
        return _joined(desk_claim_id)
    made.pk = desk_claim_id
    made._state.adding, made._state.db = False, DeskClaim.objects.db
    DeskClaim.verdict.related.set_cached_value(made, None)
    return made


def desk_claim_of_text(*, project_id: int, actor: User | None, text: str) -> DeskClaim:
    """A new desk claim worded as a CLAIM's text (the caller checked who may)."""
    return _create(project_id=project_id, actor=actor, wording=claim_domain.wording_of(text))
