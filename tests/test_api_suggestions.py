"""The suggestion endpoints: run again, read runs and suggestions, accept, reject, accept above."""

from __future__ import annotations

import pytest

from annotations import services
from annotations.models import Span

pytestmark = pytest.mark.django_db

TEXT = "“It has no relevance in Kashmir,” said a senior police official. The raid killed 4 people in 2019."


@pytest.fixture
def suggested(desk, reviewer):
    from tests.factories import make_document

    document = make_document(desk, actor=reviewer, text=TEXT)
    services.suggestion_run_execute(run_id=document.suggestion_runs.get().pk)
    return document


def test_post_suggest_queues_a_new_run_and_the_runs_list_shows_it_first(api, reviewer, suggested):
    response = api(reviewer).post(f"/api/v1/documents/{suggested.pk}/suggest/")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    runs = api(reviewer).get(f"/api/v1/documents/{suggested.pk}/suggestion-runs/").json()
    assert [r["status"] for r in runs] == ["queued", "done"]
    assert runs[1]["counts"]["created"] >= 2


def test_open_suggestions_are_listed_with_reason_and_speaker(api, reviewer, suggested):
    rows = api(reviewer).get(f"/api/v1/documents/{suggested.pk}/suggestions/").json()
    quote = next(r for r in rows if r["label"] == "QUOTE")
    assert quote["speaker"] == "a senior police official"
    assert "said a senior police official" in quote["reason"]
    assert TEXT[quote["start"] : quote["end"]] == quote["text"]


def test_accepting_over_the_api_makes_a_span_and_rejecting_hides_the_suggestion(
    api, reviewer, suggested
):
    rows = api(reviewer).get(f"/api/v1/documents/{suggested.pk}/suggestions/").json()
    quote = next(r for r in rows if r["label"] == "QUOTE")
    claim = next(r for r in rows if r["label"] == "CLAIM")
    accepted = api(reviewer).post(f"/api/v1/suggestions/{quote['id']}/accept/")
    assert accepted.status_code == 201
    assert accepted.json()["origin"] == f"suggestion:{quote['id']}"
    assert (
        api(reviewer).post(f"/api/v1/suggestions/{claim['id']}/reject/").json()["status"]
        == "rejected"
    )
    left = api(reviewer).get(f"/api/v1/documents/{suggested.pk}/suggestions/").json()
    assert {r["id"] for r in left}.isdisjoint({quote["id"], claim["id"]})
    again = api(reviewer).post(f"/api/v1/suggestions/{quote['id']}/accept/")
    assert again.status_code == 409


def test_accept_all_above_a_score(api, reviewer, suggested):
    response = api(reviewer).post(
        f"/api/v1/documents/{suggested.pk}/suggestions/accept/", {"min_score": 0.0}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["accepted"] == Span.objects.filter(document=suggested).count() >= 2


@pytest.mark.parametrize(
    "body",
    [
        {"min_score": 2},
        {"min_score": "high"},
        {},
        # JSON false is not the number 0 (which would accept every open suggestion), nor is "0.5"
        {"min_score": False},
        {"min_score": "0.5"},
    ],
)
def test_accept_above_with_a_bad_score_is_400(api, reviewer, suggested, body):
    response = api(reviewer).post(
        f"/api/v1/documents/{suggested.pk}/suggestions/accept/", body, format="json"
    )
    assert response.status_code == 400
    assert "min_score" in response.json()
    assert not Span.objects.filter(document=suggested).exists()


def test_a_bad_status_filter_is_400(api, reviewer, suggested):
    response = api(reviewer).get(f"/api/v1/documents/{suggested.pk}/suggestions/?status=maybe")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/documents/{doc}/suggest/"),
        ("get", "/api/v1/documents/{doc}/suggestion-runs/"),
        ("get", "/api/v1/documents/{doc}/suggestions/"),
        ("post", "/api/v1/suggestions/{sug}/accept/"),
        ("post", "/api/v1/suggestions/{sug}/reject/"),
    ],
)
def test_outsiders_get_404_and_anonymous_401_on_suggestion_endpoints(
    api, outsider, suggested, method, path
):
    url = path.format(doc=suggested.pk, sug=suggested.suggestions.first().pk)
    assert getattr(api(outsider), method)(url).status_code == 404
    assert getattr(api(None), method)(url).status_code == 401
