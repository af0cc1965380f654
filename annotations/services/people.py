"""Projects, accounts and memberships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction

from annotations import policy
from annotations.errors import ValidationError
from annotations.models import Membership, Project

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def project_get_or_create(*, name: str, description: str = "") -> tuple[Project, bool]:
    name = name.strip()
    if not name:
        raise ValidationError("A project needs a name.", field="name")
    return Project.objects.get_or_create(name=name, defaults={"description": description})


@transaction.atomic
def membership_set(*, project: Project, user: User, role: str) -> Membership:
    """Give the user this role in the project (adding them if they are not a member)."""
    if role not in policy.Role.values:
        raise ValidationError(
            f"Unknown role {role!r}; choose one of {', '.join(policy.Role.values)}.", field="role"
        )
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": role}
    )
    policy.forget_roles(user)
    return membership


def user_get_or_create(
    *, username: str, password: str | None = None, email: str = ""
) -> tuple[User, bool]:
    """The account with that username (and whether it was made now), created if missing. A
    given password is (re)set."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": email}
    )
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    elif created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user, created
