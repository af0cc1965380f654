"""A URL configuration for tests only: the site's, plus views that fail the way a bug would,
inside DRF and outside it, so the tests see what an API client gets from a server error."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from factcheck.urls import handler400, handler403, handler404, handler500
from factcheck.urls import urlpatterns as site_urlpatterns


class Bug(Exception):
    pass


class FailingAPIView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request: Request) -> HttpResponse:
        raise Bug("a bug in an API view")


def failing_view(request: HttpRequest) -> HttpResponse:
    raise Bug("a bug outside DRF")


urlpatterns = [
    path("api/v1/test-only/failing/", FailingAPIView.as_view()),
    path("api/v1/test-only/failing-plain/", failing_view),
    path("test-only/failing-page/", failing_view),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
