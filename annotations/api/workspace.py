"""What the workspace asks beyond the spans and suggestions: the live poll (others' spans,
verdicts and review decisions appear in an open workspace), the reviewer's recently deleted
spans, taking back decisions on suggestions (undo, restore a rejected one), and the inbox of
moderators' decisions on the reviewer's work."""

from __future__ import annotations

import orjson
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import document_read, policy, presenters, selectors, services, workspace_selectors
from annotations.api import serializers as s
from annotations.api.inputs import valid_input
from annotations.api.lookups import document_for
from annotations.api.renderers import RenderedJSON

MAX_REOPEN = 1000  # "accept all" on a long article: its undo names every suggestion it took


class LiveSpansSerializer(serializers.Serializer):
    tag = serializers.CharField()
    spans = s.SpanSerializer(many=True)


class ReopenSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        min_length=1,
        max_length=MAX_REOPEN,
    )


def _matches(header: str, tag: str) -> bool:
    return any(part.strip() in (tag, "*") for part in header.split(","))


class DocumentLiveView(APIView):
    """The document's live spans with their verdicts, for an open workspace to poll. Send the
    ETag you have as If-None-Match: while nothing changed the answer is 304 with no body (one
    aggregate query, no span read)."""

    @extend_schema(
        parameters=[OpenApiParameter("If-None-Match", str, location="header")],
        responses={200: LiveSpansSerializer, 304: OpenApiResponse(description="Not modified")},
    )
    def get(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        tag = workspace_selectors.document_live_tag(document)
        headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
        if _matches(request.headers.get("If-None-Match", ""), tag):
            return Response(status=http.HTTP_304_NOT_MODIFIED, headers=headers)
        # The same rows as the document's own read (one statement on PostgreSQL): a change
        # anywhere in a long article sends every open workspace its thousands of spans.
        found = document_read.read(request.user, document.pk) if document_read.fast() else None
        if found is not None:
            body = orjson.dumps({"tag": tag, "spans": found["spans"]}, option=orjson.OPT_UTC_Z)
            return Response(RenderedJSON(body), headers=headers)
        spans = [presenters.span_data(span) for span in selectors.document_spans(document)]
        return Response({"tag": tag, "spans": spans}, headers=headers)


class DocumentDeletedSpansView(APIView):
    """The requester's own deleted spans in this document, the latest deleted first: what the
    workspace's "Recently deleted" offers to restore (POST /spans/{id}/restore/)."""

    @extend_schema(responses=s.SpanSerializer(many=True))
    def get(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        spans = workspace_selectors.my_deleted_spans(document, request.user)
        return Response([presenters.span_data(span) | {"deleted": True} for span in spans])


class SuggestionsReopenView(APIView):
    """Take back decisions on suggestions of this document: a rejected one is open again, an
    accepted one too, its span (the requester's) deleted. All or nothing."""

    @extend_schema(request=ReopenSerializer, responses=s.SuggestionSerializer(many=True))
    def post(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        data = valid_input(ReopenSerializer, request)
        reopened = services.suggestions_reopen(
            document=document,
            actor=policy.actor_of(request),
            ids=list(dict.fromkeys(data["ids"])),
        )
        return Response([presenters.suggestion_data(x) for x in reopened])


class InboxSerializer(serializers.Serializer):
    rejected = serializers.IntegerField()
    entries = serializers.ListField(child=serializers.DictField())


class InboxView(APIView):
    """Moderators' decisions on my spans and verdicts: rejections (with their reasons) first,
    then approvals, newest first; `rejected` counts the rejections that still stand."""

    @extend_schema(responses=InboxSerializer)
    def get(self, request: Request) -> Response:
        return Response(presenters.inbox_data(request.user))
