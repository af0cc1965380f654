"""A moderator's day in real Chromium: log in to the admin, open a document's review page, see
where reviewers disagree, reject a span with a reason, approve another, bulk-approve what is
left from the filtered list, open the dashboard. No console error (a CSP violation is one)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Span
from tests.conftest import PASSWORD
from tests.factories import make_span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_reviews_a_document_and_clears_the_queue(
    live_server, page, page_errors, document, reviewer, second_reviewer, moderator
):
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])
    rita_claim = make_span(document, reviewer, "The bombers killed at least 253 people.")
    rita_quote = make_span(document, reviewer, "pure propaganda", label="QUOTE", speaker="Police")
    ravi_claim = make_span(document, second_reviewer, "at least 253 people")
    services.verdict_set(span=rita_claim, actor=reviewer, rating="mostly_true")

    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("mona")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Documents").first.click()
    page.get_by_role("link", name="Isis claims province").click()
    expect(page.locator("h1")).to_have_text("Isis claims province")
    expect(page.locator("#review-text mark.rv-disagree").first).to_be_visible()
    quote_row = page.locator(f"#span-{rita_quote.pk}")
    expect(quote_row).to_contain_text("ravi: did not tag it")

    # Reject rita's quote with a reason typed into its row.
    quote_row.get_by_label(f"Reason for rejecting span {rita_quote.pk}").fill(
        "Police is the speaker, not a quote of its own"
    )
    quote_row.get_by_role("button", name="Reject span").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Span {rita_quote.pk}: rejected.")
    expect(page.locator(f"#span-{rita_quote.pk}")).to_contain_text("Police is the speaker")

    # Approve ravi's claim from its row.
    page.locator(f"#span-{ravi_claim.pk}").get_by_role("button", name="Approve span").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Span {ravi_claim.pk}: approved.")

    # The rest of the queue from the span list: filter pending, select all, approve.
    page.goto(f"{live_server.url}/admin/annotations/span/?review_status__exact=pending")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("approve_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 spans approved.")

    page.goto(f"{live_server.url}/admin/annotations/project/{document.project_id}/dashboard/")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert page.locator("svg.chart").count() == 7  # six, and the reliability of suggestion scores

    assert dict(Span.objects.values_list("pk", "review_status")) == {
        rita_claim.pk: "approved",
        rita_quote.pk: "rejected",
        ravi_claim.pk: "approved",
    }
    assert missing == []
    assert page_errors == []
