"""The labeled-data API out: the streamed export and the filtered span list (in: api/imports.py)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import export_selectors, policy, selectors
from annotations.api import serializers as s
from annotations.api.filters import STATUS_ALL, filter_parameters, filter_spans
from annotations.api.lookups import project_for
from annotations.api.pagination import NewestFirst
from annotations.domain import offsets
from annotations.errors import NotAllowed, ValidationError
from annotations.export import (
    FORMATS,
    OFFSET_UNIT,
    OFFSET_UNIT_TEXT,
    ExportContext,
    ExportMismatch,
    Publisher,
    gzipped,
    narrow_rows,
    offset_units,
    plain_rows,
    span_columns,
    with_suggestions,
)
from annotations.export import (
    stream as export_stream,
)
from annotations.models import Label, Project, ReviewStatus

log = logging.getLogger(__name__)

EXPORT_DEFAULT_STATUS = ReviewStatus.APPROVED


class _FirstRenderer(BaseContentNegotiation):
    """`format` names the export format here, not a DRF renderer: always answer JSON (errors)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


EXPORT_DESCRIPTION = f"""Stream the project's spans in one of eight formats. {OFFSET_UNIT_TEXT}
With `offset_unit=utf16` (JavaScript, the browser, doccano's editor) or `offset_unit=grapheme`
(extended grapheme clusters) the offsets count that unit instead; every export states its unit
(the `X-Offset-Unit` header, and in the file as each format says below). A client sending
`Accept-Encoding: gzip` gets the stream gzip-compressed (`Content-Encoding: gzip`).

- `jsonl`: one document a line: `id`, `text`, `label` as `[[start, end, "CLAIM"], ...]`
  (doccano's layout), `spans` with every span field (speaker, note, `desk_claim`: the id of
  the desk claim a CLAIM is a mention of, its desk claim's verdict ...), `meta` with the
  document's metadata, and `offset_unit`. For doccano, ask for `offset_unit=utf16`.
- `jsonl-compact`: the same lines without `spans`: `id`, `text`, `label`, `meta` (only the
  document's fields that are set) and `offset_unit`, what doccano and spaCy's converters read
  (a sixth of the bytes).
- `w3c`: a W3C Web Annotation AnnotationCollection (JSON-LD) with ids on the collection, its
  page and each annotation, `@context` on each annotation, the article's URL as the target's
  `source`: TextPositionSelector (code points, as the W3C model defines it: no other unit) and
  TextQuoteSelector, the label as a `tagging` body, for a CLAIM its desk claim as an
  `identifying` SpecificResource (`source`: the desk claim's API address, `label`: its wording),
  the verdict as an `assessing` body, the
  rationale (`describing`) and evidence links (`linking`) as bodies.
- `claimreview`: a JSON array of schema.org ClaimReview objects, one per desk claim whose
  verdict is approved, with the fields Google's fact-check markup requires and recommends:
  `url` the fact-check article (the verdict's `review_url`, else the project's or the
  installation's template; else our own page, counted in `X-ClaimReview-Reviews-Without-Article`),
  `author` the publishing organisation (name, url, logo), `claimReviewed` the wording,
  `reviewRating` (alternateName always; ratingValue 5 best to 1 worst except for
  unverifiable), `itemReviewed` the Claim: its `author` (the speaker of a QUOTE it sits in,
  else the article's byline or outlet), `datePublished` (its earliest appearance's),
  `appearance` every article whose mentions pass the filters (with its URL; an article
  without one is listed without it and counted in `X-ClaimReview-Appearances-Without-Url`),
  `firstAppearance` the earliest (by published date, else import time); no offsets.
- `conll`: CoNLL-2003 as `spacy convert` reads it: `-DOCSTART- -X- O O` before each document,
  a blank line between sentences, one token a line (token, start, end, BIO tag), no comments.
  Lossy: when spans overlap, the one that starts first wins (then the longer, then CLAIM, QUOTE,
  OPINION).
- `csv`: one span a row, with a header row and an `offset_unit` column. Spreadsheet-safe by
  default: a UTF-8 byte-order mark, text cells quoted, and a leading apostrophe on a text cell
  that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) or read as a boolean
  (or that starts with an apostrophe); `spreadsheet_safe=false` writes cells as stored, no mark.
- `xlsx`: the CSV's rows as an Excel workbook, texts as text cells (never formulas or booleans).
- `labelstudio`: Label Studio tasks (JSON): the text and the document's fields as `data`, each
  author's spans as an annotation (label, speaker and note per region), the open suggestions
  as predictions.
- `spacy`: a spaCy DocBin (`.spacy`) with every span in the span group `sc` (code points only:
  spaCy counts tokens).

A document appears when at least one of its spans passes the filters. Verdicts are included when
approved (or, with `status` other than `approved`, whatever their status).

Every span is checked against its document while the export is written
(`text[start:end] == span.text`). A mismatch in the first 64 KB answers 500 with a JSON
`detail`; later, the server aborts the connection without finishing the chunked body, so the
client sees an incomplete download, never a complete-looking file with a wrong offset."""


