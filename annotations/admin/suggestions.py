"""Machine suggestions and the runs that made them: read-only lists."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from annotations.admin.display import CONTEXT_CHARS, JobColumns
from annotations.admin.filters import OutletFilter, RelatedOnlyFilter
from annotations.admin.moderated import ModeratedAdmin
from annotations.models import Suggestion


class SuggestionAdmin(ModeratedAdmin):
    list_display = [
        "id",
        "document",
        "label",
        "text_short",
        "score",
        "reason",
        "suggester",
        "status",
        "created_at",
    ]
    list_filter = [
        ("document__project", RelatedOnlyFilter),
        "label",
        "status",
        "suggester",
        ("decided_by", RelatedOnlyFilter),
        OutletFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["text", "speaker", "document__title", "reason"]
    list_select_related = ["document"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("document__text", "document__metadata")

    @admin.display(description="text")
    def text_short(self, suggestion: Suggestion) -> str:
        return Truncator(suggestion.text).chars(CONTEXT_CHARS)


class SuggestionRunAdmin(JobColumns, ModeratedAdmin):
    list_display = [
        "id",
        "document",
        "status",
        "counts",
        "attempts",
        "error_short",
        "created_at",
        "finished_at",
    ]
    list_filter = [
        ("document__project", RelatedOnlyFilter),
        "status",
        OutletFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["document__title", "error"]
    list_select_related = ["document"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("document__text", "document__metadata")
