"""The API's lookups by id: each fetches an object among those the requester may see, so an
object outside the user's projects answers 404 exactly as one that does not exist."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import F
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework.request import Request

from annotations import policy, selectors
from annotations.domain import span as span_rules
from annotations.errors import ValidationError
from annotations.models import (
    ClaimCheckMatch,
    DeskClaim,
    Document,
    OutletMatch,
    Project,
    Span,
    Story,
    Suggestion,
)
from factcheck.precompiled import Precompiled

_PROJECT_FIELDS = tuple(field.attname for field in Project._meta.concrete_fields)
# The project lookup of every project URL (a document create's, say), compiled once
# (factcheck.precompiled): the project's own columns and the requester's role.
_PROJECT_WITH_ROLE = Precompiled(
    lambda user_id, project_id: (
        selectors.projects_for(User(pk=user_id))
        .filter(pk=project_id)
        .annotate(requester_role=F("memberships__role"))
        .order_by()
        .values_list(*_PROJECT_FIELDS, "requester_role")
    ),
    kinds=(int, int),
)


def project_for(request: Request, project_id: int) -> Project:
    """The project, and the requester's role in it read by the same query (the membership the
    scoping joins): the permission checks that follow ask nothing."""
    user = request.user
    found = _PROJECT_WITH_ROLE.rows(user.pk, project_id) if user.is_authenticated else []
    if not found:
        raise Http404(f"No {Project._meta.object_name} matches the given query.")
    *values, role = found[0]
    project = Project.from_db(Project.objects.db, _PROJECT_FIELDS, values)
    policy.remember_role(user, project.pk, role)
    return project


def document_for(request: Request, document_id: int) -> Document:
    """The document, and the requester's role in its project read by the same query."""
    document = get_object_or_404(
        selectors.documents_with_role(request.user).select_related("project"), pk=document_id
    )
    role = document.requester_role  # type: ignore[attr-defined]  # the annotation above
    policy.remember_role(request.user, document.project_id, role)
    return document


_AROUND_FIELDS = ("id", "project_id", "text_length")
# A span create's lookup, compiled once (factcheck.precompiled): the document's id, project
# and length, the requester's role, and only the part of its text the span's rules read.
_DOCUMENT_AROUND = Precompiled(
    lambda user_id, document_id, first, length: (
        selectors.documents_with_role(User(pk=user_id))
        .filter(pk=document_id)
        .annotate(window=Substr("text", first, length))
        .order_by()
        .values_list(*_AROUND_FIELDS, "requester_role", "window")
    ),
    kinds=(int, int, int, int),
)


def document_around(
    request: Request, document_id: int, *, start: int, end: int
) -> tuple[Document, span_rules.TextWindow]:
    """The document as document_for finds it, without its text (loaded if read), and the
    TextWindow of its text that the rules of a span at start:end read."""
    user = policy.actor_of(request)
    first, length = span_rules.window_of(start, end)
    # substr counts from 1; the offsets were bounded by the input's rules.
    found = _DOCUMENT_AROUND.rows(user.pk, document_id, first + 1, length)
    if not found:
        raise Http404("No document matches the given query.")
    *values, role, window = found[0]
    document = Document.from_db(Document.objects.db, _AROUND_FIELDS, values)
    policy.remember_role(user, document.project_id, role)
    return document, span_rules.TextWindow(window, offset=first, length=document.text_length)


def span_for(request: Request, span_id: int) -> Span:
    return get_object_or_404(
        selectors.spans_for(request.user).select_related("document__project"), pk=span_id
    )


def suggestion_for(request: Request, suggestion_id: int) -> Suggestion:
    return get_object_or_404(selectors.suggestions_for(request.user), pk=suggestion_id)


def desk_claim_for(request: Request, desk_claim_id: int) -> DeskClaim:
    return get_object_or_404(
        selectors.desk_claims_for(request.user).select_related("verdict__author"),
        pk=desk_claim_id,
    )


def desk_claim_named(
    request: Request, desk_claim_id: int | None, *, field: str
) -> DeskClaim | None:
    """A desk claim a request body names by id: one the requester may see, else a 400 naming
    the field (it is input, not the resource the URL names). None stays None."""
    if desk_claim_id is None:
        return None
    found = selectors.desk_claims_for(request.user).filter(pk=desk_claim_id).first()
    if found is None:
        raise ValidationError(f"There is no desk claim {desk_claim_id} among yours.", field=field)
    return found


def claim_check_for(request: Request, claim_check_id: int) -> ClaimCheckMatch:
    return get_object_or_404(selectors.claim_checks_for(request.user), pk=claim_check_id)


def story_for(request: Request, story_id: int) -> Story:
    return get_object_or_404(
        selectors.stories_for(request.user).select_related("project"), pk=story_id
    )


def match_for(request: Request, match_id: int) -> OutletMatch:
    return get_object_or_404(
        selectors.outlet_matches_for(request.user)
        .select_related("document_a", "document_b", "decided_by")
        .defer("document_a__text", "document_b__text"),
        pk=match_id,
    )
