"""The labeled-data API: the streamed export, the filtered span list and the JSONL import."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import asdict

from django.http import JsonResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import policy, selectors, services
from annotations.api import serializers as s
from annotations.api.filters import STATUS_ALL, filter_parameters, filter_spans
from annotations.api.lookups import project_for
from annotations.api.views import NewestFirst
from annotations.errors import NotAllowed, ValidationError
from annotations.export import (
    FORMATS,
    OFFSET_UNIT,
    OFFSET_UNIT_TEXT,
    ExportContext,
    ExportMismatch,
)
from annotations.export import (
    stream as export_stream,
)
from annotations.imports import MAX_LINE_BYTES, iter_lines
from annotations.models import ReviewStatus
from annotations.services.imports import MAX_REPORTED_ERRORS

log = logging.getLogger(__name__)

EXPORT_DEFAULT_STATUS = ReviewStatus.APPROVED
MAX_IMPORT_BYTES = 512 * 1024 * 1024


class _FirstRenderer(BaseContentNegotiation):
    """`format` names the export format here, not a DRF renderer: always answer JSON (errors)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


EXPORT_DESCRIPTION = f"""Stream the project's spans in one of five formats. {OFFSET_UNIT_TEXT}

- `jsonl`: one document a line: `id`, `text`, `label` as `[[start, end, "CLAIM"], ...]`
  (doccano's layout), `spans` with every span field (speaker, note, `desk_claim`: the id of the
  desk claim a CLAIM is a mention of, its desk claim's verdict ...), `meta` with the document's
  metadata, and `offset_unit`.
- `w3c`: a W3C Web Annotation AnnotationCollection (JSON-LD): TextPositionSelector and
  TextQuoteSelector, the label as a `tagging` body, for a CLAIM its desk claim as an
  `identifying` SpecificResource (`source`: the desk claim's API address, `label`: its wording),
  the verdict as an `assessing` body, the rationale (`describing`) and evidence links
  (`linking`) as bodies.
- `claimreview`: a JSON array of schema.org ClaimReview objects, one per desk claim whose
  verdict is approved: `claimReviewed` its wording, `itemReviewed.appearance` every article
  whose mentions pass the filters, `itemReviewed.firstAppearance` the earliest (by published
  date, else import time).
- `conll`: BIO tags, one token a line (token, start, end, tag). Lossy: when spans overlap, the
  one that starts first wins (then the longer, then CLAIM, QUOTE, OPINION); each document says
  how many spans were dropped.
- `csv`: one span a row, with a header row.

A document appears when at least one of its spans passes the filters. Verdicts are included when
approved (or, with `status` other than `approved`, whatever their status).

Every span is checked against its document while the export is written
(`text[start:end] == span.text`). A mismatch in the first 64 KB answers 500 with a JSON
`detail`; later, the server aborts the connection without finishing the chunked body, so the
client sees an incomplete download, never a complete-looking file with a wrong offset.
The response header `X-Offset-Unit: {OFFSET_UNIT}` states the offset unit too."""


