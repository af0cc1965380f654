"""Domain errors raised by the services. The API maps them in one place (api/errors.py):
ValidationError -> 400, NotAllowed -> 403, Conflict -> 409. Pages show their messages."""

from __future__ import annotations

from typing import Any

NON_FIELD = "non_field_errors"


class DomainError(Exception):
    pass


class ValidationError(DomainError):
    """Input the domain refuses, with the reason per field."""

    def __init__(self, errors: dict[str, list[str]] | str, *, field: str = NON_FIELD) -> None:
        if isinstance(errors, str):
            errors = {field: [errors]}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


class NotAllowed(DomainError):
    """The user may see the object but not do this to it."""


class Conflict(DomainError):
    """The object changed since the caller read it; `current` is what it is now."""

    def __init__(self, message: str, *, current: dict[str, Any] | None = None) -> None:
        self.current = current
        super().__init__(message)
