"""The admin as a moderator uses it, through the test client: filtered lists, bulk approve, bulk
reject with one reason on a confirmation page, the document's review page, history, restore and
the dashboard. And what it shows to everyone else: nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.models import AuditEvent, Span
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

SPANS = "/admin/annotations/span/"
HOSTILE_TEXT = (
    'Police said <script>alert("text")</script> and <img src=x onerror=alert(1)> '
    "killed at least 253 people."
)


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def mona(client, moderator):
    client.force_login(staff(moderator))
    return client


@pytest.fixture
def spans(document, reviewer, second_reviewer):
    return [
        make_span(document, reviewer, "Police dismissed the claims"),
        make_span(document, reviewer, "pure propaganda", label="QUOTE", speaker="Police"),
        make_span(document, second_reviewer, "at least 253 people"),
    ]


def _ids_in(page: str) -> set[int]:
    return {int(m) for m in re.findall(r'name="_selected_action" value="(\d+)"', page)}


def _linked_ids(page: str, model: str) -> set[int]:
    return {int(m) for m in re.findall(rf"/admin/annotations/{model}/(\d+)/change/", page)}


# --- lists -------------------------------------------------------------------------------------


def test_span_list_shows_the_text_in_context_with_filters(mona, spans):
    page = mona.get(SPANS).content.decode()
    assert _ids_in(page) == {s.pk for s in spans}
    # prefix, span, suffix, the span marked by label
    assert (
        '<span class="ctx">…Police dismissed the claims as “</span>'
        '<mark class="hl hl-quote">pure propaganda</mark><span class="ctx">”.'
    ) in page
    for title in ("label", "review status", "author", "created at", "deleted"):
        assert f'data-filter-title="{title}"' in page


def test_moderator_of_two_desks_filters_spans_by_project_and_outlet(
    mona, moderator, reviewer, desk, other_desk, outsider
):
    services.membership_set(project=other_desk, user=moderator, role="moderator")
    ours = make_document(desk, actor=reviewer, text="Toll rose to 253.", outlet="Guardian")
    theirs = make_document(other_desk, actor=outsider, text="Toll rose to 250.", outlet="Wire")
    a = make_span(ours, reviewer, "Toll rose")
    b = make_span(theirs, outsider, "Toll rose")
    page = mona.get(SPANS).content.decode()
    assert 'data-filter-title="project"' in page and 'data-filter-title="outlet"' in page
    assert _ids_in(page) == {a.pk, b.pk}
    by_project = mona.get(SPANS, {"document__project__id__exact": other_desk.pk})
    assert _ids_in(by_project.content.decode()) == {b.pk}
    by_outlet = mona.get(SPANS, {"outlet": "Guardian"})
    assert _ids_in(by_outlet.content.decode()) == {a.pk}


def test_filters_narrow_the_list_by_label_review_state_and_reviewer(
    mona, spans, moderator, second_reviewer
):
    services.span_review(span=spans[0], actor=moderator, status="approved")
    page = mona.get(SPANS, {"label__exact": "CLAIM", "review_status__exact": "pending"})
    assert _ids_in(page.content.decode()) == {spans[2].pk}
    page = mona.get(SPANS, {"author__id__exact": second_reviewer.pk})
    assert _ids_in(page.content.decode()) == {spans[2].pk}


def test_search_finds_spans_by_speaker_and_by_document_title(mona, spans):
    assert _ids_in(mona.get(SPANS, {"q": "Police"}).content.decode()) >= {spans[1].pk}
    assert _ids_in(mona.get(SPANS, {"q": "Isis claims"}).content.decode()) == {s.pk for s in spans}


def test_a_moderator_sees_nothing_of_another_project(mona, spans, other_desk, outsider):
    foreign = make_span(
        make_document(other_desk, actor=outsider, text="Secret desk text."), outsider, "Secret"
    )
    page = mona.get(SPANS).content.decode()
    assert foreign.pk not in _ids_in(page)
    assert "Another desk" not in page  # not even in the project filter
    assert mona.get(f"{SPANS}{foreign.pk}/change/").status_code in (302, 404)


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url",
    [
        SPANS,
        "/admin/annotations/verdict/",
        "/admin/annotations/document/",
        "/admin/annotations/auditevent/",
    ],
)
def test_lists_cost_no_query_per_row(mona, desk, reviewer, second_reviewer, url):
    def add_rows(n, offset):
        document = make_document(desk, actor=reviewer, text="word " * 50, title=f"D{offset}")
        for i in range(n):
            author = reviewer if i % 2 else second_reviewer
            span = services.span_create(
                document=document,
                actor=author,
                label="CLAIM",
                start=i * 5,
                end=i * 5 + 4,
                text="word",
            )
            services.verdict_set(span=span, actor=author, rating="true")

    add_rows(3, 0)
    few = _list_queries(mona, url)
    add_rows(30, 1)
    many = _list_queries(mona, url)
    assert few == many, f"{few} queries for a few rows, {many} for many"


# --- bulk approve and reject ------------------------------------------------------------------


def test_bulk_approve_from_the_list(mona, spans, moderator):
    response = mona.post(
        SPANS,
        {"action": "approve_selected", "_selected_action": [spans[0].pk, spans[2].pk], "index": 0},
        follow=True,
    )
    assert "2 spans approved." in response.content.decode()
    assert set(Span.objects.filter(review_status="approved").values_list("pk", flat=True)) == {
        spans[0].pk,
        spans[2].pk,
    }
    assert Span.objects.get(pk=spans[0].pk).reviewed_by == moderator


def test_bulk_approve_of_everything_a_filter_matches(mona, spans):
    response = mona.post(
        f"{SPANS}?label__exact=CLAIM",
        {
            "action": "approve_selected",
            "_selected_action": [spans[0].pk],
            "select_across": "1",
            "index": 0,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert set(Span.objects.filter(review_status="approved").values_list("label", flat=True)) == {
        "CLAIM"
    }
    assert Span.objects.get(pk=spans[1].pk).review_status == "pending"  # the QUOTE


def test_bulk_reject_asks_for_one_reason_on_a_confirmation_page(mona, spans):
    chosen = [spans[0].pk, spans[1].pk]
    first = mona.post(SPANS, {"action": "reject_selected", "_selected_action": chosen, "index": 0})
    page = first.content.decode()
    assert first.status_code == 200
    assert "You are rejecting <strong>2</strong> spans" in page
    assert 'name="reason"' in page
    assert Span.objects.filter(review_status="rejected").count() == 0  # nothing yet

    # Confirming without a reason shows the page again with the error; nothing changes.
    again = mona.post(
        SPANS,
        {"action": "reject_selected", "_selected_action": chosen, "post": "yes", "reason": ""},
    )
    assert again.status_code == 200
    assert "This field is required." in again.content.decode()
    assert Span.objects.filter(review_status="rejected").count() == 0

    done = mona.post(
        SPANS,
        {
            "action": "reject_selected",
            "_selected_action": chosen,
            "post": "yes",
            "reason": "Mark the clause, not the sentence.",
        },
        follow=True,
    )
    assert "2 spans rejected." in done.content.decode()
    assert set(
        Span.objects.filter(pk__in=chosen).values_list("review_status", "review_reason")
    ) == {("rejected", "Mark the clause, not the sentence.")}


def test_bulk_verdict_approve_from_the_verdict_list(mona, claim, reviewer):
    verdict = services.verdict_set(span=claim, actor=reviewer, rating="false")
    mona.post(
        "/admin/annotations/verdict/",
        {"action": "approve_selected", "_selected_action": [verdict.pk], "index": 0},
    )
    verdict.refresh_from_db()
    assert verdict.review_status == "approved"


# --- the document's review page ------------------------------------------------------------


def test_review_page_marks_where_reviewers_disagree(mona, document, spans, second_reviewer):
    # ravi tags the same words as rita's QUOTE, but as an OPINION; and agrees on nothing else.
    make_span(document, second_reviewer, "pure propaganda", label="OPINION")
    page = mona.get(f"/admin/annotations/document/{document.pk}/review/").content.decode()
    assert "rv-disagree" in page
    assert "ravi: tagged it OPINION" in page
    assert "ravi: did not tag it" in page  # rita's claim that ravi did not mark
    assert 'title="ravi: OPINION; rita: QUOTE"' in page


def test_review_page_approves_and_rejects_a_span_from_there(mona, document, spans):
    url = f"/admin/annotations/document/{document.pk}/review/"
    target = spans[0]
    response = mona.post(
        f"{SPANS}{target.pk}/review/",
        {"status": "rejected", "reason": "Only the number", "version": 1, "next": url},
    )
    assert response.status_code == 302
    assert response["Location"] == url
    target.refresh_from_db()
    assert (target.review_status, target.review_reason) == ("rejected", "Only the number")
    page = mona.get(url).content.decode()
    assert "Only the number" in page


def test_review_page_refuses_a_rejection_without_a_reason(mona, document, spans):
    url = f"/admin/annotations/document/{document.pk}/review/"
    response = mona.post(
        f"{SPANS}{spans[0].pk}/review/",
        {"status": "rejected", "reason": "", "next": url},
        follow=True,
    )
    assert "A rejection needs a reason" in response.content.decode()
    spans[0].refresh_from_db()
    assert spans[0].review_status == "pending"


def test_review_page_escapes_html_in_the_text_notes_and_speakers(mona, desk, reviewer):
    document = make_document(desk, actor=reviewer, text=HOSTILE_TEXT, title="<b>Title</b>")
    make_span(
        document,
        reviewer,
        '<script>alert("text")</script>',
        label="QUOTE",
        speaker="<i>Chief</i>",
        note="<img src=y onerror=alert(2)>",
    )
    page = mona.get(f"/admin/annotations/document/{document.pk}/review/").content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page and "<img src=y" not in page
    assert "<i>Chief</i>" not in page and "<b>Title</b>" not in page
    assert "&lt;script&gt;alert(&quot;text&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=y onerror=alert(2)&gt;" in page
    assert "&lt;i&gt;Chief&lt;/i&gt;" in page
    # and the span list, which shows the same text in context
    listing = mona.get(SPANS).content.decode()
    assert "<script>alert" not in listing


def test_review_page_of_another_projects_document_is_404(client, other_moderator, document):
    client.force_login(staff(other_moderator))
    assert client.get(f"/admin/annotations/document/{document.pk}/review/").status_code == 404


# --- history and restore ------------------------------------------------------------------------


def test_history_page_shows_who_changed_what_from_what_to_what(mona, reviewer, moderator, claim):
    services.span_update(span=claim, actor=reviewer, version=1, note="first note")
    services.span_review(span=claim, actor=moderator, status="rejected", reason="Too broad")
    page = mona.get(f"{SPANS}{claim.pk}/history/").content.decode()
    rows = page.split('class="history-entry"')[1:]
    assert [("create" in r, "update" in r, "reject" in r) for r in rows] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]
    assert "rita" in rows[1] and "first note" in rows[1]
    assert "<del>pending</del> → <ins>rejected</ins>" in rows[2]
    assert "mona" in rows[2] and "Too broad" in rows[2]


def test_moderator_restores_a_deleted_span_from_the_review_page(mona, document, reviewer, claim):
    services.span_delete(span=claim, actor=reviewer)
    url = f"/admin/annotations/document/{document.pk}/review/"
    assert "Deleted spans (1)" in mona.get(url).content.decode()
    response = mona.post(f"{SPANS}{claim.pk}/restore/", {"next": url})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.deleted_at is None
    assert AuditEvent.objects.filter(object_id=claim.pk, action="restore").exists()


def test_restore_action_brings_back_selected_deleted_spans(mona, reviewer, spans):
    services.span_delete(span=spans[0], actor=reviewer)
    mona.post(
        f"{SPANS}?deleted=yes",
        {"action": "restore_selected", "_selected_action": [spans[0].pk], "index": 0},
    )
    spans[0].refresh_from_db()
    assert spans[0].deleted_at is None


# --- the dashboard -----------------------------------------------------------------------------


def test_dashboard_draws_charts_as_svg(mona, desk, document, spans, reviewer):
    services.verdict_set(span=spans[0], actor=reviewer, rating="false")
    page = mona.get(f"/admin/annotations/project/{desk.pk}/dashboard/").content.decode()
    for chart in (
        "Documents by state",
        "Spans by outlet and label",
        "Verdicts by rating, from true to false",
        "Spans per reviewer per week",
        "Span agreement (F1) per label",
    ):
        assert '<svg class="chart" ' in page and f"<title>{chart}</title>" in page
    assert "style=" not in page.split('<div id="content-main"')[1]  # the CSP forbids it


def test_dashboard_of_another_project_is_404(client, other_moderator, desk):
    client.force_login(staff(other_moderator))
    assert client.get(f"/admin/annotations/project/{desk.pk}/dashboard/").status_code == 404


# --- who sees what -----------------------------------------------------------------------------


def test_staff_status_alone_shows_no_project_data(client, django_user_model, spans):
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert "Annotations" not in client.get("/admin/").content.decode()
    assert client.get(SPANS).status_code == 403


def test_a_superuser_manages_projects_but_sees_no_spans_without_a_role(
    client, django_user_model, spans, desk
):
    boss = django_user_model.objects.create_superuser("boss", password="x")
    client.force_login(boss)
    assert client.get("/admin/annotations/project/").status_code == 200
    assert client.get(SPANS).status_code == 403
    assert (
        client.get(f"/admin/annotations/document/{spans[0].document_id}/review/").status_code == 404
    )


def test_superuser_adds_a_moderator_through_the_membership_page(client, django_user_model, desk):
    boss = django_user_model.objects.create_superuser("boss", password="x")
    newbie = django_user_model.objects.create_user("nina", password="x")
    client.force_login(boss)
    response = client.post(
        "/admin/annotations/membership/add/",
        {"project": desk.pk, "user": newbie.pk, "role": "moderator"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newbie.refresh_from_db()
    assert newbie.is_staff
    assert AuditEvent.objects.filter(object_type="membership", action="add").exists()


def test_span_and_verdict_pages_offer_the_decisions_and_the_history(mona, reviewer, claim):
    verdict = services.verdict_set(span=claim, actor=reviewer, rating="mixed")
    span_page = mona.get(f"{SPANS}{claim.pk}/change/").content.decode()
    assert "Approve span" in span_page and "Reject span" in span_page
    assert f"{SPANS}{claim.pk}/history/" in span_page
    assert 'name="_save"' not in span_page  # read-only: changes go through the services
    verdict_page = mona.get(f"/admin/annotations/verdict/{verdict.pk}/change/").content.decode()
    assert "Approve verdict" in verdict_page


def test_suggestion_and_run_lists_are_scoped_and_filterable(mona, document, other_desk, outsider):
    from annotations.models import Suggestion, SuggestionRun

    # Suggestions are written by the suggester's service elsewhere; rows suffice for a list.
    foreign = make_document(other_desk, actor=outsider, text="Other words here.")
    for doc in (document, foreign):
        run = SuggestionRun.objects.create(document=doc, status="done")
        Suggestion.objects.create(
            document=doc,
            run=run,
            label="CLAIM",
            start=0,
            end=6,
            text=doc.text[:6],
            score=0.9,
            reason="a number",
            suggester="claims",
            suggester_version="1",
        )
    page = mona.get("/admin/annotations/suggestion/", {"label__exact": "CLAIM"}).content.decode()
    assert _linked_ids(page, "suggestion") == set(
        Suggestion.objects.filter(document=document).values_list("pk", flat=True)
    )
    runs = mona.get("/admin/annotations/suggestionrun/").content.decode()
    assert _linked_ids(runs, "suggestionrun") == set(
        SuggestionRun.objects.filter(document=document).values_list("pk", flat=True)
    )


def test_import_jobs_list_is_scoped_filterable_and_read_only(
    mona, desk, other_desk, reviewer, outsider
):
    from annotations.models import ImportJob

    failed = ImportJob.objects.create(
        project=desk,
        created_by=reviewer,
        file_name="wire-copy.jsonl",
        status="failed",
        lines_read=12,
        error_count=1,
        errors=[{"line": 12, "reason": "span 3: end 900 is past the text (812 characters)"}],
        error="12 lines read; line 12 was refused, so nothing was imported.",
    )
    done = ImportJob.objects.create(
        project=desk, created_by=reviewer, file_name="archive.jsonl", status="done"
    )
    ImportJob.objects.create(project=other_desk, created_by=outsider, file_name="theirs.jsonl")

    page = mona.get("/admin/annotations/importjob/").content.decode()
    assert _linked_ids(page, "importjob") == {failed.pk, done.pk}  # not the other desk's
    assert "wire-copy.jsonl" in page and "theirs.jsonl" not in page
    only_failed = mona.get("/admin/annotations/importjob/", {"status__exact": "failed"})
    assert _linked_ids(only_failed.content.decode(), "importjob") == {failed.pk}

    detail = mona.get(f"/admin/annotations/importjob/{failed.pk}/change/").content.decode()
    assert "end 900 is past the text" in detail  # why it failed, line by line
    assert 'name="_save"' not in detail  # read-only: jobs start from the upload page or API
    assert mona.get("/admin/annotations/importjob/add/").status_code == 403


# --- the review decisions, as data -------------------------------------------------------------


def test_every_review_status_has_one_decision_named_as_the_history_names_it():
    from annotations.admin.review_actions import REVIEW
    from annotations.models import ReviewStatus
    from annotations.services.moderation import REVIEW_ACTIONS

    assert sorted(a.status for a in REVIEW) == sorted(ReviewStatus.values)
    assert {a.status: a.name for a in REVIEW} == REVIEW_ACTIONS
    assert [a.admin_action for a in REVIEW] == [
        "approve_selected",
        "reject_selected",
        "reopen_selected",
    ]


def test_the_span_list_offers_each_decision_and_restore_in_its_action_menu(mona, spans):
    page = mona.get(SPANS).content.decode()
    offered = re.findall(
        r'<option value="(\w+)"', page.split('name="action"')[1].split("</select>")[0]
    )
    assert offered == ["approve_selected", "reject_selected", "reopen_selected", "restore_selected"]


def test_bulk_reopen_takes_back_the_decision(mona, spans, moderator):
    services.span_review(span=spans[0], actor=moderator, status="rejected", reason="Too broad")
    response = mona.post(
        SPANS,
        {"action": "reopen_selected", "_selected_action": [spans[0].pk, spans[1].pk], "index": 0},
        follow=True,
    )
    assert "1 spans pending. 1 skipped (already pending, or deleted)." in response.content.decode()
    spans[0].refresh_from_db()
    assert (spans[0].review_status, spans[0].review_reason, spans[0].reviewed_by) == (
        "pending",
        "",
        None,
    )
