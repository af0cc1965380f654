"""List filters the admin does not have: by outlet (a free-text field) and by deletion; and
filters that are applied whenever the URL names them (AppliedWhenAsked)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from annotations.models import DeskClaim


class AppliedWhenAsked:
    """Django leaves out a filter offering fewer than two choices (a moderator of one project,
    a desk with one reviewer) and its parameter with it: a URL naming it would list, and
    "select all" act on, every row instead of those asked for. A filter the URL names is
    always applied, and shown."""

    used_parameters: dict

    def has_output(self) -> bool:
        return bool(self.used_parameters) or super().has_output()  # type: ignore[misc]


class RelatedOnlyFilter(AppliedWhenAsked, admin.RelatedOnlyFieldListFilter):
    """The related objects of the rows the moderator may see (a project, a reviewer)."""


class OutletFilter(AppliedWhenAsked, admin.SimpleListFilter):
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
    """A verdict's outlets are those of the articles its desk claim appears in."""

    outlet_path = "desk_claim__mentions__document__outlet"

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            # A subquery, not a join: a claim in two articles of one outlet is one row.
            mentioned = DeskClaim.objects.filter(mentions__document__outlet=self.value())
            return queryset.filter(desk_claim__in=mentioned.values("pk"))
        return queryset


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
