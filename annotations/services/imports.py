"""Bulk import of labeled documents from JSON Lines, one document a line, read line by line.

A line is one of:
- doccano's layout: {"text": ..., "label": [[start, end, "CLAIM"], ...]} (or "labels"); any
  other key is kept as the document's metadata;
- this app's JSONL export: the same plus "spans" (label, start, end, text, speaker, note are
  read) and "meta" (title, outlet, author, source_url, published_on, external_id, metadata);
- W3C Web Annotations as this app's W3C export writes them, under "annotations" beside the
  text: each needs a TextPositionSelector, and its TextQuoteSelector's `exact` is checked.

Offsets are read as code points of the `text` exactly as the line gives it. The stored text is
normalised (NFC, CRLF -> LF), so each offset is carried through that normalisation; an offset
that falls inside characters normalisation merges (between "\\r" and "\\n", between a letter
and its combining accent) has no place in the stored text and the line is refused, saying so.

Failure mode: all or nothing by default (one bad line and nothing is saved; every bad line is
still reported with its number and reason). With keep_good_lines the good lines are saved and
the bad ones reported. Spans are written in bulk after the same checks span_create makes, each
with its own audit record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import orjson
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotations import policy
from annotations.domain.span import context as span_context
from annotations.domain.text import normalize_text
from annotations.errors import NotAllowed, ValidationError
from annotations.models import AuditEvent, Document, Label, Project, ReviewStatus, Span
from annotations.services.common import check_storable, full_clean
from annotations.services.documents import document_build, document_import, document_import_event
from annotations.services.suggestions import suggestion_runs_request

MAX_LINE_BYTES = 16 * 1024 * 1024
MAX_REPORTED_ERRORS = 200
MAX_SPANS_PER_LINE = 100_000
# Lines checked, then written, together: enough to make COPY pay, few enough (in lines and in
# bytes) that the batch held in memory stays small.
BATCH_LINES = 200
BATCH_BYTES = 32 * 1024 * 1024
TITLE_LENGTH = 120
_KNOWN_KEYS = frozenset(
    {
        "text",
        "label",
        "labels",
        "spans",
        "annotations",
        "meta",
        "title",
        "outlet",
        "author",
        "source_url",
        "published_on",
        "external_id",
        "offset_unit",
    }
)
_DOCUMENT_FIELDS = ("title", "outlet", "author", "source_url", "published_on", "external_id")


@dataclass
class LineError:
    line: int
    reason: str


@dataclass
class ImportReport:
    keep_good_lines: bool
    committed: bool = False
    lines: int = 0
    documents_created: int = 0
    spans_created: int = 0
    document_ids: list[int] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0

    def refuse(self, line: int, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(LineError(line, reason))


class LineRefused(Exception):
    pass


@dataclass
class _SpanIn:
    label: str
    start: int
    end: int
    text: str | None
    speaker: str = ""
    note: str = ""


def iter_lines(stream, *, limit: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """Lines of a binary stream, read one at a time (a too-long line is cut and then refused)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(limit + 1)) and not rest.endswith(b"\n"):
                pass
        yield line


class _Offsets:
    """Carries offsets into the given text through the normalisation to the stored text."""

    def __init__(self, given: str, stored: str) -> None:
        self.given, self.stored = given, stored
        self.identity = given == stored

    def __call__(self, index: int, *, what: str) -> int:
        if self.identity:
            return index
        head = normalize_text(self.given[:index])
        if head + normalize_text(self.given[index:]) != self.stored:
            raise LineRefused(
                f"{what} {index} falls inside characters that normalisation (NFC, CRLF to LF) "
                "merges into one, so it has no place in the stored text; give offsets that do "
                "not split a line break or a letter from its accent."
            )
        return len(head)


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LineRefused(f"{what} must be a whole number, not {value!r:.40}.")
    return value


def _str(value: Any, what: str, *, default: str = "") -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise LineRefused(f"{what} must be a string, not {type(value).__name__}.")
    return value


