"""Exact offsets: what a reviewer selects with the mouse is what is stored, whatever the
script. The browser counts UTF-16 code units, the server code points; these texts make the
two differ (emoji with modifiers and joiners), or test what else could slip (CJK, combining
marks, right-to-left runs)."""

from __future__ import annotations

import pytest

from annotations.models import Span
from tests.browser.workspace_helpers import drag_select, log_in, open_document, saved_mark
from tests.factories import make_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIREFIGHTER = (
    "A firefighter 👨🏻‍🚒 reached the scene first. 消防员说火已经被扑灭了。"
    "The blaze destroyed three warehouses before dawn."
)
COMBINING_AND_RTL = (
    "😀 The band Spin\u0308al Tap played loudly.\n"
    "The banner read \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd \u05d2\u05d3\u05d5\u05dc"
    " above the gate."
)


def assert_stored_exactly(document, label, phrase):
    span = Span.objects.get(document=document, label=label, deleted_at__isnull=True)
    assert span.text == phrase
    document.refresh_from_db()
    assert document.text[span.start : span.end] == phrase
    return span


def test_mouse_selection_after_an_emoji_sequence_and_chinese_is_stored_exactly(
    live_server, page, page_errors, desk, reviewer
):
    document = make_document(desk, actor=reviewer, text=FIREFIGHTER, title="Fire")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, document)

    phrase = "The blaze destroyed three warehouses"
    drag_select(page, phrase)
    page.keyboard.press("c")

    mark = saved_mark(page, "CLAIM", phrase)
    span = assert_stored_exactly(document, "CLAIM", phrase)
    # 👨🏻‍🚒 is four code points but seven UTF-16 units: a naive offset would be off by three.
    assert span.start == FIREFIGHTER.index(phrase)
    assert mark.get_attribute("data-span-id") == str(span.pk)

    drag_select(page, "消防员说火已经被扑灭了")
    page.keyboard.press("q")
    saved_mark(page, "QUOTE", "消防员说火已经被扑灭了")
    assert_stored_exactly(document, "QUOTE", "消防员说火已经被扑灭了")

    drag_select(page, "👨🏻‍🚒 reached")
    page.keyboard.press("o")
    saved_mark(page, "OPINION", "reached")
    assert_stored_exactly(document, "OPINION", "👨🏻‍🚒 reached")
    assert page_errors == []


def test_mouse_selection_after_a_combining_accent_is_stored_exactly(
    live_server, page, page_errors, desk, reviewer
):
    document = make_document(desk, actor=reviewer, text=COMBINING_AND_RTL, title="Band")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, document)

    phrase = "Spin\u0308al Tap played"  # n + COMBINING DIAERESIS: no precomposed form in NFC
    drag_select(page, phrase)
    page.keyboard.press("c")
    saved_mark(page, "CLAIM", "played")
    assert_stored_exactly(document, "CLAIM", phrase)
    assert page_errors == []


def test_mouse_selection_inside_right_to_left_text_is_stored_exactly(
    live_server, page, page_errors, desk, reviewer
):
    document = make_document(desk, actor=reviewer, text=COMBINING_AND_RTL, title="Banner")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, document)

    word = "\u05e2\u05d5\u05dc\u05dd"  # the middle Hebrew word
    drag_select(page, word, rtl=True)
    page.keyboard.press("q")
    saved_mark(page, "QUOTE", word)
    span = assert_stored_exactly(document, "QUOTE", word)
    assert span.start == COMBINING_AND_RTL.index(word)
    assert page_errors == []


def test_leading_and_trailing_white_space_of_a_selection_is_trimmed_and_paragraphs_may_be_crossed(
    live_server, page, page_errors, desk, reviewer
):
    text = "First paragraph ends here.\n\nSecond one starts here and goes on."
    document = make_document(desk, actor=reviewer, text=text, title="Two paragraphs")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, document)

    drag_select(page, " ends here.\n\nSecond one ")
    page.keyboard.press("o")
    saved_mark(page, "OPINION", "Second one")
    assert_stored_exactly(document, "OPINION", "ends here.\n\nSecond one")
    assert page_errors == []
