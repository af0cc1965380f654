"""axe-core in real Chromium over the pages a reviewer and a moderator spend their day on: the
login page, the project list, a project's document list, the comparison page, the admin's
dashboard and a document's review page, each as the seeded desk leaves it (spans, a verdict
with evidence, a second reviewer who disagrees). No serious or critical violation.

And the workspace opened from a search result marks the words searched for."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Role
from tests import seed_story as seeds
from tests.browser.workspace_helpers import log_in
from tests.conftest import PASSWORD
from tests.factories import make_span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_DIR = Path(__file__).resolve().parents[2] / "var" / "test-assets"


def _axe_source() -> str:
    found = sorted(AXE_DIR.glob("axe-core-*.min.js"))
    if not found:
        pytest.skip("axe-core is not in var/test-assets (make test-assets fetches it with npm)")
    return found[-1].read_text(encoding="utf-8")


@pytest.fixture
def desk(db):
    """The seed story, a reviewer and a moderator (staff, for the admin), a second reviewer who
    tags one of the same words differently, and a verdict with a rationale and evidence."""
    story = seeds.seed_story(members=(("rita", Role.REVIEWER), ("mona", Role.MODERATOR)))
    rita = story.project.memberships.get(user__username="rita").user
    ravi = services.user_get_or_create(username="ravi")[0]
    ravi.set_password(PASSWORD)
    ravi.save()
    services.membership_set(project=story.project, user=ravi, role=Role.REVIEWER)
    claim = make_span(story.first, rita, seeds.FIRST_TOLL)
    make_span(story.first, ravi, seeds.FIRST_TOLL, label="OPINION")
    gone = make_span(story.first, ravi, seeds.FIRST_CLAIM)
    services.span_delete(span=gone, actor=ravi)  # the review page lists it to restore
    services.verdict_set(
        span=claim,
        actor=rita,
        rating="mostly_true",
        rationale="Police said 253; 'more than 250' holds.",
        evidence_links=["https://example.org/toll"],
    )
    return story


def _serious(page) -> list[str]:
    page.add_script_tag(content=_axe_source())
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:4]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def _admin_log_in(page, base: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("mona")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_be_visible()


def test_no_serious_accessibility_violation_on_the_days_pages(live_server, browser, desk):
    base = live_server.url
    # The CSP lets in the site's own scripts only: the engine is let in by the browser.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    found: dict[str, list[str]] = {}

    page.goto(f"{base}/accounts/login/")
    found["login"] = _serious(page)
    log_in(page, base, "rita")
    page.goto(f"{base}/")
    found["project list"] = _serious(page)
    page.goto(f"{base}/projects/{desk.project.pk}/?q=Rita+Katz")
    found["document list"] = _serious(page)
    page.goto(f"{base}/stories/{desk.story.pk}/compare/")
    expect(page.locator("body[data-compare-painted=true]")).to_be_attached()
    found["comparison"] = _serious(page)

    context.clear_cookies()
    _admin_log_in(page, base)
    page.goto(f"{base}/admin/annotations/project/{desk.project.pk}/dashboard/")
    found["dashboard"] = _serious(page)
    page.goto(f"{base}/admin/annotations/document/{desk.first.pk}/review/")
    expect(page.locator("#review-text")).to_be_visible()
    # The verdict's sources, in view before it is approved.
    evidence = page.get_by_role("link", name="https://example.org/toll")
    expect(evidence).to_be_visible()
    expect(evidence.locator("xpath=ancestor::td[1]")).to_contain_text(
        "Police said 253; 'more than 250' holds."
    )
    found["review"] = _serious(page)
    context.close()

    failing = {name: v for name, v in found.items() if v}
    assert not failing, "\n".join(f"{name}: {v}" for name, v in failing.items())
    assert errors == []


def test_the_workspace_opened_from_a_search_marks_the_words_searched_for(
    live_server, page, page_errors, desk
):
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/projects/{desk.project.pk}/")
    page.get_by_label("Search the articles").fill("Rita Katz")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("table", name="Documents matching “Rita Katz”, best match first")
    results.get_by_role("link", name=desk.first.title).click()
    status = page.locator("#search-hits")
    expect(status).to_contain_text("in the text match “Rita Katz”")
    marked = page.evaluate(
        """() => [...CSS.highlights.get("search-hit")].map((range) => range.toString())"""
    )
    assert "Rita" in marked and "Katz" in marked
    assert set(marked) <= {"Rita", "Katz"}
    assert page_errors == []


@pytest.mark.parametrize("model", ["span", "document", "verdict", "deskclaim"])
def test_the_admin_lists_fit_a_1400_pixel_screen(live_server, browser, desk, model):
    """Every column readable without scrolling sideways: no list wider than its box, the text
    columns wide enough for a few words a line."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    _admin_log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/annotations/{model}/")
    results = page.locator("#changelist .results")
    expect(results.locator("tbody tr").first).to_be_visible()
    widths = results.evaluate("(box) => [box.scrollWidth, box.clientWidth]")
    assert widths[0] <= widths[1], f"the {model} list scrolls sideways: {widths}"
    right = page.evaluate("document.documentElement.clientWidth")
    for header in results.locator("thead th").all():
        box = header.bounding_box()
        assert box is not None and box["x"] + box["width"] <= right
    narrowest = results.evaluate(
        """(box) => Math.min(...[...box.querySelectorAll('tbody tr:first-child td')]
             .filter((td) => td.textContent.trim().length > 40)
             .map((td) => td.getBoundingClientRect().width))"""
    )
    assert narrowest == float("inf") or narrowest >= 110  # no word-a-line text column
    context.close()
