"""Getting articles in (the add-document form and the upload page: .txt files, JSONL), and
correcting them (the details form: title, outlet, author, URL and date, never the text; a
moderator's delete).

Thin like the other pages: a form validates, a service writes, the page shows what happened.
A .jsonl file becomes an import job (annotations.services.import_jobs): the page stores it and
lists the project's recent jobs with their progress, refreshing itself while one is queued or
running. The upload page works without JavaScript (a meta refresh); static/annotations/upload.js
adds a progress bar by sending the same form with XMLHttpRequest and asking for JSON, then
refreshes the list of jobs in place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from annotations import policy, selectors, services
from annotations.errors import NON_FIELD, Conflict, DomainError, ValidationError
from annotations.models import MAX_DOCUMENT_LENGTH

MAX_FILES = 50
JOBS_SHOWN = 10  # the project's latest import jobs, on the upload page


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=500)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}), max_length=MAX_DOCUMENT_LENGTH, strip=False
    )
    outlet = forms.CharField(max_length=200, required=False)
    author = forms.CharField(max_length=200, required=False)
    source_url = forms.URLField(max_length=2000, required=False, label="URL", assume_scheme="https")
    published_on = forms.DateField(
        required=False, label="Date", widget=forms.DateInput(attrs={"type": "date"})
    )


class DocumentDetailsForm(forms.Form):
    """What describes an article; its text is not here, as it never changes."""

    title = forms.CharField(max_length=500)
    outlet = forms.CharField(max_length=200, required=False)
    author = forms.CharField(max_length=200, required=False)
    source_url = forms.URLField(max_length=2000, required=False, label="URL", assume_scheme="https")
    published_on = forms.DateField(
        required=False, label="Date", widget=forms.DateInput(attrs={"type": "date"})
    )
    # The version the form was filled from: a correction made meanwhile is not overwritten.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class UploadForm(forms.Form):
    keep_good_lines = forms.BooleanField(
        required=False,
        initial=True,
        label="Import the good lines of a JSONL file even if some lines are refused",
    )


def _project_for_writing(request: HttpRequest, project_id: int):
    project = get_object_or_404(selectors.projects_for(request.user), pk=project_id)
    if not policy.can_annotate(request.user, project):
        raise PermissionDenied("Only members of the project can add documents to it.")
    return project


@login_required
def document_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_writing(request, project_id)
    form = DocumentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_import(
                project=project, actor=policy.actor_of(request), **form.cleaned_data
            )
        except ValidationError as exc:
            for name, reasons in exc.errors.items():
                form.add_error(name if name in form.fields and name != NON_FIELD else None, reasons)
        else:
            messages.success(request, f"Added “{document.title}”.")
            return redirect("document-detail", document.pk)
    return render(request, "annotations/document_add.html", {"project": project, "form": form})


@dataclass
class FileResult:
    name: str
    documents_created: int = 0
    spans_created: int = 0
    committed: bool = True
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    job: int | None = None  # the import job a .jsonl file became


def _import_file(
    upload, *, project, actor, keep_good_lines: bool, base_url: str
) -> FileResult:  # fmt: skip
    name = PurePath(upload.name or "file").name
    result = FileResult(name=name)
    suffix = PurePath(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        try:
            job = services.import_job_create(
                project=project,
                actor=actor,
                chunks=upload.chunks(),
                file_name=name,
                keep_good_lines=keep_good_lines,
                base_url=base_url,
            )
        except ValidationError as exc:
            return _refused(result, "; ".join(" ".join(v) for v in exc.errors.values()))
        result.job = job.pk
        return result
    if suffix != ".txt":
        return _refused(result, "Only .txt and .jsonl files can be uploaded.")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _refused(result, "The file is not UTF-8 text.")
    try:
        services.document_import(
            project=project, actor=actor, text=text, title=PurePath(name).stem or name
        )
    except ValidationError as exc:
        return _refused(result, "; ".join(" ".join(v) for v in exc.errors.values()))
    result.documents_created = 1
    return result


def _refused(result: FileResult, reason: str) -> FileResult:
    result.committed = False
    result.errors, result.error_count = [{"line": None, "reason": reason}], 1
    return result


@login_required
def document_upload(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project_for_writing(request, project_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = UploadForm(
        request.POST if request.method == "POST" else None, initial={"keep_good_lines": True}
    )
    results: list[FileResult] = []
    problem = ""
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            problem = "Choose at least one .txt or .jsonl file."
        elif len(files) > MAX_FILES:
            problem = f"At most {MAX_FILES} files at a time."
        elif form.is_valid():
            keep = form.cleaned_data["keep_good_lines"]
            results = [
                _import_file(
                    f,
                    project=project,
                    actor=policy.actor_of(request),
                    keep_good_lines=keep,
                    base_url=request.build_absolute_uri("/"),
                )
                for f in files
            ]
        if wants_json:
            return JsonResponse(
                {"problem": problem, "files": [asdict(r) for r in results]},
                status=400 if problem else 200,
            )
    jobs = list(selectors.import_jobs_for(request.user).filter(project=project)[:JOBS_SHOWN])
    return render(
        request,
        "annotations/document_upload.html",
        {
            "project": project,
            "form": form,
            "results": results,
            "problem": problem,
            "jobs": jobs,
            "active": any(not job.finished for job in jobs),
        },
    )


def _document_for_writing(request: HttpRequest, document_id: int):
    document = get_object_or_404(
        selectors.documents_for(request.user).select_related("project").defer("text"),
        pk=document_id,
    )
    if not policy.can_edit_document(request.user, document.project_id):
        raise PermissionDenied("Only members of the project can correct its documents.")
    return document


@login_required
def document_details(request: HttpRequest, document_id: int) -> HttpResponse:
    """Correct a document's title, outlet, author, URL and date."""
    document = _document_for_writing(request, document_id)
    initial = {
        "title": document.title,
        "outlet": document.outlet,
        "author": document.author,
        "source_url": document.source_url,
        "published_on": document.published_on,
        "version": document.version,
    }
    form = DocumentDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    conflict, typed = "", {}
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(
                document=document, actor=policy.actor_of(request), **form.cleaned_data
            )
        except Conflict as exc:
            # The form starts again from what is stored now; what was typed is shown beside it.
            conflict = str(exc)
            typed = form.cleaned_data
            document = _document_for_writing(request, document_id)
            form = DocumentDetailsForm(initial={k: getattr(document, k) for k in initial})
        except ValidationError as exc:
            for name, reasons in exc.errors.items():
                form.add_error(name if name in form.fields and name != NON_FIELD else None, reasons)
        else:
            messages.success(request, "The document's details were saved.")
            return redirect("document-detail", document.pk)
    return render(
        request,
        "annotations/document_details.html",
        {
            "document": document,
            "project": document.project,
            "form": form,
            "conflict": conflict,
            "typed": typed,
            "can_delete": policy.can_delete_document(request.user, document.project_id),
            "history": document_history(document),
        },
    )


