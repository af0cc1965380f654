"""Reads for the reviewer's workspace beyond its first paint: what changed on a document since
the page last asked (the live poll), the reviewer's own recently deleted spans, and the inbox of
moderators' decisions on the reviewer's work. Scoped like annotations.selectors: the caller
fetched the document through documents_for; the inbox reads only the user's own work in live
documents of the user's projects."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Max, QuerySet, Value, When

from annotations.models import Document, ReviewStatus, Span, Verdict

RECENTLY_DELETED = 50  # the workspace lists this many of one's own deleted spans, newest first
INBOX_SIZE = 200


def document_live_tag(document: Document) -> str:
    """A fingerprint of everything the workspace paints of a document: its spans (live and
    deleted: a delete bumps the row's updated_at) and the verdicts of their desk claims. Any
    create, edit, delete, restore, review or verdict change alters it, so an unchanged tag is a
    304 without reading a span. One aggregate over the document's spans (its index)."""
    found = document.spans.aggregate(
        spans=Count("id"),
        spans_at=Max("updated_at"),
        verdicts=Count("desk_claim__verdict"),
        verdicts_at=Max("desk_claim__verdict__updated_at"),
    )

    def stamp(value) -> str:
        return "0" if value is None else f"{value.timestamp():.6f}"

    return (
        f'W/"{document.pk}-{found["spans"]}-{stamp(found["spans_at"])}'
        f'-{found["verdicts"]}-{stamp(found["verdicts_at"])}"'
    )


def my_deleted_spans(document: Document, user) -> QuerySet[Span]:
    """The user's own deleted spans in this document, most recently deleted first."""
    return (
        document.spans.filter(author=user, deleted_at__isnull=False)
        .select_related("author", "desk_claim__verdict__author")
        .order_by("-deleted_at", "-id")[:RECENTLY_DELETED]
    )


def _rejected_first():
    return Case(
        When(review_status=ReviewStatus.REJECTED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def inbox_spans(user) -> QuerySet[Span]:
    """Moderators' decisions on the user's live spans: rejections first, newest first."""
    if not user.is_authenticated:
        return Span.objects.none()
    return (
        Span.objects.filter(
            author=user,
            deleted_at__isnull=True,
            document__deleted_at__isnull=True,
            document__project__memberships__user=user,
            review_status__in=[ReviewStatus.APPROVED, ReviewStatus.REJECTED],
        )
        .select_related("document", "reviewed_by")
        .annotate(rejected_first=_rejected_first())
        .order_by("rejected_first", "-reviewed_at", "-id")
    )


def inbox_verdicts(user) -> QuerySet[Verdict]:
    """Moderators' decisions on the verdicts the user set: rejections first, newest first."""
    if not user.is_authenticated:
        return Verdict.objects.none()
    return (
        Verdict.objects.filter(
            author=user,
            desk_claim__project__memberships__user=user,
            review_status__in=[ReviewStatus.APPROVED, ReviewStatus.REJECTED],
        )
        .select_related("desk_claim", "reviewed_by")
        .annotate(rejected_first=_rejected_first())
        .order_by("rejected_first", "-reviewed_at", "-id")
    )


def inbox_rejected_count(user) -> int:
    """What the header counts: the user's work a moderator rejected and that still stands so."""
    if not user.is_authenticated:
        return 0
    spans = inbox_spans(user).filter(review_status=ReviewStatus.REJECTED).count()
    verdicts = inbox_verdicts(user).filter(review_status=ReviewStatus.REJECTED).count()
    return spans + verdicts