def _spans_from_labels(entries: Any, key: str) -> list[_SpanIn]:
    if not isinstance(entries, list):
        raise LineRefused(f"`{key}` must be a list of [start, end, LABEL].")
    spans = []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, list | tuple) or len(entry) != 3:
            raise LineRefused(f"`{key}` entry {position} must be [start, end, LABEL].")
        start, end, label = entry
        if type(start) is int and type(end) is int and type(label) is str:
            spans.append(_SpanIn(label, start, end, None))  # the usual case: nothing to say
            continue
        spans.append(
            _SpanIn(
                label=_str(label, f"`{key}` entry {position}'s label"),
                start=_int(start, f"`{key}` entry {position}'s start"),
                end=_int(end, f"`{key}` entry {position}'s end"),
                text=None,
            )
        )
    return spans


def _spans_from_export(entries: Any) -> list[_SpanIn]:
    if not isinstance(entries, list):
        raise LineRefused("`spans` must be a list of objects.")
    spans = []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise LineRefused(f"`spans` entry {position} must be an object.")
        what = f"`spans` entry {position}"
        spans.append(
            _SpanIn(
                label=_str(entry.get("label"), f"{what}'s label"),
                start=_int(entry.get("start"), f"{what}'s start"),
                end=_int(entry.get("end"), f"{what}'s end"),
                text=_str(entry.get("text"), f"{what}'s text", default=None),  # type: ignore[arg-type]
                speaker=_str(entry.get("speaker"), f"{what}'s speaker"),
                note=_str(entry.get("note"), f"{what}'s note"),
            )
        )
    return spans


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _spans_from_w3c(annotations: Any) -> list[_SpanIn]:
    if not isinstance(annotations, list):
        raise LineRefused("`annotations` must be a list of W3C Web Annotations.")
    spans = []
    for position, annotation in enumerate(annotations, start=1):
        what = f"annotation {position}"
        if not isinstance(annotation, dict) or not isinstance(annotation.get("target"), dict):
            raise LineRefused(f"{what} must be an object with a `target`.")
        bodies: dict[str, str] = {}
        for body in _as_list(annotation.get("body")):
            if isinstance(body, dict) and body.get("type") == "TextualBody":
                bodies.setdefault(_str(body.get("purpose"), f"{what}'s purpose"), body.get("value"))
        if "tagging" not in bodies:
            raise LineRefused(f"{what} has no TextualBody with purpose `tagging` (its label).")
        found: dict[str, dict] = {}
        for selector in _as_list(annotation["target"].get("selector")):
            if isinstance(selector, dict):
                found.setdefault(str(selector.get("type")), selector)
        position_selector = found.get("TextPositionSelector")
        if position_selector is None:
            raise LineRefused(f"{what} has no TextPositionSelector.")
        quote = found.get("TextQuoteSelector", {})
        spans.append(
            _SpanIn(
                label=_str(bodies["tagging"], f"{what}'s label"),
                start=_int(position_selector.get("start"), f"{what}'s start"),
                end=_int(position_selector.get("end"), f"{what}'s end"),
                text=_str(quote.get("exact"), f"{what}'s exact quote", default=None),  # type: ignore[arg-type]
                speaker=_str(bodies.get("identifying"), f"{what}'s speaker"),
                note=_str(bodies.get("commenting"), f"{what}'s note"),
            )
        )
    return spans


def _title_from(text: str) -> str:
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1].rstrip() + "…"


class _CheckedSpan(NamedTuple):
    """A span of a line after every check span_create makes: ready to be written."""

    label: str
    start: int
    end: int
    text: str
    prefix: str
    suffix: str
    speaker: str
    note: str


@dataclass
class _Line:
    text: str
    document: dict[str, Any]
    spans: list[_CheckedSpan]


