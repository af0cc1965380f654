"""What a request brings in, read once for every view: a validated body and the `version` a
client read (the optimistic lock's query parameter), with its place in the schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import validators
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from annotations.api.serializers import MAX_VERSION, JSONInputSerializer
from annotations.errors import ValidationError


def valid_input(
    serializer_class: type[serializers.Serializer], request: Request, **kwargs: Any
) -> dict:
    """The request body validated by the serializer (a 400 naming each field otherwise).

    A body whose every value is plainly valid (of its JSON type, within the field's bounds,
    nothing to trim) is read by the checks compiled from the serializer's own fields
    (_plain_reader): what the serializer would give, without building it. Anything else,
    every refusal included, goes through the serializer, which says what is wrong."""
    data = request.data
    if not kwargs and type(data) is dict:
        read = _plain_reader(serializer_class)
        if read is not None and (valid := read(data)) is not None:
            return valid
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# A field's plain check: the value (present in the body) as validated, or _OTHER when the
# serializer must look at it.
_OTHER: Any = object()
_ABSENT: Any = object()
_STANDARD_VALIDATORS = (
    validators.MaxLengthValidator,
    validators.MinLengthValidator,
    validators.MaxValueValidator,
    validators.MinValueValidator,
    validators.ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
)
_readers: dict[type, Any] = {}


def _plain_reader(
    serializer_class: type[serializers.Serializer],
) -> Callable[[dict], dict | None] | None:
    """The serializer's checks of plainly valid values, built once from its declared fields;
    None when it has more than those checks (a validate method, a field of another kind)."""
    if serializer_class in _readers:
        return _readers[serializer_class]
    _readers[serializer_class] = reader = _build_reader(serializer_class)
    return reader


def _build_reader(
    serializer_class: type[serializers.Serializer],
) -> Callable[[dict], dict | None] | None:
    base = serializers.Serializer
    field_methods = {n for n in dir(serializer_class) if n.startswith("validate_")}
    if (
        field_methods != {"validate_empty_values"}
        or serializer_class.validate is not base.validate
        or serializer_class.run_validation is not base.run_validation
        or serializer_class.to_internal_value
        not in (base.to_internal_value, JSONInputSerializer.to_internal_value)
    ):
        return None
    serializer = serializer_class()
    if serializer.validators:
        return None
    plan = []
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if field.source_attrs != [name] or not all(
            type(v) in _STANDARD_VALIDATORS for v in field.validators
        ):
            return None
        check = _plain_check(field)
        if check is None:
            return None
        if field.required:
            default = _OTHER
        elif field.default is empty:
            default = _ABSENT  # left out of what is validated, as the serializer does
        elif callable(field.default):
            return None
        else:
            default = field.default
        plan.append((name, check, default, field.allow_null))

    def read(data: dict) -> dict | None:
        valid = {}
        for name, check, default, allow_null in plan:
            value = data.get(name, _OTHER)
            if value is _OTHER:
                if default is _OTHER:
                    return None  # required: the serializer says so
                if default is not _ABSENT:
                    valid[name] = default
            elif value is None:
                if not allow_null:
                    return None
                valid[name] = None
            elif (value := check(value)) is _OTHER:
                return None
            else:
                valid[name] = value
        return valid

    return read


def _within(field: serializers.Field, value: Any) -> bool:
    return all(_passes(v, value) for v in field.validators)


def _passes(validator: Any, value: Any) -> bool:
    try:
        validator(value)
    except (DjangoValidationError, DRFValidationError):
        return False
    return True


def _plain_check(field: serializers.Field) -> Callable[[Any], Any] | None:
    """The check of one field's plainly valid values, or None for a field of another kind.
    Exact types only: a subclass may convert what it reads."""
    kind = type(field)
    if kind is serializers.IntegerField:

        def integer(value: Any) -> Any:
            ok = type(value) is int and _within(field, value)
            return value if ok else _OTHER

        return integer
    if kind is serializers.CharField and isinstance(field, serializers.CharField):
        blank, trim = field.allow_blank, field.trim_whitespace

        def text(value: Any) -> Any:
            if type(value) is not str or (trim and value.strip() != value):
                return _OTHER
            if not value:
                return value if blank else _OTHER
            return value if _within(field, value) else _OTHER

        return text
    if kind is serializers.ChoiceField and isinstance(field, serializers.ChoiceField):
        choices = dict(field.choice_strings_to_values)

        def choice(value: Any) -> Any:
            if type(value) is not str or field.validators:
                return _OTHER
            return choices.get(value, _OTHER)

        return choice
    if kind is serializers.BooleanField:
        return lambda value: value if type(value) is bool else _OTHER
    return None


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
