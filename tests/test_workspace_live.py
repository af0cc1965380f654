"""The workspace's endpoints beyond spans and suggestions: the live poll (304 while nothing
changed), recently deleted spans and their restore, taking back decisions on suggestions, and
the inbox of moderators' decisions (page and API)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import AuditEvent, ReviewStatus, Span, Suggestion, SuggestionRun
from tests.factories import make_span

pytestmark = pytest.mark.django_db


def live_url(document) -> str:
    return reverse("api-document-live", args=[document.pk])


def poll(client, document, tag=None):
    headers = {} if tag is None else {"HTTP_IF_NONE_MATCH": tag}
    return client.get(live_url(document), **headers)


def test_the_live_poll_answers_304_while_nothing_changed_and_200_with_the_change(
    api, document, reviewer, second_reviewer, moderator
):
    client = api(reviewer)
    first = poll(client, document)
    assert first.status_code == 200
    tag = first["ETag"]
    assert first.json()["spans"] == [] and first.json()["tag"] == tag

    unchanged = poll(client, document, tag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == tag

    # Someone else's span: the tag changes and the span comes with its fields.
    theirs = make_span(document, second_reviewer, "pure propaganda", label="OPINION")
    changed = poll(client, document, tag)
    assert changed.status_code == 200
    assert [s["id"] for s in changed.json()["spans"]] == [theirs.pk]
    assert changed.json()["spans"][0]["author"] == "ravi"
    tag = changed["ETag"]
    assert poll(client, document, tag).status_code == 304

    # A moderator's decision changes it too, and says so.
    services.span_review(span=theirs, actor=moderator, status="rejected", reason="Too vague")
    reviewed = poll(client, document, tag)
    assert reviewed.status_code == 200
    assert reviewed.json()["spans"][0]["review_status"] == "rejected"
    assert reviewed.json()["spans"][0]["review_reason"] == "Too vague"
    tag = reviewed["ETag"]

    # A delete: the span leaves the list.
    services.span_delete(span=theirs, actor=second_reviewer)
    gone = poll(client, document, tag)
    assert gone.status_code == 200 and gone.json()["spans"] == []


def test_the_live_poll_changes_with_a_verdict_on_a_claim_and_with_its_removal(
    api, document, claim, reviewer, second_reviewer
):
    client = api(reviewer)
    tag = poll(client, document)["ETag"]
    services.rating_set(desk_claim=claim.desk_claim, actor=second_reviewer, rating="false")
    with_verdict = poll(client, document, tag)
    assert with_verdict.status_code == 200
    assert with_verdict.json()["spans"][0]["verdict"]["rating"] == "false"
    tag = with_verdict["ETag"]
    services.verdict_delete(desk_claim=claim.desk_claim, actor=reviewer)
    without = poll(client, document, tag)
    assert without.status_code == 200
    assert without.json()["spans"][0]["verdict"] is None


def test_the_live_poll_is_for_members_only(api, document, outsider):
    assert poll(api(outsider), document).status_code == 404
    assert poll(api(None), document).status_code in (401, 403)


def test_recently_deleted_lists_my_deleted_spans_only_and_a_restore_brings_one_back(
    api, document, reviewer, second_reviewer
):
    mine = make_span(document, reviewer, "pure propaganda", label="OPINION")
    theirs = make_span(document, second_reviewer, "Police dismissed", label="CLAIM")
    services.span_delete(span=mine, actor=reviewer)
    services.span_delete(span=theirs, actor=second_reviewer)
    client = api(reviewer)
    url = reverse("api-document-deleted-spans", args=[document.pk])
    listed = client.get(url).json()
    assert [s["id"] for s in listed] == [mine.pk]
    assert listed[0]["deleted"] is True and listed[0]["text"] == "pure propaganda"

    restored = client.post(reverse("api-span-restore", args=[mine.pk]), {}, format="json")
    assert restored.status_code == 200
    assert client.get(url).json() == []
    assert Span.objects.get(pk=mine.pk).deleted_at is None
    assert AuditEvent.objects.filter(
        object_type="span", object_id=mine.pk, action="restore"
    ).exists()


@pytest.fixture
def suggestions(document):
    run = SuggestionRun.objects.filter(document=document).first() or SuggestionRun.objects.create(
        document=document
    )
    made = []
    for phrase, score in (("pure propaganda", 0.9), ("Police dismissed the claims", 0.8)):
        start = document.text.index(phrase)
        made.append(
            Suggestion.objects.create(
                document=document,
                run=run,
                label="OPINION",
                start=start,
                end=start + len(phrase),
                text=phrase,
                score=score,
                reason="test",
                suggester="opinion-rules",
                suggester_version="1",
            )
        )
    return made


def test_a_rejected_suggestion_is_brought_back_and_an_accept_is_taken_back(
    api, document, reviewer, suggestions
):
    rejected, accepted = suggestions
    services.suggestion_reject(suggestion=rejected, actor=reviewer)
    span = services.suggestion_accept(suggestion=accepted, actor=reviewer)
    client = api(reviewer)
    url = reverse("api-document-suggestions-reopen", args=[document.pk])
    answer = client.post(url, {"ids": [rejected.pk, accepted.pk]}, format="json")
    assert answer.status_code == 200
    assert sorted(s["status"] for s in answer.json()) == ["open", "open"]
    assert set(Suggestion.objects.values_list("status", flat=True)) == {"open"}
    span.refresh_from_db()
    assert span.deleted_at is not None  # the accept's span went with it
    assert AuditEvent.objects.filter(action="reopen", object_type="suggestion").count() == 2


def test_reopening_refuses_an_unknown_suggestion_and_someone_elses_accept(
    api, document, reviewer, second_reviewer, suggestions
):
    client = api(reviewer)
    url = reverse("api-document-suggestions-reopen", args=[document.pk])
    bad = client.post(url, {"ids": [999_999]}, format="json")
    assert bad.status_code == 400 and "ids" in bad.json()
    empty = client.post(url, {"ids": []}, format="json")
    assert empty.status_code == 400 and "ids" in empty.json()
    services.suggestion_accept(suggestion=suggestions[0], actor=second_reviewer)
    refused = client.post(url, {"ids": [suggestions[0].pk]}, format="json")
    assert refused.status_code == 409
    assert Suggestion.objects.get(pk=suggestions[0].pk).status == "accepted"
    assert Span.objects.get(suggestion=suggestions[0]).deleted_at is None


def test_the_inbox_lists_rejections_with_their_reasons_first_and_counts_them(
    api, client, document, reviewer, second_reviewer, moderator
):
    approved = make_span(document, reviewer, "The bombers killed at least 253 people.")
    rejected = make_span(document, reviewer, "pure propaganda", label="OPINION")
    pending = make_span(document, reviewer, "Police dismissed", label="CLAIM")
    theirs = make_span(document, second_reviewer, "Police", label="QUOTE")
    services.span_review(
        span=rejected, actor=moderator, status=ReviewStatus.REJECTED, reason="Not an opinion"
    )
    services.span_review(span=approved, actor=moderator, status=ReviewStatus.APPROVED)
    services.span_review(span=theirs, actor=moderator, status=ReviewStatus.REJECTED, reason="x")

    inbox = api(reviewer).get(reverse("api-inbox")).json()
    assert inbox["rejected"] == 1
    assert [(e["id"], e["status"]) for e in inbox["entries"]] == [
        (rejected.pk, "rejected"),
        (approved.pk, "approved"),
    ]
    assert inbox["entries"][0]["reason"] == "Not an opinion"
    assert inbox["entries"][0]["reviewed_by"] == "mona"
    assert pending.pk not in [e["id"] for e in inbox["entries"]]

    client.force_login(reviewer)
    page = client.get(reverse("inbox")).content.decode()
    assert "Reason: Not an opinion" in page
    assert page.index("Not an opinion") < page.index("Approved")
    assert 'id="inbox-count">1<' in page
    # The header counts on every page.
    assert 'id="inbox-count">1<' in client.get(reverse("project-list")).content.decode()


def test_the_inbox_is_empty_for_an_outsider(api, document, reviewer, moderator, outsider):
    rejected = make_span(document, reviewer, "pure propaganda", label="OPINION")
    services.span_review(span=rejected, actor=moderator, status="rejected", reason="No")
    assert api(outsider).get(reverse("api-inbox")).json() == {"rejected": 0, "entries": []}
