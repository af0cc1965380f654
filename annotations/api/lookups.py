"""The API's lookups by id: each fetches an object among those the requester may see, so an
object outside the user's projects answers 404 exactly as one that does not exist."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework.request import Request

from annotations import selectors
from annotations.models import Document, Project, Span, Story, Suggestion


def project_for(request: Request, project_id: int) -> Project:
    return get_object_or_404(selectors.projects_for(request.user), pk=project_id)


def document_for(request: Request, document_id: int) -> Document:
    return get_object_or_404(
        selectors.documents_for(request.user).select_related("project"), pk=document_id
    )


def span_for(request: Request, span_id: int) -> Span:
    return get_object_or_404(
        selectors.spans_for(request.user).select_related("document__project"), pk=span_id
    )


def suggestion_for(request: Request, suggestion_id: int) -> Suggestion:
    return get_object_or_404(selectors.suggestions_for(request.user), pk=suggestion_id)


def story_for(request: Request, story_id: int) -> Story:
    return get_object_or_404(
        selectors.stories_for(request.user).select_related("project"), pk=story_id
    )