def _export_context(request: Request, project) -> ExportContext:
    base = request.build_absolute_uri("/").rstrip("/")
    return ExportContext(base_url=base, project_name=project.name, generated_at=timezone.now())


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
                description="jsonl, w3c, claimreview, conll or csv.",
            ),
            *filter_parameters(default_status=EXPORT_DEFAULT_STATUS),
        ],
        responses={
            (200, FORMATS["jsonl"].MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.STR, description="JSON Lines (format=jsonl)"
            ),
            (200, "application/ld+json"): OpenApiResponse(
                OpenApiTypes.STR, description="JSON-LD (format=w3c or claimreview)"
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV (format=csv)"),
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.STR, description="CoNLL (format=conll)"
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
            spans = spans.filter(
                label="CLAIM", desk_claim__verdict__review_status=ReviewStatus.APPROVED
            )
        module = FORMATS[fmt]
        groups = selectors.export_groups(spans, approved_verdicts_only=approved_only)
        chunks = export_stream(module, groups, _export_context(request, project))
        try:
            first = next(chunks, b"")
        except ExportMismatch as exc:
            log.error("Export of project %s stopped: %s", project.pk, exc)
            return JsonResponse({"detail": str(exc)}, status=500)
        response = StreamingHttpResponse(
            _stream(first, chunks, project_id=project.pk),
            content_type=f"{module.MEDIA_TYPE}; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{_file_name(project, fmt)}"'
        response["X-Offset-Unit"] = OFFSET_UNIT
        response["Cache-Control"] = "no-store"
        return response


class ProjectSpansView(APIView):
    @extend_schema(
        summary="List the project's spans (cursor pages, filtered)",
        description="Live spans of the project, newest first, with the export's filters. "
        "`status` defaults to `all` here.",
        parameters=[
            *filter_parameters(default_status=STATUS_ALL),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": NewestFirst.max_page_size},
                description=f"At most {NewestFirst.max_page_size}.",
            ),
            OpenApiParameter("cursor", str, description="From the `next` or `previous` link."),
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
        paginator = NewestFirst()
        page = paginator.paginate_queryset(spans, request, view=self)
        return paginator.get_paginated_response(s.SpanSerializer(page, many=True).data)


class JSONLinesParser(BaseParser):
    """Hands the view the raw body as lines, read one at a time (never the whole file)."""

    media_type = "application/x-ndjson"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"lines": iter_lines(stream) if stream is not None else iter(())}


class JSONLParser(JSONLinesParser):
    media_type = "application/jsonl"


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"A JSONL file, at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB."
    )


class LineErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="1 for the file's first line.")
    reason = serializers.CharField()


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


IMPORT_DESCRIPTION = f"""Import documents with their spans, one JSON object a line. Send the file as
the body (`Content-Type: application/x-ndjson` or `application/jsonl`) or as the `file` field of
a multipart form. Each line is read and checked on its own:

- doccano's layout: `{{"text": "...", "label": [[start, end, "CLAIM"], ...]}}` (or `labels`);
  other keys are kept as the document's metadata (`title`, `outlet`, `author`, `source_url`,
  `published_on`, `external_id` fill those fields);
- this API's JSONL export (`spans` and `meta` are read, so speakers and notes come along);
- W3C annotations as this API's W3C export writes them, under `annotations` beside `text`.

Offsets are code points of the line's `text` as given; the stored text is normalised (NFC,
CRLF to LF) and offsets are carried through that; an offset that would split characters
normalisation merges is refused. Lines are at most {MAX_LINE_BYTES // (1024 * 1024)} MB.
Imported spans are pending review.

**Bad lines.** By default the import is all or nothing: if any line is refused, nothing is
saved and the answer is 400 with every refused line's number and reason (`committed: false`).
With `keep_good_lines=true` the good lines are saved and the bad ones reported (201).
Blank lines are skipped; line numbers count every line from 1."""


class DocumentImportView(APIView):
    parser_classes = [JSONLinesParser, JSONLParser, MultiPartParser]

    @extend_schema(
        summary="Import JSONL (doccano, this API's export, W3C annotations)",
        description=IMPORT_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "keep_good_lines",
                bool,
                default=False,
                description="Save the good lines even if some are refused.",
            )
        ],
        request={
            "application/x-ndjson": OpenApiTypes.BINARY,
            "application/jsonl": OpenApiTypes.BINARY,
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
        keep = request.query_params.get("keep_good_lines", "false").lower()
        if keep not in ("true", "false", "1", "0"):
            raise ValidationError("Give true or false.", field="keep_good_lines")
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_IMPORT_BYTES:
            raise ValidationError("The upload is larger than 512 MB.", field="file")
        data = request.data
        if isinstance(data, dict) and "lines" in data:
            lines = data["lines"]
        else:
            upload = ImportUploadSerializer(data=data)
            upload.is_valid(raise_exception=True)
            file = upload.validated_data["file"]
            if file.size > MAX_IMPORT_BYTES:
                raise ValidationError("The file is larger than 512 MB.", field="file")
            lines = iter_lines(file)
        report = services.document_import_jsonl(
            project=project,
            actor=policy.actor_of(request),
            lines=lines,
            keep_good_lines=keep in ("true", "1"),
        )
        code = status.HTTP_201_CREATED if report.committed else status.HTTP_400_BAD_REQUEST
        return Response(asdict(report), status=code)
