"""A document with its live spans in order, each with its desk claim's verdict, as GET
/documents/{id}/ gives it, read by one SQL statement (the API writes it with orjson; the
workspace page and its live poll embed the same rows).

The shape is DocumentDetailSerializer's (tests/test_document_read.py holds the two equal, byte
for byte). What made the serializer's way slow was not the database: compiling two ORM queries,
DRF's ModelSerializer building its fields, and Python formatting every time of every span. Here
the statement is written once, from the same field lists (the serializer's, annotations.domain's
span and verdict fields), and it reads the document the user may see and its spans' rows in one
round trip; each row becomes a dict and orjson writes the times (ISO 8601, UTC as "Z", as DRF
does). On the embedded SQLite of local mode the serializer's way answers.
"""

from __future__ import annotations

import json
from typing import Any, cast

import orjson
from django.db import connection, models
from django.utils import timezone

from annotations import selectors
from annotations.domain import document as document_domain
from annotations.domain import span as span_domain
from annotations.domain import verdict as verdict_domain
from annotations.models import Document, Membership, Span, Verdict

_DOCUMENT_FIELDS = document_domain.API_FIELDS


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[models.Model]) -> str:
    return _quote(model._meta.db_table)


def _field(model: type[models.Model], name: str) -> models.Field:
    return cast(models.Field, model._meta.get_field(name))


def _column(model: type[models.Model], name: str) -> str:
    return _quote(cast(str, _field(model, name).column))


class _Select:
    """The columns of one row kind, and the joins they need, as SQL."""

    def __init__(self) -> None:
        self.columns: list[str] = []
        self.joins: list[str] = []

    def add(self, model: type[models.Model], alias: str, source: str, *, outer: bool) -> None:
        """A field of `model` by its source: a column, a relation's id (`author` is author_id),
        or one step through a relation (`author__username`), joined once."""
        name, _, through = source.partition("__")
        if not through:
            self.columns.append(f"{alias}.{_column(model, name)}")
            return
        field = _field(model, name)
        if "__" in through or not field.many_to_one:
            raise ValueError(f"{model.__name__}.{source}: only one step through a foreign key")
        related = cast(type[models.Model], field.related_model)
        joined = f"{alias}_{name}"
        key = _column(related, related._meta.pk.name)
        join = (
            f"{'LEFT ' if outer else ''}JOIN {_table(related)} {joined}"
            f" ON {joined}.{key} = {alias}.{_column(model, name)}"
        )
        if join not in self.joins:
            self.joins.append(join)
        self.columns.append(f"{joined}.{_column(related, through)}")


def _statement() -> tuple[str, dict[str, int]]:
    """The SQL, and where each part of a row starts. A row is a span's API fields in order (the
    verdict's place holding the verdict's id, the origin its suggestion's), then its verdict's
    fields, then the document's fields: the document's row first (its span columns NULL), then
    one row a live span, in the order the API gives them."""
    span = _Select()
    for spec in span_domain.API:
        if spec.name == "verdict":
            span.columns.append(f"v.{_column(Verdict, Verdict._meta.pk.name)}")
        else:
            span.add(Span, "s", spec.source, outer=False)
    verdict = _Select()
    for name in verdict_domain.API_FIELDS:
        verdict.add(Verdict, "v", verdict_domain.API_SOURCES.get(name, name), outer=True)
    document = _Select()
    for name in _DOCUMENT_FIELDS:
        document.add(Document, "d", name, outer=False)
    span_width = len(span.columns) + len(verdict.columns)
    nulls = ", ".join(["NULL"] * span_width)
    document_nulls = ", ".join(["NULL"] * len(document.columns))
    # The document's row has no start: it comes first.
    order = ", ".join(
        f"{span_domain.API_FIELDS.index(name) + 1}{' NULLS FIRST' if i == 0 else ''}"
        for i, name in enumerate(selectors.SPAN_ORDER)
    )
    # The document as selectors.documents_for scopes it (live, in a project the user is a
    # member of); its spans as selectors.document_spans reads them (the live ones). Names from
    # the models, values as parameters.
    sql = f"""
        WITH d AS (
            SELECT * FROM {_table(Document)} d
            WHERE d.{_column(Document, "id")} = %(document)s
              AND d.{_column(Document, "deleted_at")} IS NULL
              AND EXISTS (
                SELECT FROM {_table(Membership)} m
                WHERE m.{_column(Membership, "project")} = d.{_column(Document, "project")}
                  AND m.{_column(Membership, "user")} = %(user)s
              )
        )
        SELECT {nulls}, {", ".join(document.columns)} FROM d
        UNION ALL
        SELECT {", ".join(span.columns + verdict.columns)}, {document_nulls}
        FROM {_table(Span)} s
        {" ".join(span.joins)}
        LEFT JOIN {_table(Verdict)} v
          ON v.{_column(Verdict, "desk_claim")} = s.{_column(Span, "desk_claim")}
        {" ".join(verdict.joins)}
        WHERE s.{_column(Span, "document")} = %(document)s
          AND s.{_column(Span, "deleted_at")} IS NULL
          AND EXISTS (SELECT FROM d)
        ORDER BY {order}
    """  # noqa: S608
    return sql, {"verdict": len(span.columns), "document": span_width}


_SQL, _AT = _statement()
_SPAN_NAMES = span_domain.API_FIELDS
_DERIVED = tuple((spec.name, spec.derive) for spec in span_domain.API if spec.derive is not None)
_LINKS = "evidence_links"


def _spans(rows: list[tuple]) -> list[dict[str, Any]]:
    verdict_at, verdict_end = _AT["verdict"], _AT["document"]
    spans = []
    for row in rows:
        span = dict(zip(_SPAN_NAMES, row, strict=False))
        for name, derive in _DERIVED:
            span[name] = derive(span[name])
        if span["verdict"] is not None:
            verdict = dict(zip(verdict_domain.API_FIELDS, row[verdict_at:verdict_end], strict=True))
            verdict[_LINKS] = orjson.loads(verdict[_LINKS])  # PostgreSQL's jsonb, as its text
            span["verdict"] = verdict
        spans.append(span)
    return spans


def read(user, document_id: int) -> dict[str, Any] | None:
    """The document the user may see, as GET /documents/{id}/ answers it (its times as
    datetimes, in UTC), or None. Only where fast() holds: the workspace page embeds the same
    rows."""
    from psycopg.types.datetime import TimestamptzLoader

    with connection.cursor() as cursor:
        # The session's time zone is UTC (Django sets it): psycopg's own C loader gives UTC
        # times, where Django's Python one converts each value again.
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(_SQL, {"document": document_id, "user": user.pk})
        rows = cursor.fetchall()
    if not rows:
        return None
    document = dict(zip(_DOCUMENT_FIELDS, rows[0][_AT["document"] :], strict=True))
    # Django's JSONField reads it with the standard library (an integer beyond 64 bits stays one).
    document["metadata"] = json.loads(document["metadata"])
    document["spans"] = _spans(rows[1:])
    return document


def fast() -> bool:
    """PostgreSQL, its session and the answers both in UTC (the settings' TIME_ZONE): the
    times come as UTC and orjson writes them as the API shows them."""
    return (
        connection.vendor == "postgresql"
        and connection.timezone_name == "UTC"
        and timezone.get_current_timezone_name() == "UTC"
    )
