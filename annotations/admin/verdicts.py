"""The verdict list and change page: the desk claim, where it appears, its verdict, and the
reviewers' ratings it was set from."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from annotations import services
from annotations.admin.display import appearances, status_badge
from annotations.admin.filters import RelatedOnlyFilter, VerdictOutletFilter
from annotations.admin.moderated import ReviewedAdmin
from annotations.models import ClaimRating, Span, Verdict


def live_mentions() -> Prefetch:
    """A desk claim's live mentions with their documents' names, in one query for a page."""
    return Prefetch(
        "desk_claim__mentions",
        queryset=Span.objects.filter(deleted_at__isnull=True)
        .select_related("document")
        .only("id", "desk_claim_id", "document__id", "document__title", "document__outlet")
        .order_by("document_id", "start", "id"),
        to_attr="live_mentions",
    )


class VerdictAdmin(ReviewedAdmin):
    project_path = "desk_claim__project"
    list_display = [
        "id",
        "claim",
        "rating",
        "rationale_short",
        "author",
        "review",
        "appears_in",
        "updated_at",
    ]
    list_display_links = ["id"]
    list_filter = [
        ("desk_claim__project", RelatedOnlyFilter),
        "rating",
        "review_status",
        ("author", RelatedOnlyFilter),
        ("reviewed_by", RelatedOnlyFilter),
        VerdictOutletFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["desk_claim__wording", "rationale"]
    list_select_related = ["desk_claim", "author"]
    ordering = ["-id"]
    change_form_template = "admin/annotations/verdict/change_form.html"
    fields = (
        "desk_claim",
        "claim",
        "appears_in",
        "rating",
        "rationale",
        "evidence",
        "review_url",
        "author",
        "ratings",
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
            super()
            .get_queryset(request)
            .prefetch_related(
                live_mentions(),
                Prefetch(
                    "desk_claim__ratings",
                    queryset=ClaimRating.objects.select_related("author"),
                ),
            )
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

    @admin.display(description="desk claim", ordering="desk_claim__wording")
    def claim(self, verdict: Verdict) -> str:
        return Truncator(verdict.desk_claim.wording).chars(160)

    @admin.display(description="appears in")
    def appears_in(self, verdict: Verdict) -> SafeString | str:
        return appearances(getattr(verdict.desk_claim, "live_mentions", []))

    @admin.display(description="rationale")
    def rationale_short(self, verdict: Verdict) -> str:
        return Truncator(verdict.rationale).chars(100)

    @admin.display(description="review", ordering="review_status")
    def review(self, verdict: Verdict) -> SafeString:
        return status_badge(verdict.review_status, verdict.review_reason)

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

    @admin.display(description="reviewers' ratings")
    def ratings(self, verdict: Verdict) -> SafeString | str:
        rows = list(verdict.desk_claim.ratings.all())
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong> by {}{}</li>",
                (
                    (
                        r.get_rating_display(),
                        r.author.get_username(),
                        f": {Truncator(r.rationale).chars(200)}" if r.rationale else "",
                    )
                    for r in rows
                ),
            ),
        )

    def describe_for_confirmation(self, verdict: Verdict) -> SafeString:
        return format_html(
            "{} on “{}”",
            verdict.get_rating_display(),
            Truncator(verdict.desk_claim.wording).chars(160),
        )
