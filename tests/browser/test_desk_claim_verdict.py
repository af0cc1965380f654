"""One claim in two articles, one verdict the desk stands behind, in real Chromium.

Rita tags the Sri Lanka claim in the first seed article and rates it; Ravi tags it in the second
article, picks the first article's desk claim from the proposals, rates it too, and moves the
guide's claim there as well. The verdict agreement counts both ratings; the moderator approves
the verdict from the review page, where the claim's other article is listed; then every mention
in both articles shows the approved verdict, on its highlight and in the span list.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import ClaimRating, Document, Role, Span, Verdict
from annotations.seeding import seeds_load
from tests.browser.workspace_helpers import drag_select, log_in, open_document, saved_mark
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = (
    "some of the Sri Lanka bombers, who slaughtered more than 250 people in the Easter Sunday "
    "attacks, were trained in Kashmir"
)
SECOND = "the Easter Sunday bombing in Sri Lanka that killed at least 253 people"


@pytest.fixture
def seeded(db):
    project = seeds_load().project
    people = {}
    for name, role in (("rita", Role.REVIEWER), ("ravi", Role.REVIEWER), ("mona", Role.MODERATOR)):
        people[name] = UserFactory(username=name, is_staff=role == Role.MODERATOR)
        services.membership_set(project=project, user=people[name], role=role)
    return {
        "project": project,
        "first": Document.objects.get(external_id="seed-000_0518e4dda0034b30"),
        "second": Document.objects.get(external_id="seed-001_fdfc81645854e446"),
    }


def panel(page):
    return page.locator("#span-panel")


def scroll_to(page, words: str) -> None:
    """Bring the words into view, as a reader scrolls down to them before selecting."""
    page.locator("#document-text mark", has_text=words).first.scroll_into_view_if_needed()


def rate(page, rating: str, reasoning: str) -> None:
    claim = panel(page).get_by_role("region", name="Desk claim")
    expect(claim.locator("#claim-summary")).to_contain_text("Desk claim")
    claim.get_by_label("Your rating").select_option(label=rating)
    claim.get_by_label("Your reasoning").fill(reasoning)
    claim.get_by_role("button", name="Save your rating").click()
    expect(page.get_by_role("status")).to_contain_text(f"Your rating saved: {rating}")


def test_two_reviewers_rate_one_claim_from_two_articles_and_its_approved_verdict_shows_everywhere(
    live_server, browser, seeded
):
    first, second = seeded["first"], seeded["second"]
    contexts = [browser.new_context() for _ in range(3)]
    errors: list[str] = []
    for context in contexts:
        context.on("weberror", lambda e: errors.append(str(e.error)))
    rita, ravi, mona = (context.new_page() for context in contexts)
    for page in (rita, ravi, mona):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        # Rita tags the claim in the first article: the same words as the guide's claim, so
        # the same desk claim. She rates it; the first rating makes the (pending) verdict.
        log_in(rita, live_server.url, "rita")
        open_document(rita, live_server.url, first)
        scroll_to(rita, "Sri Lanka bombers")
        drag_select(rita, FIRST)
        rita.keyboard.press("c")
        saved_mark(rita, "CLAIM", "Sri Lanka bombers")
        expect(panel(rita).locator("#claim-summary")).to_contain_text("2 mentions")
        rate(rita, "False", "Officials counted 253 dead; training in Kashmir is unproven.")
        expect(panel(rita).locator("#verdict-status")).to_contain_text("False · by rita")
        expect(panel(rita).locator("#verdict-status")).to_contain_text("review: Pending")
        desk_claim = Span.objects.get(author__username="rita").desk_claim

        # Ravi tags it in the second article; the proposals offer the first article's desk
        # claim, and he makes his claim a mention of it.
        log_in(ravi, live_server.url, "ravi")
        open_document(ravi, live_server.url, second)
        scroll_to(ravi, "Easter Sunday bombing")
        drag_select(ravi, SECOND)
        ravi.keyboard.press("c")
        saved_mark(ravi, "CLAIM", "Easter Sunday bombing")
        proposals = panel(ravi).locator("#proposal-list")
        wanted = proposals.get_by_role("button", name=re.compile("were trained in Kashmir"))
        expect(wanted).to_be_visible()
        expect(wanted).to_contain_text("“Sri”")  # the reason names the shared words
        wanted.click()
        expect(ravi.get_by_role("status")).to_contain_text("Now a mention of that desk claim")
        also = panel(ravi).locator("#also-list")
        expect(also).to_contain_text("Isis claims ‘province’ in India-controlled Kashmir")
        expect(panel(ravi).locator("#rating-list")).to_contain_text("False by rita")
        rate(ravi, "Mostly false", "The toll is right; the Kashmir link is not shown.")
        ravis = Span.objects.get(author__username="ravi")
        assert ravis.desk_claim_id == desk_claim.pk

        # The guide's own claim in the second article is the same assertion: Ravi moves it.
        guide = second.spans.get(
            label="CLAIM", text__contains="Sri Lanka", author__username="annotation-guide"
        )
        ravi.locator(f'mark[data-span-id="{guide.pk}"]').first.click()
        panel(ravi).locator("#proposal-list").get_by_role(
            "button", name=re.compile("were trained in Kashmir")
        ).click()
        expect(ravi.get_by_role("status")).to_contain_text("Now a mention of that desk claim")
        mentions = set(desk_claim.mentions.values_list("pk", flat=True))
        assert (
            len(mentions) == 4
        )  # the guide's and Rita's in one article, Ravi's and the guide's in the other
        assert set(ClaimRating.objects.values_list("author__username", "rating")) == {
            ("rita", "false"),
            ("ravi", "mostly_false"),
        }

        # The moderator: agreement counts both ratings; she approves the verdict from the first
        # article's review page, which lists the second article too.
        mona.goto(f"{live_server.url}/admin/")
        mona.get_by_label("Username").fill("mona")
        mona.get_by_label("Password").fill(PASSWORD)
        mona.get_by_role("button", name="Log in").click()
        mona.goto(f"{live_server.url}/admin/annotations/project/{seeded['project'].pk}/dashboard/")
        expect(mona.locator("#chart-agreement")).to_contain_text(
            "over 1 desk claim rated by two or more reviewers (2 ratings"
        )
        mona.goto(f"{live_server.url}/admin/annotations/document/{first.pk}/review/")
        rita_row = mona.locator(f"#span-{Span.objects.get(author__username='rita').pk}")
        expect(rita_row).to_contain_text("Also in:")
        expect(rita_row).to_contain_text("Islamic State claims “province” in India")
        rita_row.get_by_role("button", name="Approve verdict").click()
        verdict = Verdict.objects.get(desk_claim=desk_claim)
        expect(mona.locator(".messagelist")).to_contain_text(f"Verdict {verdict.pk}: approved.")
        verdict.refresh_from_db()
        assert (verdict.review_status, verdict.rating) == ("approved", "false")

        # Every mention, in both articles, shows the approved verdict.
        for page, document in ((rita, first), (ravi, second), (rita, second)):
            open_document(page, live_server.url, document)
            for span in document.spans.filter(desk_claim=desk_claim):
                mark = page.locator(f'mark[data-span-id="{span.pk}"]').first
                expect(mark).to_have_attribute("data-verdict", "false")
                expect(mark).to_have_attribute("data-verdict-status", "approved")
                expect(mark).to_have_attribute("title", re.compile("verdict: False, approved"))
                entry = page.locator(f'#span-list li[data-span-id="{span.pk}"]')
                expect(entry).to_contain_text("verdict: False, approved")
        # A claim that is not a mention of it shows no verdict.
        other = second.spans.get(label="CLAIM", text__startswith="Nuclear powers")
        expect(rita.locator(f'mark[data-span-id="{other.pk}"]').first).not_to_have_attribute(
            "data-verdict", "false"
        )
    finally:
        for context in contexts:
            context.close()
    assert errors == []
