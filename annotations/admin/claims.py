"""The desk claims of the projects one moderates: their wording, where each appears, the
reviewers' ratings and the desk's verdict. Read-only: reviewers edit them in the workspace, and
the verdict is moderated from the verdict list and the review pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from annotations.admin.display import appearances, status_badge
from annotations.admin.filters import RelatedOnlyFilter
from annotations.admin.moderated import ModeratedAdmin
from annotations.models import DeskClaim, Span


class MentionsFilter(admin.SimpleListFilter):
    title = "mentions"
    parameter_name = "mentions"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("some", "Mentioned"), ("none", "No mentions left")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "some":
            return queryset.filter(n_mentions__gt=0)
        if self.value() == "none":
            return queryset.filter(n_mentions=0)
        return queryset


class DeskClaimAdmin(ModeratedAdmin):
    project_path = "project"
    list_display = ["id", "wording_short", "appears_in", "ratings", "verdict_state", "updated_at"]
    list_filter = [
        ("project", RelatedOnlyFilter),
        MentionsFilter,
        ("verdict__review_status", admin.ChoicesFieldListFilter),
    ]
    search_fields = ["wording"]
    list_select_related = ["verdict"]
    ordering = ["-id"]
    fields = (
        "project",
        "wording",
        "appears_in",
        "verdict_state",
        "version",
        "created_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_mentions=Count("mentions", filter=Q(mentions__deleted_at__isnull=True)),
                n_ratings=Count("ratings", distinct=True),
            )
            .prefetch_related(
                Prefetch(
                    "mentions",
                    queryset=Span.objects.filter(deleted_at__isnull=True)
                    .select_related("document")
                    .only(
                        "id", "desk_claim_id", "document__id", "document__title", "document__outlet"
                    )
                    .order_by("document_id", "start", "id"),
                    to_attr="live_mentions",
                )
            )
        )

    @admin.display(description="wording", ordering="wording")
    def wording_short(self, desk_claim: DeskClaim) -> str:
        return Truncator(desk_claim.wording).chars(160)

    @admin.display(description="appears in")
    def appears_in(self, desk_claim: DeskClaim) -> SafeString | str:
        return appearances(getattr(desk_claim, "live_mentions", []))

    @admin.display(description="ratings", ordering="n_ratings")
    def ratings(self, desk_claim: Any) -> int:
        return desk_claim.n_ratings

    @admin.display(description="verdict")
    def verdict_state(self, desk_claim: DeskClaim) -> SafeString | str:
        verdict = getattr(desk_claim, "verdict", None)
        if verdict is None:
            return "—"
        return format_html(
            "{} {}",
            verdict.get_rating_display(),
            status_badge(verdict.review_status, verdict.review_reason),
        )
