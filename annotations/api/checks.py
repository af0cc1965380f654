"""Already checked over the API: a project's fact-checks (list, and import ClaimReview files
and feeds), the matches of a document's or a span's claims, and a reviewer's confirm or dismiss.

Thin like the rest: a lookup scoped to the requester finds the objects (outside the user's
projects: 404), a service decides and writes, a presenter shapes the answer as the workspace
embeds it.
"""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import policy, presenters, selectors, services
from annotations.api.filters import search_text
from annotations.api.imports import JSONDocumentParser, JSONLDParser
from annotations.api.lookups import claim_check_for, document_for, project_for, span_for
from annotations.api.pagination import NewestFirst
from annotations.api.serializers import SpanSerializer
from annotations.errors import ValidationError
from annotations.imports.claimreview import MAX_FILE_BYTES
from annotations.models import ClaimCheckMatch, Document, FactCheck, Rating


class FactCheckSerializer(serializers.ModelSerializer):
    imported_by = serializers.CharField(source="imported_by.username", default=None, read_only=True)
    # Plain strings, not enums: the schema's Rating and status enums keep their names.
    rating = serializers.CharField(
        help_text="The desk's scale (" + ", ".join(Rating.values) + ") when the publisher's "
        "rating name says it plainly, else empty.",
    )
    rating_value = serializers.FloatField(
        allow_null=True, help_text="ratingValue between worstRating (0) and bestRating (1)."
    )

    class Meta:
        model = FactCheck
        fields = [
            "id",
            "project",
            "claim_reviewed",
            "url",
            "rating_text",
            "rating_value",
            "rating",
            "publisher",
            "published_on",
            "claim_author",
            "claim_date",
            "source",
            "imported_from",
            "imported_by",
            "created_at",
            "updated_at",
        ]


class RefusedItemSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="The item's place among the file's reviews.")
    reason = serializers.CharField()
    what = serializers.CharField(help_text="Its url or claim, to find it by.")


class FactCheckImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    committed = serializers.BooleanField(help_text="False: items were refused, nothing saved.")
    refused = RefusedItemSerializer(many=True)


class FactCheckUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="ClaimReview JSON-LD (an array, one review, @graph, a DataFeed) or an HTML "
        f"page with JSON-LD, at most {MAX_FILE_BYTES // (1024 * 1024)} MB."
    )


class HTMLPageParser(BaseParser):
    """A fact-check page as published: its JSON-LD blocks are read."""

    media_type = "text/html"

    def parse(self, stream, media_type=None, parser_context=None):
        return JSONDocumentParser().parse(stream, media_type, parser_context)


class CheckedSerializer(serializers.Serializer):
    desk_claim = serializers.IntegerField(allow_null=True)
    fact_check = serializers.IntegerField(allow_null=True)
    claim = serializers.CharField(help_text="The desk claim's wording, or claimReviewed.")
    rating = serializers.CharField(help_text="The desk's scale, or empty.")
    rating_label = serializers.CharField(help_text="As the desk or the publisher names it.")
    review_status = serializers.CharField(
        allow_null=True, help_text="The desk's verdict's review state; null for a fact-check."
    )
    by = serializers.CharField(help_text="The desk (the project), or the fact-check's publisher.")
    on = serializers.DateField(
        allow_null=True, help_text="The verdict's approval (else last change), or publication."
    )
    url = serializers.URLField(allow_null=True, help_text="The fact-check's address.")
    claim_author = serializers.CharField()


class ClaimCheckSerializer(serializers.Serializer):
    """What the workspace embeds (presenters.claim_check_data)."""

    id = serializers.IntegerField()
    document = serializers.IntegerField()
    start = serializers.IntegerField(help_text="Code points.")
    end = serializers.IntegerField(help_text="Code points, exclusive.")
    span = serializers.IntegerField(allow_null=True, help_text="The CLAIM span showing it.")
    suggestion = serializers.IntegerField(
        allow_null=True, help_text="The CLAIM suggestion showing it, when no span does."
    )
    kind = serializers.CharField(help_text="desk_claim or fact_check")
    score = serializers.FloatField(help_text="Calibrated: the chance it is the same claim.")
    reason = serializers.CharField()
    status = serializers.CharField(help_text=", ".join(ClaimCheckMatch.Status.values))
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    checked = CheckedSerializer()


class ConfirmedSerializer(serializers.Serializer):
    claim_check = ClaimCheckSerializer()
    span = SpanSerializer(help_text="The CLAIM now showing it (a suggestion accepted is one).")


def _data(matches, document: Document) -> list[dict]:
    desk = document.project.name
    return [presenters.claim_check_data(m, desk=desk) for m in matches]


def _status(request: Request) -> str | None:
    value = request.query_params.get("status", "open")
    if value == "all":
        return None
    if value not in selectors.CLAIM_CHECK_STATUSES:
        raise ValidationError(
            "Choose open, confirmed, dismissed or all.", field="status"
        )  # never a 500
    return value


