"""The header's inbox link counts the signed-in reviewer's work a moderator rejected."""

from __future__ import annotations

from django import template

from annotations import workspace_selectors

register = template.Library()


@register.simple_tag
def inbox_rejected(user) -> int:
    return workspace_selectors.inbox_rejected_count(user)