def _parse(raw: bytes | str, *, number: int) -> _Line:
    if isinstance(raw, bytes) and len(raw) > MAX_LINE_BYTES:
        raise LineRefused(f"The line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB.")
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise LineRefused(f"Not valid JSON (or not UTF-8): {exc}.") from None
    if not isinstance(obj, dict):
        raise LineRefused("Each line must be a JSON object with a `text`.")
    given = obj.get("text")
    if not isinstance(given, str) or not given.strip():
        raise LineRefused("The line has no `text` (a non-empty string).")
    check_storable(given, field="text")
    stored = normalize_text(given)
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else None

    document: dict[str, Any] = {}
    for name in _DOCUMENT_FIELDS:
        value = obj.get(name, meta.get(name) if meta else None)
        document[name] = _str(value, f"`{name}`")
    if meta is not None:
        metadata = meta.get("metadata", {})
        if not isinstance(metadata, dict):
            raise LineRefused("`meta.metadata` must be an object.")
    else:
        metadata = {k: v for k, v in obj.items() if k not in _KNOWN_KEYS}
    document["metadata"] = metadata
    document["title"] = document["title"].strip() or _title_from(stored)
    if document["published_on"]:
        try:
            document["published_on"] = date.fromisoformat(document["published_on"])
        except ValueError:
            raise LineRefused(
                f"`published_on` {document['published_on']!r:.40} is not a date (YYYY-MM-DD)."
            ) from None
    else:
        document["published_on"] = None

    if "spans" in obj:
        given_spans = _spans_from_export(obj["spans"])
    elif "annotations" in obj:
        given_spans = _spans_from_w3c(obj["annotations"])
    elif "label" in obj or "labels" in obj:
        key = "label" if "label" in obj else "labels"
        given_spans = _spans_from_labels(obj[key], key)
    else:
        given_spans = []
    if len(given_spans) > MAX_SPANS_PER_LINE:
        raise LineRefused(f"More than {MAX_SPANS_PER_LINE:,} spans on one line.")
    return _Line(text=stored, document=document, spans=_check_spans(given, stored, given_spans))


_LABELS = frozenset(Label.values)
_QUOTE = Label.QUOTE.value


def _what(position: int, span: _SpanIn) -> str:
    return f"Span {position} ({span.label} {span.start}:{span.end})"


def _check_spans(given: str, stored: str, spans: list[_SpanIn]) -> list[_CheckedSpan]:
    """The checks span_create makes, on every span of the line, before anything is written.
    (A hundred thousand spans a line are allowed: messages are only built for a refusal.)"""
    offsets = _Offsets(given, stored)
    length = len(given)
    seen: set[tuple[str, int, int]] = set()
    checked = []
    for position, span in enumerate(spans, start=1):
        label = span.label.upper()
        if label not in _LABELS:
            raise LineRefused(
                f"{_what(position, span)}: unknown label; use one of {', '.join(Label.values)}."
            )
        if not 0 <= span.start < span.end <= length:
            raise LineRefused(
                f"{_what(position, span)}: offsets must satisfy 0 <= start < end <= {length} "
                "(the length of the text in code points)."
            )
        if offsets.identity:
            start, end = span.start, span.end
        else:
            what = _what(position, span)
            start = offsets(span.start, what=f"{what}: start")
            end = offsets(span.end, what=f"{what}: end")
        exact = stored[start:end]
        if span.text is not None and span.text != exact and normalize_text(span.text) != exact:
            raise LineRefused(
                f"{_what(position, span)}: its text {span.text!r:.60} differs from the "
                f"document's {exact!r:.60} at those offsets (offsets count Unicode code points)."
            )
        speaker = span.speaker.strip()
        if speaker and label != _QUOTE:
            raise LineRefused(f"{_what(position, span)}: only a QUOTE has a speaker.")
        for value, name in ((speaker, "speaker"), (span.note, "note")):
            if not value:
                continue
            try:
                check_storable(value, field=name)
            except ValidationError as exc:
                reason = exc.errors[name][0]
                raise LineRefused(f"{_what(position, span)}: {name} {reason}") from None
        key = (label, start, end)
        if key in seen:
            raise LineRefused(
                f"{_what(position, span)}: the same label and range appear twice on this line."
            )
        seen.add(key)
        prefix, suffix = span_context(stored, start, end)
        checked.append(_CheckedSpan(label, start, end, exact, prefix, suffix, speaker, span.note))
    return checked


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "non_field_errors" else " ".join(messages)
            for name, messages in exc.errors.items()
        )
    if isinstance(exc, IntegrityError):
        return f"Refused by the database: {str(exc).splitlines()[0]}"
    return str(exc)


