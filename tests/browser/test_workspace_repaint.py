"""Tagging repaints only the paragraph it touches: the other paragraphs keep their highlight
elements as they were, every highlight still covers exactly its span's text (an emoji, CJK and
a combining mark on the way, a span across two paragraphs, nested spans), and a reload shows
the same."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotations.models import Span
from tests.browser.workspace_helpers import drag_select, log_in, open_document, saved_mark
from tests.factories import make_document, make_span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (
    "The firefighter 👨🏻‍🚒 said “the fire is out” at noon.\n\n"
    "消防员说火已经被扑灭了, officials in Spin\u0308al added later that day.\n\n"
    "The bombings killed at least 253 people, the ministry said."
)

# Joined text of every mark of a span (outermost pieces, so nothing counts twice).
_SPAN_TEXT = """
(id) => {
  const marks = Array.from(document.querySelectorAll(`#document-text mark[data-span-id="${id}"]`));
  const top = marks.filter((m) => !m.parentElement.closest(`mark[data-span-id="${id}"]`));
  return top.map((m) => m.textContent).join("");
}
"""


def span_texts(page, spans):
    return {span.pk: page.evaluate(_SPAN_TEXT, str(span.pk)) for span in spans}


def test_tagging_one_paragraph_leaves_the_others_as_they_were_and_a_reload_agrees(
    live_server, page, page_errors, desk, reviewer
):
    article = make_document(desk, actor=reviewer, text=ARTICLE, title="Three paragraphs")
    text = article.text
    firefighter = make_span(
        article, reviewer, "firefighter 👨🏻‍🚒 said “the fire is out”", label="QUOTE"
    )
    inner = make_span(article, reviewer, "the fire is out", label="CLAIM")
    across = make_span(article, reviewer, "at noon.\n\n消防员说火", label="OPINION")
    toll = make_span(article, reviewer, "killed at least 253 people")
    before = [firefighter, inner, across, toll]

    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)
    assert span_texts(page, before) == {s.pk: s.text for s in before}
    # Tag the element of the last paragraph, to see whether it is built again.
    page.evaluate(
        """(id) => { for (const m of document.querySelectorAll(`mark[data-span-id="${id}"]`)) m.dataset.kept = "yes"; }""",
        str(toll.pk),
    )

    drag_select(page, "Spin\u0308al added")
    page.keyboard.press("o")
    saved_mark(page, "OPINION", "Spin\u0308al added")
    new = Span.objects.get(text="Spin\u0308al added")
    assert (new.start, new.end) == (text.index("Spin"), text.index("added") + len("added"))

    # The last paragraph was not touched: its highlight is the same element, still whole.
    expect(page.locator(f'mark[data-span-id="{toll.pk}"][data-kept="yes"]')).to_have_count(1)
    after = [*before, new]
    expected = {s.pk: s.text for s in after}
    assert span_texts(page, after) == expected
    assert page.evaluate("() => document.getElementById('document-text').textContent") == text
    # The span across the first two paragraphs is in both, and the new one sits in the second.
    expect(page.locator(f'mark[data-span-id="{across.pk}"]')).to_have_count(2)

    page.reload()
    expect(page.locator("#document-text[data-painted=true]")).to_be_attached()
    assert span_texts(page, after) == expected
    expect(page.locator("#span-list li")).to_have_count(len(after))
    assert page_errors == []


def _listed(page):
    return page.locator("#span-list li").evaluate_all("lis => lis.map((li) => li.dataset.spanId)")


def test_tagging_adds_one_entry_to_the_span_list_in_text_order_and_leaves_the_others(
    live_server, page, page_errors, desk, reviewer
):
    article = make_document(desk, actor=reviewer, text=ARTICLE, title="Three paragraphs")
    first = make_span(article, reviewer, "firefighter", label="QUOTE")
    last = make_span(article, reviewer, "killed at least 253 people")

    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)
    entries = page.locator("#span-list li")
    expect(entries).to_have_count(2)
    # Tag the entries there now, to see whether they are built again.
    page.evaluate(
        "() => { for (const li of document.querySelectorAll('#span-list li')) li.dataset.kept = 'yes'; }"
    )

    drag_select(page, "Spin\u0308al added")
    page.keyboard.press("o")
    saved_mark(page, "OPINION", "Spin\u0308al added")
    new = Span.objects.get(text="Spin\u0308al added")
    expect(entries.nth(1)).to_have_attribute("data-span-id", str(new.pk))
    expect(entries.nth(1)).not_to_contain_text("saving")
    assert _listed(page) == [str(first.pk), str(new.pk), str(last.pk)]
    expect(page.locator('#span-list li[data-kept="yes"]')).to_have_count(2)
    expect(page.locator("#span-count")).to_have_text("3")

    # Listing claims only: a new quote is counted, not listed, and the claim's entry stays.
    page.select_option("#filter-label", "CLAIM")
    expect(entries).to_have_count(1)
    drag_select(page, "at noon")
    page.keyboard.press("q")
    saved_mark(page, "QUOTE", "at noon")
    expect(page.locator("#span-count")).to_have_text("1 of 4")
    assert _listed(page) == [str(last.pk)]

    # All of them again, in text order; undoing the quote takes its entry away.
    page.select_option("#filter-label", "")
    noon = Span.objects.get(text="at noon")
    assert _listed(page) == [str(first.pk), str(noon.pk), str(new.pk), str(last.pk)]
    page.locator("#document-text").focus()
    page.keyboard.press("Control+z")
    expect(entries).to_have_count(3)
    assert _listed(page) == [str(first.pk), str(new.pk), str(last.pk)]
    expect(page.locator("#span-count")).to_have_text("3")
    assert page_errors == []
