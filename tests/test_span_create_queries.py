"""Creating a span over the API: what each request asks the database (span creation runs at
hundreds a second; benchmarks/api_load.py measures it)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import AuditEvent

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
