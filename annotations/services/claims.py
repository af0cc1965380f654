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

from annotations import policy
from annotations.domain import claim as claim_domain
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import DeskClaim, Document, Label, Project
from annotations.services.common import (
    desk_claim_snapshot,
    full_clean,
    insert_recorded,
    record_event,
)

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


def desk_claim_of_new_mention(
    *, document: Document, actor: User | None, start: int, end: int, text: str
) -> DeskClaim:
    """The desk claim a new CLAIM over document.text[start:end] joins: that of a live CLAIM on
    the same words, else a new one worded as `text`. Call inside the span's transaction."""
    joined = (
        document.spans.filter(
            label=Label.CLAIM,
            start=start,
            end=end,
            deleted_at__isnull=True,
            desk_claim__isnull=False,
        )
        .order_by("id")
        .values_list("desk_claim_id", flat=True)
        .first()
    )
    if joined is not None:
        # Its verdict comes along: the new mention is answered with it.
        return DeskClaim.objects.select_related("verdict__author").get(pk=joined)
    return desk_claim_of_text(project_id=document.project_id, actor=actor, text=text)


def desk_claim_of_text(*, project_id: int, actor: User | None, text: str) -> DeskClaim:
    """A new desk claim worded as a CLAIM's text (the caller checked who may)."""
    return _create(project_id=project_id, actor=actor, wording=claim_domain.wording_of(text))
