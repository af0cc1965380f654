"""The verdict list and change page: the claim in context, rating, rationale, evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from annotations import services
from annotations.admin.display import in_context, review_page_link, status_badge
from annotations.admin.filters import VerdictOutletFilter
from annotations.admin.moderated import ReviewedAdmin
from annotations.models import Verdict


class VerdictAdmin(ReviewedAdmin):
    project_path = "span__document__project"
    list_display = [
        "id",
        "claim",
        "rating",
        "rationale_short",
        "author",
        "review",
        "document_link",
        "updated_at",
    ]
    list_display_links = ["id"]
    list_filter = [
        ("span__document__project", admin.RelatedOnlyFieldListFilter),
        "rating",
        "review_status",
        ("author", admin.RelatedOnlyFieldListFilter),
        ("reviewed_by", admin.RelatedOnlyFieldListFilter),
        VerdictOutletFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["span__text", "rationale", "span__document__title"]
    list_select_related = ["span__document", "author"]
    ordering = ["-id"]
    change_form_template = "admin/annotations/verdict/change_form.html"
    fields = (
        "span",
        "claim",
        "rating",
        "rationale",
        "evidence",
        "author",
        "review_status",
        "review_reason",
        "reviewed_by",
        "reviewed_at",
        "version",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).defer("span__document__text", "span__document__metadata")
        )

    def review_one(
        self, obj: Verdict, *, actor: Any, status: str, reason: str, version: int | None
    ) -> None:
        services.verdict_review(
            verdict=obj, actor=actor, status=status, reason=reason, version=version
        )

    def review_many(
        self, queryset: QuerySet, *, actor: Any, status: str, reason: str
    ) -> dict[str, int]:
        return services.verdict_review_bulk(
            verdicts=queryset, actor=actor, status=status, reason=reason
        )

    @admin.display(description="claim in context")
    def claim(self, verdict: Verdict) -> SafeString:
        span = verdict.span
        return in_context(span.prefix, span.text, span.suffix, span.label)

    @admin.display(description="rationale")
    def rationale_short(self, verdict: Verdict) -> str:
        return Truncator(verdict.rationale).chars(100)

    @admin.display(description="review", ordering="review_status")
    def review(self, verdict: Verdict) -> SafeString:
        return status_badge(verdict.review_status, verdict.review_reason)

    @admin.display(description="document", ordering="span__document__title")
    def document_link(self, verdict: Verdict) -> SafeString:
        span = verdict.span
        return review_page_link(span.document_id, verdict.span_id, span.document.title)

    @admin.display(description="evidence links")
    def evidence(self, verdict: Verdict) -> SafeString | str:
        if not verdict.evidence_links:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}" rel="noopener noreferrer">{}</a></li>',
                ((link, link) for link in verdict.evidence_links),
            ),
        )

    def describe_for_confirmation(self, verdict: Verdict) -> SafeString:
        span = verdict.span
        return format_html(
            "{} on {}",
            verdict.get_rating_display(),
            in_context(span.prefix, span.text, span.suffix, span.label),
        )
