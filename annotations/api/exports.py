"""The labeled-data API: the streamed export, the filtered span list and the JSONL import."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import asdict

from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import policy, selectors, services
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
    offset_units,
    with_suggestions,
)
from annotations.export import (
    stream as export_stream,
)
from annotations.imports import MAX_LINE_BYTES, iter_lines
from annotations.imports.files import FILE_FORMATS, JSONL, Documents, FileRefused, lines_of
from annotations.models import Label, Project, ReviewStatus
from annotations.services.imports import MAX_REPORTED_ERRORS, ON_EXISTING, REFUSE

log = logging.getLogger(__name__)

EXPORT_DEFAULT_STATUS = ReviewStatus.APPROVED
MAX_IMPORT_BYTES = 512 * 1024 * 1024


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
- `jsonl-compact`: the same lines without `spans`: `id`, `text`, `label`, `meta` and
  `offset_unit`, what doccano and spaCy's converters read (a sixth of the bytes).
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
        groups = selectors.export_groups(
            spans, approved_verdicts_only=approved_only, with_suggestions=with_suggestions(module)
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


class JSONLinesParser(BaseParser):
    """Hands the view the raw body as lines, read one at a time (never the whole file)."""

    media_type = "application/x-ndjson"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"lines": iter_lines(stream) if stream is not None else iter(())}


class JSONLParser(JSONLinesParser):
    media_type = "application/jsonl"


class JSONDocumentParser(BaseParser):
    """A whole JSON document (Label Studio's export, a W3C collection): the raw stream, read by
    the format's reader (annotations.imports.files)."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"stream": stream if stream is not None else io.BytesIO()}


class JSONLDParser(JSONDocumentParser):
    media_type = "application/ld+json"


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A JSONL file, a Label Studio export or a W3C document (see `format`), at most "
        f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB."
    )


class LineErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="1 for the file's first line.")
    reason = serializers.CharField()


class LineWarningSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="1 for the file's first line (or task, or document).")
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    keep_good_lines = serializers.BooleanField()
    committed = serializers.BooleanField(help_text="False: nothing was saved.")
    lines = serializers.IntegerField(help_text="Non-blank lines read.")
    documents_created = serializers.IntegerField()
    spans_created = serializers.IntegerField()
    document_ids = serializers.ListField(child=serializers.IntegerField())
    # Shadows Serializer.errors: this serializer only describes the response in the schema.
    errors = LineErrorSerializer(  # type: ignore[assignment]
        many=True, help_text=f"The first {MAX_REPORTED_ERRORS}."
    )
    error_count = serializers.IntegerField()
    documents_updated = serializers.IntegerField(
        help_text="Existing documents that got spans (on_existing=update, format=w3c)."
    )
    warnings = LineWarningSerializer(
        many=True,
        help_text=f"The first {MAX_REPORTED_ERRORS}: lines imported with something to say.",
    )
    warning_count = serializers.IntegerField()


IMPORT_DESCRIPTION = f"""Import documents with their spans. Send the file as the body or as the
`file` field of a multipart form; `format` says what it is:

- `jsonl` (the default; body `application/x-ndjson` or `application/jsonl`), one JSON object a
  line, each read and checked on its own:
  - doccano's layout: `{{"text": "...", "label": [[start, end, "CLAIM"], ...]}}` (or `labels`,
    or doccano's `entities`); other keys are kept as the document's metadata (`title`,
    `outlet`, `author`, `source_url`, `published_on`, `external_id` fill those fields);
  - this API's JSONL export (`spans` and `meta` are read, so speakers and notes come along).
    A line with both doccano's `label` and our `spans` (our export edited in doccano): `label`
    wins, each span it still has keeps its speaker and note from `spans`, and when the two
    disagree the line is imported with a warning saying so;
  - W3C annotations as this API's W3C export writes them, under `annotations` beside `text`.
- `labelstudio` (body `application/json`): Label Studio's JSON export (tasks with their
  annotations; speakers and notes from the per-region text areas `speaker` and `note`) or its
  JSON_MIN export, a task a line in the report.
- `w3c` (body `application/ld+json` or `application/json`): this API's W3C export as it is (an
  AnnotationCollection), a page, one annotation or a list of them. Annotations go to documents
  the project has, found by their target (the document's page here, or the article's URL):
  import the documents first.

**Offsets** count code points of the line's `text` as given, unless `offset_unit` (`utf16`, as
doccano's editor and JavaScript count, or `grapheme`) says otherwise: the line's own
`offset_unit` key wins over the parameter (this API's exports write it on every line, so an
export in `utf16` comes back right). An unknown unit is refused. The stored text is normalised
(NFC, CRLF to LF) and offsets are carried through that; an offset that would split characters
normalisation merges is refused. Lines are at most {MAX_LINE_BYTES // (1024 * 1024)} MB. A
UTF-8 byte-order mark at the start is skipped. Imported spans are pending review.

**Existing documents.** A line whose `external_id` the project already has is refused, unless
`on_existing=update`: then the document is kept as it is (its text must be the same: a
document's text never changes) and the line's spans are added to it, except those it already
has (same label and range, kept with their review, verdict, speaker and note) and those a
reviewer deleted (not brought back); both are reported as warnings. Nothing is removed.

**Bad lines.** By default the import is all or nothing: if any line is refused, nothing is
saved and the answer is 400 with every refused line's number and reason (`committed: false`).
With `keep_good_lines=true` the good lines are saved and the bad ones reported (201).
Blank lines are skipped; line numbers count every line from 1."""


