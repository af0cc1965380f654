"""Reading a document with its spans and their verdicts over the API: the same objects as the
span serializer gives, in a number of queries that does not grow with the spans
(benchmarks/profile_requests.py times it at 50 and 2,000 spans)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.api.serializers import SpanSerializer
from annotations.selectors import document_spans
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

SENTENCE = "Officials said 🙂 the toll was {} on day {}. "


def _article(desk, reviewer, spans: int):
    text = "".join(SENTENCE.format(i, i % 7) for i in range(spans))
    document = make_document(desk, actor=reviewer, title=f"{spans} spans", text=text)
    for i in range(spans):
        label = ("CLAIM", "QUOTE", "OPINION")[i % 3]
        fields = {"speaker": "A minister"} if label == "QUOTE" else {}
        span = make_span(document, reviewer, f"the toll was {i} ", label=label, **fields)
        if label == "CLAIM" and i % 2 == 0:
            services.verdict_set(
                span=span, actor=reviewer, rating="false", evidence_links=["https://e.org/x"]
            )
    return document


def _read(client, document) -> tuple[list[dict], int]:
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(f"/api/v1/documents/{document.pk}/")
    assert answer.status_code == 200
    return answer.json()["spans"], len(queries.captured_queries)


def test_reading_a_document_asks_the_same_queries_at_3_and_at_60_spans(api, desk, reviewer):
    client = api(reviewer)
    small, large = _article(desk, reviewer, 3), _article(desk, reviewer, 60)
    small_spans, small_queries = _read(client, small)
    large_spans, large_queries = _read(client, large)
    assert (len(small_spans), len(large_spans)) == (3, 60)
    assert sum(span["verdict"] is not None for span in large_spans) == 10
    assert small_queries == large_queries


def test_a_document_lists_each_span_as_the_span_endpoints_do(api, desk, reviewer):
    document = _article(desk, reviewer, 12)
    spans, _ = _read(api(reviewer), document)
    expected = [dict(SpanSerializer(span).data) for span in document_spans(document)]
    assert spans == [
        dict(item) for item in api(reviewer).get(f"/api/v1/documents/{document.pk}/spans/").json()
    ]
    assert [span["id"] for span in spans] == [span["id"] for span in expected]
    # The same fields and values, times and verdicts included, as the serializer writes them.
    import json

    assert spans == json.loads(json.dumps(expected))


def test_metadata_with_an_integer_beyond_64_bits_is_answered_as_stored(api, desk, reviewer):
    answer = api(reviewer).post(
        f"/api/v1/projects/{desk.pk}/documents/",
        {"title": "Big", "text": "Police said 2 left.", "metadata": {"n": 2**70}},
        format="json",
    )
    assert answer.status_code == 201, answer.content[:300]
    assert answer.json()["metadata"] == {"n": 2**70}
