"""Who may do what. The one place pages, API and admin ask.

Membership decides: a user's role in a project (reviewer or moderator) grants rights in that
project only. Staff or superuser status alone grants nothing inside a project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotations.errors import NotAllowed
from annotations.models import Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
    from django.http import HttpRequest
    from rest_framework.request import Request

    from annotations.models import Project, Span


def role_in(user: AbstractBaseUser | AnonymousUser, project: Project | int) -> str | None:
    """The user's role in the project, or None. Cached on the user for the request."""
    if not user.is_authenticated:
        return None
    project_id = project if isinstance(project, int) else project.pk
    cache: dict[int, str] | None = getattr(user, "_project_roles", None)
    if cache is None:
        known: dict[int, str] = getattr(user, "_known_roles", {})
        if project_id in known:
            return known[project_id]
        cache = dict(Membership.objects.filter(user_id=user.pk).values_list("project_id", "role"))
        user._project_roles = cache  # type: ignore[attr-defined]
    return cache.get(project_id)


def remember_role(user: AbstractBaseUser | AnonymousUser, project_id: int, role: str) -> None:
    """The user's role in one project, as a lookup that joined the membership just read it:
    role_in answers it without asking again (for the request, as its own cache)."""
    if user.is_authenticated:
        known: dict[int, str] = user.__dict__.setdefault("_known_roles", {})
        known[project_id] = role


def actor_of(request: HttpRequest | Request) -> User:
    """The signed-in user a page or an API call acts as: every service takes it as `actor`.
    Pages and endpoints that write are login-only, so an anonymous request here is refused."""
    user = request.user
    if not user.is_authenticated:
        raise NotAllowed("Sign in first.")
    return user


def forget_roles(user: AbstractBaseUser) -> None:
    """Drop the cached roles after a membership changes."""
    if hasattr(user, "_project_roles"):
        del user._project_roles
    user.__dict__.pop("_known_roles", None)


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


# --- moderation: the rest of the permission matrix ------------------------------------------
# Each action a page, the API or the admin offers maps to one function here. Membership decides;
# staff or superuser status alone grants nothing inside a project (a superuser manages people
# and projects in the admin, nothing more, unless they are also a member).


def can_view(user, project) -> bool:
    """See the project's documents, spans, verdicts and agreement figures."""
    return can_view_project(user, project)


def can_create(user, project) -> bool:
    """Add documents and spans."""
    return can_annotate(user, project)


# --- desk claims: the desk rules on a claim once, so any member works on any of them ----------


def can_edit_desk_claim(user, project) -> bool:
    """Make a desk claim, edit its wording, move a mention (anyone's) to another desk claim.
    Every change is versioned and kept in history."""
    return can_annotate(user, project)


def can_rate(user, project) -> bool:
    """Rate any desk claim of the project (one rating a member, their own)."""
    return can_annotate(user, project)


def can_set_verdict(user, project) -> bool:
    """Set or edit the desk's verdict from the ratings; a moderator approves or rejects it."""
    return can_annotate(user, project)


def can_review(user, project) -> bool:
    """Approve or reject spans and verdicts (and reopen them as pending)."""
    return can_moderate(user, project)


def can_restore_span(user, span: Span) -> bool:
    """Bring back a soft-deleted span: its author (undo) or a moderator of the project."""
    return can_edit_span(user, span)


def can_edit_document(user, project) -> bool:
    """Correct what describes a document (title, outlet, author, address, date): any member,
    as any member adds documents. Its text never changes."""
    return can_annotate(user, project)


def can_delete_document(user, project) -> bool:
    """Soft-delete a document and restore it: moderators. It takes everyone's work on the
    article out of sight."""
    return can_moderate(user, project)


def can_edit_stories(user, project) -> bool:
    """Confirm, move, merge, split and rename stories: any member. A story is how the desk files
    its articles, not something it publishes, so moderators have no extra say over it."""
    return can_annotate(user, project)


def can_decide_matches(user, project) -> bool:
    """Confirm, dismiss or reopen a match between two articles, and ask for a story's
    comparison again: any member (confirming a claim match joins desk claims, which any member
    may do)."""
    return can_annotate(user, project)


def can_export(user, project, *, include_unreviewed: bool = False) -> bool:
    """Members export a project's approved data; pending and rejected work stays with the
    moderators, who are the ones who decide what the desk stands behind."""
    if include_unreviewed:
        return can_moderate(user, project)
    return can_view_project(user, project)


def can_back_up(user, project) -> bool:
    """Take a project's full backup, or restore one into an empty project: moderators. A
    backup holds unreviewed work and the whole history."""
    return can_moderate(user, project)


def can_view_dashboard(user, project) -> bool:
    return can_moderate(user, project)


def moderated_project_ids(user) -> set[int]:
    """The projects where the user is a moderator (the admin shows these and nothing else)."""
    if not user.is_authenticated:
        return set()
    role_in(user, 0)  # fills the per-request cache
    return {pid for pid, role in user._project_roles.items() if role == Role.MODERATOR}


def can_manage_people(user) -> bool:
    """Create projects, accounts and memberships in the admin: superusers only."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)
