"""The span list and change page: text in context, review state, verdict, restore."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString

from annotations import policy, services
from annotations.admin.display import in_context, review_page_link, status_badge
from annotations.admin.filters import DeletedFilter, OutletFilter, RelatedOnlyFilter
from annotations.admin.moderated import ReviewedAdmin, safe_next
from annotations.admin.object_ids import object_pk
from annotations.domain import span as span_domain
from annotations.errors import DomainError
from annotations.models import Span
from annotations.presenters import span_verdict


class SpanAdmin(ReviewedAdmin):
    list_display = [
        "id",
        "document_link",
        "label",
        "context",
        "speaker",
        "author",
        "review",
        "verdict_rating",
        "created_at",
        "deleted",
    ]
    list_display_links = ["id"]
    list_filter = [
        ("document__project", RelatedOnlyFilter),
        "label",
        "review_status",
        ("author", RelatedOnlyFilter),
        ("reviewed_by", RelatedOnlyFilter),
        OutletFilter,
        ("created_at", admin.DateFieldListFilter),
        DeletedFilter,
    ]
    search_fields = ["text", "speaker", "note", "document__title"]
    list_select_related = ["document", "author", "desk_claim__verdict"]
    ordering = ["-id"]  # newest first, straight off the primary key index
    actions = [*ReviewedAdmin.actions, "restore_selected"]
    change_form_template = "admin/annotations/span/change_form.html"
    fields = (
        "document",
        "label",
        "context",
        "speaker",
        "note",
        "author",
        "origin",
        "desk_claim",
        "review_status",
        "review_reason",
        "reviewed_by",
        "reviewed_at",
        "version",
        "created_at",
        "updated_at",
        "deleted_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The document's text can be megabytes: a list row needs its title and outlet only.
        return super().get_queryset(request).defer("document__text", "document__metadata")

    def review_one(
        self, obj: Span, *, actor: Any, status: str, reason: str, version: int | None
    ) -> None:
        services.span_review(span=obj, actor=actor, status=status, reason=reason, version=version)

    def review_many(
        self, queryset: QuerySet, *, actor: Any, status: str, reason: str
    ) -> dict[str, int]:
        return services.span_review_bulk(spans=queryset, actor=actor, status=status, reason=reason)

    @admin.display(description="document", ordering="document__title")
    def document_link(self, span: Span) -> SafeString:
        return review_page_link(span.document_id, span.pk, span.document.title)

    @admin.display(description="text in context")
    def context(self, span: Span) -> SafeString:
        return in_context(span.prefix, span.text, span.suffix, span.label)

    @admin.display(description="review", ordering="review_status")
    def review(self, span: Span) -> SafeString:
        return status_badge(span.review_status, span.review_reason)

    @admin.display(description="verdict")
    def verdict_rating(self, span: Span) -> str:
        verdict = span_verdict(span)
        return verdict.get_rating_display() if verdict else "—"

    @admin.display(description="deleted", boolean=True, ordering="deleted_at")
    def deleted(self, span: Span) -> bool:
        return span.deleted_at is not None

    @admin.display(description="origin")
    def origin(self, span: Span) -> str:
        return span_domain.origin(span.suggestion_id)

    def describe_for_confirmation(self, span: Span) -> SafeString:
        return in_context(span.prefix, span.text, span.suffix, span.label)

    def related_histories(self, span: Span) -> list[tuple[str, int]]:
        verdict = span_verdict(span)
        return [("verdict", verdict.pk)] if verdict else []

    # --- restore: bring back soft-deleted spans, as they were ---

    @admin.action(description="Restore selected deleted spans", permissions=["moderate"])
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        restored, failed = 0, []
        for span in queryset.filter(deleted_at__isnull=False):
            try:
                services.span_restore(span=span, actor=policy.actor_of(request))
                restored += 1
            except DomainError as exc:
                failed.append(f"span {span.pk}: {exc}")
        self.message_user(request, f"{restored} spans restored.", messages.SUCCESS)
        for failure in failed:
            self.message_user(request, failure, messages.ERROR)

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def restore_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        span = get_object_or_404(self.get_queryset(request), pk=object_pk(object_id))
        try:
            services.span_restore(span=span, actor=policy.actor_of(request))
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"Span {span.pk} restored.", messages.SUCCESS)
        fallback = reverse("admin:annotations_span_change", args=[span.pk])
        return HttpResponseRedirect(safe_next(request, fallback))