def publisher_of(project: Project) -> Publisher:
    """Who publishes the project's fact checks: each of the project's own fields, else the
    installation's setting."""
    return Publisher(
        name=project.publisher_name or settings.CLAIMREVIEW_PUBLISHER_NAME,
        url=project.publisher_url or settings.CLAIMREVIEW_PUBLISHER_URL,
        logo=project.publisher_logo or settings.CLAIMREVIEW_PUBLISHER_LOGO,
        review_url_template=project.review_url_template or settings.CLAIMREVIEW_REVIEW_URL_TEMPLATE,
    )


def _export_context(
    request: Request, project: Project, *, offset_unit: str, spreadsheet_safe: bool
) -> ExportContext:
    base = request.build_absolute_uri("/").rstrip("/")
    return ExportContext(
        base_url=base,
        project_name=project.name,
        generated_at=timezone.now(),
        offset_unit=offset_unit,
        spreadsheet_safe=spreadsheet_safe,
        export_url=request.build_absolute_uri(),
        project_id=project.pk,
        publisher=publisher_of(project),
    )


def _boolean(params, name: str, *, default: bool) -> bool:
    value = (params.get(name) or str(default)).lower()
    if value not in ("true", "false", "1", "0"):
        raise ValidationError("Give true or false.", field=name)
    return value in ("true", "1")


def _offset_unit(params, fmt: str) -> str:
    """The unit asked for (400 naming the allowed ones when unknown, or when the format
    cannot count in it)."""
    try:
        unit = offsets.check_unit(params.get("offset_unit") or OFFSET_UNIT)
    except offsets.UnknownUnit as exc:
        raise ValidationError(str(exc), field="offset_unit") from None
    allowed = offset_units(FORMATS[fmt])
    if unit not in allowed:
        raise ValidationError(
            f"The {fmt} format counts {offsets.UNIT_WORDS[allowed[0]]} only; "
            f"use offset_unit={' or '.join(allowed)}.",
            field="offset_unit",
        )
    return unit