_STATUS_PARAM = OpenApiParameter(
    "status",
    str,
    enum=[*selectors.CLAIM_CHECK_STATUSES, "all"],
    default="open",
    description="open: those still standing (their claim live, the verdict not rejected).",
)


class ProjectFactChecksView(APIView):
    pagination_class = NewestFirst
    parser_classes = [JSONDocumentParser, JSONLDParser, HTMLPageParser, MultiPartParser]

    @extend_schema(
        summary="The project's fact-checks, newest first",
        parameters=[
            OpenApiParameter(
                "q", {"type": "string", "maxLength": 200}, description="Words of claim/publisher."
            ),
        ],
        responses=FactCheckSerializer(many=True),
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        checks = selectors.project_fact_checks(
            request.user, project=project, search=search_text(request.query_params)
        ).select_related("imported_by")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(checks, request, view=self)
        return paginator.get_paginated_response(FactCheckSerializer(page, many=True).data)

    @extend_schema(
        summary="Import fact-checks from ClaimReview (a file, a feed, a page)",
        description="Re-importing the same reviews changes nothing; a review whose rating or "
        "date changed is updated (a fact-check is its url and claim). Items that cannot be "
        "used are refused with their position and reason.",
        parameters=[
            OpenApiParameter(
                "keep_good_items",
                bool,
                default=False,
                description="Save the good items even if some are refused.",
            )
        ],
        request={
            "application/json": OpenApiTypes.BINARY,
            "application/ld+json": OpenApiTypes.BINARY,
            "text/html": OpenApiTypes.BINARY,
            "multipart/form-data": FactCheckUploadSerializer,
        },
        responses={
            201: FactCheckImportReportSerializer,
            400: OpenApiResponse(
                FactCheckImportReportSerializer,
                description="Refused items (nothing was saved), or a file that cannot be read.",
            ),
            404: OpenApiResponse(description="No such project among yours."),
        },
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        keep = request.query_params.get("keep_good_items", "").lower() in ("1", "true", "yes")
        name = ""
        data = request.data
        if isinstance(data, dict) and "stream" in data:
            raw = data["stream"].read(MAX_FILE_BYTES + 1)
        else:
            upload = FactCheckUploadSerializer(data=data)
            upload.is_valid(raise_exception=True)
            file = upload.validated_data["file"]
            name = file.name or ""
            raw = file.read(MAX_FILE_BYTES + 1)
        report = services.fact_checks_import(
            project=project,
            actor=policy.actor_of(request),
            data=raw,
            name=name,
            keep_good_items=keep,
        )
        code = status.HTTP_201_CREATED if report.committed else status.HTTP_400_BAD_REQUEST
        return Response(asdict(report), status=code)


class DocumentClaimChecksView(APIView):
    @extend_schema(
        summary="The document's claims that may be checked already, in text order, best first",
        parameters=[_STATUS_PARAM],
        responses=ClaimCheckSerializer(many=True),
    )
    def get(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        matches = selectors.document_claim_checks(document, status=_status(request))
        return Response(_data(matches, document))


class SpanClaimChecksView(APIView):
    @extend_schema(
        summary="What this CLAIM may repeat that was checked already, best first",
        parameters=[_STATUS_PARAM],
        responses=ClaimCheckSerializer(many=True),
    )
    def get(self, request: Request, span_id: int) -> Response:
        span = span_for(request, span_id)
        document = span.document
        matches = selectors.document_claim_checks(document, status=_status(request), span=span)
        return Response(_data(matches, document))


def _fresh(match: ClaimCheckMatch) -> tuple[dict, Document]:
    document = Document.objects.select_related("project").defer("text").get(pk=match.document_id)
    again = selectors.document_claim_checks(document, status=None).get(pk=match.pk)
    return presenters.claim_check_data(again, desk=document.project.name), document


class ClaimCheckConfirmView(APIView):
    @extend_schema(
        summary="It is that claim: a mention of the desk claim, or the fact-check recorded",
        description="A desk claim's match: the CLAIM (a suggestion is accepted) becomes a "
        "mention of that desk claim, with the other reviewers' CLAIMs on the same words. A "
        "fact-check's match: the CLAIM's desk claim records the fact-check as evidence.",
        request=None,
        responses={200: ConfirmedSerializer, 409: OpenApiResponse(description="Decided already.")},
    )
    def post(self, request: Request, claim_check_id: int) -> Response:
        match = claim_check_for(request, claim_check_id)
        match, span = services.claim_check_confirm(match=match, actor=policy.actor_of(request))
        data, document = _fresh(match)
        span = selectors.document_spans(document).get(pk=span.pk)
        return Response({"claim_check": data, "span": SpanSerializer(span).data})


class ClaimCheckDismissView(APIView):
    @extend_schema(
        summary="Not the same claim: never proposed again",
        request=None,
        responses={200: ClaimCheckSerializer, 409: OpenApiResponse(description="Decided already.")},
    )
    def post(self, request: Request, claim_check_id: int) -> Response:
        match = claim_check_for(request, claim_check_id)
        match = services.claim_check_dismiss(match=match, actor=policy.actor_of(request))
        data, _ = _fresh(match)
        return Response(data)
