"""The base of every project-data admin, and the review decisions on spans and verdicts.

Project data is read-only here: rows of the projects the user moderates, nothing else. Spans
and verdicts add the decisions of review_actions.REVIEW: in bulk from the list (a decision
that needs a reason asks for one on a confirmation page) and one at a time from the review
page or the change page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from annotations import policy
from annotations.admin.forms import BatchReasonForm, ReviewForm
from annotations.admin.history import AuditHistoryAdmin
from annotations.admin.object_ids import object_pk
from annotations.admin.permissions import ProjectPermissions
from annotations.admin.review_actions import (
    AdminAction,
    ReviewAction,
    bulk_actions,
    review_buttons,
)
from annotations.errors import DomainError
from annotations.models import ReviewStatus


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where a posted form came from, if it is this site; else the fallback."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class ModeratedAdmin(ProjectPermissions, AuditHistoryAdmin):
    """Project data, read-only, for the moderators of its project."""

    list_per_page = 100
    show_full_result_count = False  # one count query less on filtered lists

    class Media:
        css = {"all": ("annotations/moderation.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scope(request, super().get_queryset(request))


class ReviewedAdmin(ModeratedAdmin):
    """Spans and verdicts: what a moderator approves, rejects or reopens. A subclass names the
    service calls for its model in review_one and review_many."""

    actions: Sequence[AdminAction | str] = bulk_actions()

    def review_one(
        self, obj: Any, *, actor: Any, status: str, reason: str, version: int | None
    ) -> None:
        raise NotImplementedError

    def review_many(
        self, queryset: QuerySet, *, actor: Any, status: str, reason: str
    ) -> dict[str, int]:
        raise NotImplementedError

    def describe_for_confirmation(self, obj: Any) -> str:
        return str(obj)

    # --- in bulk, from the list ---

    def review_selected(
        self, request: HttpRequest, queryset: QuerySet, review: ReviewAction
    ) -> HttpResponse | None:
        """Decide at once, or, for a decision that needs a reason, after a confirmation page
        that asks for one reason for the whole batch."""
        reason = ""
        if review.needs_reason:
            form = BatchReasonForm(request.POST if request.POST.get("post") == "yes" else None)
            if not (form.is_bound and form.is_valid()):
                return self._reason_page(request, queryset, review, form)
            reason = form.cleaned_data["reason"]
        plural = str(self.opts.verbose_name_plural)
        try:
            result = self.review_many(
                queryset, actor=policy.actor_of(request), status=review.status, reason=reason
            )
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        word = ReviewStatus(review.status).label.lower()
        text = f"{result['changed']} {plural} {word}."
        if result["skipped"]:
            text += f" {result['skipped']} skipped (already {word}, or deleted)."
        self.message_user(request, text, messages.SUCCESS)
        return None  # back to the list, with the message

    def _reason_page(
        self, request: HttpRequest, queryset: QuerySet, review: ReviewAction, form: BatchReasonForm
    ) -> TemplateResponse:
        count = queryset.count()
        return TemplateResponse(
            request,
            "admin/annotations/reject_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{review.name.capitalize()} {count} {self.opts.verbose_name_plural}",
                "opts": self.opts,
                "form": form,
                "count": count,
                "sample": [(obj.pk, self.describe_for_confirmation(obj)) for obj in queryset[:20]],
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "action": review.admin_action,
                "media": self.media,
            },
        )

    # --- one at a time, from the review page or the change page ---

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_one_view),
                name="{}_{}_review".format(*info),
            ),
            *super().get_urls(),
        ]

    def review_one_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.get_queryset(request), pk=object_pk(object_id))
        fallback = reverse(f"admin:annotations_{self.opts.model_name}_change", args=[obj.pk])
        form = ReviewForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(safe_next(request, fallback))
        data = form.cleaned_data
        try:
            self.review_one(
                obj,
                actor=policy.actor_of(request),
                status=data["status"],
                reason=data["reason"],
                version=data["version"],
            )
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                f"{str(self.opts.verbose_name).capitalize()} {obj.pk}: "
                f"{ReviewStatus(data['status']).label.lower()}.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(safe_next(request, fallback))

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Model | None = None,
    ) -> HttpResponse:
        if obj is not None:
            context["review_buttons"] = review_buttons(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
