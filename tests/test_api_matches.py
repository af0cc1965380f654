"""Outlet matches over the API: a story's and a span's, decisions, the comparison's state and
re-run, the JSONL export of confirmed matches, scoped like the rest (outsiders get 404)."""

from __future__ import annotations

import json

import pytest

from annotations import presenters, services
from annotations.models import Label, OutletMatch, Role, StoryComparison
from annotations.services import matches as matching
from tests import seed_story as seeds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lexical(settings):
    settings.COMPARE_WITH_ENCODER = False


@pytest.fixture
def seeded(db):
    return seeds.seed_story(members=(("rita", Role.REVIEWER),))


@pytest.fixture
def rita(seeded):
    return seeded.project.members.get(username="rita")


def _lines(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return [json.loads(line) for line in body.splitlines()]


def test_a_storys_matches_with_their_sides_and_details(api, seeded, rita):
    response = api(rita).get(f"/api/v1/stories/{seeded.story.pk}/matches/?kind=quote")
    assert response.status_code == 200
    quotes = response.json()["results"]
    assert {m["kind"] for m in quotes} == {"quote"}
    katz = next(m for m in quotes if seeds.KATZ in m["a"]["text"])
    assert katz["a"]["document"] == seeded.first.pk and katz["b"]["document"] == seeded.second.pk
    assert katz["a"]["title"] == seeded.first.title
    assert [(d["a"], d["b"]) for d in katz["details"]["differences"]] == [
        ("jihadists", "militants"),
        ("Isil", "IS"),
    ]
    assert katz["status"] == "open" and katz["decided_by"] is None
    # The page embeds the same shape.
    stored = OutletMatch.objects.get(pk=katz["id"])
    assert katz == json.loads(json.dumps(presenters.match_data(stored)))


def test_filters_refuse_what_they_do_not_know(api, seeded, rita):
    url = f"/api/v1/stories/{seeded.story.pk}/matches/"
    assert api(rita).get(f"{url}?kind=rumour").status_code == 400
    assert api(rita).get(f"{url}?status=maybe").status_code == 400
    assert api(rita).get(f"{url}?document=x").status_code == 400
    only = api(rita).get(f"{url}?document={seeded.second.pk}&status=open").json()["results"]
    assert only and all(seeded.second.pk in (m["a"]["document"], m["b"]["document"]) for m in only)


def test_a_spans_matches_say_where_else_its_words_appear(api, seeded, rita):
    span = seeded.first.spans.get(label=Label.CLAIM, text=seeds.FIRST_CLAIM)
    response = api(rita).get(f"/api/v1/spans/{span.pk}/matches/")
    assert response.status_code == 200
    kinds = [m["kind"] for m in response.json()]
    assert kinds[0] == "claim" and "number" in kinds


def test_confirm_dismiss_and_reopen_answer_with_the_match(api, seeded, rita):
    quote = seeded.match("quote", seeds.KATZ, seeds.KATZ)
    client = api(rita)
    confirmed = client.post(f"/api/v1/matches/{quote.pk}/confirm/").json()
    assert (confirmed["status"], confirmed["decided_by"]) == ("confirmed", "rita")
    dismissed = client.post(f"/api/v1/matches/{quote.pk}/dismiss/").json()
    assert dismissed["status"] == "dismissed"
    reopened = client.post(f"/api/v1/matches/{quote.pk}/reopen/").json()
    assert (reopened["status"], reopened["decided_at"]) == ("open", None)
    assert client.get(f"/api/v1/matches/{quote.pk}/").json()["status"] == "open"


def test_confirming_a_claim_match_carries_the_verdict_to_the_other_article(api, seeded, rita):
    first = seeded.first.spans.get(label=Label.CLAIM, text=seeds.FIRST_CLAIM)
    second = seeded.second.spans.get(label=Label.CLAIM, text=seeds.SECOND_CLAIM)
    services.verdict_set(actor=rita, span=first, rating="mixed")
    claim = seeded.match("claim", "Sri Lanka bombers", "Sri Lanka that killed")
    body = api(rita).post(f"/api/v1/matches/{claim.pk}/confirm/").json()
    assert (body["a"]["span"], body["b"]["span"]) == (first.pk, second.pk)
    shown = api(rita).get(f"/api/v1/spans/{second.pk}/").json()
    assert shown["verdict"]["rating"] == "mixed"


def test_outsiders_get_404_for_every_match_endpoint(api, seeded, outsider):
    quote = seeded.match("quote", seeds.KATZ, seeds.KATZ)
    span = seeded.first.spans.filter(label=Label.CLAIM).first()
    client = api(outsider)
    for method, url in (
        ("get", f"/api/v1/stories/{seeded.story.pk}/matches/"),
        ("get", f"/api/v1/stories/{seeded.story.pk}/comparison/"),
        ("post", f"/api/v1/stories/{seeded.story.pk}/comparison/"),
        ("get", f"/api/v1/spans/{span.pk}/matches/"),
        ("get", f"/api/v1/matches/{quote.pk}/"),
        ("post", f"/api/v1/matches/{quote.pk}/confirm/"),
        ("post", f"/api/v1/matches/{quote.pk}/dismiss/"),
        ("post", f"/api/v1/matches/{quote.pk}/reopen/"),
        ("get", f"/api/v1/projects/{seeded.project.pk}/matches/export/"),
    ):
        assert getattr(client, method)(url).status_code == 404, url
    assert OutletMatch.objects.get(pk=quote.pk).status == "open"
    assert api(None).get(f"/api/v1/matches/{quote.pk}/").status_code in (401, 403)


def test_asking_for_the_comparison_again_answers_202_and_queues_it(
    api, seeded, rita, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[int] = []
    monkeypatch.setattr(
        matching, "story_comparison_enqueue", lambda *, story_id, **_: sent.append(story_id) or True
    )
    url = f"/api/v1/stories/{seeded.story.pk}/comparison/"
    assert api(rita).get(url).json()["status"] == "done"
    with django_capture_on_commit_callbacks(execute=True):
        response = api(rita).post(url)
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert sent == [seeded.story.pk]
    assert StoryComparison.objects.get(story=seeded.story).requested_by == rita


def test_the_export_streams_confirmed_matches_with_both_sides_and_the_differing_words(
    api, seeded, rita
):
    quote = seeded.match("quote", seeds.KATZ, seeds.KATZ)
    toll = seeded.match("number", seeds.FIRST_TOLL, seeds.SECOND_TOLL)
    services.match_confirm(match=quote, actor=rita)
    services.match_confirm(match=toll, actor=rita)
    services.match_dismiss(
        match=seeded.match("loaded", "occupied Kashmir", "administered"), actor=rita
    )
    response = api(rita).get(f"/api/v1/projects/{seeded.project.pk}/matches/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert response["X-Offset-Unit"] == "codepoint"
    lines = _lines(response)
    assert [line["kind"] for line in lines] == ["quote", "number"]  # confirmed only, oldest first
    line = lines[0]
    assert line["a"]["external_id"] == seeds.FIRST_ID
    assert seeded.first.text[line["a"]["start"] : line["a"]["end"]] == line["a"]["text"]
    assert seeded.second.text[line["b"]["start"] : line["b"]["end"]] == line["b"]["text"]
    for d in line["details"]["differences"]:
        assert seeded.first.text[d["a_start"] : d["a_end"]] == d["a"]
        assert seeded.second.text[d["b_start"] : d["b_end"]] == d["b"]
    assert (line["confirmed_by"], line["story"], line["offset_unit"]) == (
        "rita",
        seeded.story.pk,
        "codepoint",
    )
    assert lines[1]["details"]["relation"] == "compatible"
    only = _lines(
        api(rita).get(f"/api/v1/projects/{seeded.project.pk}/matches/export/?kind=number")
    )
    assert [line["kind"] for line in only] == ["number"]


def test_the_export_counts_utf16_units_when_asked(api, desk, reviewer):
    from annotations.models import Story
    from tests.factories import make_document

    text_a = "🙂 Officials said “the bridge was closed to all traffic on Monday night”.\n"
    text_b = "Officials said “the bridge was shut to all traffic on Monday night”.\n"
    a = make_document(desk, actor=reviewer, text=text_a, title="A")
    b = make_document(desk, actor=reviewer, text=text_b, title="B")
    story = Story.objects.create(project=desk, title="Bridge")
    for document in (a, b):
        document.story = story
        document.save(update_fields=["story"])
    services.story_comparison_run(story_id=story.pk)
    quote = OutletMatch.objects.get(kind="quote")
    services.match_confirm(match=quote, actor=reviewer)
    url = f"/api/v1/projects/{desk.pk}/matches/export/?offset_unit=utf16"
    (line,) = _lines(api(reviewer).get(url))
    assert line["offset_unit"] == "utf16"
    assert line["a"]["start"] == quote.a_start + 1  # the emoji is two UTF-16 units
    (diff,) = line["details"]["differences"]
    assert (
        text_a.encode("utf-16-le")[2 * diff["a_start"] : 2 * diff["a_end"]].decode("utf-16-le")
        == diff["a"]
    )
    assert api(reviewer).get(f"{url[:-5]}bytes").status_code == 400


def test_the_schema_documents_the_match_endpoints(api, reviewer):
    paths = api(reviewer).get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in (
        "/api/v1/stories/{story_id}/matches/",
        "/api/v1/stories/{story_id}/comparison/",
        "/api/v1/spans/{span_id}/matches/",
        "/api/v1/matches/{match_id}/",
        "/api/v1/matches/{match_id}/confirm/",
        "/api/v1/matches/{match_id}/dismiss/",
        "/api/v1/matches/{match_id}/reopen/",
        "/api/v1/projects/{project_id}/matches/export/",
    ):
        assert path in paths, path
