"""The error handlers factcheck/urls.py names: JSON for an API client (anything under /api/,
including an address no view has), Django's own pages elsewhere; a lost database is a 503."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from annotations.boundary import responses


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if responses.is_api(request):
        return JsonResponse(responses.bad_request_body(exception), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if responses.is_api(request):
        return JsonResponse(responses.forbidden_body(exception), status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if responses.is_api(request):
        return JsonResponse(responses.not_found_body(), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, already logged: it is still current.
    if responses.database_unavailable(sys.exc_info()[1]):
        return responses.unavailable(request)
    if responses.is_api(request):
        return JsonResponse(responses.server_error_body(), status=500)
    return defaults.server_error(request)
