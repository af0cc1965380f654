"""Stories over the API: listed per project, each with its documents by outlet and date and
their counts; confirm, move, merge, split and rename; scoped like the rest (outsiders get 404)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from annotations import services
from annotations.models import Story
from tests import story_texts as t
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db


def _article(desk, reviewer, text, outlet, days=0):
    return make_document(
        desk,
        actor=reviewer,
        text=text,
        title=text.split("\n")[0],
        outlet=outlet,
        published_on=t.FERRY_DAY + timedelta(days=days),
    )


@pytest.fixture
def docs(desk, reviewer):
    found = {
        "gazette": _article(desk, reviewer, t.FERRY_GAZETTE, "Gazette", 1),
        "herald": _article(desk, reviewer, t.FERRY_HERALD, "Herald"),
        "courier": _article(desk, reviewer, t.FERRY_COURIER, "Courier"),
        "budget": _article(desk, reviewer, t.BUDGET_COURIER, "Courier", 3),
    }
    for document in found.values():
        services.story_propose(document_id=document.pk)
    return found


@pytest.fixture
def story(docs):
    docs["courier"].refresh_from_db()
    return docs["courier"].story


def test_a_project_lists_its_stories_with_their_counts(api, reviewer, desk, story):
    body = api(reviewer).get(f"/api/v1/projects/{desk.pk}/stories/").json()
    (listed,) = body["results"]
    assert listed["id"] == story.pk and listed["title"] == story.title
    assert (listed["document_count"], listed["outlet_count"], listed["proposed_count"]) == (3, 3, 3)
    assert (listed["first_published"], listed["last_published"]) == ("2024-03-09", "2024-03-10")


def test_a_story_gives_its_documents_by_outlet_and_date_with_their_counts(
    api, reviewer, docs, story
):
    make_span(docs["herald"], reviewer, "48 bodies had been recovered")
    body = api(reviewer).get(f"/api/v1/stories/{story.pk}/").json()
    assert [d["outlet"] for d in body["documents"]] == ["Courier", "Gazette", "Herald"]
    herald = body["documents"][2]
    assert (herald["claim_count"], herald["quote_count"], herald["verdict_count"]) == (1, 0, 0)
    assert herald["story_status"] == "proposed" and 0 < herald["story_score"] <= 1
    assert "Joseph Mbeki" in herald["story_reason"]


def test_confirm_move_split_merge_and_rename(api, reviewer, docs, story):
    client = api(reviewer)
    base = f"/api/v1/stories/{story.pk}"
    body = client.post(f"{base}/confirm/", {"documents": [docs["herald"].pk]}, format="json")
    assert body.status_code == 200
    statuses = {d["id"]: d["story_status"] for d in body.json()["documents"]}
    assert statuses[docs["herald"].pk] == "confirmed"
    assert statuses[docs["courier"].pk] == "proposed"

    moved = client.post(
        f"{base}/move/", {"document": docs["gazette"].pk, "to": None, "title": "Inquiry"},
        format="json",
    )  # fmt: skip
    assert moved.status_code == 200 and moved.json()["title"] == "Inquiry"
    inquiry = moved.json()["id"]
    assert [d["id"] for d in moved.json()["documents"]] == [docs["gazette"].pk]

    split = client.post(f"{base}/split/", {"documents": [docs["courier"].pk]}, format="json")
    assert split.status_code == 201
    courier_story = split.json()["id"]

    merged = client.post(f"/api/v1/stories/{courier_story}/merge/", {"into": inquiry},
                         format="json")  # fmt: skip
    assert merged.status_code == 200 and merged.json()["id"] == inquiry
    assert {d["id"] for d in merged.json()["documents"]} == {
        docs["gazette"].pk,
        docs["courier"].pk,
    }
    assert not Story.objects.filter(pk=courier_story).exists()

    renamed = client.patch(f"/api/v1/stories/{inquiry}/", {"title": "Ferry inquiry"},
                           format="json")  # fmt: skip
    assert renamed.json()["title"] == "Ferry inquiry"


def test_refusals_are_400_with_the_field(api, reviewer, docs, story):
    client = api(reviewer)
    base = f"/api/v1/stories/{story.pk}"
    outside = client.post(f"{base}/confirm/", {"documents": [docs["budget"].pk]}, format="json")
    assert outside.status_code == 400 and "documents" in outside.json()
    itself = client.post(f"{base}/merge/", {"into": story.pk}, format="json")
    assert itself.status_code == 400 and "into" in itself.json()
    nowhere = client.post(
        f"{base}/move/", {"document": docs["herald"].pk, "to": 10**17}, format="json"
    )
    assert nowhere.status_code == 400 and "to" in nowhere.json()
    everything = [d.pk for d in story.documents.all()]
    emptied = client.post(f"{base}/split/", {"documents": everything}, format="json")
    assert emptied.status_code == 400


def test_outsiders_get_404_and_change_nothing(api, outsider, desk, docs, story):
    client = api(outsider)
    assert client.get(f"/api/v1/projects/{desk.pk}/stories/").status_code == 404
    assert client.get(f"/api/v1/stories/{story.pk}/").status_code == 404
    for action, body in (
        ("confirm", {}),
        ("move", {"document": docs["herald"].pk, "to": None}),
        ("merge", {"into": story.pk}),
        ("split", {"documents": [docs["herald"].pk]}),
    ):
        response = client.post(f"/api/v1/stories/{story.pk}/{action}/", body, format="json")
        assert response.status_code == 404, action
    assert (
        client.patch(f"/api/v1/stories/{story.pk}/", {"title": "x"}, format="json").status_code
        == 404
    )
    assert set(story.documents.values_list("story_status", flat=True)) == {"proposed"}


def test_a_story_of_another_project_is_no_target(api, reviewer, other_desk, outsider, docs, story):
    theirs = make_document(other_desk, actor=outsider, text=t.FERRY_HERALD, title="Theirs")
    their_story = services.story_move(document=theirs, actor=outsider, to=None)
    response = api(reviewer).post(
        f"/api/v1/stories/{story.pk}/merge/", {"into": their_story.pk}, format="json"
    )
    assert response.status_code == 400
    assert Story.objects.filter(pk=story.pk).exists()


def test_the_schema_documents_the_story_endpoints(api, reviewer):
    schema = api(reviewer).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/projects/{project_id}/stories/",
        "/api/v1/stories/{story_id}/",
        "/api/v1/stories/{story_id}/confirm/",
        "/api/v1/stories/{story_id}/move/",
        "/api/v1/stories/{story_id}/merge/",
        "/api/v1/stories/{story_id}/split/",
    ):
        assert path in paths, path
