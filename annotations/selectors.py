"""Reads shared by the pages and the API, scoped to what the user may see.

Every queryset here starts from the user's memberships: an object outside them does not exist
for that user (views answer 404, not 403). A soft-deleted document, and everything on it, does
not exist for them either (documents_for, spans_for ... leave it out), except where a moderator
restores it (documents_with_deleted_for).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack
from itertools import chain, count, groupby, islice
from operator import itemgetter
from typing import cast

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Count, F, FilteredRelation, Max, Min, Q, QuerySet

from annotations.domain import bounds
from annotations.domain import match as match_domain
from annotations.domain import span as span_domain
from annotations.export.rows import (
    DESK_CLAIM_SOURCES,
    DOCUMENT_ID,
    NARROW_COLUMNS,
    NARROW_DOCUMENT_ID,
    SPAN_COLUMNS,
    SUGGESTION_COLUMNS,
    VERDICT_SOURCES,
    DocumentRow,
    Group,
    SpanRow,
    SuggestionRow,
)
from annotations.models import (
    AuditEvent,
    ClaimCheckMatch,
    ClaimRating,
    DeskClaim,
    Document,
    FactCheck,
    ImportJob,
    OutletMatch,
    Project,
    ReviewStatus,
    Span,
    Story,
    StoryStatus,
    Suggestion,
    SuggestionRun,
)
from annotations.read_ahead import ReadAhead
from annotations.search import search_documents
from annotations.suggest.calibration import MIN_DECISIONS, acceptance_threshold


def counted_reviewer(path: str = "") -> Q:
    """What makes an account a reviewer whose work is compared: it can log in (active, with a
    usable password). The seed examples' author ("annotation-guide") cannot: its spans are
    examples, not a second opinion, so agreement, the dashboard and the review page's
    disagreements leave them out. `path` leads to the user from the queried model
    ("author__"). The one definition: every count of reviewers asks it."""
    return Q(**{f"{path}is_active": True}) & ~Q(
        **{f"{path}password__startswith": UNUSABLE_PASSWORD_PREFIX}
    )


def projects_for(user) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user=user)


# A live mention: the span is not deleted and neither is its article.
LIVE_MENTION = Q(mentions__deleted_at__isnull=True, mentions__document__deleted_at__isnull=True)


def documents_for(user) -> QuerySet[Document]:
    """Live (not deleted) documents in the user's projects."""
    if not user.is_authenticated:
        return Document.objects.none()
    return Document.objects.filter(project__memberships__user=user, deleted_at__isnull=True)


def documents_with_role(user) -> QuerySet[Document]:
    """The documents the user may see, each with the user's role in its project, read from
    the membership the scoping joins anyway: the permission check that follows asks nothing."""
    return documents_for(user).annotate(requester_role=F("project__memberships__role"))


def documents_with_deleted_for(user) -> QuerySet[Document]:
    """Documents in the user's projects, soft-deleted ones included: what a restore may find."""
    if not user.is_authenticated:
        return Document.objects.none()
    return Document.objects.filter(project__memberships__user=user)


def import_jobs_for(user) -> QuerySet[ImportJob]:
    """Import jobs of the user's projects: every member sees the project's jobs."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(project__memberships__user=user).select_related("project")


def project_documents(user, *, project: Project) -> QuerySet[Document]:
    """A project's live documents."""
    return documents_for(user).filter(project=project)


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


def document_overview(user, *, project: Project, search: str = "") -> QuerySet[Document]:
    """The project's documents for its list page: counts by label (document_list), how far the
    review has come (spans decided by a moderator, claims with a verdict) and, with `search`,
    only those whose words or live spans match it, best first (annotations.search)."""
    live = Q(spans__deleted_at__isnull=True)
    documents = document_list(user, project=project).annotate(
        reviewed_count=Count("spans", filter=live & ~Q(spans__review_status="pending")),
        rejected_count=Count("spans", filter=live & Q(spans__review_status="rejected")),
        verdict_count=Count(
            "spans",
            filter=live & Q(spans__label="CLAIM", spans__desk_claim__verdict__isnull=False),
        ),
    )
    return search_documents(documents, search)


