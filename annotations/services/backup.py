"""Restore a project's backup (annotations.backup) into an empty project: every record checked
as it is read, written in batches with new ids, all or nothing.

A record is checked against its type (annotations.backup.records): the keys it must have, each
value through its model field's own checks, the accounts and records it names (declared
earlier in the file), a span's and a suggestion's text against its document's, a document's
text already normalised, the file's order, and the count of each type at the end (a file cut
short is refused). The database's constraints and triggers check the rest.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, connection, models, transaction

from annotations import policy
from annotations.backup.records import (
    DOCUMENT,
    END,
    EVENT,
    EVENT_OBJECTS,
    FORMAT,
    HEADER,
    KINDS,
    MEMBERSHIP,
    PROJECT,
    RANK,
    STATE_IDS,
    USER,
    USER_FIELDS,
    VERSION,
    Kind,
)
from annotations.domain import bounds
from annotations.domain.text import normalize_text, unstorable
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import MAX_DOCUMENT_LENGTH, Project
from annotations.services.common import record_event
from annotations.services.people import user_get_or_create
from annotations.services.search_index import document_search_fill
from annotations.services.story_proposals import story_signatures_rebuild
from annotations.services.table_statistics import GrowingTables

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What is written first when the batch is written: what later ones point at.
_WRITE_ORDER: tuple[str, ...] = ("story", "desk_claim", "document", "suggestion", "span")
_WRITE_ORDER += ("rating", "verdict", "event")
FLUSH_RECORDS = 5000
FLUSH_CHARACTERS = 32 * 1024 * 1024  # of document text held before writing
# Restored onto the target project from the backup's project record (not its name).
PROJECT_FIELDS = (
    "description",
    "publisher_name",
    "publisher_url",
    "publisher_logo",
    "review_url_template",
)


@dataclass
class RestoreReport:
    project: int
    source: dict[str, Any]
    records: dict[str, int]
    users_matched: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    # Who had which role in the source: not restored (superusers decide who works here).
    memberships_not_restored: list[dict[str, str]] = field(default_factory=list)


class _Refused(Exception):
    def __init__(self, line: int | str, reason: str) -> None:
        self.line, self.reason = line, reason
        super().__init__(f"Line {line}: {reason}")


def project_restore(*, project: Project, actor: User, lines: Iterable[bytes]) -> RestoreReport:
    """Restore a backup into `project`, which must have no documents, desk claims or stories.
    Moderators of the project only. Refused (ValidationError naming the line) at the first
    record that is wrong, with nothing saved."""
    if not policy.can_back_up(actor, project):
        raise NotAllowed("Only moderators of the project can restore a backup into it.")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.documents.exists() or project.desk_claims.exists() or project.stories.exists():
            raise Conflict(
                "A backup is restored into an empty project; this one has documents, desk "
                "claims or stories. Make a new project for it."
            )
        restorer = _Restorer(project)
        number = 0
        try:
            for number, raw in enumerate(lines, start=1):
                if raw.strip():
                    restorer.take(number, _parse(number, raw))
            restorer.finish(number)
        except _Refused as exc:
            raise ValidationError(str(exc), field="file") from None
        report = restorer.report
        story_signatures_rebuild(project=project)
        record_event(
            project_id=project.pk,
            obj=project,
            action="restore",
            actor=actor,
            before=None,
            after={
                "source": report.source,
                "records": report.records,
                "users_created": report.users_created,
            },
        )
    return report


def _field(model: type[models.Model], name: str) -> models.Field:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def _clean(model: type[models.Model], name: str, value: Any) -> Any:
    """The value through its model field's own conversion and checks (type, length, choices,
    URL ...), as a form would; DjangoValidationError says what is wrong."""
    return _field(model, name).clean(value, None)


def _restore_times(kind: Kind, created: list[models.Model], rows: list[dict[str, Any]]) -> None:
    """Put back the times Django stamped "now" on the way in (auto_now, auto_now_add): they are
    the source's. On PostgreSQL one UPDATE joined to arrays of them; bulk_update (a CASE a row)
    cost twice the inserts."""
    model = kind.model
    if connection.vendor != "postgresql":
        for obj, values in zip(created, rows, strict=True):
            for name in kind.times:
                setattr(obj, name, values[name])
        model._default_manager.bulk_update(created, list(kind.times), batch_size=500)
        return
    quote = connection.ops.quote_name
    columns = [quote(_field(model, name).column or name) for name in kind.times]
    pk = model._meta.pk
    assert pk.column is not None
    arrays = ", ".join(["%s::bigint[]", *("%s::timestamptz[]" for _ in columns)])
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t "  # noqa: S608 (names from the models)
        f"SET {', '.join(f'{c} = v.{c}' for c in columns)} "
        f"FROM unnest({arrays}) AS v(id, {', '.join(columns)}) "
        f"WHERE t.{quote(pk.column)} = v.id"
    )
    params = [[obj.pk for obj in created], *([row[n] for row in rows] for n in kind.times)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _parse(number: int, raw: bytes) -> dict[str, Any]:
    if number == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _Refused(number, f"not valid JSON ({exc}).") from None
    if not isinstance(record, dict):
        raise _Refused(number, "each line must be a JSON object.")
    return record


class _Restorer:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.rank = -1
        self.counts: Counter[str] = Counter()
        self.seen: dict[str, set[int]] = defaultdict(set)  # source ids read, by type
        self.new_ids: dict[str, dict[int, int]] = defaultdict(dict)  # source id -> new id
        self.users: dict[str, int] = {}  # username -> account id here
        self.pending: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        self.held_records = self.held_characters = 0
        # The document being read: its source id, text and suggestions (spans follow it).
        self.document: tuple[int, str] | None = None
        self.document_suggestions: set[int] = set()
        self.report = RestoreReport(project=project.pk, source={}, records={})
        self.ended = False
        self.tables = GrowingTables()  # the whole restore is one transaction

    # --- reading -------------------------------------------------------------------------------

    def take(self, number: int, record: dict[str, Any]) -> None:
        kind = record.get("type")
        if self.ended:
            raise _Refused(number, "nothing may follow the `end` record.")
        if number == 1 and kind != HEADER:
            raise _Refused(number, f"this is not a project backup (no {FORMAT!r} header).")
        if not isinstance(kind, str) or kind not in RANK:
            raise _Refused(number, f"unknown record type {str(kind)[:40]!r}.")
        rank = RANK[kind]
        if rank < self.rank or (kind == HEADER and self.rank >= 0):
            raise _Refused(number, f"a {kind} record is out of place (the file's order).")
        if rank > RANK[PROJECT.name] and self.rank < RANK[PROJECT.name]:
            raise _Refused(number, "the project record is missing.")
        if kind == PROJECT.name and self.rank == rank:
            raise _Refused(number, "a second project record.")
        self.rank = rank
        if kind == HEADER:
            self._header(number, record)
        elif kind == END:
            self._end(number, record)
        elif kind == USER:
            self._user(number, record)
        else:
            self._record(number, KINDS[kind], record)

    def _header(self, number: int, record: dict[str, Any]) -> None:
        if record.get("format") != FORMAT:
            raise _Refused(number, f"this is not a project backup (format is not {FORMAT!r}).")
        version = record.get("version")
        if not isinstance(version, int) or not 1 <= version <= VERSION:
            raise _Refused(
                number, f"backup version {version!r}: this installation reads up to {VERSION}."
            )
        source = record.get("source")
        self.report.source = source if isinstance(source, dict) else {}

    def _user(self, number: int, record: dict[str, Any]) -> None:
        if set(record) != {"type", *USER_FIELDS}:
            raise _Refused(number, f"a user record has {', '.join(USER_FIELDS)}.")
        model = get_user_model()
        values = {}
        for name in USER_FIELDS:
            try:
                values[name] = _clean(model, name, record[name])
            except DjangoValidationError as exc:
                raise _Refused(number, f"{name}: {' '.join(exc.messages)}") from None
        username = values["username"]
        if username in self.users:
            raise _Refused(number, f"the user {username!r} comes twice.")
        user, created = user_get_or_create(username=username)
        if created:
            # An author of the restored work, not a person who logs in here.
            user.is_active = False
            user.first_name, user.last_name = values["first_name"], values["last_name"]
            user.save(update_fields=["is_active", "first_name", "last_name"])
            self.report.users_created.append(username)
        else:
            self.report.users_matched.append(username)
        self.users[username] = user.pk
        self.counts[USER] += 1

    def _record(self, number: int, kind: Kind, record: dict[str, Any]) -> None:
        keys = set(record)
        if keys != kind.keys:
            missing, extra = sorted(kind.keys - keys), sorted(keys - kind.keys)
            said = [f"missing {', '.join(missing)}"] if missing else []
            said += [f"unknown {', '.join(extra)}"] if extra else []
            raise _Refused(number, f"a {kind.name} record: {'; '.join(said)}.")
        source_id = record["id"]
        if not isinstance(source_id, int) or isinstance(source_id, bool) or source_id < 1:
            raise _Refused(number, "`id` must be a positive whole number.")
        # Nothing points at an event: their ids are not kept (a project's history is long).
        tracked = kind is not EVENT
        if tracked and source_id in self.seen[kind.name]:
            raise _Refused(number, f"{kind.name} {source_id} comes twice.")
        values: dict[str, Any] = {"id": source_id}
        meta = kind.model._meta
        for name in kind.fields:
            try:
                values[name] = _clean(kind.model, name, record[name])
            except DjangoValidationError as exc:
                raise _Refused(number, f"{name}: {' '.join(exc.messages)}") from None
            if isinstance(values[name], str) and (reason := unstorable(values[name])):
                raise _Refused(number, f"{name} {reason}")
            if isinstance(values[name], dict | list):  # a JSON field: storable and writable
                try:
                    bounds.check_json(values[name], path=name)
                except bounds.Unbounded as exc:
                    raise _Refused(number, str(exc)) from None
        for name in kind.users:
            username = record[name]
            if username is None and meta.get_field(name).null:
                values[name] = None
            elif username not in self.users:
                raise _Refused(number, f"{name}: the user {str(username)[:60]!r} is not listed.")
            else:
                values[name] = username
        for name, target in kind.refs:
            ref = record[name]
            if ref is None and meta.get_field(name).null:
                values[name] = None
            elif not isinstance(ref, int) or ref not in self.seen[target]:
                raise _Refused(number, f"{name}: no {target} {str(ref)[:20]} before this line.")
            else:
                values[name] = ref
        check = getattr(self, f"_check_{kind.name}", None)
        if check is not None:
            check(number, values)
        if tracked:
            self.seen[kind.name].add(source_id)
        self.counts[kind.name] += 1
        if kind is PROJECT:
            self._project(values)
        elif kind is MEMBERSHIP:
            self.report.memberships_not_restored.append(
                {"user": values["user"], "role": values["role"]}
            )
        else:
            self.pending[kind.name].append((number, values))
            self.held_records += 1
            if self.held_records >= FLUSH_RECORDS or self.held_characters >= FLUSH_CHARACTERS:
                self.flush()

    def _check_document(self, number: int, values: dict[str, Any]) -> None:
        text = values["text"]
        if not text or len(text) > MAX_DOCUMENT_LENGTH:
            raise _Refused(
                number, f"a document's text has 1 to {MAX_DOCUMENT_LENGTH:,} characters."
            )
        if normalize_text(text) != text:
            raise _Refused(number, "the document's text is not normalised (NFC, \\n line ends).")
        try:
            bounds.check_metadata(values["metadata"])
        except bounds.Unbounded as exc:
            raise _Refused(number, str(exc)) from None
        self.document = (values["id"], text)
        self.document_suggestions = set()
        self.held_characters += len(text)

    def _in_document(self, number: int, values: dict[str, Any], what: str) -> None:
        if self.document is None or values["document"] != self.document[0]:
            raise _Refused(number, f"a {what} must follow its document.")
        start, end, text = values["start"], values["end"], values["text"]
        document_text = self.document[1]
        if not 0 <= start < end <= len(document_text) or document_text[start:end] != text:
            raise _Refused(
                number,
                f"the {what}'s text differs from its document's at {start}:{end} "
                f"({document_text[start:end][:40]!r}).",
            )

    def _check_suggestion(self, number: int, values: dict[str, Any]) -> None:
        self._in_document(number, values, "suggestion")
        self.document_suggestions.add(values["id"])

    def _check_span(self, number: int, values: dict[str, Any]) -> None:
        self._in_document(number, values, "span")
        suggestion = values["suggestion"]
        if suggestion is not None and suggestion not in self.document_suggestions:
            raise _Refused(number, "the span's suggestion is of another document.")

    def _project(self, values: dict[str, Any]) -> None:
        self.new_ids[PROJECT.name][values["id"]] = self.project.pk
        changes = {name: values[name] for name in PROJECT_FIELDS}
        Project.objects.filter(pk=self.project.pk).update(**changes)

    def _end(self, number: int, record: dict[str, Any]) -> None:
        counts = record.get("counts")
        if not isinstance(counts, dict):
            raise _Refused(number, "the end record has no counts.")
        read = dict(self.counts)
        if counts != read:
            raise _Refused(
                number,
                f"the file says it has {counts} records but {read} came: it is incomplete.",
            )
        self.ended = True

    def finish(self, last: int) -> None:
        if not self.ended:
            raise _Refused(last, "the file ends before its `end` record: it is incomplete.")
        self.flush()
        self.tables.finish()
        self.report.records = dict(sorted(self.counts.items()))

    # --- writing -------------------------------------------------------------------------------

    def flush(self) -> None:
        for name in _WRITE_ORDER:
            rows = self.pending.pop(name, [])
            if rows:
                self._write(KINDS[name], rows)
        self.held_records = self.held_characters = 0

    def _row(self, kind: Kind, values: dict[str, Any]) -> Any:
        row: dict[str, Any] = {name: values[name] for name in kind.fields}
        for name in kind.users:
            username = values[name]
            row[f"{name}_id"] = None if username is None else self.users[username]
        for name, target in kind.refs:
            ref = values[name]
            row[f"{name}_id"] = None if ref is None else self.new_ids[target][ref]
        if kind.name in ("story", "desk_claim", "document", "event"):
            row["project_id"] = self.project.pk
        if kind is DOCUMENT:
            row["text_length"] = len(values["text"])
        if kind is EVENT:
            row["object_id"] = self._new_id(
                EVENT_OBJECTS.get(values["object_type"]), values["object_id"]
            )
            row["before"] = self._state(values["before"])
            row["after"] = self._state(values["after"])
        return kind.model(**row)

    def _new_id(self, kind: str | None, source_id: Any) -> Any:
        """The restored object's id; an object the backup does not have (or of a type it does
        not know) keeps its events under its negated id, which no object has."""
        if not isinstance(source_id, int) or isinstance(source_id, bool):
            return source_id
        found = None if kind is None else self.new_ids[kind].get(source_id)
        return found if found is not None else -source_id

    def _state(self, state: Any) -> Any:
        if not isinstance(state, dict):
            return state
        state = dict(state)
        for key, kind in STATE_IDS.items():
            value = state.get(key)
            if isinstance(value, list):
                state[key] = [self._new_id(kind, item) for item in value]
            elif value is not None:
                state[key] = self._new_id(kind, value)
        return state

    def _write(self, kind: Kind, rows: list[tuple[int, dict[str, Any]]]) -> None:
        objects = [self._row(kind, values) for _, values in rows]
        try:
            with transaction.atomic():
                created = kind.model._default_manager.bulk_create(objects, batch_size=500)
                if kind is DOCUMENT:  # searchable once the restore commits (migration 0019)
                    document_search_fill(document_ids=[obj.pk for obj in created])
                if kind.times:
                    _restore_times(kind, created, [values for _, values in rows])
        except DatabaseError as exc:
            raise _Refused(
                f"{rows[0][0]} to {rows[-1][0]}",
                f"the database refused a {kind.name}: {str(exc).splitlines()[0]}",
            ) from None
        if kind is DOCUMENT:
            self.tables.grew(len(created))
        if kind is not EVENT:
            ids = self.new_ids[kind.name]
            for obj, (_, values) in zip(created, rows, strict=True):
                ids[values["id"]] = obj.pk
