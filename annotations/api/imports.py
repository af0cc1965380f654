"""The labeled-data API in: an upload stored as an import job (answered with its result when it
ends within the request's wait, else 202 and where to watch it), and the job itself. The
import runs in a worker (annotations.services.import_jobs)."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import policy, selectors, services
from annotations.api.exports import _boolean
from annotations.api.lookups import project_for
from annotations.domain import offsets
from annotations.errors import ValidationError
from annotations.export import OFFSET_UNIT
from annotations.imports import MAX_LINE_BYTES
from annotations.imports.files import FILE_FORMATS, JSONL
from annotations.models import ImportJob
from annotations.services.import_jobs import MAX_IMPORT_BYTES, import_job_check_options
from annotations.services.imports import MAX_REPORTED_ERRORS, ON_EXISTING, REFUSE

CHUNK = 1024 * 1024


class JSONLinesParser(BaseParser):
    """Hands the view the raw body, to be stored as it is (never read whole)."""

    media_type = "application/x-ndjson"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"stream": stream}


class JSONLParser(JSONLinesParser):
    media_type = "application/jsonl"


class JSONDocumentParser(JSONLinesParser):
    """A whole JSON document (Label Studio's export, a W3C collection): the raw stream, read by
    the format's reader (annotations.imports.files)."""

    media_type = "application/json"


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


class ImportJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    # Shadows Serializer.errors: this serializer only renders.
    errors = LineErrorSerializer(  # type: ignore[assignment]
        many=True, help_text=f"The first {MAX_REPORTED_ERRORS} refused lines so far."
    )
    result = ImportReportSerializer(
        allow_null=True, help_text="The import's report, once the job is done or failed."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "project",
            "status",
            "format",
            "offset_unit",
            "on_existing",
            "keep_good_lines",
            "file_name",
            "file_size",
            "lines_read",
            "documents_written",
            "spans_written",
            "error_count",
            "errors",
            "error",
            "result",
            "attempts",
            "created_at",
            "started_at",
            "progress_at",
            "finished_at",
        ]

    def get_url(self, job: ImportJob) -> str:
        return reverse("api-import-job", args=[job.pk])


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
saved, the job ends `failed` and lists every refused line's number and reason
(`result.committed: false`). With `keep_good_lines=true` the good lines are saved and the bad
ones reported (the job ends `done`). Blank lines are skipped; line numbers count every line
from 1.

**A job.** The file is stored and a worker imports it: the job goes `queued`, `running` (with
`lines_read`, `documents_written`, `spans_written`, `error_count` and `errors` so far), then
`done` or `failed`, with the import's report in `result`. The request waits for the job up to
{settings.IMPORT_ANSWER_WAIT_SECONDS:g} s (less with `Prefer: wait=N`, none with `Prefer:
respond-async`): a job that ended answers 201 (done) or 400 (failed: the refused lines or
why), one still running 202; each with the job, its address in `Location` (`GET
/api/v1/imports/{{id}}/`). Should a worker die mid-import
the job starts again from the first line; nothing of a half import is ever kept."""


def _answer_wait(request: Request) -> float:
    """Seconds to wait for the job before answering 202: IMPORT_ANSWER_WAIT_SECONDS, or less
    if the client prefers (RFC 7240: `Prefer: respond-async` none, `Prefer: wait=N` N)."""
    longest = float(settings.IMPORT_ANSWER_WAIT_SECONDS)
    for preference in request.headers.get("Prefer", "").lower().split(","):
        name, _, value = (part.strip() for part in preference.partition("="))
        if name == "respond-async":
            return 0.0
        if name == "wait" and value.isdigit():
            return min(longest, float(value))
    return longest


class _ImportNegotiation(DefaultContentNegotiation):
    """`format` names the file's format here, not a DRF renderer: always answer JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _chunks(data) -> tuple[Iterator[bytes], str]:
    """The upload's bytes, as they came (the body, or the multipart `file`), and its name."""
    if isinstance(data, dict) and "stream" in data:
        stream = data["stream"]
        return (iter(()) if stream is None else iter(lambda: stream.read(CHUNK), b"")), ""
    upload = ImportUploadSerializer(data=data)
    upload.is_valid(raise_exception=True)
    file = upload.validated_data["file"]
    if file.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.", field="file"
        )
    return file.chunks(CHUNK), file.name or ""


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
            201: OpenApiResponse(
                ImportJobSerializer, description="Imported while the request waited: the job, done."
            ),
            202: OpenApiResponse(
                ImportJobSerializer,
                description="Stored; the job still runs. Its address is in Location.",
            ),
            400: OpenApiResponse(
                description="A bad option or file (the field and the reason), or the job failed "
                "while the request waited (the job, with the refused lines or why)."
            ),
            404: OpenApiResponse(description="No such project among yours."),
        },
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        params = request.query_params
        keep = _boolean(params, "keep_good_lines", default=False)
        options = import_job_check_options(
            fmt=params.get("format") or JSONL,
            offset_unit=params.get("offset_unit") or OFFSET_UNIT,
            on_existing=params.get("on_existing") or REFUSE,
        )
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_IMPORT_BYTES:
            raise ValidationError(
                f"The upload is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.", field="file"
            )
        chunks, name = _chunks(request.data)
        fmt, unit, on_existing = options
        job = services.import_job_create(
            project=project,
            actor=policy.actor_of(request),
            chunks=chunks,
            file_name=name,
            fmt=fmt,
            offset_unit=unit,
            on_existing=on_existing,
            keep_good_lines=keep,
            base_url=request.build_absolute_uri("/"),
        )
        # With tasks in-process (local mode) it has already run; else a small file's job ends
        # while the request waits, and the answer is the import's result.
        job = services.import_job_wait(job_id=job.pk, seconds=_answer_wait(request))
        body = ImportJobSerializer(job).data
        ended: dict[str, int] = {
            ImportJob.Status.DONE: status.HTTP_201_CREATED,
            ImportJob.Status.FAILED: status.HTTP_400_BAD_REQUEST,
        }
        code = ended.get(job.status, status.HTTP_202_ACCEPTED)
        return Response(body, status=code, headers={"Location": body["url"]})


class ImportJobView(APIView):
    """An import job of one of your projects: where it is, and what came of it."""

    @extend_schema(responses=ImportJobSerializer)
    def get(self, request: Request, job_id: int) -> Response:
        job = get_object_or_404(selectors.import_jobs_for(request.user), pk=job_id)
        return Response(ImportJobSerializer(job).data)


class ProjectImportJobsView(APIView):
    """The project's import jobs, newest first (the last 50)."""

    @extend_schema(responses=ImportJobSerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        jobs = selectors.import_jobs_for(request.user).filter(project=project)[:50]
        return Response(ImportJobSerializer(jobs, many=True).data)