# --- stories ----------------------------------------------------------------------------------


def stories_for(user) -> QuerySet[Story]:
    if not user.is_authenticated:
        return Story.objects.none()
    return Story.objects.filter(project__memberships__user=user)


def project_stories(user, *, project: Project) -> QuerySet[Story]:
    """A project's stories, latest activity first, with how many documents (and outlets) each
    has, how many are still only proposed, and the dates they span."""
    live = Q(documents__deleted_at__isnull=True)
    return (
        stories_for(user)
        .filter(project=project)
        .annotate(
            document_count=Count("documents", distinct=True, filter=live),
            outlet_count=Count(
                "documents__outlet", distinct=True, filter=live & ~Q(documents__outlet="")
            ),
            proposed_count=Count(
                "documents",
                distinct=True,
                filter=live & Q(documents__story_status=StoryStatus.PROPOSED),
            ),
            first_published=Min("documents__published_on", filter=live),
            last_published=Max("documents__published_on", filter=live),
        )
        .order_by("-updated_at", "-id")
    )


def story_documents(user, *, story: Story) -> QuerySet[Document]:
    """The story's documents by outlet, then date (undated last), with the counts the project
    page shows of each (document_overview)."""
    return (
        document_overview(user, project=story.project)
        .filter(story=story)
        .order_by("outlet", F("published_on").asc(nulls_last=True), "created_at", "id")
    )


def story_members(story: Story) -> QuerySet[Document]:
    """The story's live documents (a deleted one stays in its story, out of sight, so that a
    restore brings it back where it was): what the story's forms may name."""
    return story.documents.filter(deleted_at__isnull=True)


