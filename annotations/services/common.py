"""What every service shares: storability checks, snapshots and the audit record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction

from annotations.domain import bounds
from annotations.domain import span as span_domain
from annotations.domain.text import unstorable
from annotations.errors import NON_FIELD, ValidationError
from annotations.models import AuditEvent, ClaimRating, DeskClaim, Span, Verdict

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_EVIDENCE_LINKS = 20
MAX_URL_LENGTH = 2000


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


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


def insert_recorded(
    *,
    obj: Any,
    project_id: int,
    actor: User | None,
    after: dict,
    action: str = "create",
    also: tuple[str, list[Any]] | None = None,
) -> Any:
    """INSERT a new row and its history record (`action`, "create" unless said). On PostgreSQL
    both are one statement (the record's INSERT reads the row's new id from the first's
    RETURNING), so a create outside a transaction is one round trip instead of four (BEGIN,
    two INSERTs, COMMIT) and is still all or nothing. Elsewhere (SQLite) it is the model's save
    and record_event in a transaction.

    `also`: on PostgreSQL, one more INSERT in the same statement (SQL and its values), which
    reads the new id as `new.id` from `new` and returns one column: what it returns is
    returned. Elsewhere the caller writes that row itself; None is returned."""
    if connection.vendor != "postgresql":
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
    model, quote = type(obj), connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # pre_save fills auto_now(_add) times as Model.save does.
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    record = AuditEvent(
        project_id=project_id,
        object_type=model.__name__.lower(),
        action=action,
        actor=actor,
        before=None,
        after=after,
    )
    record_fields = [
        f for f in AuditEvent._meta.concrete_fields if not f.primary_key and f.name != "object_id"
    ]
    values += [f.get_db_prep_save(f.pre_save(record, True), connection) for f in record_fields]
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = ", ".join(quote(f.column) for f in fields)
    record_table = quote(AuditEvent._meta.db_table)
    record_columns = ", ".join(quote(str(f.column)) for f in record_fields)
    marks, record_marks = ", ".join(["%s"] * len(fields)), ", ".join(["%s"] * len(record_fields))
    # Names from the models; every value is bound.
    insert = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {pk} AS id"  # noqa: S608
    insert_record = f"INSERT INTO {record_table} ({record_columns}, object_id)"
    recorded = f"{insert_record} SELECT {record_marks}, new.id FROM new RETURNING object_id"  # noqa: S608
    if also is None:
        sql = f"WITH new AS ({insert}) {recorded}"
    else:
        parts = f"WITH new AS ({insert}), recorded AS ({recorded}), also AS ({also[0]})"
        sql = f"{parts} SELECT recorded.object_id, also.* FROM recorded, also"  # noqa: S608
        values += also[1]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
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
