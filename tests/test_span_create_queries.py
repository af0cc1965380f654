"""Creating a span over the API: what each request asks the database (span creation runs at
hundreds a second; benchmarks/api_load.py measures it)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import AuditEvent, Span

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
def test_a_new_claim_makes_its_desk_claim_without_savepoints(api, document, reviewer):
    """A CLAIM on new words: its desk claim and the span, each with its history record, in one
    transaction of two writes, no savepoint."""
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
    assert not [sql for sql in sqls if "SAVEPOINT" in sql], sqls
    assert len(sqls) <= 7, sqls  # token, document, BEGIN, same-words lookup, 2 writes, COMMIT
    desk_claim = answer.json()["desk_claim"]
    desk_claim_id = desk_claim["id"] if isinstance(desk_claim, dict) else desk_claim
    records = AuditEvent.objects.filter(action="create", actor=reviewer)
    assert records.filter(object_type="deskclaim", object_id=desk_claim_id).exists()
    assert records.filter(object_type="span", object_id=answer.json()["id"]).exists()
