"""A project's dashboard: the figures of annotations.reports, drawn as server-side SVG."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString

from annotations import policy, reports, services
from annotations.admin import charts
from annotations.admin.object_ids import object_pk
from annotations.errors import DomainError
from annotations.models import Label, Project, Rating


class ThresholdForm(forms.Form):
    suggestion_threshold = forms.FloatField(
        required=False,
        min_value=0.0,
        max_value=1.0,
        label="Display threshold",
        help_text=(
            "Suggestions scoring below it are hidden in the workspace until the reviewer shows "
            "them. Leave empty for the score above which this desk accepts most suggestions."
        ),
        widget=forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "1"}),
    )


def dashboard_page(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """The page, for a moderator of the project (404 for anyone else). It also takes the
    project's display threshold for suggestions (POST)."""
    project = get_object_or_404(Project, pk=object_pk(object_id))
    if not policy.can_view_dashboard(request.user, project):
        raise Http404("No such project among those you moderate.")
    form = ThresholdForm(initial={"suggestion_threshold": project.suggestion_threshold})
    if request.method == "POST":
        form = ThresholdForm(request.POST)
        if form.is_valid():
            try:
                services.project_suggestion_threshold_set(
                    project=project,
                    threshold=form.cleaned_data["suggestion_threshold"],
                    actor=policy.actor_of(request),
                )
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "The display threshold is saved.")
                return HttpResponseRedirect(request.path)
    data = reports.dashboard(project)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Dashboard: {project.name}",
        "opts": model_admin.opts,
        "project": project,
        "data": data,
        "media": model_admin.media,
        "charts": dashboard_charts(data),
        "threshold_form": form,
        "labels": Label.values,
        "rating_labels": {r: Rating(r).label for r in Rating.values},
    }
    return TemplateResponse(request, "admin/annotations/dashboard.html", context)


def verdict_colour(rating: str) -> str:
    """The chart class of a rating: its step on the diverging true-to-false scale."""
    return "v-" + rating.replace("_", "-")


def dashboard_charts(data: dict) -> dict[str, SafeString]:
    """One chart a section of the page, from reports.dashboard's figures."""
    states = data["documents"]["by_state"]
    outlets = list(data["spans_by_outlet"])
    ratings = data["verdicts_by_rating"]
    span_agreement = data["agreement"]["spans"]["labels"]
    return {
        "reliability": charts.reliability_chart(
            "Suggestion scores against the share the desk accepted",
            data["suggestions"]["bins"],
        ),
        "documents": charts.bar_chart(
            "Documents by state",
            list(states.items()),
            css=["st-none", "st-pending", "st-done"],
        ),
        "spans": charts.stacked_bar_chart(
            "Spans by outlet and label",
            outlets,
            {label: [data["spans_by_outlet"][o][label] for o in outlets] for label in Label.values},
        ),
        "review": charts.bar_chart(
            "Spans by review state",
            list(data["spans_by_status"].items()),
            css=["st-pending", "st-done", "st-rejected"],
        ),
        # The scale's order, true to false, coloured along one diverging scale (misleading
        # beside mostly false, where it sits on the ordinal scale; unverifiable grey, off it).
        "verdicts": charts.bar_chart(
            "Verdicts by rating, from true to false",
            [(Rating(r).label, n) for r, n in ratings.items()],
            css=[verdict_colour(r) for r in ratings],
        ),
        "throughput": charts.line_chart(
            "Spans per reviewer per week",
            [w[5:] for w in data["throughput"]["weeks"]],
            data["throughput"]["by_author"],
        ),
        "agreement": charts.stacked_bar_chart(
            "Span agreement (F1) per label",
            [f"{label} exact" for label in Label.values]
            + [f"{label} overlap" for label in Label.values],
            {
                "F1": [span_agreement[lb]["f1_exact"] or 0 for lb in Label.values]
                + [span_agreement[lb]["f1_overlap"] or 0 for lb in Label.values]
            },
        ),
    }
