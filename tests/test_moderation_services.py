"""Moderation services: review states with reasons, history before and after, bulk reviews in
a bounded number of queries, soft delete and restore."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import policy, services
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import AuditEvent, ReviewStatus, Span
from annotations.selectors import object_history
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db


def test_a_new_span_and_a_new_verdict_start_pending(reviewer, claim):
    verdict = services.verdict_set(span=claim, actor=reviewer, rating="false")
    assert claim.review_status == ReviewStatus.PENDING
    assert verdict.review_status == ReviewStatus.PENDING


def test_moderator_approves_a_span_and_history_keeps_before_and_after(moderator, claim):
    services.span_review(span=claim, actor=moderator, status="approved", version=1)
    claim.refresh_from_db()
    assert (claim.review_status, claim.reviewed_by, claim.version) == ("approved", moderator, 2)
    assert claim.reviewed_at is not None
    event = object_history(object_type="span", object_id=claim.pk).last()
    assert (event.action, event.actor) == ("approve", moderator)
    assert event.before["review_status"] == "pending"
    assert event.after["review_status"] == "approved"
    assert (event.before["version"], event.after["version"]) == (1, 2)


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(moderator, claim):
    with pytest.raises(ValidationError) as exc:
        services.span_review(span=claim, actor=moderator, status="rejected", reason="   ")
    assert "reason" in exc.value.errors
    claim.refresh_from_db()
    assert claim.review_status == "pending"
    assert not AuditEvent.objects.filter(object_type="span", action="reject").exists()


def test_rejection_keeps_the_reason_the_reviewer_will_see(moderator, claim):
    services.span_review(span=claim, actor=moderator, status="rejected", reason="Toll is 253.")
    claim.refresh_from_db()
    assert (claim.review_status, claim.review_reason) == ("rejected", "Toll is 253.")


def test_editing_an_approved_span_sends_it_back_to_pending_with_history(reviewer, moderator, claim):
    services.span_review(span=claim, actor=moderator, status="approved")
    services.span_update(span=claim, actor=reviewer, version=2, note="checked the toll")
    claim.refresh_from_db()
    assert claim.review_status == "pending"
    actions = [e.action for e in object_history(object_type="span", object_id=claim.pk)]
    assert actions == ["create", "approve", "update"]
    last = object_history(object_type="span", object_id=claim.pk).last()
    assert (last.before["review_status"], last.after["review_status"]) == ("approved", "pending")
    assert (last.before["note"], last.after["note"]) == ("", "checked the toll")


def test_editing_an_approved_verdict_sends_it_back_to_pending(reviewer, moderator, claim):
    verdict = services.verdict_set(span=claim, actor=reviewer, rating="false")
    services.verdict_review(verdict=verdict, actor=moderator, status="approved")
    verdict = services.verdict_set(span=claim, actor=reviewer, rating="mostly_false", version=2)
    assert verdict.review_status == "pending"
    history = list(object_history(object_type="verdict", object_id=verdict.pk))
    assert [e.action for e in history] == ["create", "approve", "update"]
    assert (history[2].before["rating"], history[2].after["rating"]) == ("false", "mostly_false")


def test_a_review_of_a_span_edited_since_it_was_read_is_a_conflict(reviewer, moderator, claim):
    services.span_update(span=claim, actor=reviewer, version=1, note="changed")
    with pytest.raises(Conflict):
        services.span_review(span=claim, actor=moderator, status="approved", version=1)
    claim.refresh_from_db()
    assert claim.review_status == "pending"


@pytest.mark.parametrize("who", ["reviewer", "outsider", "other_moderator"])
def test_only_a_moderator_of_the_project_may_review(request, who, claim):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.span_review(span=claim, actor=actor, status="approved")
    claim.refresh_from_db()
    assert claim.review_status == "pending"


def test_staff_and_superuser_status_alone_cannot_review(claim, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x")
    with pytest.raises(NotAllowed):
        services.span_review(span=claim, actor=boss, status="approved")


def test_reviewers_delete_is_soft_and_a_moderator_restores_it_with_history(
    reviewer, moderator, claim
):
    services.span_delete(span=claim, actor=reviewer)
    assert Span.objects.filter(pk=claim.pk).exists()  # nothing destroyed
    services.span_restore(span=claim, actor=moderator)
    claim.refresh_from_db()
    assert claim.deleted_at is None
    history = list(object_history(object_type="span", object_id=claim.pk))
    assert [(e.action, e.actor.username) for e in history] == [
        ("create", "rita"),
        ("delete", "rita"),
        ("restore", "mona"),
    ]
    assert (history[2].before["deleted"], history[2].after["deleted"]) == (True, False)


def test_a_reviewer_cannot_restore_another_reviewers_span(reviewer, second_reviewer, document):
    span = make_span(document, second_reviewer, "pure propaganda", label="QUOTE")
    services.span_delete(span=span, actor=second_reviewer)
    with pytest.raises(NotAllowed):
        services.span_restore(span=span, actor=reviewer)


def test_a_deleted_span_must_be_restored_before_it_is_reviewed(reviewer, moderator, claim):
    services.span_delete(span=claim, actor=reviewer)
    with pytest.raises(Conflict):
        services.span_review(span=claim, actor=moderator, status="approved")


# --- bulk -----------------------------------------------------------------------------------


def _thousand_spans(desk, author, n=1000):
    document = make_document(desk, actor=author, text="x" * (n + 1), title="Long")
    Span.objects.bulk_create(
        Span(document=document, label="CLAIM", start=i, end=i + 1, text="x", author=author)
        for i in range(n)
    )
    return document


def test_bulk_approve_of_1000_spans_runs_in_a_bounded_number_of_queries(
    desk, reviewer, moderator, django_assert_max_num_queries
):
    document = _thousand_spans(desk, reviewer)
    spans = Span.objects.filter(document=document)
    # savepoint + ids + locking read + role lookup + UPDATE + INSERT of history + release
    with django_assert_max_num_queries(8):
        result = services.span_review_bulk(spans=spans, actor=moderator, status="approved")
    assert result == {"changed": 1000, "skipped": 0}
    assert spans.filter(review_status="approved", reviewed_by=moderator).count() == 1000
    assert AuditEvent.objects.filter(object_type="span", action="approve").count() == 1000
    event = AuditEvent.objects.filter(object_type="span", action="approve").first()
    assert (event.before["review_status"], event.after["review_status"]) == (
        "pending",
        "approved",
    )


def test_bulk_costs_the_same_queries_for_ten_spans_as_for_a_thousand(desk, reviewer, moderator):
    small = _thousand_spans(desk, reviewer, n=10)
    big = make_document(desk, actor=reviewer, text="y" * 1001, title="Big")
    Span.objects.bulk_create(
        Span(document=big, label="CLAIM", start=i, end=i + 1, text="y", author=reviewer)
        for i in range(1000)
    )
    counts = []
    for document in (small, big):
        policy.forget_roles(moderator)  # each run asks for the roles afresh
        with CaptureQueriesContext(connection) as queries:
            services.span_review_bulk(
                spans=document.spans.all(), actor=moderator, status="rejected", reason="dup"
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_bulk_reject_gives_every_span_the_one_reason(desk, reviewer, moderator, document):
    a = make_span(document, reviewer, "Police dismissed")
    b = make_span(document, reviewer, "at least 253 people")
    services.span_review_bulk(spans=[a, b], actor=moderator, status="rejected", reason="Too long")
    assert set(Span.objects.values_list("review_status", "review_reason")) == {
        ("rejected", "Too long")
    }


def test_bulk_over_two_projects_is_refused_whole_when_one_is_not_moderated(
    reviewer, moderator, claim, other_desk, outsider
):
    foreign_doc = make_document(other_desk, actor=outsider, text="Other words here.")
    foreign = make_span(foreign_doc, outsider, "Other words")
    with pytest.raises(NotAllowed):
        services.span_review_bulk(spans=[claim, foreign], actor=moderator, status="approved")
    assert set(Span.objects.values_list("review_status", flat=True)) == {"pending"}


def test_bulk_skips_deleted_spans_and_spans_already_in_that_state(reviewer, moderator, document):
    a = make_span(document, reviewer, "Police dismissed")
    b = make_span(document, reviewer, "at least 253 people")
    c = make_span(document, reviewer, "pure propaganda", label="QUOTE")
    services.span_review(span=a, actor=moderator, status="approved")
    services.span_delete(span=b, actor=reviewer)
    result = services.span_review_bulk(spans=[a, b, c], actor=moderator, status="approved")
    assert result == {"changed": 1, "skipped": 2}
    b.refresh_from_db()
    assert b.review_status == "pending"


def test_bulk_verdict_review_records_history(reviewer, moderator, claim, document):
    other = make_span(document, reviewer, "Police dismissed")
    v1 = services.verdict_set(span=claim, actor=reviewer, rating="true")
    v2 = services.verdict_set(span=other, actor=reviewer, rating="false")
    result = services.verdict_review_bulk(
        verdicts=[v1, v2], actor=moderator, status="rejected", reason="No evidence"
    )
    assert result["changed"] == 2
    events = AuditEvent.objects.filter(object_type="verdict", action="reject")
    assert {e.object_id for e in events} == {v1.pk, v2.pk}
    assert all(e.after["review_reason"] == "No evidence" for e in events)
