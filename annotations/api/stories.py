"""Stories over the API: a project's stories, a story with its documents (by outlet and date,
with their counts), and the reviewer's actions: rename, confirm, move, merge, split.

Thin like the rest: a serializer validates, a lookup scoped to the requester finds the objects
(a story or document outside the user's projects answers 404), a service decides and writes.
Every action answers with the story the reviewer ends on, as GET /stories/{id}/ gives it.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import policy, selectors, services
from annotations.api.inputs import valid_input
from annotations.api.lookups import project_for, story_for
from annotations.api.pagination import NewestFirst
from annotations.api.serializers import JSONInputSerializer
from annotations.errors import ValidationError
from annotations.models import Document, Story, StoryStatus

MAX_IDS = 1000
MAX_ID = 10**18 - 1  # as the URLs' id converter: a bigint, never an overflow


class StorySerializer(serializers.ModelSerializer):
    document_count = serializers.IntegerField(read_only=True)
    outlet_count = serializers.IntegerField(read_only=True)
    proposed_count = serializers.IntegerField(read_only=True)
    first_published = serializers.DateField(read_only=True, allow_null=True)
    last_published = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Story
        fields = [
            "id",
            "project",
            "title",
            "created_at",
            "updated_at",
            "document_count",
            "outlet_count",
            "proposed_count",
            "first_published",
            "last_published",
        ]


class StoryDocumentSerializer(serializers.ModelSerializer):
    story_status = serializers.ChoiceField(
        choices=[StoryStatus.PROPOSED, StoryStatus.CONFIRMED],
        help_text="proposed by the story job, or confirmed by a reviewer",
    )
    story_reason = serializers.CharField(help_text="Why the job proposed it, when it did.")
    span_count = serializers.IntegerField(read_only=True)
    claim_count = serializers.IntegerField(read_only=True)
    quote_count = serializers.IntegerField(read_only=True)
    opinion_count = serializers.IntegerField(read_only=True)
    verdict_count = serializers.IntegerField(read_only=True, help_text="Claims with a verdict.")

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "outlet",
            "author",
            "source_url",
            "published_on",
            "story_status",
            "story_score",
            "story_reason",
            "span_count",
            "claim_count",
            "quote_count",
            "opinion_count",
            "verdict_count",
        ]


class StoryDetailSerializer(StorySerializer):
    documents = serializers.SerializerMethodField()

    class Meta(StorySerializer.Meta):
        fields = [*StorySerializer.Meta.fields, "documents"]

    def get_documents(self, story: Story) -> list[dict]:  # by outlet, then date
        return list(StoryDocumentSerializer(self.context["documents"], many=True).data)


class RenameSerializer(JSONInputSerializer):
    title = serializers.CharField(max_length=500)


class ConfirmSerializer(JSONInputSerializer):
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=MAX_IDS,
        required=False,
        allow_null=True,
        default=None,
        help_text="The documents to confirm; left out, every proposed document of the story.",
    )


class MoveSerializer(JSONInputSerializer):
    document = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="A document of this story."
    )
    to = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        allow_null=True,
        help_text="Another story of the project, or null for a new story.",
    )
    title = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="The new story's title (default: the document's).",
    )


class MergeSerializer(JSONInputSerializer):
    into = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The story of the same project this one is merged into.",
    )


class SplitSerializer(JSONInputSerializer):
    documents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_IDS,
    )
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _detail(request: Request, story_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    found = story_for(request, story_id)
    story = selectors.project_stories(request.user, project=found.project).get(pk=found.pk)
    documents = selectors.story_documents(request.user, story=story)
    data = StoryDetailSerializer(story, context={"documents": documents}).data
    return Response(data, status=status_code)


def _documents(story: Story, ids: list[int], *, field: str) -> list[Document]:
    found = list(selectors.story_members(story).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError("Some of these documents are not in the story.", field=field)
    return found


def _other_story(request: Request, story: Story, story_id: int, *, field: str) -> Story:
    other = selectors.stories_for(request.user).filter(pk=story_id).first()
    if other is None or other.project_id != story.project_id:
        raise ValidationError("No such story in this project.", field=field)
    return other


class ProjectStoriesView(APIView):
    """The project's stories, newest first, with their counts."""

    pagination_class = NewestFirst

    @extend_schema(responses=StorySerializer(many=True))
    def get(self, request: Request, project_id: int) -> Response:
        project = project_for(request, project_id)
        paginator = self.pagination_class()
        stories = selectors.project_stories(request.user, project=project)
        page = paginator.paginate_queryset(stories, request, view=self)
        return paginator.get_paginated_response(StorySerializer(page, many=True).data)


class StoryDetailView(APIView):
    @extend_schema(responses=StoryDetailSerializer)
    def get(self, request: Request, story_id: int) -> Response:
        return _detail(request, story_id)

    @extend_schema(request=RenameSerializer, responses=StoryDetailSerializer)
    def patch(self, request: Request, story_id: int) -> Response:
        story = story_for(request, story_id)
        data = valid_input(RenameSerializer, request)
        services.story_rename(story=story, actor=policy.actor_of(request), title=data["title"])
        return _detail(request, story.pk)


class StoryConfirmView(APIView):
    """Confirm that documents belong to the story: the story job will not move them again."""

    @extend_schema(request=ConfirmSerializer, responses=StoryDetailSerializer)
    def post(self, request: Request, story_id: int) -> Response:
        story = story_for(request, story_id)
        data = valid_input(ConfirmSerializer, request)
        documents = (
            None
            if data["documents"] is None
            else _documents(story, data["documents"], field="documents")
        )
        services.story_confirm(story=story, actor=policy.actor_of(request), documents=documents)
        return _detail(request, story.pk)


class StoryMoveView(APIView):
    """Move one of the story's documents to another story, or to a new one (`to` null).
    Answers with the story it moved to."""

    @extend_schema(request=MoveSerializer, responses=StoryDetailSerializer)
    def post(self, request: Request, story_id: int) -> Response:
        story = story_for(request, story_id)
        data = valid_input(MoveSerializer, request)
        (document,) = _documents(story, [data["document"]], field="document")
        to = None if data["to"] is None else _other_story(request, story, data["to"], field="to")
        target = services.story_move(
            document=document, actor=policy.actor_of(request), to=to, title=data["title"]
        )
        return _detail(request, target.pk)


class StoryMergeView(APIView):
    """Merge this story into another of the project; answers with the merged story."""

    @extend_schema(request=MergeSerializer, responses=StoryDetailSerializer)
    def post(self, request: Request, story_id: int) -> Response:
        story = story_for(request, story_id)
        data = valid_input(MergeSerializer, request)
        into = _other_story(request, story, data["into"], field="into")
        merged = services.story_merge(story=story, into=into, actor=policy.actor_of(request))
        return _detail(request, merged.pk)


class StorySplitView(APIView):
    """Split documents off into a new story; answers 201 with the new story."""

    @extend_schema(request=SplitSerializer, responses={201: StoryDetailSerializer})
    def post(self, request: Request, story_id: int) -> Response:
        story = story_for(request, story_id)
        data = valid_input(SplitSerializer, request)
        documents = _documents(story, data["documents"], field="documents")
        new = services.story_split(
            story=story, documents=documents, actor=policy.actor_of(request), title=data["title"]
        )
        return _detail(request, new.pk, status_code=status.HTTP_201_CREATED)
