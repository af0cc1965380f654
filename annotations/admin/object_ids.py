"""The id an admin URL of ours names (a review page, the dashboard, a restore or review
action), read the way the rest of the site reads ids (annotations.converters): anything but a
whole number a bigint can hold is a 404, never a database error (a 500)."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.http import Http404

from annotations.converters import IdConverter


def object_pk(object_id: str) -> int:
    value = unquote(object_id)
    if IdConverter.pattern.fullmatch(value) is None:
        raise Http404("No such object.")
    return int(value)
