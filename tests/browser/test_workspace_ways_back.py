"""Ways out of every state in the workspace, in real Chromium, as a reviewer works: removing a
rated claim's verdict before changing its label, and undoing both; a sloppy drag saved as whole
words (Alt keeps it exact); a moderator's rejection in the inbox and in the text; another
reviewer's span appearing without a reload; and no serious accessibility violation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import AuditEvent, ReviewStatus, Span, Verdict
from tests.browser.workspace_helpers import drag_select, log_in, open_document, saved_mark
from tests.factories import make_document, make_span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (
    "The group said it had established a “province” in the region 🌍 last year.\n\n"
    "The bombings killed at least 253 people, officials said."
)
AXE_DIR = Path(__file__).resolve().parents[2] / "var" / "test-assets"


@pytest.fixture
def article(desk, reviewer):
    return make_document(desk, actor=reviewer, text=ARTICLE, title="Province claim")


def panel(page):
    return page.locator("#span-panel")


def drag_between(page, start_phrase: str, end_phrase: str, *, alt: bool = False) -> None:
    """Press the mouse inside one word and release it inside another, as a hurried reader does:
    from the first character of `start_phrase` to the last of `end_phrase`."""
    first = page.evaluate(
        """([a, b]) => {
          const el = document.getElementById("document-text");
          const text = el.textContent;
          const at = (units) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let total = 0;
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              if (units < total + n.length) return [n, units - total];
              total += n.length;
            }
          };
          const box = (units) => {
            const range = document.createRange();
            const [node, offset] = at(units);
            range.setStart(node, offset);
            range.setEnd(node, offset + 1);
            return range.getClientRects()[0];
          };
          const s = box(text.indexOf(a));
          const e = box(text.indexOf(b) + b.length - 1);
          return { sx: s.left + 1, sy: s.top + s.height / 2, ex: e.right - 1, ey: e.top + e.height / 2 };
        }""",
        [start_phrase, end_phrase],
    )
    page.mouse.move(first["sx"], first["sy"])
    page.mouse.down()
    page.mouse.move(first["ex"], first["ey"], steps=8)
    if alt:
        page.keyboard.down("Alt")
    page.mouse.up()
    if alt:
        page.keyboard.up("Alt")


def test_a_rated_claims_verdict_is_removed_from_the_panel_its_label_changed_and_both_undone(
    live_server, page, page_errors, article, reviewer
):
    claim = make_span(article, reviewer, "The bombings killed at least 253 people")
    services.rating_set(desk_claim=claim.desk_claim, actor=reviewer, rating="mostly_true")
    verdict = Verdict.objects.get(desk_claim=claim.desk_claim)
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)

    page.locator(f'mark[data-span-id="{claim.pk}"]').first.click()
    verdict_section = panel(page).locator("#verdict-section")
    expect(verdict_section.locator("#verdict-status")).to_contain_text("Mostly true")
    verdict_section.get_by_role("button", name="Remove the verdict").click()
    expect(page.get_by_role("status")).to_contain_text("Verdict removed (was Mostly true)")
    # The message sits beside the article's column, never over it, however long the article.
    beside = page.evaluate(
        """() => document.getElementById("workspace-status").getBoundingClientRect().left >=
                 document.getElementById("document-text").getBoundingClientRect().right"""
    )
    assert beside is True
    expect(verdict_section.locator("#verdict-status")).to_have_text(
        "No verdict yet: the form holds what the ratings say."
    )
    expect(verdict_section.locator("#verdict-history")).to_contain_text("deleted the verdict")
    assert not Verdict.objects.filter(desk_claim=claim.desk_claim).exists()
    assert AuditEvent.objects.filter(
        object_type="verdict", object_id=verdict.pk, action="delete"
    ).exists()
    expect(page.locator(f'mark[data-span-id="{claim.pk}"].has-verdict')).to_have_count(0)

    # Now the label: an opinion after all.
    panel(page).get_by_label("Opinion").check()
    panel(page).get_by_role("button", name="Save span").click()
    expect(page.locator(f'mark[data-span-id="{claim.pk}"][data-label="OPINION"]')).to_have_count(1)
    claim.refresh_from_db()
    assert claim.label == "OPINION" and claim.desk_claim_id is None

    # Ctrl+Z: the label change undone, a mention of its desk claim again (its rating kept).
    page.locator("#document-text").focus()
    page.keyboard.press("Control+z")
    expect(page.get_by_role("status")).to_contain_text("Undone: changing the label to Opinion")
    expect(page.locator(f'mark[data-span-id="{claim.pk}"][data-label="CLAIM"]')).to_have_count(1)
    claim.refresh_from_db()
    assert claim.label == "CLAIM"
    assert claim.desk_claim.ratings.filter(author=reviewer, rating="mostly_true").exists()

    # Ctrl+Z again: the verdict is back, on the highlight too.
    page.keyboard.press("Control+z")
    expect(page.get_by_role("status")).to_contain_text("Undone: removing the verdict (Mostly true)")
    expect(page.locator(f'mark[data-span-id="{claim.pk}"].has-verdict')).to_have_count(1)
    assert Verdict.objects.get(desk_claim=claim.desk_claim).rating == "mostly_true"
    assert page_errors == []


def test_a_drag_from_inside_words_saves_whole_words_and_alt_keeps_the_exact_characters(
    live_server, page, page_errors, article
):
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)

    drag_between(page, "stablished", "provin")
    expect(page.locator("#tag-menu .tag-preview")).to_have_text("“established a “province”")
    page.keyboard.press("c")
    saved_mark(page, "CLAIM", "established")
    span = Span.objects.get(label="CLAIM")
    assert span.text == "established a “province"
    assert ARTICLE[span.start : span.end] == span.text
    page.locator(f'mark[data-span-id="{span.pk}"]').first.click()
    expect(panel(page).locator("#panel-text")).to_have_text("established a “province")
    page.keyboard.press("Escape")

    # With Alt held as the mouse is released, exactly the dragged characters; after an emoji,
    # so the code point offsets are checked too.
    drag_between(page, "ast yea", "ast yea", alt=True)
    page.keyboard.press("o")
    saved_mark(page, "OPINION", "ast yea")
    exact = Span.objects.get(label="OPINION")
    assert exact.text == "ast yea"
    assert ARTICLE[exact.start : exact.end] == "ast yea"
    assert page_errors == []


def test_a_moderators_rejection_is_in_the_inbox_with_its_reason_and_marked_in_the_text(
    live_server, page, page_errors, article, reviewer, moderator
):
    rejected = make_span(article, reviewer, "officials said", label="QUOTE")
    approved = make_span(article, reviewer, "The bombings killed at least 253 people")
    services.span_review(span=approved, actor=moderator, status=ReviewStatus.APPROVED)
    services.span_review(
        span=rejected, actor=moderator, status=ReviewStatus.REJECTED, reason="No speaker named"
    )
    log_in(page, live_server.url, "rita")
    expect(page.locator("#inbox-link")).to_have_text(re.compile(r"Inbox\s*1\s*rejected"))
    page.locator("#inbox-link").click()
    entries = page.locator("#inbox-list li")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("Rejected")
    expect(entries.first).to_contain_text("Reason: No speaker named")
    expect(entries.nth(1)).to_contain_text("Approved")

    entries.first.get_by_role("link").click()
    expect(page.locator("#document-text[data-painted=true]")).to_be_attached()
    mark = page.locator(f'mark[data-span-id="{rejected.pk}"]').first
    expect(mark).to_have_class(re.compile(r"\breview-rejected\b"))
    expect(mark).to_have_attribute("title", re.compile("rejected: No speaker named"))
    assert "line-through" in mark.evaluate("m => getComputedStyle(m).textDecorationLine")
    assert mark.evaluate("m => getComputedStyle(m, '::after').content") == '"✗"'
    approved_mark = page.locator(f'mark[data-span-id="{approved.pk}"]').first
    expect(approved_mark).to_have_attribute("title", re.compile("approved"))
    # The link opened the rejected span's panel, with the reason.
    expect(panel(page).locator("#panel-review")).to_contain_text("No speaker named")
    assert page_errors == []


def test_a_span_made_in_one_page_appears_in_another_open_on_the_document_without_a_reload(
    live_server, browser, article, reviewer, second_reviewer, moderator
):
    contexts = [browser.new_context() for _ in range(2)]
    rita, ravi = (context.new_page() for context in contexts)
    errors: list[str] = []
    for p in (rita, ravi):
        p.on("pageerror", lambda e: errors.append(str(e)))
    log_in(rita, live_server.url, "rita")
    log_in(ravi, live_server.url, "ravi")
    open_document(rita, live_server.url, article)
    open_document(ravi, live_server.url, article)
    ravi.evaluate("window.__notReloaded = true")

    drag_select(rita, "killed at least 253 people")
    rita.keyboard.press("c")
    saved_mark(rita, "CLAIM", "killed at least 253")
    span = Span.objects.get(label="CLAIM")

    arrived = ravi.locator(f'mark[data-span-id="{span.pk}"]')
    expect(arrived.first).to_be_visible(timeout=10_000)
    expect(ravi.locator("#span-list")).to_contain_text("killed at least 253 people")
    assert ravi.evaluate("window.__notReloaded") is True

    # A moderator's rejection reaches the open page too, marked in the text.
    services.span_review(span=span, actor=moderator, status=ReviewStatus.REJECTED, reason="Vague")
    expect(arrived.first).to_have_class(re.compile(r"\breview-rejected\b"), timeout=10_000)
    expect(rita.locator(f'mark[data-span-id="{span.pk}"]').first).to_have_class(
        re.compile(r"\breview-rejected\b"), timeout=10_000
    )
    for context in contexts:
        context.close()
    assert errors == []


def test_accept_all_asks_first_with_the_count_and_ctrl_z_takes_it_back(
    live_server, page, page_errors, article, reviewer
):
    from annotations.models import Suggestion, SuggestionRun

    run = SuggestionRun.objects.filter(document=article).first() or SuggestionRun.objects.create(
        document=article
    )
    for phrase, score in (("officials said", 0.9), ("established", 0.85), ("region", 0.2)):
        start = ARTICLE.index(phrase)
        Suggestion.objects.create(
            document=article,
            run=run,
            label="CLAIM",
            start=start,
            end=start + len(phrase),
            text=phrase,
            score=score,
            reason="test",
            suggester="claim-rules",
            suggester_version="1",
        )
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)
    page.get_by_label("Show those scoring below").check()
    page.get_by_role("button", name="Accept all").click()
    confirm = page.locator("#accept-above-confirm")
    expect(confirm).to_contain_text("Accept 2 suggestions scoring 0.8 or more?")
    assert Span.objects.count() == 0  # nothing yet: it asked
    confirm.get_by_role("button", name="Accept 2").click()
    expect(page.get_by_role("status")).to_contain_text("2 suggestions scoring 0.8 or more accepted")
    assert Span.objects.filter(deleted_at__isnull=True).count() == 2

    page.locator("#document-text").focus()
    page.keyboard.press("Control+z")
    expect(page.get_by_role("status")).to_contain_text("Undone: accepting 2 suggestions")
    expect(page.locator("#suggestion-list li")).to_have_count(3)
    assert Span.objects.filter(deleted_at__isnull=True).count() == 0
    assert Suggestion.objects.filter(status="open").count() == 3

    # Reject one, then bring it back from the rejected list.
    page.locator("#suggestion-list li", has_text="region").get_by_role(
        "button", name=re.compile("^Reject")
    ).click()
    expect(page.locator("#suggestion-list li")).to_have_count(2)
    page.locator("#rejected-suggestions summary").click()
    page.locator("#rejected-list").get_by_role("button", name=re.compile("Bring back")).click()
    expect(page.locator("#suggestion-list li")).to_have_count(3)
    assert Suggestion.objects.filter(status="open").count() == 3
    assert page_errors == []


def test_a_deleted_span_is_listed_as_recently_deleted_and_restored_from_there(
    live_server, page, page_errors, article, reviewer
):
    span = make_span(article, reviewer, "officials said", label="OPINION")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)
    page.locator(f'mark[data-span-id="{span.pk}"]').first.click()
    panel(page).get_by_role("button", name="Delete span").click()
    expect(page.locator(f'mark[data-span-id="{span.pk}"]')).to_have_count(0)
    page.wait_for_timeout(100)
    page.locator("#recently-deleted summary").click()
    restore = page.locator("#deleted-list").get_by_role("button", name=re.compile("Restore"))
    expect(restore).to_have_count(1)
    # Long after the message's Undo has gone.
    page.reload()
    expect(page.locator("#document-text[data-painted=true]")).to_be_attached()
    page.locator("#recently-deleted summary").click()
    page.locator("#deleted-list").get_by_role("button", name=re.compile("Restore")).click()
    expect(page.locator(f'mark[data-span-id="{span.pk}"]')).to_have_count(1)
    expect(page.locator("#deleted-count")).to_have_text("0")
    span.refresh_from_db()
    assert span.deleted_at is None
    assert page_errors == []


def test_the_workspace_has_no_serious_accessibility_violations(
    live_server, browser, article, reviewer, moderator
):
    found = sorted(AXE_DIR.glob("axe-core-*.min.js"))
    if not found:
        pytest.skip("axe-core is not in var/test-assets (make test-assets fetches it with npm)")
    claim = make_span(article, reviewer, "The bombings killed at least 253 people")
    services.rating_set(desk_claim=claim.desk_claim, actor=reviewer, rating="false")
    rejected = make_span(article, reviewer, "officials said", label="QUOTE")
    services.span_review(span=rejected, actor=moderator, status="rejected", reason="No speaker")
    from annotations.models import Suggestion, SuggestionRun

    run = SuggestionRun.objects.filter(document=article).first() or SuggestionRun.objects.create(
        document=article
    )
    Suggestion.objects.create(
        document=article,
        run=run,
        label="OPINION",
        start=0,
        end=9,
        text="The group",
        score=0.9,
        reason="test",
        suggester="opinion-rules",
        suggester_version="1",
    )
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)
    page.locator("#recently-deleted summary").click()
    page.locator("#rejected-suggestions summary").click()
    expect(page.locator("#rejected-count")).to_have_text("0")
    page.locator(f'mark[data-span-id="{claim.pk}"]').first.click()  # the panel open, a CLAIM's
    expect(panel(page).locator("#claim-summary")).to_contain_text("Desk claim")
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
    assert errors == []


def test_a_change_arriving_live_while_the_panel_is_open_is_not_overwritten_by_a_save(
    live_server, page, page_errors, article, reviewer
):
    span = make_span(article, reviewer, "officials said", label="OPINION")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, article)
    page.locator(f'mark[data-span-id="{span.pk}"]').first.click()
    panel(page).get_by_label("Note").fill("Mine, typed in the panel")

    # The same reviewer, on another device, changes the note meanwhile.
    services.span_update(span=span, actor=reviewer, version=1, note="From the phone")
    expect(panel(page).locator("#panel-meta")).to_contain_text("version 2", timeout=10_000)
    expect(panel(page).get_by_label("Note")).to_have_value("Mine, typed in the panel")

    panel(page).get_by_role("button", name="Save span").click()
    conflict = panel(page).locator("#panel-conflict")
    expect(conflict).to_contain_text("you had version 1, it is now version 2")
    expect(conflict).to_contain_text("From the phone")
    span.refresh_from_db()
    assert span.note == "From the phone"
    # The browser logs the refused save (409) as a failed resource; nothing else went wrong.
    assert [e for e in page_errors if "409" not in e] == []
