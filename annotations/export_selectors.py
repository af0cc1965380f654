"""The exports' reads: the spans a user may export, grouped by document with each document's
fields and text, streamed from server-side cursors; and value_rows, a values_list query's rows
as the driver gives them.

They read two server-side cursors side by side, both ordered by document id: the spans (with
their author and verdict, joined) and the documents that have any of them. The number of
queries grows with the number of chunks, never with the number of rows. Which spans: the caller
passes them, scoped (annotations.selectors.project_spans and the API's filters).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack
from itertools import chain, count, groupby, islice
from operator import itemgetter
from typing import cast

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import FilteredRelation, Q, QuerySet

from annotations.domain import bounds
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
    Document,
    ReviewStatus,
    Span,
    Suggestion,
)
from annotations.read_ahead import ReadAhead
from annotations.selectors import SPAN_ORDER


def _span_export_fields(verdict: str) -> tuple[str, ...]:
    """The span row's columns (annotations.export.rows.SPAN_COLUMNS), `verdict` the relation
    the verdict is read through."""
    return (
        *span_domain.EXPORT_SOURCES,
        "document_id",
        *(f"{verdict}__{source}" for source in VERDICT_SOURCES),
        *DESK_CLAIM_SOURCES,
    )


# A document row's columns: DocumentRow's fields, in its order.
_DOCUMENT_EXPORT_FIELDS = tuple(DocumentRow.__dataclass_fields__)
_METADATA = _DOCUMENT_EXPORT_FIELDS.index("metadata")


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
    metadata = row[_METADATA]
    if isinstance(metadata, str):  # PostgreSQL hands jsonb over as its text
        metadata = json.loads(metadata)
    values = list(row)
    values[_METADATA] = bounds.exportable_metadata(metadata)
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
