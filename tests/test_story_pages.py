"""The story page (documents by outlet and date with their counts, and the forms that confirm,
move, merge, split and rename), the project page's stories, and the workspace's link to its
story."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from annotations import services
from annotations.models import AuditEvent, Document, Story
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
def story(desk, reviewer):
    """The ferry story as the job proposed it: Courier (two reports, a day apart), Herald."""
    docs = [
        _article(desk, reviewer, t.FERRY_GAZETTE, "Courier", 1),
        _article(desk, reviewer, t.FERRY_HERALD, "Herald"),
        _article(desk, reviewer, t.FERRY_COURIER, "Courier"),
    ]
    for document in docs:
        services.story_propose(document_id=document.pk)
    (found,) = Story.objects.filter(project=desk)
    assert found.documents.count() == 3
    return found


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr class="story-document" data-document="(\d+)">', page)


def test_the_story_page_lists_documents_by_outlet_then_date_with_their_counts(
    client, reviewer, story
):
    courier_late, herald, courier_early = story.documents.order_by("pk")
    make_span(courier_early, reviewer, "At least 48 people drowned")
    make_span(courier_early, reviewer, "Joseph Mbeki", label="QUOTE", speaker="")
    claim = make_span(herald, reviewer, "48 bodies had been recovered")
    services.verdict_set(span=claim, actor=reviewer, rating="true")
    client.force_login(reviewer)
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert f"<h1>{story.title}</h1>" in page
    assert _rows(page) == [str(courier_early.pk), str(courier_late.pk), str(herald.pk)]
    outlets = re.findall(r'<th scope="rowgroup"[^>]*>([^<]+)</th>', page)
    assert outlets == ["Courier", "Herald"]
    early = page[page.index(f'data-document="{courier_early.pk}"') :]
    cells = [c.split("</td>")[0] for c in early.split("<td>")[3:8]]
    assert cells == ["March 9, 2024", "1", "1", "0", "0 of 1"]
    late_herald = page[page.index(f'data-document="{herald.pk}"') :]
    cells = [c.split("</td>")[0] for c in late_herald.split("<td>")[4:8]]
    assert cells == ["1", "0", "0", "1 of 1"]
    assert "Proposed (score 0." in page and "names:" in page
    assert "3 documents" in page and "2 outlets" in page


def test_confirming_on_the_page_confirms_and_shows_it(client, reviewer, story):
    document = story.documents.order_by("pk").first()
    client.force_login(reviewer)
    response = client.post(f"/stories/{story.pk}/confirm/", {"document": document.pk}, follow=True)
    page = response.content.decode()
    assert f"Confirmed “{document.title}” in this story." in page
    document.refresh_from_db()
    assert document.story_status == "confirmed"
    assert f"{reviewer.username} confirmed “{document.title}”" in page  # the history


def test_moving_to_a_new_story_lands_on_it(client, reviewer, story):
    document = story.documents.order_by("pk").first()
    client.force_login(reviewer)
    response = client.post(
        f"/stories/{story.pk}/move/", {"document": document.pk, "to": "new"}, follow=True
    )
    document.refresh_from_db()
    assert document.story_id != story.pk
    assert response.redirect_chain[-1][0] == f"/stories/{document.story_id}/"
    assert f"Moved “{document.title}” to the story" in response.content.decode()


def test_split_and_merge_through_the_page(client, reviewer, story):
    first, second, _ = story.documents.order_by("pk")
    client.force_login(reviewer)
    response = client.post(
        f"/stories/{story.pk}/split/",
        {"documents": [first.pk, second.pk], "title": "Two reports"},
        follow=True,
    )
    new = Story.objects.get(title="Two reports")
    assert response.redirect_chain[-1][0] == f"/stories/{new.pk}/"
    assert set(new.documents.values_list("pk", flat=True)) == {first.pk, second.pk}
    response = client.post(f"/stories/{new.pk}/merge/", {"into": story.pk}, follow=True)
    assert response.redirect_chain[-1][0] == f"/stories/{story.pk}/"
    assert story.documents.count() == 3
    assert not Story.objects.filter(pk=new.pk).exists()


def test_a_refused_action_shows_why_and_changes_nothing(client, reviewer, story):
    documents = list(story.documents.values_list("pk", flat=True))
    client.force_login(reviewer)
    response = client.post(f"/stories/{story.pk}/split/", {"documents": documents}, follow=True)
    assert "Leave at least one document in the story" in response.content.decode()
    assert story.documents.count() == 3
    response = client.post(f"/stories/{story.pk}/rename/", {"title": ""}, follow=True)
    assert "This field is required." in response.content.decode()


def test_renaming_through_the_page(client, reviewer, story):
    client.force_login(reviewer)
    client.post(f"/stories/{story.pk}/rename/", {"title": "Lake Kivu ferry"})
    story.refresh_from_db()
    assert story.title == "Lake Kivu ferry"
    assert AuditEvent.objects.filter(object_type="story", action="rename").exists()


def test_outsiders_get_404_for_the_story_and_its_forms(client, outsider, story):
    client.force_login(outsider)
    assert client.get(f"/stories/{story.pk}/").status_code == 404
    document = story.documents.first()
    response = client.post(f"/stories/{story.pk}/move/", {"document": document.pk, "to": "new"})
    assert response.status_code == 404
    assert Story.objects.count() == 1


def test_the_project_page_lists_its_stories_and_the_documents_in_none(
    client, desk, reviewer, story
):
    _article(desk, reviewer, t.ELECTION_HERALD, "Herald", 1)
    client.force_login(reviewer)
    page = client.get(f"/projects/{desk.pk}/").content.decode()
    assert f'<a href="/stories/{story.pk}/">{story.title}</a>' in page
    assert "1 document in no story" in page
    storyless = client.get(f"/projects/{desk.pk}/?story=none").content.decode()
    assert "Opposition wins mayoral race" in storyless
    assert "Ferry capsizes" not in storyless.split("<caption>Documents")[1]


def test_the_workspace_links_to_its_story(client, reviewer, story):
    document = story.documents.first()
    client.force_login(reviewer)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert f'Story: <a href="/stories/{story.pk}/">{story.title}</a> (proposed)' in page
    alone = Document.objects.exclude(story=story).first()
    assert alone is None or "Story:" not in client.get(f"/documents/{alone.pk}/").content.decode()