# What the details page names each field of a correction.
_FIELD_NAMES = {
    "title": "Title",
    "outlet": "Outlet",
    "author": "Author",
    "source_url": "URL",
    "published_on": "Date",
    "deleted": "Deleted",
}


_ACTIONS = {"import": "Added", "update": "Corrected", "delete": "Deleted", "restore": "Restored"}


def document_history(document) -> list[dict]:
    """The document's history as the details page lists it: who, when, what, and each field
    that changed, from what to what (newest first)."""
    entries = []
    for event in selectors.object_history(object_type="document", object_id=document.pk):
        before, after = event.before or {}, event.after or {}
        changes = [
            (label, before.get(name), after.get(name))
            for name, label in _FIELD_NAMES.items()
            if before and before.get(name) != after.get(name)
        ]
        what = _ACTIONS.get(event.action, event.action)
        entries.append({"event": event, "what": what, "changes": changes})
    return entries[::-1]


@login_required
@require_POST
def document_delete(request: HttpRequest, document_id: int) -> HttpResponse:
    """A moderator's soft delete, from the details page."""
    document = get_object_or_404(
        selectors.documents_for(request.user).select_related("project").defer("text"),
        pk=document_id,
    )
    try:
        services.document_delete(document=document, actor=policy.actor_of(request))
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("document-details", document.pk)
    messages.success(
        request,
        f"Deleted “{document.title}”. A moderator can restore it from the admin's documents.",
    )
    return redirect("project-detail", document.project_id)
