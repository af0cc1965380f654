"""The audit log: every event the services recorded in the projects one moderates."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from annotations.admin.filters import RelatedOnlyFilter
from annotations.admin.history import history_entry
from annotations.admin.moderated import ModeratedAdmin
from annotations.models import AuditEvent


class AuditEventAdmin(ModeratedAdmin):
    project_path = "project"
    list_display = ["created_at", "actor", "action", "object_type", "object_id", "changes"]
    list_filter = [
        ("project", RelatedOnlyFilter),
        "object_type",
        "action",
        ("actor", RelatedOnlyFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["actor"]
    search_fields = ["object_id"]

    @admin.display(description="changes")
    def changes(self, event: AuditEvent) -> SafeString:
        entry = history_entry(event)
        return format_html(
            "{}",
            "; ".join(
                f"{c['field']}: {Truncator(str(c['before'])).chars(40)} → "
                f"{Truncator(str(c['after'])).chars(40)}"
                for c in entry["changes"]
            ),
        )
