"""Middleware that a request to the JSON API carrying an API token does not need, skipped for it.

Such a request (`Authorization: Token ...` under /api/v1/) is authenticated by its token alone:
DRF's token authentication, first in the list, lets it in or answers 401, and the session is
never consulted. It reads no session, is exempt from CSRF (APIView; CSRF guards session
requests, and DRF's session authentication checks it itself), shows no message, and is
answered with JSON, which no browser renders as a page for a Content-Security-Policy to guard.
The authentication, message and CSP middleware asked nothing of it and answered nothing to
it, yet cost several percent of a span create's CPU (building the same CSP header again each
time, most of all). Every other request, the workspace's session calls to the API included,
goes through each of them as before. (The session's and CSRF's stay in place for every
request: Django's deploy checks look for them by name, and they cost little here.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from accounts.authentication import ApiTokenAuthentication

API_PREFIX = "/api/v1/"
_KEYWORD = ApiTokenAuthentication.keyword.lower()


def is_token_request(request: HttpRequest) -> bool:
    """A JSON API request that DRF's token authentication decides (its keyword, any case)."""
    if not request.path_info.startswith(API_PREFIX):
        return False
    words = request.META.get("HTTP_AUTHORIZATION", "").split(None, 1)
    return bool(words) and words[0].lower() == _KEYWORD


def _skipped_for_tokens(path: str) -> type:
    """The middleware at `path`, passed by for a token request (is_token_request), its hooks
    (process_view, process_exception, process_template_response) likewise. A subclass, so the
    checks that look for it (the admin's) still find it."""
    base = import_string(path)

    def __call__(self: Any, request: HttpRequest) -> HttpResponse:
        if is_token_request(request):
            return self.get_response(request)
        return base.__call__(self, request)

    def hook(name: str) -> Callable[..., Any]:
        def run(self: Any, request: HttpRequest, *args: Any) -> Any:
            if is_token_request(request):
                return args[0] if name == "process_template_response" else None
            return getattr(base, name)(self, request, *args)

        return run

    attributes: dict[str, Any] = {"__call__": __call__, "__module__": __name__}
    for name in ("process_view", "process_exception", "process_template_response"):
        if hasattr(base, name):
            attributes[name] = hook(name)
    return type(base.__name__, (base,), attributes)


AuthenticationMiddleware = _skipped_for_tokens(
    "django.contrib.auth.middleware.AuthenticationMiddleware"
)
MessageMiddleware = _skipped_for_tokens("django.contrib.messages.middleware.MessageMiddleware")
CSPMiddleware = _skipped_for_tokens("csp.middleware.CSPMiddleware")
