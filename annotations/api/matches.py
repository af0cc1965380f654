"""Outlet matches over the API: a story's matches and a span's, a reviewer's decisions (confirm,
dismiss, reopen), the story's comparison (its state; run it again), and the JSONL export of a
project's confirmed matches.

Thin like the rest: lookups scoped to the requester (a story, span, match or project outside the
user's projects answers 404), services decide and write, presenters.match_data is the one shape
of a match (the page embeds the same).
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import policy, presenters, selectors, services
from annotations.api.filters import ID_SCHEMA, MAX_ID
from annotations.api.lookups import match_for, project_for, span_for, story_for
from annotations.domain import offsets
from annotations.errors import ValidationError
from annotations.export import matches as match_export
from annotations.models import Document, MatchKind, OutletMatch, StoryComparison

KINDS_TEXT = (
    "`quote`: the same words of the same speaker (`details.speaker`, `details.wording` "
    "identical or differs, `details.differences`: the words that differ with their offsets in "
    "each article); `claim`: the same assertion in other words (`details.shared`); `number`: "
    "the same quantity told differently (`details.quantity`, `unit`, `value.a`/`value.b` with "
    "their qualifiers, `relation` compatible or conflict); `loaded`: side `a` names loadedly "
    "(`details.term`, `category`) what side `b` names neutrally (`details.neutral`)."
)


class MatchSideSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    title = serializers.CharField()
    outlet = serializers.CharField()
    start = serializers.IntegerField(help_text="Code points into the document's text.")
    end = serializers.IntegerField(help_text="Exclusive.")
    text = serializers.CharField(help_text="The document's text between start and end.")
    span = serializers.IntegerField(
        allow_null=True, help_text="A confirmed claim match: the CLAIM span of this side."
    )


class MatchSerializer(serializers.Serializer):
    """The shape of presenters.match_data, documented for the schema."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MatchKind.choices)
    status = serializers.ChoiceField(choices=OutletMatch.Status.choices)
    score = serializers.FloatField(min_value=0, max_value=1)
    reason = serializers.CharField(help_text="Why the comparer matched them, readable.")
    a = MatchSideSerializer()
    b = MatchSideSerializer()
    details = serializers.DictField(help_text=KINDS_TEXT)
    comparer_version = serializers.CharField()
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance: OutletMatch) -> dict:
        return presenters.match_data(instance)


class StoryComparisonSerializer(serializers.ModelSerializer):
    story = serializers.IntegerField(source="story_id")

    class Meta:
        model = StoryComparison
        fields = [
            "story",
            "status",
            "requested_at",
            "started_at",
            "finished_at",
            "comparer_version",
            "counts",
            "error",
        ]


class MatchPage(CursorPagination):
    ordering = "id"
    page_size = 200
    max_page_size = 1000
    page_size_query_param = "page_size"


def _choices(params, name: str, allowed: list[str]) -> list[str]:
    chosen = [v for value in params.getlist(name) for v in value.split(",") if v]
    unknown = sorted(set(chosen) - set(allowed))
    if unknown:
        raise ValidationError(
            f"Unknown {name} {unknown[0][:40]!r}; choose from {', '.join(allowed)}.", field=name
        )
    return chosen


