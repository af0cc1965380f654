"""The project's fact-checks page: the ClaimReview fact-checks new articles' claims are matched
against, and a form that imports a file of them (a publisher's feed, a JSON-LD file, a saved
fact-check page). Works without JavaScript; thin like the other pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotations import policy, selectors, services
from annotations.errors import ValidationError
from annotations.imports.claimreview import MAX_FILE_BYTES
from annotations.search import MAX_QUERY_LENGTH

SHOWN = 200  # the latest fact-checks listed; the API pages through all of them


class FactCheckUploadForm(forms.Form):
    file = forms.FileField(label="ClaimReview file (.json, .jsonld or a saved .html page)")
    keep_good_items = forms.BooleanField(
        required=False,
        initial=True,
        label="Import the good items even if some are refused",
    )


@login_required
def fact_checks(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_object_or_404(selectors.projects_for(request.user), pk=project_id)
    search = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    form = FactCheckUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"keep_good_items": True},
    )
    report, problem = None, ""
    if request.method == "POST":
        if not policy.can_annotate(request.user, project):
            raise PermissionDenied("Only members of the project can import fact-checks.")
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = services.fact_checks_import(
                    project=project,
                    actor=policy.actor_of(request),
                    data=upload.read(MAX_FILE_BYTES + 1),
                    name=upload.name or "",
                    keep_good_items=form.cleaned_data["keep_good_items"],
                )
            except ValidationError as exc:
                problem = " ".join(" ".join(reasons) for reasons in exc.errors.values())
    checks = selectors.project_fact_checks(request.user, project=project, search=search)
    return render(
        request,
        "annotations/fact_checks.html",
        {
            "project": project,
            "form": form,
            "report": report,
            "problem": problem,
            "search": search,
            "fact_checks": checks[:SHOWN],
            "total": checks.count(),
            "shown": SHOWN,
        },
    )
