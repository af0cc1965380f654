"""The workspace as a reviewer uses it: overlapping spans, the span panel (speaker, verdict and
its history), delete with undo, keyboard-only work, and two people editing the same span."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import AuditEvent, Span
from tests.browser.workspace_helpers import drag_select, log_in, open_document, saved_mark
from tests.factories import make_document, make_span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (
    "Rita Katz, director of the SITE Intelligence Group, said the move was "
    "“pure propaganda meant to recruit fighters in Kashmir”.\n\n"
    "The bombings killed at least 253 people, officials said."
)


@pytest.fixture
def article(desk, reviewer):
    return make_document(desk, actor=reviewer, text=ARTICLE, title="Province claim")


def panel(page):
    return page.locator("#span-panel")


def test_a_claim_inside_a_quote_keeps_both_visible_and_both_clickable(
    live_server, page, page_errors, article
):
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)

    drag_select(page, "pure propaganda meant to recruit fighters in Kashmir")
    page.keyboard.press("q")
    saved_mark(page, "QUOTE", "pure propaganda")
    drag_select(page, "recruit fighters")
    page.get_by_role("button", name="Claim", exact=True).click()
    claim_mark = saved_mark(page, "CLAIM", "recruit fighters")

    quote = Span.objects.get(label="QUOTE")
    claim = Span.objects.get(label="CLAIM")
    assert (quote.start, quote.end) == (
        ARTICLE.index("pure"),
        ARTICLE.index("Kashmir") + len("Kashmir"),
    )
    assert quote.start < claim.start < claim.end < quote.end
    # The claim's mark sits inside the quote's; the quote shows before and after it.
    quote_marks = page.locator(f'mark[data-span-id="{quote.pk}"]')
    expect(quote_marks).to_have_count(3)
    expect(claim_mark).to_have_attribute("title", "Claim")
    assert claim_mark.evaluate("m => m.parentElement.dataset.label") == "QUOTE"

    quote_marks.first.click()
    expect(panel(page).get_by_role("heading", name="Quote")).to_be_visible()
    claim_mark.click()
    expect(panel(page).get_by_role("heading", name="Claim")).to_be_visible()
    # From the claim, the quote around it is one click away too.
    panel(page).get_by_role("button", name=re.compile("^Quote: pure propaganda")).click()
    expect(panel(page).get_by_role("heading", name="Quote")).to_be_visible()
    assert page_errors == []


def test_quote_speaker_is_set_from_names_in_the_article(
    live_server, page, page_errors, article, reviewer
):
    quote = make_span(article, reviewer, "pure propaganda meant to recruit fighters", label="QUOTE")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)

    page.locator(f'mark[data-span-id="{quote.pk}"]').first.click()
    offered = page.locator("#speaker-names option").evaluate_all("os => os.map(o => o.value)")
    assert "Rita Katz" in offered
    panel(page).get_by_label("Speaker").fill("Rita Katz")
    panel(page).get_by_label("Note").fill("Partial quote; the rest is paraphrase.")
    panel(page).get_by_role("button", name="Save span").click()
    expect(page.get_by_role("status")).to_contain_text("Quote saved")

    quote.refresh_from_db()
    assert quote.speaker == "Rita Katz"
    assert quote.note == "Partial quote; the rest is paraphrase."
    expect(page.locator(f'mark[data-span-id="{quote.pk}"]').first).to_have_attribute(
        "title", "Quote: Rita Katz"
    )
    assert page_errors == []


def test_verdict_with_rationale_and_two_links_then_changed_shows_both_in_history(
    live_server, page, page_errors, article, reviewer
):
    claim = make_span(article, reviewer, "The bombings killed at least 253 people")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)

    page.locator(f'mark[data-span-id="{claim.pk}"]').first.click()
    verdict = page.locator("#verdict-section")
    verdict.get_by_label("Rating").select_option(label="Mostly true")
    verdict.get_by_label("Rationale").fill("Officials gave 253; later counts said 250.")
    verdict.get_by_label("Evidence links").fill("not a link")
    verdict.get_by_role("button", name="Save verdict").click()
    expect(verdict.get_by_role("alert")).to_contain_text("Link 1")  # refused before sending
    verdict.get_by_label("Evidence links").fill(
        "https://example.org/police-statement\nhttps://example.org/hospital-count"
    )
    verdict.get_by_role("button", name="Save verdict").click()
    expect(verdict.locator("#verdict-status")).to_contain_text("Mostly true")

    verdict.get_by_label("Rating").select_option(label="True")
    verdict.get_by_label("Rationale").fill("The ministry confirmed 253.")
    verdict.get_by_role("button", name="Save verdict").click()
    expect(verdict.locator("#verdict-status")).to_contain_text("version 2")

    history = verdict.locator("#verdict-history li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("rita created")
    expect(history.nth(0)).to_contain_text("Mostly true")
    expect(history.nth(0)).to_contain_text("https://example.org/hospital-count")
    expect(history.nth(1)).to_contain_text("rita updated")
    expect(history.nth(1)).to_contain_text("True; rationale “The ministry confirmed 253.”")
    claim.refresh_from_db()
    assert claim.desk_claim.verdict.rating == "true"
    assert claim.desk_claim.verdict.evidence_links == [
        "https://example.org/police-statement",
        "https://example.org/hospital-count",
    ]
    assert page_errors == []


def test_delete_then_undo_brings_the_span_back(live_server, page, page_errors, article, reviewer):
    claim = make_span(article, reviewer, "The bombings killed at least 253 people")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)
    mark = page.locator(f'mark[data-span-id="{claim.pk}"]')

    mark.first.click()
    panel(page).get_by_role("button", name="Delete span").click()
    expect(mark).to_have_count(0)
    claim.refresh_from_db()
    assert claim.deleted_at is not None

    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(mark).to_have_count(1)
    expect(page.get_by_role("status")).to_contain_text("restored")
    claim.refresh_from_db()
    assert claim.deleted_at is None
    assert page_errors == []


def test_keyboard_only_tagging_navigation_and_panel(live_server, page, page_errors, article):
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)

    for _ in range(30):  # Tab from the top of the page until the article has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "document-text":
            break
    assert page.evaluate("document.activeElement.id") == "document-text"
    expect(page.locator("#text-caret")).to_be_visible()

    for _ in range(len("Rita Katz, ")):
        page.keyboard.press("ArrowRight")
    for _ in range(len("director")):
        page.keyboard.press("Shift+ArrowRight")
    expect(page.get_by_role("toolbar", name="Tag the selection")).to_be_visible()
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Escape")  # cancels: nothing is tagged, the caret stays after the word
    expect(page.get_by_role("toolbar", name="Tag the selection")).to_be_hidden()
    assert Span.objects.count() == 0
    for _ in range(len("director")):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Control+Shift+ArrowRight")  # the word "director"
    page.keyboard.press("o")
    saved_mark(page, "OPINION", "director")
    opinion = Span.objects.get(label="OPINION")
    assert opinion.text.strip() == "director"
    assert ARTICLE[opinion.start : opinion.end] == opinion.text

    page.keyboard.press("Control+End")  # the end of the text
    for _ in range(len("officials said.")):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("c")
    saved_mark(page, "CLAIM", "officials said.")
    claim = Span.objects.get(label="CLAIM")
    assert claim.text == "officials said."

    page.keyboard.press("k")
    page.keyboard.press("j")
    expect(page.locator("#span-list li[aria-current=true]")).to_contain_text("Claim")
    page.keyboard.press("k")
    expect(page.locator("#span-list li[aria-current=true]")).to_contain_text("director")
    page.keyboard.press("Enter")
    expect(panel(page).get_by_role("heading", name="Opinion")).to_be_visible()
    page.keyboard.press("Tab")  # into the panel's controls
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "document-text"
    assert page_errors == []


def test_two_people_edit_the_same_span_and_the_second_save_gets_the_conflict_view(
    live_server, browser, article, reviewer, moderator
):
    quote = make_span(article, reviewer, "pure propaganda", label="QUOTE")
    rita = browser.new_context()
    mona = browser.new_context()
    try:
        rita_page, mona_page = rita.new_page(), mona.new_page()
        for page, name in ((rita_page, "rita"), (mona_page, "mona")):
            log_in(page, live_server.url, name)
            open_document(page, live_server.url, article)
            page.locator(f'mark[data-span-id="{quote.pk}"]').first.click()

        panel(rita_page).get_by_label("Speaker").fill("Rita Katz")
        panel(rita_page).get_by_role("button", name="Save span").click()
        expect(rita_page.get_by_role("status")).to_contain_text("Quote saved")

        panel(mona_page).get_by_label("Note").fill("Check the original statement.")
        panel(mona_page).get_by_role("button", name="Save span").click()
        conflict = mona_page.locator("#panel-conflict")
        expect(conflict).to_contain_text("Someone else changed this span")
        expect(conflict.locator(".theirs")).to_contain_text("speaker “Rita Katz”")
        expect(conflict.locator(".yours")).to_contain_text("Check the original statement.")
        # Nothing lost: Rita's save stands, and Mona's words are still in her form.
        quote.refresh_from_db()
        assert (quote.speaker, quote.note, quote.version) == ("Rita Katz", "", 2)
        expect(panel(mona_page).get_by_label("Note")).to_have_value("Check the original statement.")

        conflict.get_by_role("button", name="Save mine over theirs").click()
        expect(mona_page.get_by_role("status")).to_contain_text("Quote saved")
        quote.refresh_from_db()
        assert quote.note == "Check the original statement."
        assert quote.version == 3
        assert AuditEvent.objects.filter(object_type="span", action="update").count() == 2
    finally:
        rita.close()
        mona.close()


def test_a_failed_save_withdraws_the_highlight_and_says_why(live_server, page, article, reviewer):
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)
    # The same span is made elsewhere (another tab) after the page was loaded.
    make_span(article, reviewer, "officials said")

    drag_select(page, "officials said")
    page.keyboard.press("c")
    expect(page.locator("#workspace-alert")).to_contain_text("was not saved")
    expect(page.locator("#workspace-alert")).to_contain_text("You already have a CLAIM span")
    expect(page.locator('mark[data-label="CLAIM"]')).to_have_count(0)


def test_html_in_the_article_notes_speakers_and_rationales_never_runs(
    live_server, page, page_errors, desk, reviewer
):
    hostile = (
        'Before <script>alert("x")</script> and <img src=x onerror=alert(1)> after. '
        "Then <b>bold</b> words."
    )
    document = make_document(desk, actor=reviewer, text=hostile, title="<i>Title</i>")
    quote = make_span(
        document,
        reviewer,
        '<script>alert("x")</script>',
        label="QUOTE",
        speaker="<img src=y onerror=alert(2)>",
        note="<script>alert(3)</script>",
    )
    claim = make_span(document, reviewer, "<b>bold</b> words")
    services.verdict_set(
        span=claim, actor=reviewer, rating="false", rationale="<img src=z onerror=alert(4)>"
    )
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, document)

    article = page.locator("#document-text")
    assert article.text_content() == hostile
    assert article.locator("script, img, b").count() == 0
    page.locator(f'mark[data-span-id="{quote.pk}"]').first.click()
    expect(panel(page).get_by_label("Speaker")).to_have_value("<img src=y onerror=alert(2)>")
    expect(panel(page).get_by_label("Note")).to_have_value("<script>alert(3)</script>")
    expect(page.locator("#span-list")).to_contain_text("— <img src=y onerror=alert(2)>")
    page.locator(f'mark[data-span-id="{claim.pk}"]').first.click()
    expect(page.locator("#verdict-history")).to_contain_text("<img src=z onerror=alert(4)>")
    expect(panel(page).get_by_label("Rationale")).to_have_value("<img src=z onerror=alert(4)>")
    assert page.locator("main img, main b, main i").count() == 0
    page.wait_for_timeout(200)  # an onerror would have fired by now
    assert page_errors == []
