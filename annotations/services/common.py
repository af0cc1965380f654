"""What every service shares: storability checks, snapshots and the audit record."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction

from annotations.domain import bounds, web_address
from annotations.domain import span as span_domain
from annotations.domain.text import unstorable
from annotations.errors import NON_FIELD, ValidationError
from annotations.models import AuditEvent, ClaimRating, DeskClaim, Span, Verdict

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_EVIDENCE_LINKS = 20
MAX_URL_LENGTH = web_address.MAX_LENGTH


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def commit_without_waiting_for_disk() -> None:
    """The current transaction's commit returns before its WAL reaches the disk (PostgreSQL's
    synchronous_commit off, for this transaction only). For background work that is safe to
    lose and redo: a database crash may forget its last fraction of a second of commits, never
    half of one, and the sweeps hand the forgotten work over again. What it buys: the worker's
    many small commits no longer queue their flushes ahead of a reviewer's on the same disk."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@contextmanager
def redoable_write() -> Iterator[None]:
    """A write that is safe to lose and redo (derived data, a bookkeeping stamp a sweep reads):
    in a transaction of its own whose commit does not wait for the disk
    (commit_without_waiting_for_disk); inside a caller's transaction, simply part of it, whose
    commit is the caller's to make. What it buys: a new document's after-answer writes (its
    search words, its run's hand-over stamp) no longer each wait for a flush of their own, nor
    queue theirs ahead of a reviewer's."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        commit_without_waiting_for_disk()
        yield


def check_storable(value: str, *, field: str) -> None:
    """Refuse what PostgreSQL cannot store: NUL characters and lone surrogates."""
    reason = unstorable(value)
    if reason is not None:
        raise ValidationError(reason, field=field)


def check_metadata(value: Any) -> None:
    """A document's metadata within the one bound (annotations.domain.bounds): storable and
    exportable, whichever way it came in."""
    try:
        bounds.check_metadata(value)
    except bounds.Unbounded as exc:
        raise ValidationError(str(exc), field="metadata") from None


def record_event(
    *,
    project_id: int,
    obj: Any,
    action: str,
    actor: User | None,
    before: dict | None,
    after: dict | None,
) -> None:
    AuditEvent.objects.create(
        project_id=project_id,
        object_type=type(obj).__name__.lower(),
        object_id=obj.pk,
        action=action,
        actor=actor,
        before=before,
        after=after,
    )


@dataclass(frozen=True)
class Source:
    """SQL written ahead of a row's INSERT in its statement: common table expressions (`sql`,
    with its `values`), the last named `name` and giving one row, which the INSERT reads the
    `columns` from (attname -> an SQL expression over it) and the statement returns `returned`
    of (SQL expressions over it)."""

    sql: str
    values: list[Any]
    name: str
    columns: tuple[tuple[str, str], ...]
    returned: str


@functools.cache
def _recorded_insert_sql(
    model: type[Any], name: str, columns: tuple[tuple[str, str], ...], tail: str
) -> tuple[str, tuple[Any, ...], tuple[Any, ...]]:
    """The common table expressions `{name}` (the row's INSERT, returning its id) and
    `{name}_recorded` (its history record's, reading that id, returning it as object_id), and
    the fields whose values are bound: the row's and the record's, in order. The row's columns
    in `columns` are SQL read from the row after `tail` (`FROM source`) instead of values.
    Written once a model and shape: names from the models, every value bound."""
    quote = connection.ops.quote_name
    given = dict(columns)
    fields = tuple(
        f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in given
    )
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    computed = [by_attname[attname] for attname in given]
    names = ", ".join(quote(f.column) for f in (*fields, *computed))
    exprs = ", ".join(["%s"] * len(fields) + list(given.values()))
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    record_fields = tuple(
        f for f in AuditEvent._meta.concrete_fields if not f.primary_key and f.name != "object_id"
    )
    record_table = quote(AuditEvent._meta.db_table)
    record_columns = ", ".join(quote(str(f.column)) for f in record_fields)
    record_marks = ", ".join(["%s"] * len(record_fields))
    rows = f"SELECT {exprs} {tail}" if tail else f"VALUES ({exprs})"
    insert = f"INSERT INTO {table} ({names}) {rows} RETURNING {pk} AS id"
    recorded = (
        f"INSERT INTO {record_table} ({record_columns}, object_id)"  # noqa: S608
        f" SELECT {record_marks}, {name}.id FROM {name} RETURNING object_id"
    )
    return f"{name} AS ({insert}), {name}_recorded AS ({recorded})", fields, record_fields


def recorded_insert(
    *,
    obj: Any,
    project_id: int,
    actor: User | None,
    after: dict,
    action: str = "create",
    name: str = "new",
    columns: tuple[tuple[str, str], ...] = (),
    tail: str = "",
) -> tuple[str, list[Any]]:
    """On PostgreSQL, the common table expressions inserting `obj`'s row and its history record
    (_recorded_insert_sql), with their values; for a statement of more than one write."""
    model: Any = type(obj)
    sql, fields, record_fields = _recorded_insert_sql(model, name, columns, tail)
    record = AuditEvent(
        project_id=project_id,
        object_type=type(obj).__name__.lower(),
        action=action,
        actor=actor,
        before=None,
        after=after,
    )
    # pre_save fills auto_now(_add) times as Model.save does.
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    values += [f.get_db_prep_save(f.pre_save(record, True), connection) for f in record_fields]
    return sql, values


def insert_recorded(
    *,
    obj: Any,
    project_id: int,
    actor: User | None,
    after: dict,
    action: str = "create",
    also: tuple[str, list[Any]] | None = None,
    source: Source | None = None,
) -> Any:
    """INSERT a new row and its history record (`action`, "create" unless said). On PostgreSQL
    both are one statement (the record's INSERT reads the row's new id from the first's
    RETURNING), so a create outside a transaction is one round trip instead of four (BEGIN,
    two INSERTs, COMMIT) and is still all or nothing. Elsewhere (SQLite) it is the model's save
    and record_event in a transaction.

    `also`: on PostgreSQL, one more INSERT in the same statement (SQL and its values), which
    reads the new id as `new.id` from `new` and returns one column: what it returns is
    returned. Elsewhere the caller writes that row itself; None is returned.

    `source`: on PostgreSQL only, what the row reads some of its columns from, written ahead of
    it in the same statement (Source); the row of what it `returned` is returned."""
    if connection.vendor != "postgresql":
        if source is not None:
            raise NotImplementedError("A row read from a source is written on PostgreSQL only.")
        with transaction.atomic():
            obj.save()
            record_event(
                project_id=project_id,
                obj=obj,
                action=action,
                actor=actor,
                before=None,
                after=after,
            )
        return None
    ctes, values = recorded_insert(
        obj=obj,
        project_id=project_id,
        actor=actor,
        after=after,
        action=action,
        columns=source.columns if source else (),
        tail=f"FROM {source.name}" if source else "",
    )
    if source is not None:
        sql = f"WITH {source.sql}, {ctes} SELECT new_recorded.object_id, {source.returned}"
        sql += f" FROM new_recorded, {source.name}"
        values = source.values + values
    elif also is None:
        sql = f"WITH {ctes} SELECT object_id FROM new_recorded"  # noqa: S608
    else:
        sql = f"WITH {ctes}, also AS ({also[0]}) SELECT new_recorded.object_id, also.*"
        sql += " FROM new_recorded, also"
        values += also[1]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
    if source is not None:
        return row[1:]
    return row[1] if also is not None else None


def span_snapshot(span: Span) -> dict[str, Any]:
    return span_domain.snapshot(span)


def verdict_snapshot(verdict: Verdict) -> dict[str, Any]:
    snapshot = {
        "rating": verdict.rating,
        "rationale": verdict.rationale,
        "evidence_links": list(verdict.evidence_links),
        "review_status": verdict.review_status,
        "review_reason": verdict.review_reason,
        "version": verdict.version,
    }
    # Only once it has one: the records of verdicts that never had an article keep their shape.
    if verdict.review_url:
        snapshot["review_url"] = verdict.review_url
    return snapshot


def full_clean(obj: Any, **options: Any) -> None:
    """The model's own checks as a backstop behind the services' readable ones. `options` go
    to Model.full_clean (exclude, validate_unique, validate_constraints)."""
    try:
        obj.full_clean(**options)
    except DjangoValidationError as exc:
        raise ValidationError(
            {k if k != "__all__" else NON_FIELD: list(v) for k, v in exc.message_dict.items()}
        ) from None


def desk_claim_snapshot(desk_claim: DeskClaim) -> dict[str, Any]:
    return {"wording": desk_claim.wording, "version": desk_claim.version}


def rating_snapshot(rating: ClaimRating) -> dict[str, Any]:
    return {
        "rating": rating.rating,
        "rationale": rating.rationale,
        "evidence_links": list(rating.evidence_links),
        "version": rating.version,
    }
