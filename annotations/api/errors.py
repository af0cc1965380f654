"""The API's one exception handler: domain errors become 400, 403 or 409 with JSON that names
the field and the reason. Anything DRF already handles keeps DRF's shape ({field: [reason]}).
What would otherwise be Django's HTML error page is JSON too: a body over the limit 413, the
database gone 503, anything unexpected 500 (logged with its traceback, as Django would)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError, IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from annotations.boundary import responses
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
    if isinstance(exc, IntegrityError | DataError):
        # A database invariant (or type: a NUL, a number out of range) caught what the services'
        # checks did not: still the caller's input, never a server error. Logged, because it
        # means a service check is missing.
        log.warning("%s reached the API: %s", type(exc).__name__, exc)
        first_line = str(exc).splitlines()[0] if str(exc) else "conflicts with existing data"
        return Response(
            {"non_field_errors": [f"Refused by the database: {first_line}"]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    # Not the caller's input as DRF knows it: answered as JSON here, as the boundary middleware
    # answers what happens outside DRF's views.
    set_rollback()
    request = context.get("request")
    django_request = getattr(request, "_request", request)
    if isinstance(exc, RequestDataTooBig):
        responses.drain(django_request)
        return Response(responses.too_large_body(), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation):
        return Response(responses.bad_request_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if responses.database_unavailable(exc):
        responses.log_server_error(django_request, exc, status.HTTP_503_SERVICE_UNAVAILABLE)
        return responses.logged(
            Response(
                responses.unavailable_body(),
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(responses.RETRY_AFTER_SECONDS)},
            )
        )
    responses.log_server_error(django_request, exc, status.HTTP_500_INTERNAL_SERVER_ERROR)
    return responses.logged(
        Response(responses.server_error_body(), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    )
