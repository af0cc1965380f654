"""Machine suggestions on the workspace page, server side: the open suggestions and the latest run
embedded in the page, described exactly as the API does, in queries that do not grow with them."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.api.serializers import SuggestionRunSerializer, SuggestionSerializer
from annotations.models import Suggestion
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db


def _sentences(count: int) -> str:
    return " ".join(
        f"Sentence {i} says “the toll was {i}” today, said Rita Katz. "
        f"The bombing killed at least {250 + i} people."
        for i in range(count)
    )


def _suggested(desk, reviewer, count: int):
    """A document with `count` sentence pairs, its import's run executed: open suggestions."""
    document = make_document(desk, actor=reviewer, text=_sentences(count), title=f"n={count}")
    services.suggestion_run_execute(run_id=document.suggestion_runs.get().pk)
    return document


def _workspace(client, document) -> dict:
    response = client.get(f"/documents/{document.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<script id="workspace-data" type="application/json">')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_page_embeds_the_open_suggestions_as_the_api_lists_them(client, desk, reviewer):
    document = _suggested(desk, reviewer, 2)
    accepted, rejected = document.suggestions.order_by("start")[:2]
    services.suggestion_accept(suggestion=accepted, actor=reviewer)
    services.suggestion_reject(suggestion=rejected, actor=reviewer)
    client.force_login(reviewer)

    embedded = _workspace(client, document)["suggestions"]
    listed = client.get(f"/api/v1/documents/{document.pk}/suggestions/?status=open").json()
    assert embedded == listed
    assert len(embedded) == document.suggestions.count() - 2
    ids = {s["id"] for s in embedded}
    assert accepted.pk not in ids and rejected.pk not in ids
    quote = next(s for s in embedded if s["label"] == "QUOTE")
    assert "said Rita Katz" in quote["reason"] and quote["speaker"] == "Rita Katz"


def test_suggestion_data_equals_the_serializer_for_open_and_decided_suggestions(desk, reviewer):
    from annotations.presenters import suggestion_data

    document = _suggested(desk, reviewer, 1)
    services.suggestion_reject(suggestion=document.suggestions.first(), actor=reviewer)
    for suggestion in document.suggestions.all():
        assert suggestion_data(suggestion) == SuggestionSerializer(suggestion).data


def test_page_embeds_the_newest_run_with_its_state_and_the_urls_to_watch_it(client, desk, reviewer):
    document = _suggested(desk, reviewer, 1)
    newer = services.suggestion_run_request(document=document, actor=reviewer)
    client.force_login(reviewer)

    workspace = _workspace(client, document)
    assert workspace["run"] == json.loads(json.dumps(SuggestionRunSerializer(newer).data))
    assert workspace["run"]["status"] == "queued"
    assert workspace["api"]["runs"] == f"/api/v1/documents/{document.pk}/suggestion-runs/"
    assert workspace["api"]["suggest"] == f"/api/v1/documents/{document.pk}/suggest/"
    assert workspace["api"]["accept_above"] == (
        f"/api/v1/documents/{document.pk}/suggestions/accept/"
    )


def test_a_document_without_any_run_shows_none(client, desk, reviewer):
    document = make_document(desk, actor=reviewer, text="Plain words.")
    document.suggestion_runs.all().delete()
    client.force_login(reviewer)
    workspace = _workspace(client, document)
    assert workspace["run"] is None and workspace["suggestions"] == []


def test_page_takes_the_same_queries_for_few_or_many_suggestions_and_spans(client, desk, reviewer):
    small = _suggested(desk, reviewer, 1)
    large = _suggested(desk, reviewer, 12)
    for document in (small, large):  # some accepted (spans from suggestions), a span by hand
        services.suggestions_accept_above(document=document, actor=reviewer, min_score=0.99)
        make_span(document, reviewer, "Sentence 0 says", label="OPINION")
    open_small = small.suggestions.filter(status="open").count()
    open_large = large.suggestions.filter(status="open").count()
    assert (open_small, open_large) == (2, 24)
    assert (small.spans.count(), large.spans.count()) == (2, 13)
    client.force_login(reviewer)
    url = "/documents/{}/"
    _queries(client, url.format(small.pk))  # warm the session and the role cache
    assert _queries(client, url.format(small.pk)) == _queries(client, url.format(large.pk))


def test_suggestion_text_and_reason_cannot_become_markup_on_the_page(client, desk, reviewer):
    document = make_document(
        desk,
        actor=reviewer,
        text="Officials said “</script><script>alert(1)</script>” today, said Rita Katz.",
    )
    services.suggestion_run_execute(run_id=document.suggestion_runs.get().pk)
    assert Suggestion.objects.filter(document=document, text__contains="<script>").exists()
    client.force_login(reviewer)
    html = client.get(f"/documents/{document.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    embedded = _workspace(client, document)["suggestions"]
    assert any("</script><script>" in s["text"] for s in embedded)


def test_outsiders_do_not_see_the_page_or_its_suggestions(client, desk, reviewer, outsider):
    document = _suggested(desk, reviewer, 1)
    client.force_login(outsider)
    assert client.get(f"/documents/{document.pk}/").status_code == 404