def _span_event(span: _CheckedSpan) -> dict[str, Any]:
    """span_snapshot() of the span as written: pending, version 1 (tests keep the two equal)."""
    return {
        "label": span.label,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "speaker": span.speaker,
        "note": span.note,
        "review_status": ReviewStatus.PENDING.value,
        "review_reason": "",
        "deleted": False,
        "version": 1,
    }


def _write(*, project: Project, actor, line: _Line) -> tuple[Document, int]:
    """One line through document_import, in the caller's savepoint (the line-by-line path: the
    embedded SQLite, and a batch the database refused, to find which line it refused)."""
    document = document_import(project=project, actor=actor, text=line.text, **line.document)
    now = timezone.now()
    if connection.vendor == "postgresql":
        _copy_spans(project=project, actor=actor, spans=[(document.pk, line.spans)], now=now)
    else:  # the embedded SQLite of local mode
        spans = [
            Span(document=document, author=actor, created_at=now, updated_at=now, **span._asdict())
            for span in line.spans
        ]
        Span.objects.bulk_create(spans, batch_size=500)
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    project_id=project.pk,
                    object_type="span",
                    object_id=span.pk,
                    action="import",
                    actor=actor,
                    before=None,
                    after=_span_event(checked),
                )
                for span, checked in zip(spans, line.spans, strict=True)
            ],
            batch_size=500,
        )
    return document, len(line.spans)


_SPAN_COLUMNS = (
    'id, document_id, label, start, "end", text, prefix, suffix, speaker, note, author_id, '
    "review_status, review_reason, version, created_at, updated_at"
)
_DOCUMENT_COLUMNS = (
    "id, project_id, title, outlet, author, source_url, published_on, external_id, text, "
    "text_length, metadata, created_by_id, created_at"
)
_AUDIT_COPY = (
    f"COPY {AuditEvent._meta.db_table} "
    "(project_id, object_type, object_id, action, actor_id, after, created_at) FROM STDIN"
)


def _next_ids(cursor, model, count: int) -> list[int]:
    """`count` ids from the table's own sequence, so rows written with COPY can be named."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [model._meta.db_table, count],
    )
    return [pk for (pk,) in cursor.fetchall()]


def _copy_text(value: str) -> str:
    """A string as a field of COPY's text format (tab-separated, backslash escapes)."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\n" in value or "\r" in value or "\t" in value:
        value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return value


class _CopyWriter:
    """Rows of COPY's text format, written to the copy in blocks of about a megabyte.

    Formatting the few columns of a span row with one f-string costs a fifth of what the
    driver's generic write_row does, and a million-span import writes two million rows."""

    def __init__(self, copy) -> None:
        self.copy, self.lines, self.size = copy, [], 0

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.size += len(line)
        if self.size >= 1 << 20:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.copy.write("".join(self.lines).encode())
            self.lines, self.size = [], 0


