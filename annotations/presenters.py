"""What the workspace page embeds: its spans, open suggestions and latest run, as the page's
script reads them; and the API's answers on the hot clicks (a span, a new document).

They are the objects the API answers with (tests keep them equal to SpanSerializer,
SuggestionSerializer, SuggestionRunSerializer and DocumentListSerializer), built from the same
field lists (annotations.domain) without DRF's per-field machinery: the page embeds thousands
of spans, and serializing them was the slowest part of opening a long document; building a
ModelSerializer's fields was a third of a document create's Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import tzinfo
from operator import attrgetter
from typing import Any

import orjson
from django.core.cache import caches
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from rest_framework.fields import DateTimeField

from annotations import workspace_selectors as reads
from annotations.domain import document as document_domain
from annotations.domain import span as span_domain
from annotations.domain import suggestion as suggestion_domain
from annotations.domain import verdict as verdict_domain
from annotations.export_selectors import value_rows
from annotations.models import (
    ClaimCheckMatch,
    Document,
    OutletMatch,
    Rating,
    Span,
    Suggestion,
    SuggestionRun,
    Verdict,
)
from annotations.suggest.people import names_in

Reader = Callable[[Any], Any]

# The API's own formatting of a time (ISO 8601, UTC as "Z"), so both say the same.
_datetime = DateTimeField().to_representation


def _reader(
    model: type[models.Model], source: str, derive: Callable[[Any], Any] | None = None
) -> Reader:
    """How one field is read from an instance of `model`: a relation by its id, a time as the
    API writes it, a path through relations (`author__username`) as it is."""
    path = source.replace("__", ".")
    if "." in path:
        return attrgetter(path)
    field = model._meta.get_field(path)
    if isinstance(field, models.Field) and (
        field.many_to_one or (field.one_to_one and field.concrete)
    ):
        path = field.attname  # the related object's id, as DRF gives it
    get = attrgetter(path)
    if isinstance(field, models.DateTimeField):
        return lambda obj: None if (value := get(obj)) is None else _datetime(value)
    if isinstance(field, models.DateField):
        return lambda obj: None if (value := get(obj)) is None else value.isoformat()
    if derive is not None:
        return lambda obj: derive(get(obj))
    return get


def _readers(
    model: type[models.Model], names: tuple[str, ...], sources: dict[str, str] | None = None
) -> tuple[tuple[str, Reader], ...]:
    sources = sources or {}
    return tuple((name, _reader(model, sources.get(name, name))) for name in names)


_VERDICT = _readers(Verdict, verdict_domain.API_FIELDS, verdict_domain.API_SOURCES)
_SUGGESTION = _readers(Suggestion, suggestion_domain.API_FIELDS)
_RUN = _readers(SuggestionRun, suggestion_domain.RUN_API_FIELDS)


_DOCUMENT_LIST = tuple(
    (name, attrgetter(name) if name in document_domain.COUNT_FIELDS else _reader(Document, name))
    for name in document_domain.LIST_FIELDS
)


def document_list_data(document: Document) -> dict[str, Any]:
    """A document as the list shows it (DocumentListSerializer's object): its counts are
    attributes the caller set (the list's query annotates them)."""
    return {name: read(document) for name, read in _DOCUMENT_LIST}


def verdict_data(verdict: Verdict) -> dict[str, Any]:
    return {name: read(verdict) for name, read in _VERDICT}


def span_verdict(span: Span) -> Verdict | None:
    """The verdict shown on a span: its desk claim's (none unless it is a CLAIM)."""
    if span.desk_claim_id is None:
        return None
    return getattr(span.desk_claim, "verdict", None)


def _span_verdict(span: Span) -> dict[str, Any] | None:
    verdict = span_verdict(span)
    return None if verdict is None else verdict_data(verdict)


_SPAN = tuple(
    (
        spec.name,
        _span_verdict if spec.name == "verdict" else _reader(Span, spec.source, spec.derive),
    )
    for spec in span_domain.API
)


def span_data(span: Span) -> dict[str, Any]:
    return {name: read(span) for name, read in _SPAN}


def _iso(tz: tzinfo) -> Callable[[Any], Any]:
    """DRF's DateTimeField.to_representation (ISO 8601 in `tz`, UTC as "Z") without its
    per-value lookups of the current time zone: a tenth of the cost of 10,000 times."""

    def iso(value: Any) -> Any:
        if value is None:
            return None
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return iso


_SPAN_ROW = tuple(spec for spec in span_domain.API if spec.name != "verdict")
_SPAN_ROW_TIMES = tuple(
    i
    for i, spec in enumerate(_SPAN_ROW)
    if "__" not in spec.source
    and isinstance(Span._meta.get_field(spec.source), models.DateTimeField)
)
_VERDICT_ROW = tuple(
    f"desk_claim__verdict__{verdict_domain.API_SOURCES.get(name, name)}"
    for name in verdict_domain.API_FIELDS
)
_VERDICT_LINKS = verdict_domain.API_FIELDS.index("evidence_links")
_VERDICT_ROW_TIMES = tuple(
    i
    for i, name in enumerate(verdict_domain.API_FIELDS)
    if isinstance(Verdict._meta.get_field(name), models.DateTimeField)
)


def spans_data(spans: models.QuerySet[Span]) -> list[dict[str, Any]]:
    """span_data of every span of `spans`, read as rows in one query without building model
    instances (five a span, with its author, desk claim, verdict and the verdict's author) or
    Django's converters: a 2,000-span document is read in a tenth of the time. The same objects,
    in the same order."""
    iso = _iso(timezone.get_current_timezone())
    derived = [(i, spec.derive) for i, spec in enumerate(_SPAN_ROW) if spec.derive is not None]
    verdict_at = len(_SPAN_ROW)
    # Each API field's place in a row of the span's values, with its verdict's last.
    order = [
        verdict_at if name == "verdict" else [spec.name for spec in _SPAN_ROW].index(name)
        for name in span_domain.API_FIELDS
    ]
    columns = [spec.source for spec in _SPAN_ROW] + ["desk_claim__verdict__id", *_VERDICT_ROW]
    data = []
    for row in value_rows(spans.values_list(*columns)):
        values = list(row[: verdict_at + 1])
        for i in _SPAN_ROW_TIMES:
            values[i] = iso(values[i])
        for i, derive in derived:
            values[i] = derive(values[i])
        if values[verdict_at] is not None:
            verdict = list(row[verdict_at + 1 :])
            if isinstance(links := verdict[_VERDICT_LINKS], str):  # PostgreSQL's jsonb text
                verdict[_VERDICT_LINKS] = orjson.loads(links)
            for i in _VERDICT_ROW_TIMES:
                verdict[i] = iso(verdict[i])
            values[verdict_at] = dict(zip(verdict_domain.API_FIELDS, verdict, strict=True))
        data.append(dict(zip(span_domain.API_FIELDS, [values[i] for i in order], strict=True)))
    return data


def span_draft(document: Document, author: str) -> dict[str, Any]:
    """A new span as the page shows it until the server answers: every field of the API's
    span, with a new span's defaults; the page fills in what the reviewer chose."""
    draft = {
        spec.name: None
        if spec.default is span_domain.REQUIRED
        else spec.default
        if spec.derive is None
        else spec.derive(spec.default)
        for spec in span_domain.API
    }
    return draft | {"document": document.pk, "author": author}


def suggestion_data(suggestion: Suggestion) -> dict[str, Any]:
    return {name: read(suggestion) for name, read in _SUGGESTION}


def run_data(run: SuggestionRun) -> dict[str, Any]:
    return {name: read(run) for name, read in _RUN}


def people_named(document_id: int, text: str) -> list[str]:
    """Who the article names (the panel offers them as speakers). A document's text never
    changes, so each process finds them once a document: on a long article that was a fifth
    of the page's time. The text's hash in the key: a test database may give its id to another
    text."""
    key = f"workspace-people:{document_id}:{hash(text)}"
    people = caches["local"].get(key)
    if people is None:
        people = names_in(text)
        caches["local"].set(key, people, timeout=None)
    return people


# The characters json_script escapes, so that nothing in the data can end the script element or
# start markup; JSON.parse reads the escapes back as the characters.
_SCRIPT_ESCAPES = ((b"&", b"\\u0026"), (b"<", b"\\u003C"), (b">", b"\\u003E"))


def script_json(value: Any, element_id: str) -> SafeString:
    """`value` in a <script type="application/json"> element, as Django's json_script writes it,
    by orjson: a workspace's megabyte of spans in a few milliseconds instead of a tenth of a
    second. Times as the API writes them (ISO 8601, UTC as "Z"); what orjson does not know
    (a Decimal) as Django's encoder writes it."""
    data = orjson.dumps(value, default=DjangoJSONEncoder().default, option=orjson.OPT_UTC_Z)
    for character, escaped in _SCRIPT_ESCAPES:
        data = data.replace(character, escaped)
    opening = format_html('<script id="{}" type="application/json">', element_id)
    return mark_safe(f"{opening}{data.decode()}</script>")  # noqa: S308  # escaped above


_LINE_BREAKS = re.compile(r"\n+")


def _paragraphs(text: str) -> list[str]:
    """Each paragraph with the run of line breaks after it (a run at the very end stays with
    the last one)."""
    paragraphs, start = [], 0
    for found in _LINE_BREAKS.finditer(text):
        if found.end() < len(text):
            paragraphs.append(text[start : found.end()])
            start = found.end()
    paragraphs.append(text[start:])
    return paragraphs


def text_blocks(text: str) -> SafeString:
    """The article's text as its paragraphs, one block each: the workspace's painter fills each
    block with its highlights and repaints only the blocks a change touches, and a block off
    screen is not laid out (content-visibility), before the script runs too. Their texts joined
    are the text, exactly (HTML-escaped here, read back by the browser)."""
    blocks = "".join(f'<span class="text-block">{p}</span>' for p in _paragraphs(escape(text)))
    return mark_safe(blocks)  # noqa: S308  # the text escaped once, whole


# --- outlet matches: one JSON for the comparison page, the workspace and the API ---------------


def _match_side(match: OutletMatch, side: str) -> dict[str, Any]:
    document = getattr(match, f"document_{side}")
    return {
        "document": document.pk,
        "title": document.title,
        "outlet": document.outlet,
        "start": getattr(match, f"{side}_start"),
        "end": getattr(match, f"{side}_end"),
        "text": getattr(match, f"{side}_text"),
        "span": getattr(match, f"span_{side}_id"),
    }


def match_data(match: OutletMatch) -> dict[str, Any]:
    """A match as the API answers it (MatchSerializer documents this shape)."""
    return {
        "id": match.pk,
        "kind": match.kind,
        "status": match.status,
        "score": match.score,
        "reason": match.reason,
        "a": _match_side(match, "a"),
        "b": _match_side(match, "b"),
        "details": match.details,
        "comparer_version": match.comparer_version,
        "decided_by": None if match.decided_by is None else match.decided_by.get_username(),
        "decided_at": None if match.decided_at is None else _datetime(match.decided_at),
        "created_at": _datetime(match.created_at),
        "updated_at": _datetime(match.updated_at),
    }


def claim_check_data(match: ClaimCheckMatch, *, desk: str) -> dict[str, Any]:
    """A match as the workspace and the API show it: "already checked: False, by <desk or
    publisher> on <date>". ``desk``: the project's name, who a desk claim's verdict is by."""
    checked: dict[str, Any]
    desk_claim, fact = match.desk_claim, match.fact_check
    if desk_claim is not None:
        verdict = getattr(desk_claim, "verdict", None)
        when = None
        if verdict is not None:
            when = (verdict.reviewed_at if verdict.reviewed_at else verdict.updated_at).date()
        checked = {
            "desk_claim": match.desk_claim_id,
            "fact_check": None,
            "claim": desk_claim.wording,
            "rating": verdict.rating if verdict else "",
            "rating_label": verdict.get_rating_display() if verdict else "",
            "review_status": verdict.review_status if verdict else None,
            "by": desk,
            "on": when.isoformat() if when else None,
            "url": None,
            "claim_author": "",
        }
    else:
        assert fact is not None  # a match is of a desk claim or of a fact-check (a constraint)
        checked = {
            "desk_claim": None,
            "fact_check": match.fact_check_id,
            "claim": fact.claim_reviewed,
            "rating": fact.rating,
            "rating_label": fact.rating_text or (Rating(fact.rating).label if fact.rating else ""),
            "review_status": None,
            "by": fact.publisher,
            "on": fact.published_on.isoformat() if fact.published_on else None,
            "url": fact.url,
            "claim_author": fact.claim_author,
        }
    return {
        "id": match.pk,
        "document": match.document_id,
        "start": match.start,
        "end": match.end,
        "span": match.span_id,
        "suggestion": match.suggestion_id,
        "kind": "desk_claim" if match.desk_claim_id is not None else "fact_check",
        "score": match.score,
        "reason": match.reason,
        "status": match.status,
        "decided_by": None if match.decided_by is None else match.decided_by.get_username(),
        "decided_at": None if match.decided_at is None else _datetime(match.decided_at),
        "checked": checked,
    }


# --- the reviewer's inbox: moderators' decisions on their work -------------------------------


def inbox_entries(spans: Any, verdicts: Any) -> list[dict[str, Any]]:
    """Decisions on one reviewer's spans and verdicts, rejections first, then the newest: one
    list for the inbox page and its API."""
    entries = [
        {
            "kind": "span",
            "id": span.pk,
            "label": span.label,
            "text": span.text,
            "status": span.review_status,
            "reason": span.review_reason,
            "reviewed_by": span.reviewed_by.get_username() if span.reviewed_by else None,
            "reviewed_at": None if span.reviewed_at is None else _datetime(span.reviewed_at),
            "document": {"id": span.document_id, "title": span.document.title},
            "url": f"/documents/{span.document_id}/#span-{span.pk}",
        }
        for span in spans
    ] + [
        {
            "kind": "verdict",
            "id": verdict.pk,
            "label": "VERDICT",
            "text": verdict.desk_claim.wording,
            "rating": verdict.rating,
            "status": verdict.review_status,
            "reason": verdict.review_reason,
            "reviewed_by": verdict.reviewed_by.get_username() if verdict.reviewed_by else None,
            "reviewed_at": None if verdict.reviewed_at is None else _datetime(verdict.reviewed_at),
            "desk_claim": verdict.desk_claim_id,
            "url": None,
        }
        for verdict in verdicts
    ]
    entries.sort(key=lambda e: e["reviewed_at"] or "", reverse=True)
    entries.sort(key=lambda e: e["status"] != "rejected")  # stable: rejections first
    return entries


def inbox_data(user: Any) -> dict[str, Any]:
    """The inbox as the page and the API show it: the count of standing rejections, and the
    decisions (the latest INBOX_SIZE spans and verdicts)."""
    return {
        "rejected": reads.inbox_rejected_count(user),
        "entries": inbox_entries(
            reads.inbox_spans(user)[: reads.INBOX_SIZE],
            reads.inbox_verdicts(user)[: reads.INBOX_SIZE],
        ),
    }
