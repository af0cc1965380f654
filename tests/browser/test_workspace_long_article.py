"""A long article in the workspace. Its span list: every span is listed, in text order, the
entries far below the first screen too (the list is built a batch at a time after the text is
painted); a span far down opened from the text or from the page's address has its entry current
and in view, and choosing a far-down entry scrolls the article to its highlight. Its modules:
all named in the page's head."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.workspace_helpers import log_in, open_document
from tests.factories import make_document, make_span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNT = 150  # several batches, and far more than the list's box shows


def _sentence(n: int) -> str:
    return f"Witness {n:03d} said the fire at the depot was out by noon."


ARTICLE = "".join(_sentence(n) + ("\n\n" if n % 10 == 9 else " ") for n in range(COUNT)).rstrip()


@pytest.fixture
def long_article(desk, reviewer):
    article = make_document(desk, actor=reviewer, text=ARTICLE, title="A long article")
    spans = [make_span(article, reviewer, _sentence(n)) for n in range(COUNT)]
    return article, spans


# Whether a span's entry is within the part of the list's scrolled box on show.
_IN_LIST_VIEW = """
(id) => {
  const box = document.getElementById("span-list").getBoundingClientRect();
  const entry = document.querySelector(`#span-list li[data-span-id="${id}"]`).getBoundingClientRect();
  return entry.top >= box.top - 1 && entry.bottom <= box.bottom + 1;
}
"""


def _listed(page):
    return page.locator("#span-list li").evaluate_all("lis => lis.map((li) => li.dataset.spanId)")


def test_every_span_is_listed_in_text_order_and_far_down_entries_lead_to_their_highlights(
    live_server, page, page_errors, long_article
):
    article, spans = long_article
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)

    entries = page.locator("#span-list li")
    expect(entries).to_have_count(COUNT)
    expect(page.locator("#span-list")).not_to_have_attribute("aria-busy", "true")
    assert _listed(page) == [str(s.pk) for s in spans]
    expect(page.locator("#span-count")).to_have_text(str(COUNT))
    expect(entries.last).to_contain_text(f"Witness {COUNT - 1:03d} said")

    # A click on the last highlight, far down the article: its entry is the current one and
    # scrolled into the list's view.
    last = spans[-1]
    page.locator(f'#document-text mark[data-span-id="{last.pk}"]').click()
    entry = page.locator(f'#span-list li[data-span-id="{last.pk}"]')
    expect(entry).to_have_attribute("aria-current", "true")
    assert page.evaluate(_IN_LIST_VIEW, str(last.pk))

    # Choosing an entry far down the list brings its highlight into the article's view.
    page.keyboard.press("Escape")  # the span panel closed
    expect(page.locator("#span-panel")).to_be_hidden()
    page.evaluate("() => window.scrollTo(0, 0)")
    far = spans[-20]
    mark = page.locator(f'#document-text mark[data-span-id="{far.pk}"]')
    expect(mark).not_to_be_in_viewport()
    page.locator(f'#span-list li[data-span-id="{far.pk}"] button').click()
    expect(mark).to_be_in_viewport()
    expect(mark).to_have_class(re.compile(r"\bis-current\b"))
    expect(page.locator("#span-panel")).to_contain_text(f"Witness {COUNT - 20:03d} said")

    # Filtering lists the matching ones only, all of them: none are quotes, then all claims.
    page.select_option("#filter-label", "QUOTE")
    expect(entries).to_have_count(0)
    page.select_option("#filter-label", "CLAIM")
    expect(entries).to_have_count(COUNT)
    assert _listed(page) == [str(s.pk) for s in spans]
    assert page_errors == []


def test_a_far_down_span_opened_from_the_address_has_its_entry_current_and_in_view(
    live_server, page, page_errors, long_article
):
    article, spans = long_article
    far = spans[-3]
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/documents/{article.pk}/#span-{far.pk}")

    entry = page.locator(f'#span-list li[data-span-id="{far.pk}"]')
    expect(entry).to_have_attribute("aria-current", "true")
    assert page.evaluate(_IN_LIST_VIEW, str(far.pk))
    expect(page.locator(f'#document-text mark[data-span-id="{far.pk}"]')).to_have_class(
        re.compile(r"\bis-current\b")
    )
    expect(page.locator("#span-panel")).to_contain_text(f"Witness {COUNT - 3:03d} said")
    expect(page.locator("#span-list li")).to_have_count(COUNT)
    assert _listed(page) == [str(s.pk) for s in spans]
    assert page_errors == []


def test_every_module_the_workspace_loads_is_named_in_its_head(
    live_server, page, page_errors, long_article
):
    """So the browser fetches them all while it reads the page, not one level of imports after
    another once it has."""
    article, _ = long_article
    log_in(page, live_server.url, "rita")
    loaded: list[str] = []
    page.on(
        "request",
        lambda r: (
            loaded.append(r.url.removeprefix(live_server.url)) if r.url.endswith(".js") else None
        ),
    )
    open_document(page, live_server.url, article)
    expect(page.locator("#span-list li")).to_have_count(COUNT)

    preloaded = page.locator("head link[rel=modulepreload]").evaluate_all(
        "links => links.map((l) => l.getAttribute('href'))"
    )
    entries = page.locator("head script[type=module]").evaluate_all(
        "scripts => scripts.map((s) => s.getAttribute('src'))"
    )
    imported = set(loaded) - set(entries)
    assert "/static/annotations/workspace/paint.js" in imported
    assert "/static/annotations/compare/describe.js" in imported  # three imports deep
    assert sorted(preloaded) == sorted(imported)
    assert page_errors == []
