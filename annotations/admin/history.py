"""An object's history page: what the services recorded (AuditEvent, the state before and
after), in place of the admin's own LogEntry, which the services never write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse

from annotations import selectors
from annotations.models import AuditEvent

# Events no person made: the data migration into desk claims records these without an actor.
_NO_ACTOR = {"migrate": "(the move to desk claims)", "merge": "(the move to desk claims)"}


def history_entry(event: AuditEvent) -> dict[str, Any]:
    """One row of a history page: who, when, what, and each field's before and after."""
    before, after = event.before or {}, event.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    changes = [
        {"field": k, "before": before.get(k, ""), "after": after.get(k, "")}
        for k in keys
        if k != "version" and before.get(k) != after.get(k)
    ]
    return {
        "at": event.created_at,
        "actor": event.actor.get_username()
        if event.actor
        else _NO_ACTOR.get(event.action, "(deleted account)"),
        "action": event.action,
        "object": f"{event.object_type} {event.object_id}",
        "changes": changes,
        "version": after.get("version", before.get("version")),
    }


class AuditHistoryAdmin(admin.ModelAdmin):
    """The history link of every change page opens the recorded events of the object."""

    def related_histories(self, obj: Any) -> list[tuple[str, int]]:
        """Other objects whose history belongs on this one's page, as (type, id)."""
        return []

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object in the projects you moderate.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        model_name = self.opts.model_name or ""
        events = list(selectors.object_history(object_type=model_name, object_id=obj.pk))
        for extra_type, extra_id in self.related_histories(obj):
            events.extend(selectors.object_history(object_type=extra_type, object_id=extra_id))
        events.sort(key=lambda e: (e.created_at, e.pk))
        return TemplateResponse(
            request,
            "admin/annotations/history.html",
            {
                **self.admin_site.each_context(request),
                "title": f"History of {self.opts.verbose_name} {obj.pk}",
                "opts": self.opts,
                "object": obj,
                "entries": [history_entry(e) for e in events],
                "media": self.media,
            },
        )
