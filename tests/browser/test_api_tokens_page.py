"""A reviewer makes an API token on the site, uses it, sees it listed (never its key again) and
revokes it, in real Chromium; then guesses a password too often and is told when to retry."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _opens_the_api(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/projects/").status_code == 200


def _log_in(page, url: str, password: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_reviewer_makes_uses_and_revokes_a_token_on_the_site(
    live_server, reviewer, page, page_errors
):
    _log_in(page, live_server.url, PASSWORD)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="Your API tokens")).to_be_visible()
    expect(page.get_by_text("No live tokens.")).to_be_visible()

    page.get_by_label("Name (what it is for)").fill("nightly export")
    page.get_by_role("button", name="Make a token").click()
    key = page.locator("#new-token-key").text_content()
    assert key and re.fullmatch(r"[0-9a-f]{40}", key)
    assert _opens_the_api(key)
    row = page.get_by_role("row", name=re.compile("nightly export"))
    expect(row).to_contain_text(f"{key[:8]}…")

    # Shown in the answer to the POST only (never kept, not even in the session): opening the
    # page again shows it no more.
    page.get_by_role("link", name="API tokens").click()
    expect(page.locator("#new-token-key")).to_have_count(0)
    assert key not in page.content()

    page.get_by_role("row", name=re.compile("nightly export")).get_by_role(
        "button", name="Revoke"
    ).click()
    expect(page.get_by_role("status")).to_contain_text(f"Token {key[:8]}… revoked.")
    expect(page.get_by_text("No live tokens.")).to_be_visible()
    assert not _opens_the_api(key)
    assert page_errors == []


def test_the_11th_wrong_password_in_a_minute_shows_when_to_retry(live_server, reviewer, page):
    for _ in range(10):
        _log_in(page, live_server.url, "wrong")
        expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username")
    _log_in(page, live_server.url, PASSWORD)
    expect(page.get_by_role("heading", name="Too many failed logins")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"Try again in \d+ seconds?"))
