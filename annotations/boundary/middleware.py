"""BoundaryMiddleware: what is refused before any view runs, and the database's loss after.

Before the view:
- a character PostgreSQL cannot store (NUL, a lone surrogate) in the path, in any query
  parameter (its name too) or in a form field of a page (the admin's included) is a 400 naming
  the parameter. Otherwise a search or a filter hands it to the database, which answers with
  an exception: a 500. JSON bodies of the API are checked by its parser (api/parsers.py).
- a page's form body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 saying the limit, where Django
  would answer a bare 400 from inside the CSRF check. The API's JSON bodies get their 413 from
  the API's exception handler; its imports stream their bodies and have their own limit.

After: a view that lost the database (connection dropped, server restarting) answers 503 with
Retry-After, JSON under /api/, instead of a 500 page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict

from annotations.boundary import responses
from annotations.domain.text import unstorable


class BoundaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.refuse(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        if reason := unstorable(request.path_info):
            return self._unstorable(request, "path", reason)
        try:
            query = request.GET
        except SuspiciousOperation as exc:  # more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS
            return responses.bad_request(request, exc)
        if refused := self._check(request, query):
            return refused
        # The API parses its own bodies (and its imports stream theirs): pages' forms only.
        # Reading request.POST here costs nothing more: the CSRF check reads it next anyway.
        if request.method == "POST" and not responses.is_api(request):
            try:
                form = request.POST
            except RequestDataTooBig:
                return responses.too_large(request)
            except SuspiciousOperation as exc:  # too many fields, a malformed multipart body
                return responses.bad_request(request, exc)
            if refused := self._check(request, form):
                return refused
        return None

    def _check(self, request: HttpRequest, params: QueryDict) -> HttpResponse | None:
        for name, values in params.lists():
            if reason := unstorable(name):
                return self._unstorable(request, name, f"the parameter's name {reason}")
            for value in values:
                if reason := unstorable(value):
                    return self._unstorable(request, name, reason)
        return None

    def _unstorable(self, request: HttpRequest, name: str, reason: str) -> HttpResponse:
        shown = name.encode("utf-8", "backslashreplace").decode().replace("\x00", "\\x00")[:60]
        return responses.answer(request, {shown: [reason]}, status=400, title="Bad request")

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not responses.database_unavailable(exc):
            return None  # Django's own handling: its 500 page, or JSON from the handler500 view
        responses.log_server_error(request, exc, 503)
        return responses.logged(responses.unavailable(request))
