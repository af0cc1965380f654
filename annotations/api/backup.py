"""A project moves whole: its full backup streamed out, and restored into an empty project of
this installation or another (annotations.backup says what the file holds). Moderators only:
a backup holds unreviewed work and the whole history."""

from __future__ import annotations

import re
from dataclasses import asdict

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import policy
from annotations.api.lookups import project_for
from annotations.backup import records
from annotations.backup.dump import project_backup
from annotations.errors import NotAllowed, ValidationError
from annotations.export import buffered
from annotations.imports import iter_lines
from annotations.services.backup import project_restore

MEDIA_TYPE = "application/x-ndjson"
MAX_RESTORE_BYTES = 4 * 1024 * 1024 * 1024


class BackupLinesParser(BaseParser):
    """The body as lines, read one at a time (a document's line can be tens of megabytes)."""

    media_type = MEDIA_TYPE

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return {"lines": iter(())}
        return {"lines": iter_lines(stream, limit=records.MAX_LINE_BYTES)}


class BackupJSONLParser(BackupLinesParser):
    media_type = "application/jsonl"


class BackupUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A backup file (JSON Lines) from GET …/backup/.")


class RestoreReportSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    # Shadows Field.source: this serializer only describes the response in the schema.
    source = serializers.DictField(  # type: ignore[assignment]
        help_text="The backed-up project's id and name."
    )
    records = serializers.DictField(
        child=serializers.IntegerField(), help_text="How many of each record type came back."
    )
    users_matched = serializers.ListField(
        child=serializers.CharField(), help_text="Accounts found here by username."
    )
    users_created = serializers.ListField(
        child=serializers.CharField(),
        help_text="Accounts this installation lacked: created inactive, unable to log in.",
    )
    memberships_not_restored = serializers.ListField(
        child=serializers.DictField(),
        help_text="Who had which role in the source; a superuser grants roles here.",
    )


BACKUP_DESCRIPTION = """The whole project as one JSON Lines file of typed records (`type`):
`backup` (the header), `project`, `user`, `membership`, `story`, `desk_claim`, then each
`document` followed by its `suggestion`s and `span`s, `rating`, `verdict`, `event` (the
history), and `end` with the count of each type. Everything is there: documents with every
field (deleted ones too), spans with their authors, review states, reasons, versions and
deleted state, desk claims and their mentions, ratings, verdicts and their review states,
stories and each document's place, suggestions and their decisions, the history with its
actors and times. Records name each other by their ids here and accounts by username.
Moderators of the project only."""

RESTORE_DESCRIPTION = """Restore a backup (from `GET /projects/{id}/backup/`, of this
installation or another) into this project, which must be empty (no documents, desk claims or
stories: 409 otherwise). Send the file as the body (`application/x-ndjson`) or as the `file`
field of a multipart form. Everything gets new ids; times, versions, review and deleted states
and the history (actors, times) are kept. Accounts are matched by username; one this
installation lacks is created inactive, without a usable password, so it cannot log in.
Memberships are not restored: the report lists them for a superuser to grant. All or nothing:
a wrong record answers 400 naming its line, and nothing is saved. Moderators of this project
only."""


class ProjectBackupView(APIView):
    @extend_schema(
        summary="The project's full backup (streamed JSON Lines)",
        description=BACKUP_DESCRIPTION,
        responses={
            (200, MEDIA_TYPE): OpenApiResponse(OpenApiTypes.STR, description="JSON Lines"),
            403: OpenApiResponse(description="Not a moderator of the project."),
            404: OpenApiResponse(description="No such project among yours."),
        },
    )
    def get(self, request: Request, project_id: int) -> StreamingHttpResponse:
        project = project_for(request, project_id)
        if not policy.can_back_up(request.user, project):
            raise NotAllowed(
                "Only moderators of the project take its backup: it holds unreviewed work and "
                "the whole history."
            )
        response = StreamingHttpResponse(
            buffered(project_backup(project)), content_type=f"{MEDIA_TYPE}; charset=utf-8"
        )
        slug = re.sub(r"[^a-z0-9]+", "-", project.name.lower()).strip("-") or "project"
        name = f"{slug}-backup-{timezone.now():%Y%m%d}.jsonl"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class ProjectRestoreView(APIView):
    parser_classes = [BackupLinesParser, BackupJSONLParser, MultiPartParser]

    @extend_schema(
        summary="Restore a backup into this empty project",
        description=RESTORE_DESCRIPTION,
        request={
            MEDIA_TYPE: OpenApiTypes.BINARY,
            "application/jsonl": OpenApiTypes.BINARY,
            "multipart/form-data": BackupUploadSerializer,
        },
        responses={
            201: RestoreReportSerializer,
            400: OpenApiResponse(description="A record is wrong (its line is named)."),
            403: OpenApiResponse(description="Not a moderator of the project."),
            409: OpenApiResponse(description="The project is not empty."),
        },
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_RESTORE_BYTES:
            raise ValidationError("The backup is larger than 4 GB.", field="file")
        data = request.data
        if isinstance(data, dict) and "lines" in data:
            lines = data["lines"]
        else:
            upload = BackupUploadSerializer(data=data)
            upload.is_valid(raise_exception=True)
            lines = iter_lines(upload.validated_data["file"], limit=records.MAX_LINE_BYTES)
        report = project_restore(project=project, actor=policy.actor_of(request), lines=lines)
        return Response(asdict(report), status=status.HTTP_201_CREATED)
