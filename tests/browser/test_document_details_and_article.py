"""In real Chromium: a reviewer gives a claim's verdict the address of the desk's fact-check
article from the workspace's verdict form, and corrects an article's details from its page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from annotations.models import Document, Verdict
from tests.browser.workspace_helpers import log_in, open_document
from tests.factories import make_document, make_span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "https://desk.example.org/checks/ferry-toll"


@pytest.fixture
def claim(desk, reviewer):
    document = make_document(
        desk,
        actor=reviewer,
        title="Ferry report",
        text="Officials said 48 people drowned when the ferry capsized on Saturday.",
    )
    return make_span(document, reviewer, "48 people drowned")


def test_the_verdict_form_sets_the_fact_check_article(live_server, page, page_errors, claim):
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, claim.document)
    page.locator(f'mark[data-span-id="{claim.pk}"]').first.click()
    verdict = page.get_by_role("region", name="Verdict")
    verdict.get_by_label("Rating").select_option(label="True")
    article = verdict.get_by_label("Fact-check article")
    article.fill("not an address")
    verdict.get_by_role("button", name="Save verdict").click()
    expect(page.locator("#verdict-error")).to_contain_text("fact-check article")
    expect(article).to_have_attribute("aria-invalid", "true")
    article.fill(ARTICLE)
    verdict.get_by_role("button", name="Save verdict").click()
    expect(page.get_by_role("status")).to_contain_text("Verdict saved: True")
    assert Verdict.objects.get(desk_claim=claim.desk_claim).review_url == ARTICLE

    open_document(page, live_server.url, claim.document)  # read back after a reload
    page.locator(f'mark[data-span-id="{claim.pk}"]').first.click()
    expect(
        page.get_by_role("region", name="Verdict").get_by_label("Fact-check article")
    ).to_have_value(ARTICLE)
    assert page_errors == []


def test_a_reviewer_corrects_an_articles_details_from_its_page(
    live_server, page, page_errors, claim
):
    document = claim.document
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, document)
    page.get_by_role("link", name="Correct details").click()
    expect(page.get_by_role("heading", name="Correct the document's details")).to_be_visible()
    expect(page.get_by_label("Text")).to_have_count(0)
    page.get_by_label("Outlet").fill("Lake Herald")
    page.get_by_label("URL").fill("https://herald.example.org/ferry")
    page.get_by_label("Date").fill("2024-03-09")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator("#document-text[data-painted=true]")).to_be_attached()
    expect(page.locator(".meta")).to_contain_text("Lake Herald")
    stored = Document.objects.get(pk=document.pk)
    assert (stored.outlet, stored.source_url, stored.published_on, stored.version) == (
        "Lake Herald",
        "https://herald.example.org/ferry",
        date(2024, 3, 9),
        2,
    )
    assert page_errors == []
