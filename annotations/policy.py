"""Who may do what. The one place pages, API and admin ask.

Membership decides: a user's role in a project (reviewer or moderator) grants rights in that
project only. Staff or superuser status alone grants nothing inside a project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotations.models import Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from annotations.models import Project, Span


def role_in(user: AbstractBaseUser | AnonymousUser, project: Project | int) -> str | None:
    """The user's role in the project, or None. Cached on the user for the request."""
    if not user.is_authenticated:
        return None
    project_id = project if isinstance(project, int) else project.pk
    cache: dict[int, str] | None = getattr(user, "_project_roles", None)
    if cache is None:
        cache = dict(Membership.objects.filter(user=user).values_list("project_id", "role"))
        user._project_roles = cache  # type: ignore[union-attr]
    return cache.get(project_id)


def forget_roles(user: AbstractBaseUser) -> None:
    """Drop the cached roles after a membership changes."""
    if hasattr(user, "_project_roles"):
        del user._project_roles  # type: ignore[attr-defined]


def can_view_project(user, project) -> bool:
    return role_in(user, project) is not None


def can_annotate(user, project) -> bool:
    """Create documents and spans, accept or reject suggestions."""
    return role_in(user, project) in (Role.REVIEWER, Role.MODERATOR)


def can_moderate(user, project) -> bool:
    return role_in(user, project) == Role.MODERATOR


def can_edit_span(user, span: Span) -> bool:
    """Authors edit their own spans; moderators edit any span of their project."""
    project_id = span.document.project_id
    if span.author_id == user.pk:
        return can_annotate(user, project_id)
    return can_moderate(user, project_id)


# --- exports (issue 6) ---------------------------------------------------------------------
def can_export(user, project) -> bool:
    """Pull the project's labeled data through the export endpoint. Any member, for now."""
    return can_view_project(user, project)
