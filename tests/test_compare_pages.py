"""The comparison page and its form, through Django's test client: what it embeds, which
articles it shows, asking for the comparison again, and who may see it."""

from __future__ import annotations

import json

import pytest

from annotations.models import Role, StoryComparison
from annotations.services import matches as matching
from tests import seed_story as seeds
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lexical(settings):
    settings.COMPARE_WITH_ENCODER = False


@pytest.fixture
def seeded(db):
    return seeds.seed_story(members=(("rita", Role.REVIEWER),))


@pytest.fixture
def rita_client(client, seeded):
    assert client.login(username="rita", password=PASSWORD)
    return client


def _embedded(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="compare-data" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_the_page_embeds_both_articles_and_their_matches_in_a_constant_number_of_queries(
    rita_client, seeded, django_assert_max_num_queries
):
    url = f"/stories/{seeded.story.pk}/compare/"
    with django_assert_max_num_queries(16):
        response = rita_client.get(url)
    assert response.status_code == 200
    data = _embedded(response)
    assert [d["id"] for d in data["documents"]] == [seeded.first.pk, seeded.second.pk]
    assert data["documents"][0]["text"] == seeded.first.text
    kinds = {m["kind"] for m in data["matches"]}
    assert kinds == {"quote", "claim", "number", "loaded"}
    assert data["can_decide"] is True
    assert b"Compare again" in response.content


def test_the_articles_asked_for_are_shown_and_a_wrong_choice_says_why(rita_client, seeded):
    url = f"/stories/{seeded.story.pk}/compare/"
    swapped = _embedded(rita_client.get(f"{url}?documents={seeded.second.pk},{seeded.first.pk}"))
    assert [d["id"] for d in swapped["documents"]] == [seeded.second.pk, seeded.first.pk]
    for wrong in ("abc", str(seeded.first.pk), f"{seeded.first.pk},999999"):
        response = rita_client.get(f"{url}?documents={wrong}")
        assert response.status_code == 200
        assert "Choose two or three different articles" in response.content.decode()
        assert len(_embedded(response)["documents"]) == 2  # the busiest pair instead


def test_asking_again_queues_the_comparison_and_returns_to_the_page(
    rita_client, seeded, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[int] = []
    monkeypatch.setattr(
        matching, "story_comparison_enqueue", lambda *, story_id, **_: sent.append(story_id) or True
    )
    documents = f"{seeded.first.pk},{seeded.second.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = rita_client.post(
            f"/stories/{seeded.story.pk}/compare/run/",
            {"back": "compare", "documents": [seeded.first.pk, seeded.second.pk]},
        )
    assert response.status_code == 302
    assert response["Location"] == f"/stories/{seeded.story.pk}/compare/?documents={documents}"
    assert sent == [seeded.story.pk]
    assert StoryComparison.objects.get(story=seeded.story).status == "queued"
    page = rita_client.get(response["Location"]).content.decode()
    assert "Comparison queued" in page


def test_the_story_page_links_to_the_comparison_and_says_its_state(rita_client, seeded):
    page = rita_client.get(f"/stories/{seeded.story.pk}/").content.decode()
    assert f'href="/stories/{seeded.story.pk}/compare/"' in page
    assert "matches found" in page


def test_outsiders_get_404_for_the_page_and_its_form(client, seeded, outsider):
    assert client.login(username=outsider.username, password=PASSWORD)
    assert client.get(f"/stories/{seeded.story.pk}/compare/").status_code == 404
    assert client.post(f"/stories/{seeded.story.pk}/compare/run/").status_code == 404
    assert StoryComparison.objects.get(story=seeded.story).status == "done"
