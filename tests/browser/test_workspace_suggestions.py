"""Machine suggestions in the workspace, as a reviewer meets them: dashed highlights with the
reason on hover, N to walk them, A to accept (a span that remembers its suggestion), X to reject,
accept all above a score, and the Suggest button whose run's state follows the worker without a
reload. The worker is the service, called from the test while the page watches."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Span, Suggestion
from tests.browser.workspace_helpers import log_in, open_document
from tests.factories import make_document, make_span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (
    "“The establishment of a province is absurd,” said Rita Katz, director of the SITE Intel "
    "Group.\n\n"
    "The bombing in Sri Lanka killed at least 253 people in April 2019.\n\n"
    "Police dismissed the claims on Friday."
)


def _execute_queued_run(document):
    run = document.suggestion_runs.filter(status="queued").latest("created_at")
    return services.suggestion_run_execute(run_id=run.pk)


@pytest.fixture
def suggested(desk, reviewer):
    """The article with its import's run executed: three open suggestions."""
    document = make_document(desk, actor=reviewer, text=ARTICLE, title="Katz on the province")
    _execute_queued_run(document)
    return document


def _suggestion(document, text_start: str) -> Suggestion:
    return document.suggestions.get(text__startswith=text_start)


def _shown(page) -> set[int]:
    """The suggestions painted in the text (one may be cut into several marks by a span)."""
    return set(
        page.locator("#document-text mark[data-suggestion-id]").evaluate_all(
            "ms => ms.map(m => Number(m.dataset.suggestionId))"
        )
    )


def _mark(page, suggestion):
    return page.locator(f'mark[data-suggestion-id="{suggestion.pk}"]')


def test_suggestions_are_dashed_with_reason_and_score_on_hover_and_keep_text_and_spans(
    live_server, page, page_errors, suggested, reviewer
):
    claim = make_span(suggested, reviewer, "killed at least 253 people")
    quote = _suggestion(suggested, "The establishment")
    assert suggested.suggestions.filter(status="open").count() == 3
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, suggested)

    expect(page.locator("#suggestion-list li")).to_have_count(3)
    assert _shown(page) == set(suggested.suggestions.values_list("pk", flat=True))
    mark = _mark(page, quote)
    expect(mark).to_have_attribute("data-label", "QUOTE")
    expect(mark).to_have_class("hl-suggestion hl-suggestion-quote")
    style = mark.evaluate(
        "m => { const s = getComputedStyle(m); return [s.borderTopStyle, s.borderLeftStyle]; }"
    )
    assert style == ["dashed", "dashed"]
    # A span is underlined only: the two look different.
    span_mark = page.locator(f'mark[data-span-id="{claim.pk}"]')
    assert span_mark.evaluate("m => getComputedStyle(m).borderTopStyle") == "none"
    mark.hover()
    expect(mark).to_have_attribute(
        "title", "Suggested Quote (speaker: Rita Katz), score 0.95: " + quote.reason
    )
    assert "said Rita Katz" in quote.reason
    expect(mark).to_have_attribute("title", re.compile(r"^Suggested Quote.*score 0\.95"))
    # The span over the same words as the big CLAIM suggestion is still there, inside it.
    expect(span_mark).to_have_count(1)
    assert span_mark.evaluate("m => m.parentElement.dataset.suggestionId") == str(
        _suggestion(suggested, "The bombing").pk
    )
    assert page.locator("#document-text").text_content() == ARTICLE
    entries = page.locator("#suggestion-list li")
    # The list goes by score: the rules' 1.00 CLAIM first, then the 0.95 QUOTE.
    expect(entries.nth(1)).to_contain_text("0.95")
    expect(entries.nth(1)).to_contain_text("said Rita Katz")
    expect(page.locator("#suggestion-count")).to_have_text("3")
    assert page_errors == []


def test_n_then_a_accepts_the_suggestion_as_a_span_that_remembers_it(
    live_server, page, page_errors, suggested
):
    quote = _suggestion(suggested, "The establishment")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, suggested)

    page.keyboard.press("n")
    expect(_mark(page, quote)).to_have_class("hl-suggestion hl-suggestion-quote is-current")
    expect(page.locator("#suggestion-list li[aria-current=true]")).to_contain_text("establishment")
    page.keyboard.press("a")

    span_mark = page.locator('mark[data-span-id][data-label="QUOTE"]:not(.hl-pending)')
    expect(span_mark).to_have_count(1)
    expect(span_mark).to_have_attribute("title", "Quote: Rita Katz")
    expect(span_mark).to_have_text("The establishment of a province is absurd")
    expect(_mark(page, quote)).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Quote accepted")
    span = Span.objects.get(suggestion_id=quote.pk)
    assert (span.label, span.start, span.end, span.speaker) == ("QUOTE", 1, 42, "Rita Katz")
    assert span.author.username == "rita"
    quote.refresh_from_db()
    assert quote.status == "accepted"
    expect(page.locator("#span-list li")).to_have_count(1)
    expect(page.locator("#suggestion-count")).to_have_text("2")
    assert page.locator("#document-text").text_content() == ARTICLE
    assert page_errors == []


def test_n_then_x_rejects_and_a_click_makes_a_suggestion_current(
    live_server, page, page_errors, suggested
):
    big_claim = _suggestion(suggested, "The bombing")
    police = _suggestion(suggested, "Police dismissed")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, suggested)

    page.keyboard.press("n")
    page.keyboard.press("n")
    expect(_mark(page, big_claim)).to_have_class("hl-suggestion hl-suggestion-claim is-current")
    page.keyboard.press("x")
    expect(_mark(page, big_claim)).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Claim suggestion rejected")
    big_claim.refresh_from_db()
    assert big_claim.status == "rejected"

    _mark(page, police).click()
    expect(_mark(page, police)).to_have_class("hl-suggestion hl-suggestion-claim is-current")
    with page.expect_response(lambda r: r.url.endswith(f"/suggestions/{police.pk}/reject/")):
        page.keyboard.press("x")
    expect(_mark(page, police)).to_have_count(0)
    police.refresh_from_db()
    assert police.status == "rejected"
    assert Span.objects.count() == 0
    assert suggested.suggestions.filter(status="open").count() == 1

    page.reload()  # decided suggestions stay decided
    expect(page.locator("mark[data-suggestion-id]")).to_have_count(1)
    assert page_errors == []


def test_accept_all_above_a_score_creates_exactly_the_spans_above_it(
    live_server, page, page_errors, suggested
):
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, suggested)
    form = page.locator("#accept-above")
    form.get_by_label("Accept all scoring at least").fill("0.9")
    expect(form).to_contain_text("2 of 3 open suggestions score 0.9 or more.")
    form.get_by_role("button", name="Accept all").click()
    # It asks first, saying how many.
    confirm = page.locator("#accept-above-confirm")
    expect(confirm).to_contain_text("Accept 2 suggestions scoring 0.9 or more?")
    assert Span.objects.count() == 0
    confirm.get_by_role("button", name="Accept 2").click()

    expect(page.get_by_role("status")).to_contain_text("2 suggestions scoring 0.9 or more")
    expected = set(suggested.suggestions.filter(score__gte=0.9).values_list("pk", flat=True))
    assert len(expected) == 2
    expect(page.locator("mark[data-span-id]:not(.hl-pending)")).to_have_count(2)
    assert set(Span.objects.values_list("suggestion_id", flat=True)) == expected
    police = _suggestion(suggested, "Police dismissed")
    assert police.status == "open" and police.score < 0.9
    expect(page.locator("mark[data-suggestion-id]")).to_have_count(1)
    expect(_mark(page, police)).to_have_count(1)
    assert page.locator("#document-text").text_content() == ARTICLE

    form.get_by_label("Accept all scoring at least").fill("1.5")
    form.get_by_role("button", name="Accept all").click()
    expect(page.locator("#workspace-alert")).to_contain_text("a score is between 0 and 1")
    assert Span.objects.count() == 2
    assert page_errors == []


def test_accepting_what_someone_else_rejected_withdraws_the_highlight_and_says_why(
    live_server, page, page_errors, suggested, second_reviewer
):
    quote = _suggestion(suggested, "The establishment")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, suggested)
    services.suggestion_reject(suggestion=quote, actor=second_reviewer)  # in another browser

    page.keyboard.press("n")
    page.keyboard.press("a")
    alert = page.locator("#workspace-alert")
    expect(alert).to_contain_text("was not accepted")
    expect(alert).to_contain_text("already rejected")
    expect(page.locator("mark[data-span-id]")).to_have_count(0)
    expect(_mark(page, quote)).to_have_count(0)
    assert Span.objects.count() == 0


def test_suggest_shows_the_run_state_and_its_new_suggestions_without_a_reload(
    live_server, page, page_errors, desk, reviewer
):
    document = make_document(desk, actor=reviewer, text=ARTICLE, title="Not yet suggested")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, document)
    state = page.locator("#run-state")
    expect(state).to_contain_text("Queued")  # the import's run: no worker in the tests
    expect(page.locator("mark[data-suggestion-id]")).to_have_count(0)
    page.evaluate("window.sameDocument = true")

    with page.expect_response(lambda r: r.url.endswith("/suggest/")) as answer:
        page.get_by_role("button", name="Suggest", exact=True).click()
    assert answer.value.status == 202
    expect(state).to_have_attribute("data-status", "queued")
    expect(state).to_contain_text("waiting for a worker")
    # The import's run was still waiting: asking again hands it over again, no duplicate.
    assert document.suggestion_runs.count() == 1
    run = document.suggestion_runs.get()

    services.suggestion_run_execute(run_id=run.pk)  # the worker, while the page watches
    expect(state).to_have_attribute("data-status", "done", timeout=15_000)
    expect(state).to_contain_text("3 candidates found, 3 new")
    expect(state).not_to_contain_text("open")  # how many are open: the heading says it alone
    expect(page.locator("mark[data-suggestion-id]")).to_have_count(3)
    expect(page.locator("#suggestion-count")).to_have_text("3")
    assert page.evaluate("window.sameDocument") is True  # no reload happened

    with page.expect_response(lambda r: r.url.endswith("/suggest/")):
        page.get_by_role("button", name="Suggest", exact=True).click()
    expect(state).to_have_attribute("data-status", "queued")
    newest = document.suggestion_runs.latest("created_at")
    services.suggestion_run_fail(run_id=newest.pk, reason="The worker ran out of memory.")
    expect(state).to_have_text("Failed: The worker ran out of memory.", timeout=15_000)
    assert page_errors == []


def test_a_project_threshold_hides_low_suggestions_and_the_toggle_shows_them(
    live_server, page, page_errors, suggested, moderator
):
    services.project_suggestion_threshold_set(
        project=suggested.project, threshold=0.9, actor=moderator
    )
    police = _suggestion(suggested, "Police dismissed")
    assert police.score < 0.9
    high = set(suggested.suggestions.filter(score__gte=0.9).values_list("pk", flat=True))
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, suggested)

    expect(page.locator("#suggestion-list li")).to_have_count(2)
    assert _shown(page) == high
    expect(page.locator("#suggestion-count")).to_have_text("2")
    expect(page.locator("#suggestion-hidden")).to_have_text("1")
    expect(page.locator(".suggestion-view")).to_contain_text("the project's display threshold")

    page.get_by_label("Show those scoring below 0.90").check()
    expect(page.locator("#suggestion-list li")).to_have_count(3)
    expect(_mark(page, police)).to_have_count(1)
    expect(page.locator("#suggestion-count")).to_have_text("3")
    expect(page.locator("#suggestion-hidden")).to_have_text("0")
    # highest score first, the low one last
    expect(page.locator("#suggestion-list li").last).to_contain_text("Police dismissed")

    page.get_by_label("Show suggestions").uncheck()
    expect(page.locator("mark[data-suggestion-id]")).to_have_count(0)
    expect(page.locator("#suggestion-hidden")).to_have_text("3")
    page.get_by_label("Show suggestions").check()
    expect(page.locator("mark[data-suggestion-id]")).to_have_count(3)
    assert page.locator("#document-text").text_content() == ARTICLE
    assert page_errors == []


def test_clicking_a_span_that_covers_an_open_suggestion_opens_the_span(
    live_server, page, page_errors, suggested, reviewer
):
    police = _suggestion(suggested, "Police dismissed")
    # An OPINION span over exactly the words of the CLAIM suggestion, and one inside it.
    over = make_span(suggested, reviewer, police.text, label="OPINION")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, suggested)

    expect(_mark(page, police)).to_have_count(1)
    page.locator(f'mark[data-span-id="{over.pk}"]').first.click()
    expect(page.locator("#span-panel").get_by_role("heading", name="Opinion")).to_be_visible()
    expect(_mark(page, police)).not_to_have_class("hl-suggestion hl-suggestion-claim is-current")
    expect(page.locator("#suggestion-list li[aria-current=true]")).to_have_count(0)
    assert page_errors == []


def test_a_suggestion_on_exactly_the_words_of_a_span_of_its_label_is_not_shown_again(
    live_server, page, page_errors, suggested, reviewer
):
    police = _suggestion(suggested, "Police dismissed")
    log_in(page, live_server.url, "rita")
    open_document(page, live_server.url, suggested)
    expect(_mark(page, police)).to_have_count(1)

    make_span(suggested, reviewer, police.text, label="CLAIM")  # tagged in another tab
    page.reload()
    expect(page.locator("mark[data-span-id]")).to_have_count(1)
    expect(_mark(page, police)).to_have_count(0)
    expect(page.locator("#suggestion-count")).to_have_text("2")
    expect(page.locator("#suggestion-hidden")).to_have_text("1")
    assert page_errors == []