def _id(params, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or int(value) > MAX_ID or int(value) < 1:
        raise ValidationError("Give an id.", field=name)
    return int(value)


KIND_PARAMETER = OpenApiParameter(
    "kind", str, many=True, enum=list(MatchKind.values), description="Only these kinds."
)


class StoryMatchesView(APIView):
    """The matches between the story's articles (both still in it), oldest first."""

    @extend_schema(
        summary="A story's outlet matches",
        description=KINDS_TEXT,
        parameters=[
            KIND_PARAMETER,
            OpenApiParameter(
                "status", str, many=True, enum=list(OutletMatch.Status.values), description=""
            ),
            OpenApiParameter("document", ID_SCHEMA, description="Only matches with this article."),
            OpenApiParameter("page_size", int, description=f"At most {MatchPage.max_page_size}."),
            OpenApiParameter("cursor", str, description="From the `next` or `previous` link."),
        ],
        responses=MatchSerializer(many=True),
    )
    def get(self, request: Request, story_id: int) -> Response:
        story = story_for(request, story_id)
        params = request.query_params
        matches = selectors.story_matches(story)
        kinds = _choices(params, "kind", list(MatchKind.values))
        if kinds:
            matches = matches.filter(kind__in=kinds)
        statuses = _choices(params, "status", list(OutletMatch.Status.values))
        if statuses:
            matches = matches.filter(status__in=statuses)
        document = _id(params, "document")
        if document is not None:
            matches = matches.filter(Q(document_a_id=document) | Q(document_b_id=document))
        paginator = MatchPage()
        page = paginator.paginate_queryset(matches, request, view=self)
        return paginator.get_paginated_response(MatchSerializer(page, many=True).data)


class SpanMatchesView(APIView):
    """Where else the span's words appear: the matches (not dismissed) of its article, within
    its story, one side of which is the span (overlapping by half of the shorter at least),
    closest first."""

    @extend_schema(summary="A span's outlet matches", responses=MatchSerializer(many=True))
    def get(self, request: Request, span_id: int) -> Response:
        span = span_for(request, span_id)
        return Response(MatchSerializer(selectors.span_matches(span), many=True).data)


class MatchDetailView(APIView):
    @extend_schema(summary="An outlet match", responses=MatchSerializer)
    def get(self, request: Request, match_id: int) -> Response:
        return Response(MatchSerializer(match_for(request, match_id)).data)


class _Decision(APIView):
    decide = staticmethod(services.match_confirm)  # each view names its service

    def post(self, request: Request, match_id: int) -> Response:
        match = match_for(request, match_id)
        self.decide(match=match, actor=policy.actor_of(request))
        return Response(MatchSerializer(match_for(request, match_id)).data)


class MatchConfirmView(_Decision):
    """The sides are the same. A claim match makes both sides mentions of one desk claim (a
    side with no CLAIM span gets one), so a verdict on one shows on the other."""

    decide = staticmethod(services.match_confirm)

    @extend_schema(summary="Confirm an outlet match", request=None, responses=MatchSerializer)
    def post(self, request: Request, match_id: int) -> Response:
        return super().post(request, match_id)


class MatchDismissView(_Decision):
    """Not the same: the comparison never proposes it again."""

    decide = staticmethod(services.match_dismiss)

    @extend_schema(summary="Dismiss an outlet match", request=None, responses=MatchSerializer)
    def post(self, request: Request, match_id: int) -> Response:
        return super().post(request, match_id)


class MatchReopenView(_Decision):
    """Undecide a match (what a confirmed claim match did to the desk claims stays)."""

    decide = staticmethod(services.match_reopen)

    @extend_schema(summary="Reopen an outlet match", request=None, responses=MatchSerializer)
    def post(self, request: Request, match_id: int) -> Response:
        return super().post(request, match_id)


class StoryComparisonView(APIView):
    """The story's comparison job: its state (GET), or ask for it again (POST, answered 202;
    it runs in the background and is safe to ask for twice)."""

    @extend_schema(
        summary="The state of a story's comparison",
        responses={200: StoryComparisonSerializer, 404: OpenApiResponse(description="None yet.")},
    )
    def get(self, request: Request, story_id: int) -> Response:
        story = story_for(request, story_id)
        comparison = StoryComparison.objects.filter(story=story).first()
        if comparison is None:
            return Response(
                {"detail": "This story has not been compared yet."},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(StoryComparisonSerializer(comparison).data)

    @extend_schema(
        summary="Compare a story's articles again",
        request=None,
        responses={202: StoryComparisonSerializer},
    )
    def post(self, request: Request, story_id: int) -> Response:
        story = story_for(request, story_id)
        comparison = services.story_comparison_request(story=story, actor=policy.actor_of(request))
        comparison.refresh_from_db()
        return Response(StoryComparisonSerializer(comparison).data, status=status.HTTP_202_ACCEPTED)


EXPORT_DESCRIPTION = f"""Stream the project's confirmed outlet matches as JSON Lines, one match
a line: `id`, `kind`, `story`, `score`, `reason`, both sides (`a`, `b`: `document` with its
`external_id`, `title`, `outlet` and `source_url`, `start`, `end`, `text`, and for a claim the
CLAIM `span`), `details` by kind (the differing words of a quote with their offsets in each
article), `confirmed_by`, `confirmed_at`, `comparer_version` and `offset_unit`. {KINDS_TEXT}

Offsets count code points by default; `offset_unit=utf16` or `grapheme` counts that unit instead
(the `X-Offset-Unit` header and each line say which). Any member of the project may export its
confirmed matches."""


class ProjectMatchesExportView(APIView):
    @extend_schema(
        summary="Export the project's confirmed outlet matches (JSONL, streamed)",
        description=EXPORT_DESCRIPTION,
        parameters=[
            KIND_PARAMETER,
            OpenApiParameter("story", ID_SCHEMA, description="Only this story's matches."),
            OpenApiParameter(
                "offset_unit",
                str,
                enum=list(offsets.UNITS),
                default=offsets.CODEPOINT,
                description="What the offsets count.",
            ),
        ],
        responses={
            (200, match_export.MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.STR, description="JSON Lines, one confirmed match a line."
            ),
            400: OpenApiResponse(description="A filter is not valid."),
            404: OpenApiResponse(description="No such project among yours."),
        },
    )
    def get(self, request: Request, project_id: int) -> StreamingHttpResponse:
        project = project_for(request, project_id)
        params = request.query_params
        kinds = _choices(params, "kind", list(MatchKind.values))
        story = _id(params, "story")
        try:
            unit = offsets.check_unit(params.get("offset_unit") or offsets.CODEPOINT)
        except offsets.UnknownUnit as exc:
            raise ValidationError(str(exc), field="offset_unit") from None
        rows = selectors.match_export_rows(project, kinds=kinds, story=story)

        def text_of(document_id: int) -> str:
            return Document.objects.filter(pk=document_id, project=project).values_list(
                "text", flat=True
            )[0]

        response = StreamingHttpResponse(
            match_export.render(rows, offset_unit=unit, text_of=text_of),
            content_type=f"{match_export.MEDIA_TYPE}; charset=utf-8",
        )
        slug = re.sub(r"[^a-z0-9]+", "-", project.name.lower()).strip("-") or "project"
        name = f"{slug}-matches-{timezone.now():%Y%m%d}.{match_export.EXTENSION}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Offset-Unit"] = unit
        response["Cache-Control"] = "no-store"
        return response
