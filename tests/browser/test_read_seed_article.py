"""A reviewer logs in with the demo account and reads a seed article in real Chromium."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.models import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(settings, live_server):
    settings.LOCAL_MODE = True  # demo accounts exist only in local mode
    call_command("create_demo_accounts", stdout=io.StringIO())
    return live_server


def test_demo_reviewer_logs_in_opens_a_seed_article_and_sees_a_highlight(
    demo_site, page, page_errors
):
    page.goto(f"{demo_site.url}/")
    page.get_by_label("Username").fill("reviewer")
    page.get_by_label("Password").fill("reviewer-demo-pass")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Demo desk").click()
    page.get_by_role("link", name="Islamic State claims “province” in India").click()

    article = page.locator("#document-text")
    expect(article).to_contain_text("Nuclear powers India and Pakistan have fought two wars")
    document = Document.objects.get(outlet="Voice Of Vienna")
    assert article.text_content() == document.text  # the page shows the stored text, exactly

    katz = page.locator('mark[data-label="QUOTE"]', has_text="The establishment of a")
    expect(katz).to_be_visible()
    expect(katz).to_have_attribute("title", "Quote: Rita Katz")
    assert page.locator("mark[data-span-id]").count() >= 5
    assert page_errors == []