def _file_name(project, fmt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", project.name.lower()).strip("-") or "project"
    return f"{slug}-{timezone.now():%Y%m%d}.{FORMATS[fmt].EXTENSION}"


def _stream(first: bytes, rest: Iterator[bytes], *, project_id: int) -> Iterator[bytes]:
    yield first
    try:
        yield from rest
    except ExportMismatch:
        log.exception("Export of project %s stopped mid-stream", project_id)
        raise  # the server drops the connection: the chunked body is never finished


def _accepts_gzip(request: Request) -> bool:
    """Whether the client takes a gzip body (Accept-Encoding names gzip without q=0). An export
    is only data, no secret beside what the client sent, so compressing it leaks nothing."""
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _content_type(media_type: str) -> str:
    if media_type.startswith("text/") or media_type.endswith("json"):
        return f"{media_type}; charset=utf-8"
    return media_type  # binary (xlsx, spacy)


class ProjectExportView(APIView):
    content_negotiation_class = _FirstRenderer

    @extend_schema(
        summary="Export the project's labeled data (streamed)",
        description=EXPORT_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=list(FORMATS),
                default="jsonl",
                description=", ".join(FORMATS) + ".",
            ),
            OpenApiParameter(
                "offset_unit",
                str,
                enum=list(offsets.UNITS),
                default=OFFSET_UNIT,
                description="What the offsets count: code points (Python, the W3C), UTF-16 "
                "code units (JavaScript, doccano's editor) or grapheme clusters. The w3c and "
                "spacy formats count code points only.",
            ),
            OpenApiParameter(
                "spreadsheet_safe",
                bool,
                default=True,
                description="csv: a byte-order mark and formula cells neutralised (default); "
                "false writes every cell exactly as stored.",
            ),
            *filter_parameters(default_status=EXPORT_DEFAULT_STATUS),
        ],
        responses={
            (200, FORMATS["jsonl"].MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.STR, description="JSON Lines (format=jsonl)"
            ),
            (200, "application/ld+json"): OpenApiResponse(
                OpenApiTypes.ANY, description="JSON-LD (format=w3c or claimreview)"
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV (format=csv)"),
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.STR, description="CoNLL (format=conll)"
            ),
            (200, FORMATS["xlsx"].MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="Excel workbook (format=xlsx)"
            ),
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.ANY, description="Label Studio tasks (format=labelstudio)"
            ),
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="spaCy DocBin (format=spacy)"
            ),
            400: OpenApiResponse(description="A filter or the format is not valid."),
            404: OpenApiResponse(description="No such project among yours."),
        },
    )
    def get(self, request: Request, project_id: int):
        project = project_for(request, project_id)
        params = request.query_params
        fmt = request.query_params.get("format") or "jsonl"
        if fmt not in FORMATS:
            raise ValidationError(
                f"Unknown format {fmt[:40]!r}; choose one of {', '.join(FORMATS)}.", field="format"
            )
        unit = _offset_unit(params, fmt)
        spreadsheet_safe = _boolean(params, "spreadsheet_safe", default=True)
        spans = filter_spans(  # validates every filter (400) before the permission check
            selectors.project_spans(request.user, project=project),
            params,
            default_status=EXPORT_DEFAULT_STATUS,
        )
        approved_only = (params.get("status") or EXPORT_DEFAULT_STATUS) == ReviewStatus.APPROVED
        if not policy.can_export(request.user, project, include_unreviewed=not approved_only):
            raise NotAllowed(
                "Reviewers export approved work; pending and rejected work is for the "
                "project's moderators (ask for status=approved)."
            )
        if fmt == "claimreview":
            # The claims with an approved verdict, and the QUOTEs with a speaker in their
            # articles: a claim inside one is the speaker's (the claim's author).
            claims = spans.filter(
                label=Label.CLAIM, desk_claim__verdict__review_status=ReviewStatus.APPROVED
            )
            spans = spans.filter(
                Q(pk__in=claims.values("pk"))
                | Q(label=Label.QUOTE, document__in=claims.values("document_id")) & ~Q(speaker="")
            )
        module = FORMATS[fmt]
        groups = export_selectors.export_groups(
            spans,
            approved_verdicts_only=approved_only,
            with_suggestions=with_suggestions(module),
            narrow=narrow_rows(module),
            plain=plain_rows(module),
            columns=span_columns(module),
        )
        context = _export_context(
            request, project, offset_unit=unit, spreadsheet_safe=spreadsheet_safe
        )
        chunks = export_stream(module, groups, context)
        try:
            first = next(chunks, b"")
        except ExportMismatch as exc:
            log.error("Export of project %s stopped: %s", project.pk, exc)
            return JsonResponse({"detail": str(exc)}, status=500)
        body = _stream(first, chunks, project_id=project.pk)
        compress = _accepts_gzip(request)
        response = StreamingHttpResponse(
            gzipped(body) if compress else body, content_type=_content_type(module.MEDIA_TYPE)
        )
        response["Vary"] = "Accept-Encoding"
        if compress:
            response["Content-Encoding"] = "gzip"
        response["Content-Disposition"] = f'attachment; filename="{_file_name(project, fmt)}"'
        response["X-Offset-Unit"] = unit
        for name, count in sorted(context.tally.items()):  # counted before the first chunk
            response[f"X-ClaimReview-{name.replace('_', '-').title()}"] = str(count)
        response["Cache-Control"] = "no-store"
        return response


class ProjectSpansView(APIView):
    pagination_class = NewestFirst

    @extend_schema(
        summary="List the project's spans (cursor pages, filtered)",
        description="Live spans of the project, newest first, with the export's filters. "
        "`status` defaults to `all` here.",
        parameters=[
            *filter_parameters(default_status=STATUS_ALL),
        ],
        responses=s.SpanSerializer(many=True),
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        spans = filter_spans(
            selectors.project_spans(request.user, project=project),
            request.query_params,
            default_status=STATUS_ALL,
        ).select_related("author", "desk_claim__verdict__author")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(spans, request, view=self)
        return paginator.get_paginated_response(s.SpanSerializer(page, many=True).data)