def story_history(story: Story, *, document_ids: list[int]) -> QuerySet[AuditEvent]:
    """What happened to the story and to its documents' place in stories, newest first."""
    return (
        AuditEvent.objects.filter(
            Q(object_type="story", object_id=story.pk)
            | Q(object_type="document", object_id__in=document_ids, action__startswith="story_")
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


# --- outlet matches: the same quote, claim or number in two articles of a story --------------

_MATCH_DOCUMENT_FIELDS = ("id", "title", "outlet", "published_on", "story", "project")


def _with_documents(
    matches: QuerySet[OutletMatch], *, extra: tuple[str, ...] = ()
) -> QuerySet[OutletMatch]:
    """The two articles' titles and outlets (what a match shows of them), not their texts."""
    fields = (*_MATCH_DOCUMENT_FIELDS, *extra)
    return matches.select_related("document_a", "document_b", "decided_by").only(
        *(f"{side}__{name}" for side in ("document_a", "document_b") for name in fields),
        *(f.name for f in OutletMatch._meta.concrete_fields),
        "decided_by__username",
    )


def outlet_matches_for(user) -> QuerySet[OutletMatch]:
    if not user.is_authenticated:
        return OutletMatch.objects.none()
    return OutletMatch.objects.filter(project__memberships__user=user)


def story_matches(
    story: Story, *, documents: Collection[int] | None = None
) -> QuerySet[OutletMatch]:
    """The matches between articles of the story (both still in it), optionally only among
    ``documents``, in reading order: by kind, then by place in the earlier article."""
    matches = OutletMatch.objects.filter(document_a__story=story, document_b__story=story)
    if documents is not None:
        matches = matches.filter(document_a_id__in=documents, document_b_id__in=documents)
    return _with_documents(matches).order_by(
        "kind", "document_a_id", "a_start", "document_b_id", "b_start", "id"
    )


def span_matches(span: Span) -> list[OutletMatch]:
    """The matches of the span's article (within its story, not dismissed) one side of which
    is the span's words (overlapping by half of the shorter at least), best first."""
    document = span.document
    if document.story_id is None:
        return []
    near = OutletMatch.objects.filter(
        Q(document_a=document, a_start__lt=span.end, a_end__gt=span.start)
        | Q(document_b=document, b_start__lt=span.end, b_end__gt=span.start),
        document_a__story_id=document.story_id,
        document_b__story_id=document.story_id,
    ).exclude(status=OutletMatch.Status.DISMISSED)

    def shared(match: OutletMatch) -> float:
        if match.document_a_id == document.pk:
            return match_domain.closeness(match.a_start, match.a_end, span.start, span.end)
        return match_domain.closeness(match.b_start, match.b_end, span.start, span.end)

    found = [(shared(m), m) for m in _with_documents(near).order_by("id")]
    return [m for score, m in sorted(found, key=lambda x: (-x[0], -x[1].score, x[1].pk)) if score]


def match_export_rows(project: Project, *, kinds: Collection[str] = (), story: int | None = None):
    """A project's confirmed matches for the export, oldest first, streamed in chunks."""
    matches = OutletMatch.objects.filter(project=project, status=OutletMatch.Status.CONFIRMED)
    if kinds:
        matches = matches.filter(kind__in=list(kinds))
    if story is not None:
        matches = matches.filter(document_a__story_id=story, document_b__story_id=story)
    return (
        _with_documents(matches, extra=("external_id", "source_url"))
        .order_by("id")
        .iterator(chunk_size=2000)
    )


def spans_for(user) -> QuerySet[Span]:
    """Live (not deleted) spans in the user's projects."""
    if not user.is_authenticated:
        return Span.objects.none()
    return Span.objects.filter(
        document__project__memberships__user=user,
        deleted_at__isnull=True,
        document__deleted_at__isnull=True,
    ).select_related("document")


def spans_with_deleted_for(user) -> QuerySet[Span]:
    """Spans of live documents in the user's projects, soft-deleted ones included: what an
    undo may restore."""
    if not user.is_authenticated:
        return Span.objects.none()
    return Span.objects.filter(
        document__project__memberships__user=user, document__deleted_at__isnull=True
    ).select_related("document__project")


# The order a document's spans are listed in, everywhere (the model's default ordering too).
SPAN_ORDER = ("start", "end", "id")


def document_spans(document: Document) -> QuerySet[Span]:
    """A document's live spans with what the page and the API show of each, in one query."""
    return (
        document.spans.filter(deleted_at__isnull=True)
        # The verdict of each CLAIM's desk claim is shown on it, with its author's name: joined
        # here, or every verdict would cost queries (the workspace page must not grow with spans).
        .select_related("author", "desk_claim__verdict__author")
        .order_by(*SPAN_ORDER)
    )


def project_spans(user, *, project: Project) -> QuerySet[Span]:
    """Live spans of one project. Empty unless the user is a member of the project, so no
    filter applied on top (api/filters.py) can reach another project's rows."""
    if not user.is_authenticated or not projects_for(user).filter(pk=project.pk).exists():
        return Span.objects.none()
    return Span.objects.filter(
        document__project=project, deleted_at__isnull=True, document__deleted_at__isnull=True
    )


# --- desk claims ---------------------------------------------------------------------------


def desk_claims_for(user) -> QuerySet[DeskClaim]:
    if not user.is_authenticated:
        return DeskClaim.objects.none()
    return DeskClaim.objects.filter(project__memberships__user=user)


def project_desk_claims(
    user, *, project: Project, mentions: str = "", search: str = ""
) -> QuerySet[DeskClaim]:
    """A project's desk claims with their live mention and rating counts and their verdict;
    `mentions` "some" or "none" keeps those with live mentions or without any left."""
    claims = (
        desk_claims_for(user)
        .filter(project=project)
        .select_related("verdict__author")
        .annotate(
            mention_count=Count("mentions", filter=LIVE_MENTION, distinct=True),
            rating_count=Count("ratings", distinct=True),
        )
    )
    if mentions == "some":
        claims = claims.filter(mention_count__gt=0)
    elif mentions == "none":
        claims = claims.filter(mention_count=0)
    search = search.strip()
    if search:
        claims = claims.filter(wording__icontains=search)
    return claims


def desk_claim_mentions(desk_claim: DeskClaim) -> QuerySet[Span]:
    """A desk claim's live mentions with their article's title, outlet and date, in one query,
    the earliest article first."""
    return (
        desk_claim.mentions.filter(deleted_at__isnull=True, document__deleted_at__isnull=True)
        .select_related("author", "document")
        .defer("document__text", "document__metadata")
        .order_by("document__published_on", "document__created_at", "document_id", "start", "id")
    )


def desk_claim_ratings(desk_claim: DeskClaim) -> QuerySet[ClaimRating]:
    return desk_claim.ratings.select_related("author").order_by("created_at", "id")


def object_history(*, object_type: str, object_id: int) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor")
        .order_by("created_at", "id")
    )


# --- already checked: fact-checks and the matches of a document's claims ------------------------


def fact_checks_for(user) -> QuerySet[FactCheck]:
    """Fact-checks without their stored vector (a worker's business, 1.5 kB a row)."""
    if not user.is_authenticated:
        return FactCheck.objects.none()
    return FactCheck.objects.filter(project__memberships__user=user).defer("vector")


def project_fact_checks(user, *, project: Project, search: str = "") -> QuerySet[FactCheck]:
    checks = fact_checks_for(user).filter(project=project)
    search = search.replace("\x00", "").strip()  # PostgreSQL text holds no NUL
    if search:
        checks = checks.filter(Q(claim_reviewed__icontains=search) | Q(publisher__icontains=search))
    return checks


def claim_checks_for(user) -> QuerySet[ClaimCheckMatch]:
    if not user.is_authenticated:
        return ClaimCheckMatch.objects.none()
    return ClaimCheckMatch.objects.filter(document__project__memberships__user=user)


CLAIM_CHECK_STATUSES = ("open", "confirmed", "dismissed")


def document_claim_checks(
    document: Document, *, status: str | None = "open", span: Span | None = None
) -> QuerySet[ClaimCheckMatch]:
    """A document's matches with what they matched, in one query, in text order, best first.
    Open ones only where they still stand: their claim is a live span or an open suggestion,
    and a desk claim they name still has a verdict the desk stands behind (not rejected)."""
    checks = document.claim_checks.all()
    if span is not None:
        checks = checks.filter(start=span.start, end=span.end)
    if status:
        checks = checks.filter(status=status)
    if status == ClaimCheckMatch.Status.OPEN:
        checks = checks.filter(
            Q(span__deleted_at__isnull=True, span__label="CLAIM")
            | Q(suggestion__status=Suggestion.Status.OPEN)
        ).filter(
            Q(fact_check__isnull=False)
            | Q(
                desk_claim__verdict__review_status__in=[ReviewStatus.PENDING, ReviewStatus.APPROVED]
            )
        )
    return (
        checks.select_related("desk_claim__verdict", "fact_check", "decided_by")
        .defer("fact_check__vector")
        .order_by("start", "end", "-score", "id")
    )


def suggestions_for(user) -> QuerySet[Suggestion]:
    if not user.is_authenticated:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(
        document__project__memberships__user=user, document__deleted_at__isnull=True
    ).select_related("document")


def document_suggestions(
    document: Document, *, status: str | None = "open"
) -> QuerySet[Suggestion]:
    suggestions = document.suggestions.all()
    if status:
        suggestions = suggestions.filter(status=status)
    return suggestions.order_by("start", "end", "id")


def document_runs(document: Document) -> QuerySet[SuggestionRun]:
    return document.suggestion_runs.order_by("-created_at", "-id")


# The latest decisions say what a desk accepts now: its habits and its suggesters change.
DECISION_WINDOW = 2000


def suggestion_decisions(project_id: int) -> list[tuple[float, bool]]:
    """The desk's latest decided suggestions: (the score it saw, accepted?)."""
    rows = (
        Suggestion.objects.filter(document__project_id=project_id)
        .exclude(status=Suggestion.Status.OPEN)
        .order_by("-decided_at", "-id")
        .values_list("score", "status")[:DECISION_WINDOW]
    )
    return [(score, status == Suggestion.Status.ACCEPTED) for score, status in rows]


def suggestion_display_threshold(project: Project) -> dict:
    """The score below which the workspace hides suggestions until the reviewer shows them: the
    moderators' setting, else the score above which the desk accepts most suggestions (its
    decisions), else calibration's default. ``source`` says which; ``decisions`` how many."""
    decisions = suggestion_decisions(project.pk)
    if project.suggestion_threshold is not None:
        return {
            "value": project.suggestion_threshold,
            "source": "project",
            "decisions": len(decisions),
        }
    value, n = acceptance_threshold(decisions)
    source = "decisions" if n >= MIN_DECISIONS else "default"
    return {"value": value, "source": source, "decisions": n}


# Exports. They read two server-side cursors side by side, both ordered by document id: the spans
# (with their author and verdict, joined) and the documents that have any of them. The number of
# queries grows with the number of chunks, never with the number of rows.


def _span_export_fields(verdict: str) -> tuple[str, ...]:
    """The span row's columns (annotations.export.rows.SPAN_COLUMNS), `verdict` the relation
    the verdict is read through."""
    return (
        *span_domain.EXPORT_SOURCES,
        "document_id",
        *(f"{verdict}__{source}" for source in VERDICT_SOURCES),
        *DESK_CLAIM_SOURCES,
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
    spans: QuerySet[Span],
    *,
    approved_verdicts_only: bool,
    chunk_size: int = 5000,
    with_suggestions: bool = False,
    narrow: bool = False,
    plain: bool = False,
    columns: Sequence[str] | None = None,
) -> Iterator[Group]:
    """The spans grouped by document, each with its document's text, streamed.

    A generator: the transaction (which server-side cursors need) stays open while the caller
    consumes it and closes when it is exhausted or closed.

    On PostgreSQL the rows are read straight off two server-side cursors as the database
    driver gives them (tuples, no model or per-field conversion): for a million spans Django's
    per-row conversion cost more than the database and the formatting together. The span rows
    are fetched a batch ahead (ReadAhead): PostgreSQL produces the next batch while the format
    writes this one.

    with_suggestions: each group also gets its document's open suggestions, from a third
    cursor read alongside.
    narrow: each span row holds NARROW_COLUMNS only (and no verdict is joined).
    plain: the span rows are the driver's tuples as they are, not wrapped in SpanRow.
    columns: each span row holds these of SPAN_COLUMNS only, in this order (a format's
    ROW_COLUMNS: NARROW_COLUMNS first, then what it reads, "document_id" among them).
    """
    if narrow:
        fields: tuple[str, ...] = (*NARROW_COLUMNS, "document_id")
        document_at = NARROW_DOCUMENT_ID
    else:
        if approved_verdicts_only:
            # A verdict goes out only once approved: the join itself leaves the others out.
            spans = spans.annotate(
                exported_verdict=FilteredRelation(
                    "desk_claim__verdict",
                    condition=Q(desk_claim__verdict__review_status=ReviewStatus.APPROVED),
                )
            )
            verdict = "exported_verdict"
        else:
            verdict = "desk_claim__verdict"
        fields, document_at = _span_export_fields(verdict), DOCUMENT_ID
        if columns is not None:
            # Only what the format reads: fewer values for the driver to make a row, and no
            # join for a verdict's author when the format writes none.
            source = dict(zip(SPAN_COLUMNS, fields, strict=True))
            fields = tuple(source[name] for name in columns)
            document_at = list(columns).index("document_id")
    span_rows = spans.order_by("document_id", *SPAN_ORDER).values_list(*fields)
    documents = (
        Document.objects.filter(pk__in=spans.order_by().values("document_id"))
        .order_by("pk")
        .values_list(*_DOCUMENT_EXPORT_FIELDS)
    )
    with transaction.atomic(using=spans.db), ExitStack() as cursors:
        document_rows = chain.from_iterable(
            _row_chunks(documents, max(1, chunk_size // 50), cursors)
        )
        span_rows_iter = chain.from_iterable(
            _row_chunks(span_rows, chunk_size, cursors, read_ahead=True)
        )
        # The cursors close (ExitStack) while their transaction is still open.
        groups = _merge(span_rows_iter, document_rows, document_at, plain=plain)
        if with_suggestions:
            suggestions = (
                Suggestion.objects.filter(
                    document_id__in=spans.order_by().values("document_id"),
                    status=Suggestion.Status.OPEN,
                )
                .order_by("document_id", "start", "end", "id")
                .values_list("document_id", *SUGGESTION_COLUMNS)
            )
            groups = _with_suggestions(
                groups, chain.from_iterable(_row_chunks(suggestions, chunk_size, cursors))
            )
        yield from groups


def _with_suggestions(groups: Iterator[Group], rows: Iterator[tuple]) -> Iterator[Group]:
    """The groups, each with its document's suggestions (rows led by the document id)."""
    ahead = next(rows, None)
    for group in groups:
        document_id = group.document.id
        while ahead is not None and ahead[0] < document_id:
            ahead = next(rows, None)
        while ahead is not None and ahead[0] == document_id:
            group.suggestions.append(SuggestionRow(*ahead[1:]))
            ahead = next(rows, None)
        yield group


def value_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a values_list queryset as _row_chunks reads them (PostgreSQL: the driver's
    tuples, JSON columns as their text, psycopg's C timestamp loader), in one plain query: for
    a page's read of a few thousand rows, where Django's converters were half its time."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return []
    from psycopg.types.datetime import TimestamptzLoader

    with connection.cursor() as cursor:
        # The session's time zone is UTC (Django sets it), so psycopg's loader gives UTC times.
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        return cursor.fetchall()


_cursor_numbers = count(1)  # a name for each server-side cursor of the process


def _row_chunks(
    queryset: QuerySet, size: int, cursors: ExitStack, *, read_ahead: bool = False
) -> Iterator[list[tuple]]:
    """Lists of the queryset's rows (values_list), `size` at a time, from a server-side cursor.
    With `read_ahead` (PostgreSQL), the next list is fetched while the caller works on this one
    (ReadAhead).

    PostgreSQL: the driver's tuples as they are, read in the binary format by psycopg's own (C)
    loaders instead of Django's Python ones. Elsewhere (the embedded SQLite of
    local mode), Django's iterator, which converts what SQLite stores as text."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        iterator = cast(Generator, queryset.iterator(chunk_size=size))
        cursors.callback(iterator.close)
        while chunk := list(islice(iterator, size)):
            yield chunk
        return
    names = [*queryset.query.extra_select, *queryset.query.values_select]
    names += list(queryset.query.annotation_select)
    fields = queryset._fields  # type: ignore[attr-defined]  # values_list's names, not in the stubs
    assert names == list(fields), "the SQL's columns must be in values_list order"
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return
    # The rows come in PostgreSQL's binary format: PostgreSQL sends integers and timestamps as
    # they are stored instead of writing them as text, and psycopg's C loaders take them without
    # parsing (timestamps in the session's time zone, UTC: Django sets it; JSON parsed).
    # Django's named cursors bind parameters client-side and cannot fetch binary, so the
    # statement is made whole by Django's own client-side cursor, as every query of the ORM
    # is, and declared on a plain psycopg server-side cursor, without parameters.
    with connection.cursor() as client:
        statement = client.cursor.mogrify(sql, params)
    cursor = cursors.enter_context(
        connection.connection.cursor(
            name=f"export_{next(_cursor_numbers)}", binary=True, scrollable=False
        )
    )
    cursor.execute(statement)
    if not read_ahead:
        while chunk := cursor.fetchmany(size):
            yield chunk
        return
    reader = ReadAhead(cursor.fetchmany, size)
    cursors.callback(reader.stop)  # before the cursor closes (the stack unwinds last in first)
    yield from reader


def _document_row(row: tuple) -> DocumentRow:
    metadata = row[7]
    if isinstance(metadata, str):  # PostgreSQL hands jsonb over as its text
        metadata = json.loads(metadata)
    values = list(row)
    values[7] = bounds.exportable_metadata(metadata)
    return DocumentRow(*values)


def _merge(
    span_rows: Iterator[tuple], document_rows: Iterator[tuple], document_at: int, *, plain: bool
) -> Iterator[Group]:
    ahead = next(document_rows, None)  # the next document row, read ahead
    wrap: Callable[[Iterable[tuple]], list] = list if plain else lambda rows: [*map(SpanRow, rows)]
    for document_id, rows in groupby(span_rows, key=itemgetter(document_at)):
        while ahead is not None and ahead[0] < document_id:
            ahead = next(document_rows, None)
        if ahead is None or ahead[0] != document_id:
            continue  # the document went away between the two reads: its spans went with it
        yield Group(_document_row(ahead), wrap(rows))
