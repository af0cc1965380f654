"""Every error an API client can get is JSON: an unknown address, a bug (500), the database
lost mid-request (503, try again). Pages keep their HTML, but a lost database is a 503 there
too, not a 500."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import api_client_for


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.boundary_urls"


def _quiet(client):
    """A client that hands back the 500 instead of raising the view's exception in the test."""
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/test-only/failing/", "/api/v1/test-only/failing-plain/"])
def test_an_api_server_error_is_json_and_logged_with_its_traceback(failing_urls, caplog, url):
    response = _quiet(APIClient()).get(url)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "failed on our side" in response.json()["detail"]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info is not None and "a bug" in str(record.exc_info[1])


@pytest.mark.django_db
def test_a_page_server_error_stays_an_html_page(failing_urls):
    response = _quiet(Client()).get("/test-only/failing-page/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_an_unknown_api_address_is_a_json_404_and_a_page_an_html_one(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def _lose_the_connection():
    """End this test's database session from another one, as a restart or a network cut does:
    the next query of the request fails."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_losing_the_database_mid_request_is_a_json_503_for_an_api_client(reviewer, desk, caplog):
    client = _quiet(api_client_for(reviewer))
    _lose_the_connection()
    try:
        response = client.get(f"/api/v1/projects/{desk.pk}/documents/")
    finally:
        connection.close()
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert "try again" in response.json()["detail"]
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    # And the next request has its database back.
    assert client.get(f"/api/v1/projects/{desk.pk}/documents/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_losing_the_database_on_a_page_is_a_503_page(client, reviewer, desk):
    client.force_login(reviewer)
    _quiet(client)
    _lose_the_connection()
    try:
        response = client.get(f"/projects/{desk.pk}/")
    finally:
        connection.close()
    assert response.status_code == 503
    assert "try again" in response.content.decode()
