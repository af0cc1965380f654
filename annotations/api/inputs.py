"""What a request brings in, read once for every view: a validated body and the `version` a
client read (the optimistic lock's query parameter), with its place in the schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request

from annotations.api.serializers import MAX_VERSION
from annotations.errors import ValidationError


def valid_input(
    serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any
) -> dict:
    """The request body validated by the serializer (a 400 naming each field otherwise)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def version_parameter(description: str) -> OpenApiParameter:
    """A `version` query parameter: the version the client read."""
    schema = {"type": "integer", "minimum": 1, "maximum": MAX_VERSION}
    return OpenApiParameter("version", schema, description=description)


def version_query(request: Request) -> int | None:
    """The `version` query parameter, or None when not given."""
    raw = request.query_params.get("version")
    if raw in (None, ""):
        return None
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_VERSION:
        raise ValidationError(f"Give a whole number from 1 to {MAX_VERSION}.", field="version")
    return int(raw)