def _copy_spans(
    *, project: Project, actor, spans: list[tuple[int, list[_CheckedSpan]]], now
) -> None:
    """Spans (grouped by document id) and their audit records with COPY: ten times faster than
    INSERT. The database's constraints and triggers check every row as they do for INSERT."""
    total = sum(len(group) for _, group in spans)
    if not total:
        return
    esc, dumps, event = _copy_text, orjson.dumps, _span_event
    at, actor_id, project_id = now.isoformat(), actor.pk, project.pk
    pending = ReviewStatus.PENDING.value
    with connection.cursor() as cursor:
        ids = iter(_next_ids(cursor, Span, total))
        raw = cursor.cursor
        audit = []
        with connection.wrap_database_errors:
            with raw.copy(f"COPY {Span._meta.db_table} ({_SPAN_COLUMNS}) FROM STDIN") as copy:
                rows = _CopyWriter(copy)
                for document_id, group in spans:
                    for span in group:
                        pk = next(ids)
                        rows.add(
                            f"{pk}\t{document_id}\t{span.label}\t{span.start}\t{span.end}\t"
                            f"{esc(span.text)}\t{esc(span.prefix)}\t{esc(span.suffix)}\t"
                            f"{esc(span.speaker)}\t{esc(span.note)}\t{actor_id}\t{pending}\t"
                            f"\t1\t{at}\t{at}\n"
                        )
                        audit.append(
                            f"{project_id}\tspan\t{pk}\timport\t{actor_id}\t"
                            f"{esc(dumps(event(span)).decode())}\t{at}\n"
                        )
                rows.flush()
            with raw.copy(_AUDIT_COPY) as copy:
                rows = _CopyWriter(copy)
                for line in audit:
                    rows.add(line)
                rows.flush()


def _write_batch(*, project: Project, actor, batch: list[tuple[_Line, Document]]) -> list[Document]:
    """A batch of checked lines at once (PostgreSQL): documents, their audit records and
    suggestion runs, then every span and its audit record, with COPY, in the caller's
    transaction. The checks were made before (document_build, _check_spans); the database's
    constraints and triggers check every row again as it is written."""
    now = timezone.now()
    documents = [document for _, document in batch]
    with connection.cursor() as cursor:
        for document, pk in zip(
            documents, _next_ids(cursor, Document, len(documents)), strict=True
        ):
            document.pk, document.created_at = pk, now
        raw = cursor.cursor
        with connection.wrap_database_errors:
            table = Document._meta.db_table
            with raw.copy(f"COPY {table} ({_DOCUMENT_COLUMNS}) FROM STDIN") as copy:
                for d in documents:
                    copy.write_row(
                        (d.pk, project.pk, d.title, d.outlet, d.author, d.source_url,
                         d.published_on, d.external_id, d.text, d.text_length,
                         orjson.dumps(d.metadata).decode(), actor.pk, now)
                    )  # fmt: skip
            with raw.copy(_AUDIT_COPY) as copy:
                for d in documents:
                    copy.write_row(
                        (project.pk, "document", d.pk, "import", actor.pk,
                         orjson.dumps(document_import_event(d)).decode(), now)
                    )  # fmt: skip
    # Enqueued together after commit, as document_import does one by one.
    suggestion_runs_request(documents=documents)
    _copy_spans(
        project=project,
        actor=actor,
        spans=[(document.pk, line.spans) for line, document in batch],
        now=now,
    )
    return documents


def document_import_jsonl(
    *, project: Project, actor, lines: Iterable[bytes | str], keep_good_lines: bool = False
) -> ImportReport:
    """Import documents with their spans, one JSON object a line (see the module docstring).
    Blank lines are skipped; line numbers count every line of the file from 1.

    On PostgreSQL lines are read, checked and written BATCH_LINES at a time: every check of
    a line (its JSON, its spans, its document, its external id against the project and the
    lines before it) is made before anything of the batch is written, then the batch goes in
    with COPY. Should the database still refuse the batch, it is written again line by line in
    savepoints, so the refused line is named as before."""
    if not policy.can_annotate(actor, project):
        raise NotAllowed("Only members of the project can import documents into it.")
    report = ImportReport(keep_good_lines=keep_good_lines)
    batched = _batched()
    taken: set[str] = set()  # external ids of the lines checked so far
    with transaction.atomic():
        numbered = ((number, raw) for number, raw in enumerate(lines, start=1) if raw.strip())
        for chunk in _batches(numbered, lines=BATCH_LINES if batched else 1):
            report.lines += len(chunk)
            if batched:
                _import_batch(project, actor, chunk, report, taken)
            else:
                _import_line(project, actor, *chunk[0], report)
        if report.error_count and not keep_good_lines:
            transaction.set_rollback(True)
            report.documents_created = report.spans_created = 0
            report.document_ids = []
        else:
            report.committed = True
    return report


