"""The reviewer's HTML pages. They read through selectors (scoped to the user's projects) and
write through services, like the API."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotations import policy, selectors
from annotations.models import Label
from annotations.rendering import highlight


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.projects_for(request.user).order_by("name")
    return render(request, "annotations/project_list.html", {"projects": projects})


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(selectors.projects_for(request.user), pk=project_id)
    documents = selectors.document_list(request.user, project=project)
    return render(
        request,
        "annotations/project_detail.html",
        {
            "project": project,
            "documents": documents,
            "role": policy.role_in(request.user, project),
        },
    )


@login_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    document = get_object_or_404(
        selectors.documents_for(request.user).select_related("project"), pk=document_id
    )
    spans = list(selectors.document_spans(document))
    return render(
        request,
        "annotations/document_detail.html",
        {
            "document": document,
            "project": document.project,
            "spans": spans,
            "highlighted_text": highlight(document.text, spans),
            "labels": Label.choices,
        },
    )
