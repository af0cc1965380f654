"""A request to the JSON API with an API token passes by the session, CSRF, authentication,
message and CSP middleware (factcheck.middleware); everything else still goes through them."""

from __future__ import annotations

import pytest
from django.test import Client

from annotations.models import Span
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db


def _span_body(document) -> dict:
    return {"label": "OPINION", "start": 0, "end": 6, "text": document.text[:6]}


def test_a_token_client_writes_without_a_csrf_token_and_gets_no_cookie(api, document, reviewer):
    answer = api(reviewer).post(
        f"/api/v1/documents/{document.pk}/spans/", _span_body(document), format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert not answer.cookies
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_a_signed_in_browser_still_needs_its_csrf_token_to_write_through_the_api(
    document, reviewer
):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)
    url = f"/api/v1/documents/{document.pk}/spans/"
    refused = browser.post(url, _span_body(document), content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    page = browser.get(f"/documents/{document.pk}/")
    assert "Content-Security-Policy" in page
    token = browser.cookies["csrftoken"].value
    answer = browser.post(
        url, _span_body(document), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert answer.status_code == 201, answer.json()
    assert Span.objects.get(pk=answer.json()["id"]).author == reviewer


def test_a_bad_token_is_refused_even_from_a_signed_in_browser(document, reviewer):
    browser = api_client_for(None)
    browser.force_login(reviewer)
    browser.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    answer = browser.post(
        f"/api/v1/documents/{document.pk}/spans/", _span_body(document), format="json"
    )
    assert answer.status_code == 401
    assert not Span.objects.exists()