def _import_documents(request: Request, project) -> Documents:
    """The project's documents, as the W3C import finds them by address."""
    documents = selectors.project_documents(request.user, project=project)

    def by_id(pk: int) -> tuple[int, str] | None:
        return documents.filter(pk=pk).values_list("pk", "text").first()

    def by_url(url: str) -> list[tuple[int, str]]:
        return list(documents.filter(source_url=url).order_by("pk").values_list("pk", "text"))

    return Documents(
        base_url=request.build_absolute_uri("/").rstrip("/"), by_id=by_id, by_url=by_url
    )


class _ImportNegotiation(DefaultContentNegotiation):
    """`format` names the file's format here, not a DRF renderer: always answer JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DocumentImportView(APIView):
    content_negotiation_class = _ImportNegotiation
    parser_classes = [
        JSONLinesParser,
        JSONLParser,
        JSONDocumentParser,
        JSONLDParser,
        MultiPartParser,
    ]

    @extend_schema(
        summary="Import JSONL (doccano, this API's export), Label Studio or W3C annotations",
        description=IMPORT_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "keep_good_lines",
                bool,
                default=False,
                description="Save the good lines even if some are refused.",
            ),
            OpenApiParameter(
                "format",
                str,
                enum=list(FILE_FORMATS),
                default=JSONL,
                description="jsonl (a document a line), labelstudio (Label Studio's JSON or "
                "JSON_MIN export) or w3c (a W3C Web Annotation document).",
            ),
            OpenApiParameter(
                "offset_unit",
                str,
                enum=list(offsets.UNITS),
                default=OFFSET_UNIT,
                description="What the file's offsets count; a line's own offset_unit wins.",
            ),
            OpenApiParameter(
                "on_existing",
                str,
                enum=list(ON_EXISTING),
                default=REFUSE,
                description="A line whose external_id the project has: refuse it, or add its "
                "new spans to that document (update).",
            ),
        ],
        request={
            "application/x-ndjson": OpenApiTypes.BINARY,
            "application/jsonl": OpenApiTypes.BINARY,
            "application/json": OpenApiTypes.BINARY,
            "application/ld+json": OpenApiTypes.BINARY,
            "multipart/form-data": ImportUploadSerializer,
        },
        responses={
            201: ImportReportSerializer,
            400: OpenApiResponse(
                ImportReportSerializer, description="Refused lines; nothing was saved."
            ),
            404: OpenApiResponse(description="No such project among yours."),
        },
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        params = request.query_params
        keep = _boolean(params, "keep_good_lines", default=False)
        fmt = params.get("format") or JSONL
        if fmt not in FILE_FORMATS:
            raise ValidationError(
                f"Unknown format {fmt[:40]!r}; choose one of {', '.join(FILE_FORMATS)}.",
                field="format",
            )
        try:
            unit = offsets.check_unit(params.get("offset_unit") or OFFSET_UNIT)
        except offsets.UnknownUnit as exc:
            raise ValidationError(str(exc), field="offset_unit") from None
        on_existing = params.get("on_existing") or REFUSE
        if on_existing not in ON_EXISTING:
            raise ValidationError(
                f"Unknown value {on_existing[:40]!r}; choose one of {', '.join(ON_EXISTING)}.",
                field="on_existing",
            )
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_IMPORT_BYTES:
            raise ValidationError("The upload is larger than 512 MB.", field="file")
        data = request.data
        if isinstance(data, dict) and "lines" in data:
            lines = data["lines"]
            if fmt != JSONL:  # a JSON document sent as x-ndjson: read it whole
                stream = io.BytesIO(b"".join(lines))
        elif isinstance(data, dict) and "stream" in data:
            stream = data["stream"]
            lines = iter_lines(stream)
        else:
            upload = ImportUploadSerializer(data=data)
            upload.is_valid(raise_exception=True)
            file = upload.validated_data["file"]
            if file.size > MAX_IMPORT_BYTES:
                raise ValidationError("The file is larger than 512 MB.", field="file")
            stream = file
            lines = iter_lines(file)
        if fmt != JSONL:
            try:
                lines = lines_of(stream, fmt, documents=_import_documents(request, project))
            except FileRefused as exc:
                raise ValidationError(str(exc), field="file") from None
        report = services.document_import_jsonl(
            project=project,
            actor=policy.actor_of(request),
            lines=lines,
            keep_good_lines=keep,
            offset_unit=unit,
            on_existing=on_existing,
        )
        code = status.HTTP_201_CREATED if report.committed else status.HTTP_400_BAD_REQUEST
        return Response(asdict(report), status=code)
