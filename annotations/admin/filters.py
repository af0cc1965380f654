"""List filters the admin does not have: by outlet (a free-text field) and by deletion."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest


class OutletFilter(admin.SimpleListFilter):
    """The outlets of the rows the moderator may see, each once."""

    title = "outlet"
    parameter_name = "outlet"
    outlet_path = "document__outlet"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        outlets = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list(self.outlet_path, flat=True)
            .distinct()
        )
        return [(o, o) for o in sorted(outlets) if o]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(**{self.outlet_path: self.value()})
        return queryset


class VerdictOutletFilter(OutletFilter):
    outlet_path = "span__document__outlet"


class DocumentOutletFilter(OutletFilter):
    outlet_path = "outlet"


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Live"), ("yes", "Deleted (restorable)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset
