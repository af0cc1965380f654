"""Creating a span over the API: what each request asks the database (span creation runs at
hundreds a second; benchmarks/api_load.py measures it)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.models import AuditEvent, DeskClaim, Span

pytestmark = pytest.mark.django_db


def test_a_new_span_is_answered_without_asking_for_a_verdict_it_cannot_have(
    api, document, reviewer
):
    client = api(reviewer)
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            f"/api/v1/documents/{document.pk}/spans/",
            {"label": "CLAIM", "start": 0, "end": 6, "text": "Police"},
            format="json",
        )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["verdict"] is None
    assert not [q for q in queries.captured_queries if "annotations_verdict" in q["sql"]]
    # Every check and the audit record are still there.
    assert AuditEvent.objects.filter(object_type="span", object_id=answer.json()["id"]).exists()
    again = client.post(
        f"/api/v1/documents/{document.pk}/spans/",
        {"label": "CLAIM", "start": 0, "end": 6, "text": "Police"},
        format="json",
    )
    assert again.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_a_span_is_created_in_three_round_trips_with_its_record(api, document, reviewer):
    """The token, the document with the requester's role, and one statement writing the span
    and its history record: no membership query, no BEGIN/COMMIT or savepoint around it."""
    client = api(reviewer)
    client.get(f"/api/v1/documents/{document.pk}/")  # the token's last use is written once
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            f"/api/v1/documents/{document.pk}/spans/",
            {"label": "QUOTE", "start": 0, "end": 6, "text": "Police", "speaker": "A minister"},
            format="json",
        )
    assert answer.status_code == 201, answer.json()
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len(sqls) == 3, sqls
    assert not [sql for sql in sqls if 'annotations_membership" WHERE' in sql]
    record = AuditEvent.objects.get(object_type="span", object_id=answer.json()["id"])
    assert (record.action, record.actor, record.project_id) == (
        "create",
        reviewer,
        document.project_id,
    )
    assert record.after["speaker"] == "A minister" and record.before is None
    stored = Span.objects.get(pk=answer.json()["id"])
    answered = datetime.fromisoformat(answer.json()["created_at"].replace("Z", "+00:00"))
    assert answered == stored.created_at


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_span_outside_a_transaction_is_refused_and_leaves_no_record(
    api, document, reviewer
):
    client = api(reviewer)
    body = {"label": "OPINION", "start": 0, "end": 6, "text": "Police"}
    assert (
        client.post(f"/api/v1/documents/{document.pk}/spans/", body, format="json").status_code
        == 201
    )
    again = client.post(f"/api/v1/documents/{document.pk}/spans/", body, format="json")
    assert again.status_code == 400
    assert "already have a OPINION span at 0:6" in str(again.json())
    assert Span.objects.filter(document=document).count() == 1
    assert AuditEvent.objects.filter(object_type="span").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_member_of_another_project_still_cannot_add_spans(api, document, outsider):
    answer = api(outsider).post(
        f"/api/v1/documents/{document.pk}/spans/",
        {"label": "QUOTE", "start": 0, "end": 6, "text": "Police", "speaker": "x"},
        format="json",
    )
    assert answer.status_code == 404
    assert not Span.objects.filter(document=document).exists()


@pytest.mark.django_db(transaction=True)
def test_a_new_claim_makes_its_desk_claim_in_the_same_statement_as_the_span(
    api, document, reviewer
):
    """A CLAIM on new words: the same-words lookup, its desk claim and the span, each with its
    history record, in one statement after the token and the document; no BEGIN, COMMIT or
    savepoint."""
    client = api(reviewer)
    client.get(f"/api/v1/documents/{document.pk}/")
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            f"/api/v1/documents/{document.pk}/spans/",
            {"label": "CLAIM", "start": 0, "end": 6, "text": "Police"},
            format="json",
        )
    assert answer.status_code == 201, answer.json()
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len(sqls) == 3, sqls
    assert answer.json()["verdict"] is None
    desk_claim = DeskClaim.objects.get(pk=answer.json()["desk_claim"])
    assert (desk_claim.wording, desk_claim.project_id, desk_claim.created_by) == (
        "Police",
        document.project_id,
        reviewer,
    )
    assert desk_claim.search_vector  # the wording's search words, as any desk claim's
    records = AuditEvent.objects.filter(action="create", actor=reviewer)
    made = records.get(object_type="deskclaim", object_id=desk_claim.pk)
    assert made.after == {"wording": "Police", "version": 1}
    assert records.filter(object_type="span", object_id=answer.json()["id"]).exists()


@pytest.mark.django_db(transaction=True)
def test_a_claim_on_words_another_reviewer_tagged_joins_their_desk_claim_and_shows_its_verdict(
    api, document, reviewer, second_reviewer
):
    body = {"label": "CLAIM", "start": 0, "end": 6, "text": "Police"}
    first = api(reviewer).post(f"/api/v1/documents/{document.pk}/spans/", body, format="json")
    desk_claim = DeskClaim.objects.get(pk=first.json()["desk_claim"])
    services.verdict_set(desk_claim=desk_claim, actor=reviewer, rating="false")
    theirs = api(second_reviewer).post(
        f"/api/v1/documents/{document.pk}/spans/", body, format="json"
    )
    assert theirs.status_code == 201, theirs.json()
    assert theirs.json()["desk_claim"] == desk_claim.pk
    assert theirs.json()["verdict"]["rating"] == "false"
    assert DeskClaim.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="deskclaim", action="create").count() == 1
    assert AuditEvent.objects.filter(
        object_type="span", object_id=theirs.json()["id"], actor=second_reviewer
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_a_refused_claim_leaves_no_desk_claim_or_record_behind(api, document, reviewer):
    client = api(reviewer)
    body = {"label": "CLAIM", "start": 0, "end": 6, "text": "Police"}
    first = client.post(f"/api/v1/documents/{document.pk}/spans/", body, format="json")
    # A CLAIM that is a mention of nothing (as a row written before desk claims could be) lends
    # no desk claim to the same words: the second one makes its own, in the statement the
    # duplicate refuses.
    Span.objects.filter(pk=first.json()["id"]).update(desk_claim=None)
    again = client.post(f"/api/v1/documents/{document.pk}/spans/", body, format="json")
    assert again.status_code == 400
    assert "already have a CLAIM span at 0:6" in str(again.json())
    assert Span.objects.filter(document=document).count() == 1
    assert DeskClaim.objects.count() == 1
    assert AuditEvent.objects.filter(object_type__in=("span", "deskclaim")).count() == 2
