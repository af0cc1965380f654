"""The workspace's server side: a page whose queries do not grow with its spans, undo of a
delete through the API, and the document list with search and review progress."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.models import Span
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db


def _document_with_spans(desk, reviewer, moderator, count: int):
    """`count` sentences, each a CLAIM with a verdict, a nested QUOTE with a speaker, and
    an OPINION by a second author over the same words."""
    sentences = [f"Sentence {i} says “the toll was {i}” today." for i in range(count)]
    document = make_document(desk, actor=reviewer, text=" ".join(sentences), title=f"n={count}")
    for i, sentence in enumerate(sentences):
        claim = make_span(document, reviewer, sentence)
        services.verdict_set(span=claim, actor=reviewer, rating="mixed", rationale=str(i))
        make_span(document, reviewer, f"the toll was {i}", label="QUOTE", speaker="Police")
        make_span(document, moderator, f"the toll was {i}", label="OPINION")
    return document


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_workspace_page_and_document_json_take_the_same_queries_for_3_or_30_spans(
    client, desk, reviewer, moderator
):
    small = _document_with_spans(desk, reviewer, moderator, 1)
    large = _document_with_spans(desk, reviewer, moderator, 10)
    assert large.spans.count() == 30
    client.force_login(reviewer)
    for url in ("/documents/{}/", "/api/v1/documents/{}/"):
        _queries(client, url.format(small.pk))  # warm the session and the role cache
        assert _queries(client, url.format(small.pk)) == _queries(client, url.format(large.pk))


def test_author_undoes_a_delete_through_the_restore_endpoint(api, reviewer, claim):
    client = api(reviewer)
    assert client.delete(f"/api/v1/spans/{claim.pk}/?version={claim.version}").status_code == 204
    assert client.get(f"/api/v1/spans/{claim.pk}/").status_code == 404

    response = client.post(f"/api/v1/spans/{claim.pk}/restore/")
    assert response.status_code == 200
    assert response.json()["text"] == claim.text
    assert response.json()["version"] == claim.version + 2
    claim.refresh_from_db()
    assert claim.deleted_at is None


def test_restore_is_refused_to_other_reviewers_and_hidden_from_outsiders(
    api, reviewer, second_reviewer, outsider, claim
):
    services.span_delete(span=claim, actor=reviewer)
    assert api(second_reviewer).post(f"/api/v1/spans/{claim.pk}/restore/").status_code == 403
    assert api(outsider).post(f"/api/v1/spans/{claim.pk}/restore/").status_code == 404
    assert api(None).post(f"/api/v1/spans/{claim.pk}/restore/").status_code == 401
    claim.refresh_from_db()
    assert claim.deleted_at is not None


def test_restore_answers_409_when_the_same_span_was_made_again(api, reviewer, document, claim):
    services.span_delete(span=claim, actor=reviewer)
    make_span(document, reviewer, claim.text)
    response = api(reviewer).post(f"/api/v1/spans/{claim.pk}/restore/")
    assert response.status_code == 409
    assert "identical span" in response.json()["detail"]
    assert Span.objects.filter(text=claim.text, deleted_at__isnull=True).count() == 1


def test_document_list_searches_title_and_outlet(client, desk, reviewer):
    make_document(desk, actor=reviewer, title="Province claim", outlet="Voice Of Vienna")
    make_document(desk, actor=reviewer, title="Kashmir attack", outlet="The Wire")
    client.force_login(reviewer)
    url = f"/projects/{desk.pk}/"

    by_title = client.get(url, {"q": "kashmir"}).content.decode()
    assert "Kashmir attack" in by_title and "Province claim" not in by_title
    by_outlet = client.get(url, {"q": "vienna"}).content.decode()
    assert "Province claim" in by_outlet and "Kashmir attack" not in by_outlet
    nothing = client.get(url, {"q": "<b>none</b>"}).content.decode()
    assert "No document matches “&lt;b&gt;none&lt;/b&gt;”" in nothing


def test_document_list_shows_how_far_the_review_has_come(
    client, desk, reviewer, moderator, document, claim
):
    make_span(document, reviewer, "pure propaganda", label="QUOTE")
    make_span(document, reviewer, "Police dismissed the claims", label="OPINION")
    services.verdict_set(span=claim, actor=reviewer, rating="true")
    # A moderator's decision, as the admin records it (moderation is another issue's service).
    Span.objects.filter(pk=claim.pk).update(review_status="approved")
    Span.objects.filter(label="OPINION").update(review_status="rejected")
    client.force_login(reviewer)
    page = client.get(f"/projects/{desk.pk}/").content.decode()
    assert "2 of 3 reviewed" in page
    assert "(1 rejected)" in page
    assert "1 of 1 claims rated" in page
    assert 'max="3" value="2"' in page


def test_the_page_describes_spans_exactly_as_the_api_does(reviewer, document, claim):
    from annotations.api.serializers import SpanSerializer
    from annotations.presenters import span_data
    from annotations.selectors import document_spans

    services.verdict_set(
        span=claim, actor=reviewer, rating="false", evidence_links=["https://example.org/a"]
    )
    quote = make_span(document, reviewer, "pure propaganda", label="QUOTE", speaker="Police")
    for span in document_spans(document).filter(pk__in=[claim.pk, quote.pk]):
        assert span_data(span) == SpanSerializer(span).data


def test_the_page_shows_a_span_being_saved_with_every_field_the_api_gives(reviewer, document):
    from annotations.api.serializers import SpanSerializer
    from annotations.presenters import span_draft

    draft = span_draft(document, reviewer.username)
    assert list(draft) == list(SpanSerializer.Meta.fields)
    assert {name: draft[name] for name in ("id", "document", "author", "origin", "verdict")} == {
        "id": None,
        "document": document.pk,
        "author": reviewer.username,
        "origin": "manual",
        "verdict": None,
    }
    assert (draft["review_status"], draft["speaker"], draft["note"]) == ("pending", "", "")
