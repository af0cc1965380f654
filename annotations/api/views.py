"""REST API v1. Each endpoint validates with a serializer, calls a service or a selector, and
renders the result. Objects outside the user's projects answer 404."""

from __future__ import annotations

import orjson
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import document_read, policy, search, selectors, services
from annotations.api import serializers as s
from annotations.api.filters import STATUS_ALL, filter_documents, filter_parameters, search_text
from annotations.api.inputs import valid_input, version_parameter, version_query
from annotations.api.lookups import (
    desk_claim_named,
    document_around,
    document_for,
    project_for,
    span_for,
    suggestion_for,
)
from annotations.api.pagination import NewestFirst
from annotations.api.renderers import RenderedJSON
from annotations.errors import ValidationError
from annotations.models import Document, Verdict
from annotations.presenters import document_list_data, span_data, spans_data


class ProjectListView(APIView):
    @extend_schema(responses=s.ProjectSerializer(many=True))
    def get(self, request: Request) -> Response:
        projects = selectors.projects_for(request.user).order_by("name")
        return Response(s.ProjectSerializer(projects, many=True, context={"request": request}).data)


class ProjectDocumentsView(APIView):
    pagination_class = NewestFirst

    @extend_schema(
        responses=s.DocumentListSerializer(many=True),
        parameters=[
            # Documents with at least one span passing these filters.
            *filter_parameters(default_status=STATUS_ALL),
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": search.MAX_QUERY_LENGTH},
                description="Full-text search over the title, outlet, author, text and the "
                'live spans\' texts, speakers and notes (websearch syntax: "a phrase", -word, '
                "or). With it the answer is one page of the best matches, best first, each "
                "with its `rank`, instead of pages newest first.",
            ),
        ],
    )
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        paginator = self.pagination_class()
        documents = filter_documents(
            selectors.document_list(request.user, project=project),
            selectors.project_spans(request.user, project=project),
            request.query_params,
        )
        query = search_text(request.query_params)
        if query.strip():
            size = paginator.get_page_size(request) or paginator.page_size
            ranked = list(search.search_documents(documents, query)[:size])
            rows = s.DocumentListSerializer(ranked, many=True).data
            for row, document in zip(rows, ranked, strict=True):
                row["rank"] = round(float(document.rank), 6)  # type: ignore[attr-defined]
            return Response({"next": None, "previous": None, "results": rows})
        page = paginator.paginate_queryset(documents, request, view=self)
        return paginator.get_paginated_response(s.DocumentListSerializer(page, many=True).data)

    @extend_schema(request=s.DocumentCreateSerializer, responses={201: s.DocumentListSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        data = valid_input(s.DocumentCreateSerializer, request)
        document = services.document_import(project=project, actor=policy.actor_of(request), **data)
        # The answer is the document as just written, as the list shows it: no spans yet, so
        # every count is 0, without reading it back with its counts (a join and a query
        # compiled each create). Metadata is read back when there is any: PostgreSQL keeps a
        # JSON object's keys in its own order (and its numbers in its own form), which every
        # later read gives.
        for count in ("span_count", "claim_count", "quote_count", "opinion_count"):
            setattr(document, count, 0)
        if document.metadata:
            stored = Document.objects.filter(pk=document.pk).values_list("metadata", flat=True)
            document.metadata = stored.get()
        return Response(document_list_data(document), status=status.HTTP_201_CREATED)


def document_detail(document: Document) -> dict:
    spans = selectors.document_spans(document)
    return s.DocumentDetailSerializer(document, context={"spans": spans}).data


def document_body(request: Request, document_id: int) -> RenderedJSON | dict:
    """The document as GET /documents/{id}/ answers it: on PostgreSQL its one-statement read
    written by orjson, elsewhere the serializer. Http404 when the requester may not see it (or
    it does not exist)."""
    if not document_read.fast():
        return document_detail(document_for(request, document_id))
    found = document_read.read(request.user, document_id)
    if found is None:
        raise Http404(f"No {Document._meta.object_name} matches the given query.")
    try:
        return RenderedJSON(orjson.dumps(found, option=orjson.OPT_UTC_Z))
    except orjson.JSONEncodeError:
        # What orjson refuses and JSON allows (an integer beyond 64 bits in the metadata): the
        # renderer writes it, as it writes any answer orjson refuses.
        return found


class DocumentDetailView(APIView):
    @extend_schema(responses=s.DocumentDetailSerializer)
    def get(self, request: Request, document_id: int) -> Response:
        return Response(document_body(request, document_id))

    @extend_schema(
        summary="Correct a document's title, outlet, author, URL or date (never its text)",
        request=s.DocumentUpdateSerializer,
        responses=s.DocumentDetailSerializer,
    )
    def patch(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        data = valid_input(s.DocumentUpdateSerializer, request)
        services.document_update(document=document, actor=policy.actor_of(request), **data)
        return Response(document_detail(document_for(request, document_id)))

    @extend_schema(
        summary="Soft-delete a document (moderators; restorable)",
        parameters=[version_parameter("If given, the delete is refused (409) when stale.")],
        responses={204: None},
    )
    def delete(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        services.document_delete(
            document=document, actor=policy.actor_of(request), version=version_query(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentRestoreView(APIView):
    """Bring a soft-deleted document back (moderators)."""

    @extend_schema(request=None, responses=s.DocumentDetailSerializer)
    def post(self, request: Request, document_id: int) -> Response:
        document = get_object_or_404(
            selectors.documents_with_deleted_for(request.user), pk=document_id
        )
        services.document_restore(document=document, actor=policy.actor_of(request))
        return Response(document_detail(document_for(request, document_id)))


class DocumentHistoryView(APIView):
    """Who corrected, deleted or restored the document, when, with its details before and
    after, oldest first."""

    @extend_schema(responses=s.HistoryEntrySerializer(many=True))
    def get(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        history = selectors.object_history(object_type="document", object_id=document.pk)
        return Response(s.HistoryEntrySerializer(history, many=True).data)


class DocumentSpansView(APIView):
    @extend_schema(responses=s.SpanSerializer(many=True))
    def get(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        return Response(spans_data(selectors.document_spans(document)))

    @extend_schema(request=s.SpanCreateSerializer, responses={201: s.SpanSerializer})
    def post(self, request: Request, document_id: int) -> Response:
        try:
            data = valid_input(s.SpanCreateSerializer, request)
        except Exception:
            # Whatever is wrong with the body, a document out of sight is a 404 first.
            document_for(request, document_id)
            raise
        # Only the part of the text the span's rules read, not a whole article.
        document, around = document_around(
            request, document_id, start=data["start"], end=data["end"]
        )
        data["desk_claim"] = desk_claim_named(request, data["desk_claim"], field="desk_claim")
        span = services.span_create(
            document=document, actor=policy.actor_of(request), document_text=around, **data
        )
        return Response(span_data(span), status=status.HTTP_201_CREATED)


class SpanDetailView(APIView):
    @extend_schema(responses=s.SpanSerializer)
    def get(self, request: Request, span_id: int) -> Response:
        return Response(span_data(span_for(request, span_id)))

    @extend_schema(request=s.SpanUpdateSerializer, responses=s.SpanSerializer)
    def patch(self, request: Request, span_id: int) -> Response:
        span = span_for(request, span_id)
        data = valid_input(s.SpanUpdateSerializer, request)
        span = services.span_update(span=span, actor=policy.actor_of(request), **data)
        span = selectors.document_spans(span.document).get(pk=span.pk)
        return Response(span_data(span))

    @extend_schema(
        parameters=[version_parameter("If given, the delete is refused (409) when stale.")],
        responses={204: None},
    )
    def delete(self, request: Request, span_id: int) -> Response:
        span = span_for(request, span_id)
        version = version_query(request)
        services.span_delete(span=span, actor=policy.actor_of(request), version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)


def span_verdict_of(span) -> Verdict:
    """The verdict of the desk claim a span is a mention of (404 when it has none)."""
    return get_object_or_404(
        Verdict.objects.select_related("author"),
        desk_claim__isnull=False,
        desk_claim_id=span.desk_claim_id,
    )


class SpanVerdictView(APIView):
    """An alias of /desk-claims/{id}/verdict/ for the desk claim this span is a mention of:
    the verdict is the desk claim's, shown on every mention (clients written when a verdict
    belonged to a span keep working). Any member sets it; a CLAIM only."""

    def _detail(self, verdict: Verdict) -> dict:
        history = selectors.object_history(object_type="verdict", object_id=verdict.pk)
        return s.VerdictDetailSerializer(verdict, context={"history": history}).data

    @extend_schema(
        summary="The verdict of this mention's desk claim (alias)",
        responses=s.VerdictDetailSerializer,
    )
    def get(self, request: Request, span_id: int) -> Response:
        return Response(self._detail(span_verdict_of(span_for(request, span_id))))

    @extend_schema(
        summary="Set the verdict of this mention's desk claim (alias)",
        request=s.VerdictWriteSerializer,
        responses=s.VerdictDetailSerializer,
    )
    def put(self, request: Request, span_id: int) -> Response:
        span = span_for(request, span_id)
        data = valid_input(s.VerdictWriteSerializer, request)
        verdict = services.verdict_set(span=span, actor=policy.actor_of(request), **data)
        return Response(self._detail(verdict))

    @extend_schema(
        summary="Remove the verdict of this mention's desk claim (alias)",
        parameters=[version_parameter("Refused (409) when stale.")],
        responses={204: None},
    )
    def delete(self, request: Request, span_id: int) -> Response:
        span = span_for(request, span_id)
        services.verdict_delete(
            span=span, actor=policy.actor_of(request), version=version_query(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- suggestions ------------------------------------------------------------------------------


class DocumentSuggestView(APIView):
    """Run the suggesters on the document again, in the background."""

    @extend_schema(request=None, responses={202: s.SuggestionRunSerializer})
    def post(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        run = services.suggestion_run_request(document=document, actor=policy.actor_of(request))
        return Response(s.SuggestionRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class DocumentRunsView(APIView):
    """The document's suggestion runs, newest first (the first is the one the page shows)."""

    @extend_schema(responses=s.SuggestionRunSerializer(many=True))
    def get(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        runs = selectors.document_runs(document)[:20]
        return Response(s.SuggestionRunSerializer(runs, many=True).data)


class DocumentSuggestionsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=["open", "accepted", "rejected", "all"],
                description="Default: open.",
            )
        ],
        responses=s.SuggestionSerializer(many=True),
    )
    def get(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        wanted = request.query_params.get("status", "open")
        if wanted not in ("open", "accepted", "rejected", "all"):
            raise ValidationError("Choose open, accepted, rejected or all.", field="status")
        suggestions = selectors.document_suggestions(
            document, status=None if wanted == "all" else wanted
        )
        return Response(s.SuggestionSerializer(suggestions, many=True).data)


class AcceptAboveView(APIView):
    """Accept every open suggestion of the document scoring at least `min_score`."""

    @extend_schema(request=s.AcceptAboveSerializer, responses=s.AcceptedSerializer)
    def post(self, request: Request, document_id: int) -> Response:
        document = document_for(request, document_id)
        data = valid_input(s.AcceptAboveSerializer, request)
        spans = services.suggestions_accept_above(
            document=document, actor=policy.actor_of(request), min_score=data["min_score"]
        )
        return Response({"accepted": len(spans), "spans": s.SpanSerializer(spans, many=True).data})


class SuggestionAcceptView(APIView):
    @extend_schema(request=None, responses={201: s.SpanSerializer})
    def post(self, request: Request, suggestion_id: int) -> Response:
        span = services.suggestion_accept(
            suggestion=suggestion_for(request, suggestion_id), actor=policy.actor_of(request)
        )
        return Response(span_data(span), status=status.HTTP_201_CREATED)


class SuggestionRejectView(APIView):
    @extend_schema(request=None, responses=s.SuggestionSerializer)
    def post(self, request: Request, suggestion_id: int) -> Response:
        suggestion = services.suggestion_reject(
            suggestion=suggestion_for(request, suggestion_id), actor=policy.actor_of(request)
        )
        return Response(s.SuggestionSerializer(suggestion).data)


# --- undoing a delete ---------------------------------------------------------------------------


class SpanRestoreView(APIView):
    """Undo a delete: bring a soft-deleted span back (its author, or a moderator)."""

    @extend_schema(request=None, responses=s.SpanSerializer)
    def post(self, request: Request, span_id: int) -> Response:
        span = get_object_or_404(selectors.spans_with_deleted_for(request.user), pk=span_id)
        span = services.span_restore(span=span, actor=policy.actor_of(request))
        span = selectors.document_spans(span.document).get(pk=span.pk)
        return Response(span_data(span))
