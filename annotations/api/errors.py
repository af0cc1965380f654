"""The API's one exception handler: domain errors become 400, 403 or 409 with JSON that names
the field and the reason. Anything DRF already handles keeps DRF's shape ({field: [reason]})."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotations.errors import Conflict, NotAllowed, ValidationError

log = logging.getLogger(__name__)


def exception_handler(exc, context):
    if isinstance(exc, ValidationError):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotAllowed):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Conflict):
        body: dict[str, Any] = {"detail": str(exc)}
        if exc.current is not None:
            body["current"] = exc.current
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IntegrityError):
        # A database invariant caught what the services' checks did not: still the caller's
        # input, never a server error. Logged, because it means a service check is missing.
        log.warning("IntegrityError reached the API: %s", exc)
        first_line = str(exc).splitlines()[0] if str(exc) else "conflicts with existing data"
        return Response(
            {"non_field_errors": [f"Refused by the database: {first_line}"]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
