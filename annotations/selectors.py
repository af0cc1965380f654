"""Reads shared by the pages and the API, scoped to what the user may see.

Every queryset here starts from the user's memberships: an object outside them does not exist
for that user (views answer 404, not 403).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from annotations.models import AuditEvent, Document, Project, Span


def projects_for(user) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user=user)


def documents_for(user) -> QuerySet[Document]:
    if not user.is_authenticated:
        return Document.objects.none()
    return Document.objects.filter(project__memberships__user=user)


def document_list(user, *, project: Project) -> QuerySet[Document]:
    """A project's documents without their text, with span counts per label."""
    live = Q(spans__deleted_at__isnull=True)
    return (
        documents_for(user)
        .filter(project=project)
        .defer("text")
        .annotate(
            span_count=Count("spans", filter=live),
            claim_count=Count("spans", filter=live & Q(spans__label="CLAIM")),
            quote_count=Count("spans", filter=live & Q(spans__label="QUOTE")),
            opinion_count=Count("spans", filter=live & Q(spans__label="OPINION")),
        )
        .order_by("-created_at", "-id")
    )


def spans_for(user) -> QuerySet[Span]:
    """Live (not deleted) spans in the user's projects."""
    if not user.is_authenticated:
        return Span.objects.none()
    return Span.objects.filter(
        document__project__memberships__user=user, deleted_at__isnull=True
    ).select_related("document")


def document_spans(document: Document) -> QuerySet[Span]:
    """A document's live spans with what the page and the API show of each, in one query."""
    return (
        document.spans.filter(deleted_at__isnull=True)
        .select_related("author", "verdict")
        .order_by("start", "end", "id")
    )


def object_history(*, object_type: str, object_id: int) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("created_at", "id")
    )


# --- moderation -----------------------------------------------------------------------------


def spans_with_deleted_for(user) -> QuerySet[Span]:
    """Spans in the user's projects, soft-deleted ones too (restore needs to find them)."""
    if not user.is_authenticated:
        return Span.objects.none()
    return Span.objects.filter(document__project__memberships__user=user).select_related("document")
