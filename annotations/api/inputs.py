"""What a request brings in, read once for every view: a validated body and the `version` a
client read (the optimistic lock's query parameter), with its place in the schema."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core import validators
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter
from rest_framework import ISO_8601, serializers
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.settings import api_settings
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
# What DRF's DateField reads as ISO 8601 among strings of this shape is what date.fromisoformat
# reads; any other form goes to the serializer.
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A DictField's child when it is given none: it takes every value as it is.
_ANY_VALUE = type(serializers.DictField().child)


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
            isinstance(v, _STANDARD_VALIDATORS) and not getattr(v, "requires_context", False)
            for v in field.validators
        ):
            return None
        check = _plain_check(field)
        if check is None:
            return None
        if field.required:
            default = _OTHER
        elif field.default is empty:
            default = _ABSENT  # left out of what is validated, as the serializer does
        elif callable(field.default) and getattr(field.default, "requires_context", False):
            return None
        else:
            default = field.default  # a callable one (dict) is called for each body
        plan.append((name, check, default, field.allow_null))

    def read(data: dict) -> dict | None:
        valid = {}
        for name, check, default, allow_null in plan:
            value = data.get(name, _OTHER)
            if value is _OTHER:
                if default is _OTHER:
                    return None  # required: the serializer says so
                if default is not _ABSENT:
                    valid[name] = default() if callable(default) else default
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
    Exact types only, as a subclass may convert what it reads, unless it states what it checks
    beyond its base with a `plain_check(value) -> bool` (api.serializers: the article's text,
    a web address, a document's metadata)."""
    kind = type(field)
    extra = getattr(field, "plain_check", None)
    if extra is not None and isinstance(field, serializers.CharField):
        return _text_check(field, extra)
    if (
        extra is not None
        and isinstance(field, serializers.DictField)
        and type(field.child) is _ANY_VALUE
    ):

        def mapping(value: Any) -> Any:
            plain = type(value) is dict and all(type(key) is str for key in value)
            return value if plain and extra(value) else _OTHER

        return mapping
    formats = getattr(field, "input_formats", api_settings.DATE_INPUT_FORMATS)
    if kind is serializers.DateField and [f.lower() for f in formats] == [ISO_8601]:

        def day(value: Any) -> Any:
            if type(value) is not str or not _ISO_DAY.fullmatch(value):
                return _OTHER
            try:
                read = date.fromisoformat(value)
            except ValueError:
                return _OTHER
            return read if _within(field, read) else _OTHER

        return day
    if kind is serializers.IntegerField:

        def integer(value: Any) -> Any:
            ok = type(value) is int and _within(field, value)
            return value if ok else _OTHER

        return integer
    if kind is serializers.CharField and isinstance(field, serializers.CharField):
        return _text_check(field, None)
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


def _text_check(
    field: serializers.CharField, extra: Callable[[str], bool] | None
) -> Callable[[Any], Any]:
    blank, trim = field.allow_blank, field.trim_whitespace

    def text(value: Any) -> Any:
        if type(value) is not str or (trim and value.strip() != value):
            return _OTHER
        if not value:
            return value if blank else _OTHER
        if not _within(field, value) or (extra is not None and not extra(value)):
            return _OTHER
        return value

    return text


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
