"""Already checked, in real Chromium: the first seed article's Sri Lanka toll claim has the
desk's approved verdict; the second article arrives, its suggestion run and the matching job
run; the reviewer opening it reads "Already checked: True, by The desk on ..." on the suggested
claim, confirms, and the claim is a mention of that desk claim carrying its verdict. A match
on a tagged CLAIM shows in its span panel, where dismissing it takes it away."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import ClaimCheckMatch, DeskClaim, Span
from annotations.services import checked_index
from tests.browser.workspace_helpers import log_in, open_document
from tests.factories import make_document, make_span
from tests.test_claim_checks import (
    FIRST,
    FIRST_TOLL,
    SECOND,
    SECOND_TOLL,
    WORDING,
    seed_text,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def arrived(desk, reviewer, second_reviewer, moderator):
    checked_index.forget()
    first = make_document(desk, actor=reviewer, text=seed_text(FIRST), title=FIRST["title"])
    span = make_span(first, reviewer, FIRST_TOLL)
    desk_claim = services.desk_claim_update(
        desk_claim=span.desk_claim, actor=reviewer, version=1, wording=WORDING
    )
    services.rating_set(desk_claim=desk_claim, actor=reviewer, rating="true")
    services.verdict_review(verdict=desk_claim.verdict, actor=moderator, status="approved")
    second = make_document(
        desk, actor=second_reviewer, text=seed_text(SECOND), title=SECOND["title"]
    )
    # What the worker does after the import commits: the suggestion run, then the matching job.
    services.suggestion_run_execute(run_id=second.suggestion_runs.get().pk)
    services.claim_checks_match(document_id=second.pk)
    yield {"second": second, "desk_claim": desk_claim}
    checked_index.forget()


def test_a_suggested_claim_already_checked_is_confirmed_as_a_mention(
    live_server, page, page_errors, arrived
):
    second, desk_claim = arrived["second"], arrived["desk_claim"]
    verdict_day = DeskClaim.objects.get(pk=desk_claim.pk).verdict.reviewed_at.date().isoformat()
    log_in(page, live_server.url, "ravi")
    open_document(page, live_server.url, second)
    checked = page.get_by_role("region", name="Already checked (")
    expect(checked).to_be_visible()
    entry = checked.locator("li", has_text=WORDING)
    expect(entry).to_contain_text(f"Already checked: True, by The desk on {verdict_day}")
    expect(entry).to_contain_text(WORDING)
    entry.get_by_role("button", name="Confirm: same claim").click()
    expect(page.locator("#workspace-status")).to_contain_text("now a mention")
    expect(checked).to_be_hidden()
    span = Span.objects.get(document=second, start=second.text.index(SECOND_TOLL))
    assert span.desk_claim_id == desk_claim.pk
    mark = page.locator(f'#document-text mark[data-span-id="{span.pk}"]')
    expect(mark).to_have_attribute("data-verdict", "true")
    mark.first.click()
    expect(page.locator("#claim-summary")).to_contain_text("2 mentions")
    assert page_errors == []


def test_a_tagged_claims_match_shows_in_its_panel_and_is_dismissed_there(
    live_server, page, page_errors, arrived, second_reviewer
):
    second = arrived["second"]
    span = make_span(second, second_reviewer, SECOND_TOLL)
    services.claim_checks_match(document_id=second.pk)
    log_in(page, live_server.url, "ravi")
    open_document(page, live_server.url, second)
    # The suggestion over the same words is the innermost highlight: the claim is opened from
    # the list of claims already checked.
    page.get_by_role("region", name="Already checked (").get_by_title("Open this claim").click()
    expect(page.locator("#span-panel")).to_be_visible()
    here = page.get_by_role("region", name="Already checked?")
    expect(here).to_contain_text("Already checked: True, by The desk")
    here.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#workspace-status")).to_contain_text("not be proposed again")
    expect(here).to_be_hidden()
    expect(page.get_by_role("region", name="Already checked (")).to_be_hidden()
    assert ClaimCheckMatch.objects.get(span=span).status == "dismissed"
    assert page_errors == []
