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
from typing import Any

import orjson
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotations import policy
from annotations.errors import NotAllowed, ValidationError
from annotations.models import AuditEvent, Document, Label, Project, Span
from annotations.services.common import (
    check_storable,
    normalize_text,
    span_context,
    span_snapshot,
)
from annotations.services.documents import document_import

MAX_LINE_BYTES = 16 * 1024 * 1024
MAX_REPORTED_ERRORS = 200
MAX_SPANS_PER_LINE = 100_000
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


@dataclass
class _Line:
    text: str
    document: dict[str, Any]
    spans: list[Span]


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


def _check_spans(given: str, stored: str, spans: list[_SpanIn]) -> list[Span]:
    """The checks span_create makes, on every span of the line, before anything is written."""
    offsets = _Offsets(given, stored)
    seen: set[tuple[str, int, int]] = set()
    checked = []
    for position, span in enumerate(spans, start=1):
        what = f"Span {position} ({span.label} {span.start}:{span.end})"
        label = span.label.upper()
        if label not in Label.values:
            raise LineRefused(f"{what}: unknown label; use one of {', '.join(Label.values)}.")
        if not 0 <= span.start < span.end <= len(given):
            raise LineRefused(
                f"{what}: offsets must satisfy 0 <= start < end <= {len(given)} (the length of "
                "the text in code points)."
            )
        start = offsets(span.start, what=f"{what}: start")
        end = offsets(span.end, what=f"{what}: end")
        exact = stored[start:end]
        if span.text is not None and normalize_text(span.text) != exact:
            raise LineRefused(
                f"{what}: its text {span.text!r:.60} differs from the document's {exact!r:.60} "
                "at those offsets (offsets count Unicode code points)."
            )
        speaker = span.speaker.strip()
        if speaker and label != Label.QUOTE:
            raise LineRefused(f"{what}: only a QUOTE has a speaker.")
        for value, name in ((speaker, "speaker"), (span.note, "note")):
            try:
                check_storable(value, field=name)
            except ValidationError as exc:
                raise LineRefused(f"{what}: {name} {exc.errors[name][0]}") from None
        key = (label, start, end)
        if key in seen:
            raise LineRefused(f"{what}: the same label and range appear twice on this line.")
        seen.add(key)
        prefix, suffix = span_context(stored, start, end)
        checked.append(
            Span(
                label=label,
                start=start,
                end=end,
                text=exact,
                prefix=prefix,
                suffix=suffix,
                speaker=speaker,
                note=span.note,
            )
        )
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


def _write(*, project: Project, actor, line: _Line) -> tuple[Document, int]:
    document = document_import(project=project, actor=actor, text=line.text, **line.document)
    spans = line.spans
    now = timezone.now()
    for span in spans:
        span.document, span.author = document, actor
        span.created_at = span.updated_at = now
    if connection.vendor == "postgresql":
        _copy_spans(project=project, actor=actor, spans=spans)
    else:  # the embedded SQLite of local mode
        Span.objects.bulk_create(spans, batch_size=500)
        AuditEvent.objects.bulk_create(
            [_audit(project, actor, span) for span in spans], batch_size=500
        )
    return document, len(spans)


def _audit(project: Project, actor, span: Span) -> AuditEvent:
    return AuditEvent(
        project_id=project.pk,
        object_type="span",
        object_id=span.pk,
        action="import",
        actor=actor,
        before=None,
        after=span_snapshot(span),
    )


_SPAN_COLUMNS = (
    'id, document_id, label, start, "end", text, prefix, suffix, speaker, note, author_id, '
    "review_status, review_reason, version, created_at, updated_at"
)


def _copy_spans(*, project: Project, actor, spans: list[Span]) -> None:
    """Spans and their audit records with COPY: ten times faster than INSERT for a big line.
    The database's constraints and triggers check every row as they do for INSERT; the ids
    come from the table's own sequence first, so each audit record can name its span."""
    if not spans:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Span._meta.db_table, len(spans)],
        )
        for span, (pk,) in zip(spans, cursor.fetchall(), strict=True):
            span.pk = pk
        raw = cursor.cursor
        with connection.wrap_database_errors:
            with raw.copy(f"COPY {Span._meta.db_table} ({_SPAN_COLUMNS}) FROM STDIN") as copy:
                for span in spans:
                    copy.write_row(
                        (span.pk, span.document_id, span.label, span.start, span.end, span.text,
                         span.prefix, span.suffix, span.speaker, span.note, span.author_id,
                         span.review_status, "", 1, span.created_at, span.updated_at)
                    )  # fmt: skip
            with raw.copy(
                f"COPY {AuditEvent._meta.db_table} (project_id, object_type, object_id, action, "
                "actor_id, after, created_at) FROM STDIN"
            ) as copy:
                for span in spans:
                    copy.write_row(
                        (project.pk, "span", span.pk, "import", actor.pk,
                         orjson.dumps(span_snapshot(span)).decode(), span.created_at)
                    )  # fmt: skip


def document_import_jsonl(
    *, project: Project, actor, lines: Iterable[bytes | str], keep_good_lines: bool = False
) -> ImportReport:
    """Import documents with their spans, one JSON object a line (see the module docstring).
    Blank lines are skipped; line numbers count every line of the file from 1."""
    if not policy.can_annotate(actor, project):
        raise NotAllowed("Only members of the project can import documents into it.")
    report = ImportReport(keep_good_lines=keep_good_lines)
    with transaction.atomic():
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            report.lines += 1
            try:
                line = _parse(raw, number=number)
                with transaction.atomic():  # a savepoint: a refused line leaves nothing behind
                    document, span_count = _write(project=project, actor=actor, line=line)
            except (LineRefused, ValidationError, NotAllowed, IntegrityError) as exc:
                report.refuse(number, _reason(exc))
                continue
            report.documents_created += 1
            report.spans_created += span_count
            report.document_ids.append(document.pk)
        if report.error_count and not keep_good_lines:
            transaction.set_rollback(True)
            report.documents_created = report.spans_created = 0
            report.document_ids = []
        else:
            report.committed = True
    return report
