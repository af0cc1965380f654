"""Reading a document with its spans and their verdicts over the API: the same objects as the
span serializer gives, in a number of queries that does not grow with the spans
(benchmarks/profile_requests.py times it at 50 and 2,000 spans)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from annotations import services
from annotations.api.serializers import DocumentDetailSerializer, SpanSerializer
from annotations.models import Span, Suggestion, Verdict
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


def _serialized(document) -> bytes:
    """The answer as DocumentDetailSerializer writes it, through the API's own renderer."""
    from annotations.api.renderers import ORJSONRenderer

    data = DocumentDetailSerializer(document, context={"spans": document_spans(document)}).data
    return ORJSONRenderer().render(data)


def _desk_document(desk, reviewer, moderator):
    """Every kind of span the page shows: each label, a speaker, a note, an accepted
    suggestion, a verdict (with evidence) shared by two mentions and reviewed, a rejected span,
    a deleted one, times with and without microseconds, metadata and a publication date."""
    text = (
        "Officials said 🙂 the toll was “at least 253”. “We will rebuild,” said the mayor. "
        "The occupied district voted. The toll was at least 253, police said. مرحبا 中文 e\u0301."
    )
    document = make_document(
        desk,
        actor=reviewer,
        text=text,
        title="Everything",
        outlet="Wire",
        author="A. Writer",
        source_url="https://example.org/a",
        published_on=date(2026, 3, 1),
        metadata={"section": "world", "tags": ["a", "ü"], "score": 0.5, "n": 3, "x": None},
    )
    first = make_span(document, reviewer, "the toll was “at least 253”")
    make_span(document, reviewer, "The toll was at least 253", desk_claim=first.desk_claim)
    make_span(document, reviewer, "“We will rebuild,”", label="QUOTE", speaker="the mayor")
    make_span(document, reviewer, "occupied", label="OPINION", note="loaded\nword")
    services.verdict_set(
        span=first,
        actor=reviewer,
        rating="mostly_false",
        rationale="Police say 253.",
        evidence_links=["https://example.org/police", "https://example.org/b"],
    )
    services.verdict_review(
        verdict=Verdict.objects.get(desk_claim=first.desk_claim), actor=moderator, status="approved"
    )
    rejected = make_span(document, reviewer, "voted", label="OPINION")
    services.span_review(span=rejected, actor=moderator, status="rejected", reason="Neutral.")
    gone = make_span(document, reviewer, "police said", label="QUOTE", speaker="police")
    services.span_delete(span=gone, actor=reviewer)
    start = text.index("مرحبا")
    suggestion = Suggestion.objects.create(
        document=document,
        label="OPINION",
        start=start,
        end=start + 5,
        text=text[start : start + 5],
        score=0.8,
        reason="a test",
        suggester="opinions",
        suggester_version="1",
    )
    services.suggestion_accept(suggestion=suggestion, actor=reviewer)
    # A time on a whole second: written without the fraction, as Python's isoformat writes it.
    Span.objects.filter(pk=first.pk).update(updated_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    document.refresh_from_db()
    return document


def test_a_document_reads_byte_for_byte_as_its_serializer_writes_it(api, desk, reviewer, moderator):
    document = _desk_document(desk, reviewer, moderator)
    answer = api(reviewer).get(f"/api/v1/documents/{document.pk}/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    assert answer.content == _serialized(document)
    body = answer.json()
    labels = [(span["label"], span["origin"].split(":")[0]) for span in body["spans"]]
    assert sorted(labels) == sorted(
        [("CLAIM", "manual")] * 2
        + [("QUOTE", "manual")]
        + [("OPINION", "manual")] * 2
        + [("OPINION", "suggestion")]
    )  # the deleted span is not there
    claims = [span for span in body["spans"] if span["label"] == "CLAIM"]
    assert [span["verdict"]["evidence_links"] for span in claims] == [
        ["https://example.org/police", "https://example.org/b"]
    ] * 2
    assert {span["verdict"]["review_status"] for span in claims} == {"approved"}
    assert "2026-03-02T10:00:00Z" in {span["updated_at"] for span in claims}
    assert body["metadata"]["tags"] == ["a", "ü"] and body["published_on"] == "2026-03-01"


def test_reading_a_document_is_one_query_after_the_token(api, desk, reviewer, moderator):
    document = _desk_document(desk, reviewer, moderator)
    _, queries = _read(api(reviewer), document)
    assert queries == 2  # the token, then the document with its spans and their verdicts


def test_a_document_outside_the_requesters_projects_or_deleted_is_not_found(
    api, desk, reviewer, moderator, outsider
):
    document = _desk_document(desk, reviewer, moderator)
    assert api(outsider).get(f"/api/v1/documents/{document.pk}/").status_code == 404
    missing = api(reviewer).get(f"/api/v1/documents/{document.pk + 1000}/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No Document matches the given query."}
    services.document_delete(document=document, actor=moderator)
    assert api(reviewer).get(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert api(None).get(f"/api/v1/documents/{document.pk}/").status_code == 401


def test_a_document_asked_for_indented_reads_the_same(api, desk, reviewer, moderator):
    document = _desk_document(desk, reviewer, moderator)
    answer = api(reviewer).get(
        f"/api/v1/documents/{document.pk}/", HTTP_ACCEPT="application/json; indent=2"
    )
    assert answer.status_code == 200
    assert answer.content.startswith(b'{\n  "id"')
    assert json.loads(answer.content) == json.loads(_serialized(document))


def test_a_document_reads_with_an_integer_beyond_64_bits_in_its_metadata(
    api, desk, reviewer, moderator
):
    document = _desk_document(desk, reviewer, moderator)
    type(document).objects.filter(pk=document.pk).update(metadata={"n": 2**70})
    document.refresh_from_db()
    answer = api(reviewer).get(f"/api/v1/documents/{document.pk}/")
    assert answer.status_code == 200
    assert answer.json()["metadata"] == {"n": 2**70}
    data = DocumentDetailSerializer(document, context={"spans": document_spans(document)}).data
    assert answer.content == JSONRenderer().render(data)


@override_settings(TIME_ZONE="Asia/Kolkata")
def test_a_document_shows_its_times_in_the_configured_time_zone(api, desk, reviewer, moderator):
    document = _desk_document(desk, reviewer, moderator)
    answer = api(reviewer).get(f"/api/v1/documents/{document.pk}/")
    assert answer.status_code == 200
    assert answer.content == _serialized(document)
    assert answer.json()["created_at"].endswith("+05:30")
