"""The answers the boundary gives, one definition each: JSON for an API client (anything under
/api/), a short stand-alone page for a person. Also how a server error is logged and signalled
when it is answered here rather than by Django (so error reporting sees it the same way)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from annotations.domain import bounds

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5
# A refused body is read to its end (and dropped) up to this size, so that a client still
# sending it reads the 413 instead of a broken pipe; past it the connection is simply closed.
DRAIN_AT_MOST = 64 * 1024 * 1024
request_log = logging.getLogger("django.request")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def too_large_body() -> dict[str, Any]:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return {
        "detail": (
            f"The request body is larger than the limit of {bounds.body_limit_words(limit)}. "
            f"A document's text is at most {bounds.MAX_DOCUMENT_LENGTH:,} characters; send "
            "many documents as a JSONL file to the project's documents/import/."
        ),
        "limit_bytes": limit,
    }


def bad_request_body(exc: Exception) -> dict[str, Any]:
    return {"detail": f"Bad request: {str(exc)[:300]}"}


def unavailable_body() -> dict[str, Any]:
    return {
        "detail": "The database is not answering; try again in a few seconds.",
        "retry_after": RETRY_AFTER_SECONDS,
    }


def server_error_body() -> dict[str, Any]:
    return {
        "detail": "Server error: the request failed on our side and was logged. Try again, or "
        "tell the desk's administrator if it keeps failing."
    }


def not_found_body() -> dict[str, Any]:
    return {"detail": "Not found."}


def forbidden_body(exc: Exception | None) -> dict[str, Any]:
    said = str(exc) if exc is not None and str(exc) else ""
    return {"detail": said or "You do not have permission to do this."}


def database_unavailable(exc: BaseException | None) -> bool:
    """The connection was lost or refused (or the server cancelled the query): the client may
    try again, so a 503 rather than a 500."""
    return isinstance(exc, OperationalError | InterfaceError)


def log_server_error(request: HttpRequest | None, exc: BaseException, status: int) -> None:
    """As Django does for an error it answers itself: the traceback in the django.request log
    and the got_request_exception signal (error reporting and the test client listen)."""
    request_log.error(
        "%s: %s",
        "Database unavailable" if status == 503 else "Internal Server Error",
        getattr(request, "path", "?"),
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": status, "request": request},
    )
    got_request_exception.send(sender=None, request=request)


def logged(response: HttpResponse) -> HttpResponse:
    """Mark a response whose error log_server_error wrote already, so Django does not log it a
    second time (without its traceback)."""
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def page(title: str, message: str, *, status: int) -> HttpResponse:
    """A stand-alone page (no session, user or database needed to render it)."""
    html = render_to_string("boundary/refused.html", {"title": title, "message": message})
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def answer(
    request: HttpRequest,
    body: dict[str, Any],
    *,
    status: int,
    title: str,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """JSON for an API client, a page for a person; the page says the body's `detail` or the
    first reason it gives."""
    if is_api(request):
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        response = page(title, _words(body), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _words(body: dict[str, Any]) -> str:
    if "detail" in body:
        return str(body["detail"])
    return " ".join(f"{field}: {' '.join(reasons)}" for field, reasons in body.items())


def drain(request: HttpRequest) -> None:
    """Read what is left of a body refused for its size and drop it (see DRAIN_AT_MOST)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if length > DRAIN_AT_MOST:
        return
    try:
        while request.read(64 * 1024):
            pass
    except OSError:  # the client went away
        pass


def too_large(request: HttpRequest) -> HttpResponse:
    drain(request)
    return answer(request, too_large_body(), status=413, title="Too large")


def unavailable(request: HttpRequest) -> HttpResponse:
    return answer(
        request,
        unavailable_body(),
        status=503,
        title="Try again in a moment",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return answer(request, bad_request_body(exc), status=400, title="Bad request")
