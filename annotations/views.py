"""The reviewer's HTML pages. They read through selectors (scoped to the user's projects) and
write through services, like the API."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from annotations import document_read, policy, presenters, selectors, workspace_selectors
from annotations.models import Label, Rating, ReviewStatus
from annotations.search import MAX_QUERY_LENGTH, full_text

MAX_STORIES = 100  # the latest stories on the project page
DOCUMENTS_PER_PAGE = 50  # of the project page's document list


def page_of(request: HttpRequest, rows, per_page: int) -> tuple[Page, dict[str, str]]:
    """The requested page of rows (a page number out of range or not a number gives the
    nearest page, never an error) and the links to the previous and next pages, which keep
    the request's other parameters (the search, the filters)."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    links = {}
    for name, wanted in (("previous", page.has_previous()), ("next", page.has_next())):
        if wanted:
            query = request.GET.copy()
            query["page"] = str(getattr(page, f"{name}_page_number")())
            links[name] = f"?{query.urlencode()}"
    return page, links


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.projects_for(request.user).order_by("name")
    return render(request, "annotations/project_list.html", {"projects": projects})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Moderators' decisions on my work: rejections with their reasons first, then approvals."""
    return render(request, "annotations/inbox.html", {"inbox": presenters.inbox_data(request.user)})


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(selectors.projects_for(request.user), pk=project_id)
    # A NUL cannot be in any stored text: it matches nothing, so it is dropped from the search.
    search = request.GET.get("q", "")[:MAX_QUERY_LENGTH].replace("\x00", "")
    documents = selectors.document_overview(request.user, project=project, search=search)
    storyless = request.GET.get("story") == "none"
    if storyless:
        documents = documents.filter(story__isnull=True)
    page, page_links = page_of(request, documents.select_related("story"), DOCUMENTS_PER_PAGE)
    return render(
        request,
        "annotations/project_detail.html",
        {
            "project": project,
            "documents": page,
            "page_links": page_links,
            "search": search,
            "full_text": full_text(),
            "storyless": storyless,
            "storyless_count": selectors.project_documents(request.user, project=project)
            .filter(story__isnull=True)
            .count(),
            "stories": selectors.project_stories(request.user, project=project)[:MAX_STORIES],
            "role": policy.role_in(request.user, project),
        },
    )


@login_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    """The workspace. The text comes once, in the article, cut into paragraphs (readable before
    any script runs); its spans and the rest go to the page as one JSON block (escaped like
    json_script, so nothing in them can become markup); static/annotations/workspace/ paints
    the highlights. The queries are the same whatever the number of spans and open suggestions
    (tests/test_workspace.py, tests/test_workspace_suggestions.py)."""
    fast = document_read.fast()
    documents = selectors.documents_with_role(request.user).select_related("project", "story")
    # On PostgreSQL the text comes with the spans, in the API's one-statement read.
    document = get_object_or_404(documents.defer("text") if fast else documents, pk=document_id)
    policy.remember_role(request.user, document.project_id, document.requester_role)  # type: ignore[attr-defined]
    found = document_read.read(request.user, document.pk) if fast else None
    if found is not None:
        text, spans = found["text"], found["spans"]
    elif fast:  # deleted between the two reads
        raise Http404("No Document matches the given query.")
    else:
        text, spans = document.text, presenters.spans_data(selectors.document_spans(document))
    # Machine suggestions: the open ones and the latest run, one query each.
    suggestions = selectors.document_suggestions(document, status="open")
    run = selectors.document_runs(document).first()
    workspace = {
        "document": {"id": document.pk, "title": document.title},
        "spans": spans,
        # What the page shows of a span it is still saving.
        "draft": presenters.span_draft(document, request.user.get_username()),
        "me": {
            "username": request.user.get_username(),
            "role": policy.role_in(request.user, document.project_id),
        },
        "labels": Label.choices,
        "ratings": Rating.choices,
        "statuses": ReviewStatus.choices,
        "api": {
            "root": reverse("api-projects").removesuffix("projects/"),
            "spans": reverse("api-document-spans", args=[document.pk]),
            "suggest": reverse("api-document-suggest", args=[document.pk]),
            "runs": reverse("api-document-runs", args=[document.pk]),
            "suggestions": reverse("api-document-suggestions", args=[document.pk]),
            "accept_above": reverse("api-document-suggestions-accept", args=[document.pk]),
            "claim_checks": reverse("api-document-claim-checks", args=[document.pk]),
            "live": reverse("api-document-live", args=[document.pk]),
            "deleted": reverse("api-document-deleted-spans", args=[document.pk]),
            "reopen": reverse("api-document-suggestions-reopen", args=[document.pk]),
        },
        # The live poll's starting point: unchanged since this page was made, it answers 304.
        "live_tag": workspace_selectors.document_live_tag(document),
        # My deleted spans here, restorable from "Recently deleted".
        "deleted": [
            presenters.span_data(span) | {"deleted": True}
            for span in workspace_selectors.my_deleted_spans(document, request.user)
        ],
        # The comparison page of its story ("where else it appears" links to it), if any.
        "compare": reverse("story-compare", args=[document.story_id])
        if document.story_id
        else None,
        "suggestions": [presenters.suggestion_data(suggestion) for suggestion in suggestions],
        # Who may be quoted: the panel offers these as speakers.
        "people": presenters.people_named(document.pk, text),
        # Suggestions scoring below it are hidden until the reviewer shows them.
        "suggestion_threshold": selectors.suggestion_display_threshold(document.project),
        "run": None if run is None else presenters.run_data(run),
        # Claims here already checked (the matching job's open matches), one query.
        "checks": [
            presenters.claim_check_data(match, desk=document.project.name)
            for match in selectors.document_claim_checks(document, status="open")
        ],
    }
    return render(
        request,
        "annotations/document_detail.html",
        {
            "document": document,
            "project": document.project,
            "labels": Label.choices,
            "statuses": ReviewStatus.choices,
            "workspace": workspace,
            "workspace_data": presenters.script_json(workspace, "workspace-data"),
            "text_blocks": presenters.text_blocks(text),
        },
    )
