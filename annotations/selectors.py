"""Reads shared by the pages and the API, scoped to what the user may see.

Every queryset here starts from the user's memberships: an object outside them does not exist
for that user (views answer 404, not 403).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from annotations.models import AuditEvent, Document, Project, Span, Suggestion, SuggestionRun

if TYPE_CHECKING:
    from annotations.export import Group


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
        # verdict__author too: the span's verdict is shown with its author's name, and without
        # it every verdict would cost one more query (the workspace page must not grow with spans).
        .select_related("author", "verdict", "verdict__author")
        .order_by("start", "end", "id")
    )


def object_history(*, object_type: str, object_id: int) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def suggestions_for(user) -> QuerySet[Suggestion]:
    if not user.is_authenticated:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(document__project__memberships__user=user).select_related(
        "document"
    )


def document_suggestions(
    document: Document, *, status: str | None = "open"
) -> QuerySet[Suggestion]:
    suggestions = document.suggestions.all()
    if status:
        suggestions = suggestions.filter(status=status)
    return suggestions.order_by("start", "end", "id")


def document_runs(document: Document) -> QuerySet[SuggestionRun]:
    return document.suggestion_runs.order_by("-created_at", "-id")


# --- The reviewer's workspace (issue 3) ---------------------------------------------------------


def spans_with_deleted_for(user) -> QuerySet[Span]:
    """Spans in the user's projects, soft-deleted ones included: what an undo may restore."""
    if not user.is_authenticated:
        return Span.objects.none()
    return Span.objects.filter(document__project__memberships__user=user).select_related(
        "document__project"
    )


def document_overview(user, *, project: Project, search: str = "") -> QuerySet[Document]:
    """The project's documents for its list page: counts by label (document_list), a search on
    title and outlet, and how far the review has come (spans decided by a moderator, claims
    with a verdict)."""
    live = Q(spans__deleted_at__isnull=True)
    documents = document_list(user, project=project).annotate(
        reviewed_count=Count("spans", filter=live & ~Q(spans__review_status="pending")),
        rejected_count=Count("spans", filter=live & Q(spans__review_status="rejected")),
        verdict_count=Count(
            "spans", filter=live & Q(spans__label="CLAIM", spans__verdict__isnull=False)
        ),
    )
    search = search.strip()
    if search:
        documents = documents.filter(Q(title__icontains=search) | Q(outlet__icontains=search))
    return documents


# --- exports and filtered span lists (issue 6) ---------------------------------------------
# The export reads two server-side cursors side by side, both ordered by document id: the
# spans (with their author and verdict, joined) and the documents that have any of them. The
# number of queries grows with the number of chunks, never with the number of rows.


def project_spans(user, *, project: Project) -> QuerySet[Span]:
    """Live spans of one project. Empty unless the user is a member of the project, so no
    filter applied on top (api/filters.py) can reach another project's rows."""
    if not user.is_authenticated or not projects_for(user).filter(pk=project.pk).exists():
        return Span.objects.none()
    return Span.objects.filter(document__project=project, deleted_at__isnull=True)


_SPAN_EXPORT_FIELDS = (
    "document_id",
    "id",
    "label",
    "start",
    "end",
    "text",
    "prefix",
    "suffix",
    "speaker",
    "note",
    "author__username",
    "suggestion_id",
    "review_status",
    "reviewed_at",
    "created_at",
    "updated_at",
    "verdict__id",
    "verdict__rating",
    "verdict__rationale",
    "verdict__evidence_links",
    "verdict__author__username",
    "verdict__review_status",
    "verdict__reviewed_at",
    "verdict__updated_at",
)
_DOCUMENT_EXPORT_FIELDS = (
    "id",
    "title",
    "outlet",
    "author",
    "source_url",
    "published_on",
    "external_id",
    "metadata",
    "text",
    "created_at",
)


def export_groups(
    spans: QuerySet[Span], *, approved_verdicts_only: bool, chunk_size: int = 5000
) -> Iterator[Group]:
    """The spans grouped by document, each with its document's text, streamed.

    A generator: the transaction (which server-side cursors need) stays open while the caller
    consumes it and closes when it is exhausted or closed.
    """
    span_rows = spans.order_by("document_id", "start", "end", "id").values_list(
        *_SPAN_EXPORT_FIELDS
    )
    documents = (
        Document.objects.filter(pk__in=spans.order_by().values("document_id"))
        .order_by("pk")
        .values_list(*_DOCUMENT_EXPORT_FIELDS)
    )
    with transaction.atomic():
        document_rows = documents.iterator(chunk_size=max(1, chunk_size // 50))
        span_rows_iter = span_rows.iterator(chunk_size=chunk_size)
        try:
            yield from _merge(span_rows_iter, document_rows, approved_verdicts_only)
        finally:
            # Close the cursors while their transaction is still open.
            span_rows_iter.close()
            document_rows.close()


def _merge(span_rows, document_rows, approved_verdicts_only: bool) -> Iterator[Group]:
    from annotations.export import DocumentRow, Group, SpanRow, VerdictRow

    ahead = next(document_rows, None)  # the next document row, read ahead
    group: Group | None = None
    skipping: int | None = None
    for row in span_rows:
        document_id = row[0]
        if group is None or document_id != group.document.id:
            if document_id == skipping:
                continue
            if group is not None:
                yield group
                group = None
            while ahead is not None and ahead[0] < document_id:
                ahead = next(document_rows, None)
            if ahead is None or ahead[0] != document_id:
                # The document went away between the two reads: its spans went with it.
                skipping = document_id
                continue
            group = Group(DocumentRow(*ahead), [])
        verdict = None
        if row[16] is not None and (not approved_verdicts_only or row[21] == "approved"):
            verdict = VerdictRow(*row[17:24])
        group.spans.append(
            SpanRow(
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                row[8],
                row[9],
                row[10],
                f"suggestion:{row[11]}" if row[11] else "manual",
                row[12],
                row[13],
                row[14],
                row[15],
                verdict,
            )
        )
    if group is not None:
        yield group