def _batched() -> bool:
    """Batches with COPY on PostgreSQL; line by line on the embedded SQLite."""
    return connection.vendor == "postgresql"


def _batches(numbered: Iterator[tuple[int, Any]], *, lines: int) -> Iterator[list]:
    """The numbered lines in lists of at most `lines` lines and about BATCH_BYTES."""
    batch: list[tuple[int, Any]] = []
    size = 0
    for item in numbered:
        batch.append(item)
        size += len(item[1])
        if len(batch) >= lines or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _import_line(project: Project, actor, number: int, raw, report: ImportReport) -> None:
    """The line-by-line path: parse, then write in a savepoint through document_import."""
    try:
        line = _parse(raw, number=number)
        with transaction.atomic():  # a savepoint: a refused line leaves nothing behind
            document, span_count = _write(project=project, actor=actor, line=line)
    except (LineRefused, ValidationError, NotAllowed, IntegrityError) as exc:
        report.refuse(number, _reason(exc))
        return
    report.documents_created += 1
    report.spans_created += span_count
    report.document_ids.append(document.pk)


def _import_batch(
    project: Project, actor, chunk: list[tuple[int, Any]], report: ImportReport, taken: set[str]
) -> None:
    parsed: list[tuple[int, _Line | Exception]] = []
    for number, raw in chunk:
        try:
            parsed.append((number, _parse(raw, number=number)))
        except (LineRefused, ValidationError) as exc:
            parsed.append((number, exc))
    wanted = [
        line.document["external_id"]
        for _, line in parsed
        if isinstance(line, _Line) and line.document["external_id"]
    ]
    # One query for the batch instead of one a line; ids of earlier lines are in `taken`.
    existing = set(
        project.documents.filter(external_id__in=wanted).values_list("external_id", flat=True)
    )
    good: list[tuple[int, _Line, Document]] = []
    for number, line in parsed:
        try:
            if isinstance(line, Exception):
                raise line
            document = document_build(
                project=project,
                actor=actor,
                text=line.text,
                **line.document,
                external_id_taken=lambda value: value in existing or value in taken,
            )
            # The fields' own checks; the project and the actor exist, and the constraints
            # (text, external id) were checked above and are checked again by the database.
            full_clean(
                document,
                exclude=["project", "created_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except (LineRefused, ValidationError) as exc:
            report.refuse(number, _reason(exc))
            continue
        if document.external_id:
            taken.add(document.external_id)
        good.append((number, line, document))
    if not good or (report.error_count and not report.keep_good_lines):
        return  # nothing of this import will be kept: no need to write it
    try:
        with transaction.atomic():
            documents = _write_batch(
                project=project, actor=actor, batch=[(line, doc) for _, line, doc in good]
            )
    except IntegrityError:
        # Refused by the database (a concurrent import took an external id, say): write the
        # batch line by line, each in its savepoint, so the refusal names its line.
        refused = ImportReport(keep_good_lines=True)
        good_numbers = {number for number, _, _ in good}
        for number, raw in chunk:
            if number in good_numbers:
                _import_line(project, actor, number, raw, refused)
        report.documents_created += refused.documents_created
        report.spans_created += refused.spans_created
        report.document_ids += refused.document_ids
        for error in refused.errors:
            report.refuse(error.line, error.reason)
        return
    report.documents_created += len(documents)
    report.spans_created += sum(len(line.spans) for _, line, _ in good)
    report.document_ids += [document.pk for document in documents]
