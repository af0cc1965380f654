"""Moderation: approve, reject or reopen spans and verdicts, one at a time or in bulk.

A review records who decided, when and why (a rejection needs a reason), bumps the version so a
reviewer's stale edit is refused, and writes an AuditEvent with the state before and after. The
bulk variants take any number of rows in a fixed number of queries: one locking read, one
UPDATE, one INSERT of the history rows, so approving a thousand spans is as cheap as approving
ten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from annotations import policy
from annotations.domain import span as span_domain
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import AuditEvent, Membership, Project, ReviewStatus, Role, Span, Verdict
from annotations.services.common import (
    check_storable,
    record_event,
    span_snapshot,
    verdict_snapshot,
)
from annotations.services.people import membership_set
from annotations.services.spans import lock_span

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User

# A span or verdict as its history records it.
Snapshot = Callable[[Any], dict[str, Any]]

MAX_REASON_LENGTH = 2000

# The history's action names: what a moderator did, readable in the audit log as it stands.
REVIEW_FIELDS = ("review_status", "review_reason", "reviewed_by", "reviewed_at")
REVIEW_ACTIONS = {
    ReviewStatus.APPROVED: "approve",
    ReviewStatus.REJECTED: "reject",
    ReviewStatus.PENDING: "reopen",
}

# What a span snapshot needs, and nothing more (a bulk read leaves the long fields alone).
_SPAN_FIELDS = ("id", *span_domain.HISTORY_SOURCES, "author_id")


def _clean_review(status: str, reason: str) -> str:
    if status not in ReviewStatus.values:
        raise ValidationError(
            f"Unknown review status {status!r}; choose one of {', '.join(ReviewStatus.values)}.",
            field="status",
        )
    reason = (reason or "").strip()
    check_storable(reason, field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            f"The reason has {len(reason)} characters; the limit is {MAX_REASON_LENGTH}.",
            field="reason",
        )
    if status == ReviewStatus.REJECTED and not reason:
        raise ValidationError("A rejection needs a reason the reviewer can act on.", field="reason")
    if status == ReviewStatus.PENDING:
        reason = ""  # reopening clears the last decision
    return reason


def _apply(obj: Span | Verdict, *, status: str, reason: str, actor: User, now: datetime) -> None:
    obj.review_status = status
    obj.review_reason = reason
    if status == ReviewStatus.PENDING:
        obj.reviewed_by, obj.reviewed_at = None, None
    else:
        obj.reviewed_by, obj.reviewed_at = actor, now
    obj.version += 1


def span_review(
    *, span: Span, actor: User, status: str, reason: str = "", version: int | None = None
) -> Span:
    """Approve, reject (with a reason) or reopen one span. `version`, if given, must be the one
    the moderator looked at: a span edited since then is refused (409) rather than approved
    unseen."""
    reason = _clean_review(status, reason)
    with transaction.atomic():
        span = lock_span(span, version)
        if not policy.can_review(actor, span.document.project_id):
            raise NotAllowed("Only a moderator of the project can review its spans.")
        if span.deleted_at is not None:
            raise Conflict("This span was deleted; restore it before reviewing it.")
        if span.review_status == status and span.review_reason == reason:
            return span
        _save_review(
            span,
            span_snapshot,
            project_id=span.document.project_id,
            status=status,
            reason=reason,
            actor=actor,
        )
    return span


def verdict_review(
    *, verdict: Verdict, actor: User, status: str, reason: str = "", version: int | None = None
) -> Verdict:
    """Approve, reject (with a reason) or reopen one verdict."""
    reason = _clean_review(status, reason)
    with transaction.atomic():
        verdict = (
            Verdict.objects.select_for_update(of=("self",))
            .select_related("desk_claim")
            .get(pk=verdict.pk)
        )
        if version is not None and verdict.version != version:
            raise Conflict(
                f"This verdict was changed by someone else (you had version {version}, "
                f"it is now version {verdict.version}).",
                current=verdict_snapshot(verdict),
            )
        project_id = verdict.desk_claim.project_id
        if not policy.can_review(actor, project_id):
            raise NotAllowed("Only a moderator of the project can review its verdicts.")
        if verdict.review_status == status and verdict.review_reason == reason:
            return verdict
        _save_review(
            verdict,
            verdict_snapshot,
            project_id=project_id,
            status=status,
            reason=reason,
            actor=actor,
        )
    return verdict


def _save_review(
    obj: Span | Verdict,
    snapshot: Snapshot,
    *,
    project_id: int,
    status: str,
    reason: str,
    actor: User,
) -> None:
    """Apply one review decision to a span or verdict, save it and record its history."""
    before = snapshot(obj)
    _apply(obj, status=status, reason=reason, actor=actor, now=timezone.now())
    obj.save(update_fields=[*REVIEW_FIELDS, "version", "updated_at"])
    record_event(
        project_id=project_id,
        obj=obj,
        action=REVIEW_ACTIONS[ReviewStatus(status)],
        actor=actor,
        before=before,
        after=snapshot(obj),
    )


def _ids(items: QuerySet | Iterable[Any]) -> list[int]:
    if isinstance(items, QuerySet):
        return list(items.values_list("pk", flat=True))
    return [item if isinstance(item, int) else item.pk for item in items]


def _check_projects(actor: User, project_ids: set[int], what: str) -> None:
    refused = sorted(pid for pid in project_ids if not policy.can_review(actor, pid))
    if refused:
        raise NotAllowed(
            f"You are not a moderator of every project these {what} belong to "
            f"(project ids {', '.join(map(str, refused))}); nothing was changed."
        )


def span_review_bulk(
    *, spans: QuerySet[Span] | Iterable[Span | int], actor: User, status: str, reason: str = ""
) -> dict[str, int]:
    """Review many spans at once, all or nothing. Deleted spans and spans already in that state
    are skipped. Returns {"changed": n, "skipped": m}."""
    reason = _clean_review(status, reason)
    ids = _ids(spans)
    if not ids:
        return {"changed": 0, "skipped": 0}
    now = timezone.now()
    with transaction.atomic():
        # One read, locking the rows (not their documents) so no edit slips in between.
        rows = list(
            Span.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .annotate(project_id=F("document__project_id"))
            .only(*_SPAN_FIELDS)
            .order_by("pk")
        )
        _check_projects(actor, {row.project_id for row in rows}, "spans")
        todo = [
            row
            for row in rows
            if row.deleted_at is None
            and not (row.review_status == status and row.review_reason == reason)
        ]
        _write_reviews(
            Span, todo, span_snapshot, status=status, reason=reason, actor=actor, now=now
        )
    return {"changed": len(todo), "skipped": len(ids) - len(todo)}


def _write_reviews(
    model: type[Span] | type[Verdict],
    rows: list,
    snapshot: Snapshot,
    *,
    status: str,
    reason: str,
    actor: User,
    now: datetime,
) -> None:
    """One UPDATE for the rows and one INSERT of their history, whatever their number."""
    if not rows:
        return
    events = []
    for row in rows:
        before = snapshot(row)
        _apply(row, status=status, reason=reason, actor=actor, now=now)
        events.append(
            AuditEvent(
                project_id=row.project_id,
                object_type=model.__name__.lower(),
                object_id=row.pk,
                action=REVIEW_ACTIONS[ReviewStatus(status)],
                actor=actor,
                before=before,
                after=snapshot(row),
            )
        )
    model.objects.filter(pk__in=[row.pk for row in rows]).update(
        review_status=status,
        review_reason=reason,
        reviewed_by=None if status == ReviewStatus.PENDING else actor,
        reviewed_at=None if status == ReviewStatus.PENDING else now,
        version=F("version") + 1,
        updated_at=now,
    )
    AuditEvent.objects.bulk_create(events)


def verdict_review_bulk(
    *,
    verdicts: QuerySet[Verdict] | Iterable[Verdict | int],
    actor: User,
    status: str,
    reason: str = "",
) -> dict[str, int]:
    """Review many verdicts at once, all or nothing, in a fixed number of queries."""
    reason = _clean_review(status, reason)
    ids = _ids(verdicts)
    if not ids:
        return {"changed": 0, "skipped": 0}
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Verdict.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .annotate(project_id=F("desk_claim__project_id"))
            .order_by("pk")
        )
        _check_projects(actor, {row.project_id for row in rows}, "verdicts")
        todo = [
            row for row in rows if not (row.review_status == status and row.review_reason == reason)
        ]
        _write_reviews(
            Verdict, todo, verdict_snapshot, status=status, reason=reason, actor=actor, now=now
        )
    return {"changed": len(todo), "skipped": len(ids) - len(todo)}


# --- people: the admin's membership edits, with history --------------------------------------


def _membership_snapshot(membership: Membership | None) -> dict | None:
    if membership is None:
        return None
    return {"user": membership.user.get_username(), "role": membership.role}


def membership_assign(*, project: Project, user: User, role: str, actor: User) -> Membership:
    """Give a user a role in a project (superusers, in the admin). A moderator also gets staff
    status, because the admin is the moderators' tool; staff status alone grants nothing."""
    if not policy.can_manage_people(actor):
        raise NotAllowed("Only a superuser can change who belongs to a project.")
    with transaction.atomic():
        before = _membership_snapshot(
            Membership.objects.filter(project=project, user=user).select_related("user").first()
        )
        membership = membership_set(project=project, user=user, role=role)
        if role == Role.MODERATOR and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        after = _membership_snapshot(membership)
        if before != after:
            AuditEvent.objects.create(
                project=project,
                object_type="membership",
                object_id=membership.pk,
                action="assign" if before else "add",
                actor=actor,
                before=before,
                after=after,
            )
    return membership


def membership_remove(*, membership: Membership, actor: User) -> None:
    """Take a user out of a project. Their spans, ratings and verdicts stay (authors are
    PROTECTed)."""
    if not policy.can_manage_people(actor):
        raise NotAllowed("Only a superuser can change who belongs to a project.")
    with transaction.atomic():
        AuditEvent.objects.create(
            project_id=membership.project_id,
            object_type="membership",
            object_id=membership.pk,
            action="remove",
            actor=actor,
            before=_membership_snapshot(membership),
            after=None,
        )
        user = membership.user
        membership.delete()
        policy.forget_roles(user)
