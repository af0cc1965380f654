"""Who may see and do what in the admin, for every admin class and inline: one mixin.

Membership decides, as everywhere (annotations.policy): a moderator of a project sees that
project's rows; staff or superuser status alone shows nothing. Superusers manage people and
projects (`managed_by_superusers`), and only there. Django's model permissions are not used.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from annotations import policy


def moderated_ids(request: HttpRequest) -> set[int]:
    """The projects the requester moderates, asked once per request."""
    cached: set[int] | None = getattr(request, "_moderated_project_ids", None)
    if cached is None:
        cached = policy.moderated_project_ids(request.user)
        request._moderated_project_ids = cached  # type: ignore[attr-defined]
    return cached


class ProjectPermissions:
    """The has_*_permission methods of an admin class or inline, from these settings:

    - `project_path`: how an object leads to its project ("document__project"), "" when the
      object is the project itself (an inline is asked about its parent object);
    - `managed_by_superusers`: superusers (who manage people) see every row and add, change and
      delete them; otherwise nobody does, since project data changes through services only;
    - `deletable`: whether even they may delete a row;
    - `moderators_list`: whether a moderator may view with no object in hand, i.e. list the rows
      of their projects. Not the members inline: Django asks it with no object for its rows, so
      a moderator sees a project's members table empty.

    Moderators of an object's project may view it and take the moderation actions.
    """

    project_path: str = "document__project"
    managed_by_superusers: bool = False
    deletable: bool = True
    moderators_list: bool = True

    def project_id_of(self, obj: Model) -> int:
        if not self.project_path:
            return obj.pk
        *hops, last = self.project_path.split("__")
        value: Any = obj
        for hop in hops:
            value = getattr(value, hop)
        return getattr(value, f"{last}_id")  # the id, without loading the project

    def scope(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        """The rows the requester may see."""
        if self.manages(request):
            return queryset
        return queryset.filter(**{f"{self.project_path or 'pk'}__in": moderated_ids(request)})

    def manages(self, request: HttpRequest) -> bool:
        return self.managed_by_superusers and policy.can_manage_people(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.manages(request) or bool(moderated_ids(request))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if self.manages(request):
            return True
        ids = moderated_ids(request)
        if obj is None:
            return self.moderators_list and bool(ids)
        return self.project_id_of(obj) in ids

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        """Offer the review actions (the services check each row's project again)."""
        return bool(moderated_ids(request))

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.manages(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.manages(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.deletable and self.manages(request)
