"""The seed story's comparison page in real Chromium: the Rita Katz quote chosen in one article
is highlighted in the other with its differing words boxed in both, the 250 / 253 toll is
flagged with both figures, the keys walk the matches, and a confirmed claim match carries the
verdict of one article's claim to the other's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Label, Role
from tests import seed_story as seeds
from tests.browser.workspace_helpers import log_in, open_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(db):
    return seeds.seed_story(members=(("rita", Role.REVIEWER),))


def open_compare(page, base_url, seeded, suffix=""):
    page.goto(f"{base_url}/stories/{seeded.story.pk}/compare/{suffix}")
    expect(page.locator("body[data-compare-painted=true]")).to_be_attached()


def column(page, document):
    return page.locator(f"#text-{document.pk}")


def test_choosing_the_katz_quote_shows_its_counterpart_with_the_words_that_differ(
    live_server, page, page_errors, seeded
):
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/stories/{seeded.story.pk}/")
    page.get_by_role("link", name="Compare the articles").click()
    expect(page.locator("body[data-compare-painted=true]")).to_be_attached()
    expect(page.get_by_role("heading", name=seeded.first.title)).to_be_visible()
    expect(page.get_by_role("heading", name=seeded.second.title)).to_be_visible()

    first, second = column(page, seeded.first), column(page, seeded.second)
    # The reader clicks the quote where it says "jihadists" (a highlight is cut in pieces
    # where other highlights begin and end: one <mark> a piece).
    mine = first.locator("mark.cm-quote mark.cm-diff", has_text="jihadists")
    mine.scroll_into_view_if_needed()
    mine.click()
    theirs = second.locator("mark.cm-quote.is-current")
    expect(theirs.first).to_contain_text("The world may roll")
    expect(theirs.first).to_be_in_viewport()
    assert seeds.KATZ in "".join(theirs.all_text_contents())
    expect(second.locator("mark.cm-quote.is-current mark.cm-diff")).to_have_text(
        ["militants", "IS"]
    )
    expect(first.locator("mark.cm-quote.is-current mark.cm-diff")).to_have_text(
        ["jihadists", "Isil"]
    )
    detail = page.get_by_role("region", name="Quote: Rita Katz")
    expect(detail).to_contain_text("“jihadists” / “militants”; “Isil” / “IS”")
    expect(page).to_have_url(re.compile(r"#match-\d+$"))

    # The toll: each article's figure flagged with the other's, and said so in the list.
    toll = first.locator("mark.cm-number", has_text=seeds.FIRST_TOLL)
    expect(toll).to_have_attribute("data-other", seeds.SECOND_TOLL)
    expect(toll).to_have_attribute("data-relation", "compatible")
    expect(second.locator("mark.cm-number", has_text=seeds.SECOND_TOLL)).to_have_attribute(
        "data-other", seeds.FIRST_TOLL
    )
    expect(page.locator("#match-list")).to_contain_text(
        "more than 250 people / at least 253 people (both can be true)"
    )
    # Loaded wording: the term marked with the neutral words the other article uses.
    loaded = second.locator("mark.cm-loaded-term", has_text="occupied Kashmir").first
    expect(loaded).to_have_attribute(
        "data-other", re.compile(r"India-(administered|controlled) Kashmir")
    )
    assert page_errors == []


def test_the_keys_walk_the_matches_and_the_list_follows(live_server, page, page_errors, seeded):
    log_in(page, live_server.url, "rita")
    open_compare(page, live_server.url, seeded)
    entries = page.locator("#match-list li[data-match]")
    count = entries.count()
    assert count >= 4
    page.keyboard.press("j")
    expect(entries.nth(0)).to_have_attribute("aria-current", "true")
    page.keyboard.press("j")
    expect(entries.nth(1)).to_have_attribute("aria-current", "true")
    page.keyboard.press("k")
    page.keyboard.press("k")
    expect(entries.nth(count - 1)).to_have_attribute("aria-current", "true")
    expect(page.locator("#compare-announce")).to_contain_text(f"{count} of {count}")
    # Only numbers: the list and the highlights follow the filter.
    page.get_by_label("Kind").select_option(label="Number")
    expect(entries).to_have_count(1)
    expect(page.locator("mark.cm-quote")).to_have_count(0)
    assert page_errors == []


def test_confirming_the_claim_match_carries_the_verdict_to_the_other_article(
    live_server, page, page_errors, seeded
):
    rita = seeded.project.members.get(username="rita")
    match = seeded.match("claim", seeds.WILAYAH_A, seeds.WILAYAH_B)
    # Rita tagged the first article's sentence earlier and gave its desk claim a verdict.
    tagged = services.span_create(
        document=seeded.first,
        actor=rita,
        label=Label.CLAIM,
        start=match.a_start,
        end=match.a_end,
        text=match.a_text,
    )
    services.verdict_set(actor=rita, span=tagged, rating="true", rationale="Amaq said so.")
    assert not seeded.second.spans.filter(label=Label.CLAIM, start=match.b_start).exists()

    log_in(page, live_server.url, "rita")
    open_compare(page, live_server.url, seeded, f"#match-{match.pk}")
    detail = page.locator("#match-detail")
    expect(detail).to_contain_text("Wilayah of Hind")
    expect(page.locator(f'#match-list li[data-match="{match.pk}"]')).to_have_attribute(
        "aria-current", "true"
    )
    page.keyboard.press("c")
    expect(page.get_by_role("status")).to_contain_text("one desk claim")
    expect(detail).to_contain_text("Status: Confirmed by rita")
    expect(column(page, seeded.second).locator("mark.cm-claim.cm-confirmed").first).to_be_visible()

    # The second article now has the claim, showing the first one's verdict.
    made = seeded.second.spans.get(label=Label.CLAIM, start=match.b_start, end=match.b_end)
    assert made.desk_claim_id == tagged.desk_claim_id
    open_document(page, live_server.url, seeded.second)
    mark = page.locator(f'#document-text mark[data-span-id="{made.pk}"]').first
    expect(mark).to_have_attribute("data-verdict", "true")
    expect(mark).to_have_class(re.compile(r"\bhas-verdict\b"))
    assert page_errors == []


def test_the_workspace_says_where_else_a_quote_appears_and_links_to_the_comparison(
    live_server, page, page_errors, seeded
):
    rita = seeded.project.members.get(username="rita")
    quote = seeded.match("quote", seeds.KATZ, seeds.KATZ)
    span = services.span_create(
        document=seeded.first,
        actor=rita,
        label=Label.QUOTE,
        start=quote.a_start,
        end=quote.a_end,
        text=quote.a_text,
        speaker="Rita Katz",
    )
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/documents/{seeded.first.pk}/#span-{span.pk}")
    elsewhere = page.get_by_role("region", name="Where else it appears")
    article = elsewhere.locator(f'li[data-document="{seeded.second.pk}"]')
    expect(article).to_contain_text(f"In “{seeded.second.title}” (Voice Of Vienna)")
    entry = article.locator(f'li[data-match="{quote.pk}"]')
    expect(entry).to_contain_text("Quote: Worded differently:")
    expect(entry).to_contain_text("jihadists here, militants there; Isil here, IS there")
    entry.get_by_role("link", name="Compare side by side").click()
    expect(page.locator("body[data-compare-painted=true]")).to_be_attached()
    expect(page.locator(f'#match-list li[data-match="{quote.pk}"]')).to_have_attribute(
        "aria-current", "true"
    )
    expect(
        page.locator(f"#text-{seeded.second.pk} mark.cm-quote.is-current").first
    ).to_be_in_viewport()
    assert page_errors == []


AXE_DIR = Path(__file__).resolve().parents[2] / "var" / "test-assets"


def test_the_comparison_page_has_no_serious_accessibility_violations(live_server, browser, seeded):
    found = sorted(AXE_DIR.glob("axe-core-*.min.js"))
    if not found:
        pytest.skip("axe-core is not in var/test-assets (make test-assets fetches it with npm)")
    # The page's Content-Security-Policy allows its own scripts only: the test's engine is let
    # in by the browser, not by the site.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    log_in(page, live_server.url, "rita")
    open_compare(page, live_server.url, seeded)
    page.keyboard.press("j")  # a match chosen: its detail and current highlights shown too
    expect(page.locator("#match-detail")).to_be_visible()
    page.add_script_tag(content=found[-1].read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert serious == []
    assert page_errors == []
