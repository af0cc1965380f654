"""Import jobs: what each upload became, how far it got and why it failed, for the moderators
of its project (read-only; a job is started from the upload page or the API)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from annotations.admin.display import JobColumns
from annotations.admin.filters import RelatedOnlyFilter
from annotations.admin.moderated import ModeratedAdmin


class ImportJobAdmin(JobColumns, ModeratedAdmin):
    project_path = "project"
    list_display = [
        "id",
        "project",
        "file_name",
        "created_by",
        "status",
        "lines_read",
        "documents_written",
        "spans_written",
        "error_count",
        "error_short",
        "created_at",
        "finished_at",
    ]
    list_filter = [
        ("project", RelatedOnlyFilter),
        "status",
        ("created_by", RelatedOnlyFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["file_name", "error"]
    list_select_related = ["project", "created_by"]
    # The report and the first errors are on the change page; the list stays one line a job.
    exclude = ["stored_as"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("errors", "result")
