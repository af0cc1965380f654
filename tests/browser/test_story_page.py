"""A reviewer works on a story in real Chromium: from the project page to the story the job
proposed, confirms one report with the keyboard, then moves another to a new story."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Document
from tests import story_texts as t
from tests.browser.workspace_helpers import log_in
from tests.factories import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reports(desk, reviewer):
    found = []
    for text, outlet, days in (
        (t.FERRY_COURIER, "Courier", 0),
        (t.FERRY_HERALD, "Herald", 0),
        (t.FERRY_GAZETTE, "Gazette", 1),
    ):
        document = make_document(
            desk,
            actor=reviewer,
            text=text,
            title=text.split("\n")[0],
            outlet=outlet,
            published_on=t.FERRY_DAY + timedelta(days=days),
        )
        services.story_propose(document_id=document.pk)  # what the worker does after import
        found.append(document)
    return found


def test_reviewer_confirms_a_report_and_moves_another_to_a_new_story(
    live_server, page, page_errors, desk, reviewer, reports
):
    courier, herald, gazette = reports
    log_in(page, live_server.url, reviewer.username)
    page.get_by_role("link", name=desk.name).click()
    stories = page.get_by_role("table", name="Stories")
    stories.get_by_role("link", name=courier.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(courier.title)
    table = page.get_by_role("table", name="Documents by outlet and date")
    expect(table.get_by_role("rowheader")).to_have_text(["Courier", "Gazette", "Herald"])
    expect(page.locator("#story-summary")).to_contain_text("3 proposed, not yet confirmed")

    # Confirm the Herald's report from the keyboard: focus its button, press Enter.
    confirm = page.get_by_role("button", name=f"Confirm “{herald.title}” in this story")
    confirm.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Confirmed “{herald.title}”")
    row = page.locator(f'tr[data-document="{herald.pk}"]')
    expect(row.locator(".story-status")).to_have_text("Confirmed")
    expect(page.locator("#story-summary")).to_contain_text("2 proposed")

    # Move the Gazette's report (the inquiry a day later) to a story of its own.
    page.get_by_label(f"Move “{gazette.title}” to").select_option(label="A new story")
    page.get_by_role("button", name=f"Move “{gazette.title}”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(gazette.title)
    expect(page.get_by_role("status")).to_contain_text(f"Moved “{gazette.title}” to the story")
    moved = Document.objects.get(pk=gazette.pk)
    assert moved.story_status == "confirmed" and moved.story_id != courier.story_id
    expect(page.get_by_role("list").last).to_contain_text(f"{reviewer.username} moved")
    assert page_errors == []
