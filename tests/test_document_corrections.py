"""Articles can be corrected and taken out: a document's title, outlet, author, URL and date are
edited (never its text), versioned and recorded in history, through the service, the API, the
details page and the admin's change page; a moderator soft-deletes a document, which then leaves
every list, page, export, story and match, and restores it."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client

from annotations import proposals, selectors, services
from annotations.errors import Conflict, NotAllowed, ValidationError
from annotations.models import AuditEvent, Document, Span
from tests import story_texts as t
from tests.conftest import PASSWORD
from tests.export_data import approve
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db


def _history(document: Document) -> list[tuple[str, str | None, dict | None, dict | None]]:
    events = AuditEvent.objects.filter(object_type="document", object_id=document.pk)
    return [
        (e.action, e.actor.username if e.actor else None, e.before, e.after)
        for e in events.order_by("created_at", "id")
    ]


def _login(user, *, staff: bool = False) -> Client:
    if staff:  # the admin lets in staff only; membership decides what they see there
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- the service ------------------------------------------------------------------------------


def test_a_correction_changes_the_fields_bumps_the_version_and_is_in_history(document, reviewer):
    text = document.text
    corrected = services.document_update(
        document=document,
        actor=reviewer,
        version=1,
        title="  Isis claims a province in Kashmir ",
        outlet="The Guardian",
        source_url="https://example.org/isis",
        published_on=date(2019, 5, 11),
    )
    stored = Document.objects.get(pk=document.pk)
    assert (stored.title, stored.outlet, stored.author, stored.source_url, stored.published_on) == (
        "Isis claims a province in Kashmir",
        "The Guardian",
        "",
        "https://example.org/isis",
        date(2019, 5, 11),
    )
    assert corrected.version == stored.version == 2
    assert stored.text == text
    action, actor, before, after = _history(document)[-1]
    assert (action, actor) == ("update", "rita")
    assert before["title"] == "Isis claims province" and before["published_on"] is None
    assert after == {
        "title": "Isis claims a province in Kashmir",
        "outlet": "The Guardian",
        "author": "",
        "source_url": "https://example.org/isis",
        "published_on": "2019-05-11",
        "deleted": False,
        "version": 2,
    }


def test_a_correction_that_changes_nothing_makes_no_version(document, reviewer):
    services.document_update(document=document, actor=reviewer, version=1, title=document.title)
    assert Document.objects.get(pk=document.pk).version == 1
    assert [e[0] for e in _history(document)] == ["import"]


def test_a_stale_correction_is_refused_with_what_the_document_is_now(
    document, reviewer, second_reviewer
):
    services.document_update(document=document, actor=second_reviewer, version=1, outlet="AP")
    with pytest.raises(Conflict) as refused:
        services.document_update(document=document, actor=reviewer, version=1, outlet="Reuters")
    assert refused.value.current["outlet"] == "AP"
    assert Document.objects.get(pk=document.pk).outlet == "AP"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"source_url": "ftp://example.org/a"}, "source_url"),
        ({"outlet": "Bad\x00outlet"}, "outlet"),
    ],
)
def test_a_correction_with_a_bad_value_is_refused(document, reviewer, fields, field):
    with pytest.raises(ValidationError) as refused:
        services.document_update(document=document, actor=reviewer, version=1, **fields)
    assert field in refused.value.errors


def test_only_members_correct_and_only_moderators_delete(document, reviewer, moderator, outsider):
    with pytest.raises(NotAllowed):
        services.document_update(document=document, actor=outsider, version=1, title="Mine")
    with pytest.raises(NotAllowed):
        services.document_delete(document=document, actor=reviewer)
    services.document_delete(document=document, actor=moderator)
    with pytest.raises(NotAllowed):
        services.document_restore(document=document, actor=reviewer)


def test_delete_and_restore_are_recorded_and_a_deleted_document_takes_no_correction(
    document, reviewer, moderator
):
    services.document_delete(document=document, actor=moderator)
    with pytest.raises(Conflict):
        services.document_update(document=document, actor=reviewer, version=2, title="New")
    services.document_restore(document=document, actor=moderator)
    stored = Document.objects.get(pk=document.pk)
    assert stored.deleted_at is None and stored.version == 3
    history = _history(document)
    assert [(a, who) for a, who, _, _ in history] == [
        ("import", "rita"),
        ("delete", "mona"),
        ("restore", "mona"),
    ]
    assert (history[1][2]["deleted"], history[1][3]["deleted"]) == (False, True)


# --- the API ----------------------------------------------------------------------------------


def test_the_api_corrects_a_document_with_the_version_read(api, document, reviewer):
    url = f"/api/v1/documents/{document.pk}/"
    read = api(reviewer).get(url).json()
    assert read["version"] == 1
    answer = api(reviewer).patch(
        url, {"version": 1, "author": "Staff", "published_on": "2019-05-11"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["author"], answer.json()["published_on"]) == ("Staff", "2019-05-11")
    assert answer.json()["version"] == 2
    stale = api(reviewer).patch(url, {"version": 1, "author": "Desk"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["author"] == "Staff"


def test_the_api_refuses_a_new_text_with_a_clear_400(api, document, reviewer):
    url = f"/api/v1/documents/{document.pk}/"
    answer = api(reviewer).patch(url, {"version": 1, "text": "Something else"}, format="json")
    assert answer.status_code == 400
    assert "never changes" in answer.json()["text"][0]
    # Said also when the rest of the request is wrong.
    answer = api(reviewer).patch(url, {"text": "Something else"}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()) >= {"text", "version"}
    assert Document.objects.get(pk=document.pk).version == 1


def test_the_api_deletes_for_moderators_only_and_restores(api, document, reviewer, moderator):
    url = f"/api/v1/documents/{document.pk}/"
    assert api(reviewer).delete(url).status_code == 403
    assert api(moderator).delete(url).status_code == 204
    assert api(moderator).get(url).status_code == 404
    restore = f"/api/v1/documents/{document.pk}/restore/"
    assert api(reviewer).post(restore).status_code == 403
    answer = api(moderator).post(restore)
    assert answer.status_code == 200
    assert answer.json()["id"] == document.pk
    assert api(reviewer).get(url).status_code == 200


# --- a deleted document is gone from everything -----------------------------------------------


@pytest.fixture
def two_reports(desk, reviewer, moderator):
    """One claim in two articles, approved, with a verdict: the second article gets deleted."""
    kept = make_document(
        desk, actor=reviewer, title="Kept", text="Officials said 48 people drowned on Saturday."
    )
    gone = make_document(
        desk, actor=reviewer, title="Gone", text="Rescuers said 48 people drowned on Saturday."
    )
    first = make_span(kept, reviewer, "48 people drowned")
    second = make_span(gone, reviewer, "48 people drowned", desk_claim=first.desk_claim)
    quote = make_span(gone, reviewer, "48 people drowned on Saturday", label="QUOTE")
    approve(first, second, quote)
    verdict = services.verdict_set(desk_claim=first.desk_claim, actor=reviewer, rating="true")
    services.verdict_review(verdict=verdict, actor=moderator, status="approved")
    return {"kept": kept, "gone": gone, "spans": (first, second, quote)}


def test_a_deleted_document_leaves_every_list_page_export_and_count(
    api, desk, reviewer, moderator, two_reports
):
    kept, gone = two_reports["kept"], two_reports["gone"]
    first, second, quote = two_reports["spans"]
    services.document_delete(document=gone, actor=moderator)
    client = api(reviewer)
    listed = client.get(f"/api/v1/projects/{desk.pk}/documents/").json()["results"]
    assert [d["id"] for d in listed] == [kept.pk]
    spans = client.get(f"/api/v1/projects/{desk.pk}/spans/").json()["results"]
    assert [s["id"] for s in spans] == [first.pk]
    assert client.get(f"/api/v1/spans/{second.pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{gone.pk}/spans/").status_code == 404
    exported = b"".join(
        client.get(f"/api/v1/projects/{desk.pk}/export/", {"format": "jsonl"}).streaming_content
    )
    assert [json.loads(line)["id"] for line in exported.splitlines()] == [kept.pk]
    (review,) = json.loads(
        b"".join(
            client.get(
                f"/api/v1/projects/{desk.pk}/export/", {"format": "claimreview"}
            ).streaming_content
        )
    )
    assert [a["headline"] for a in review["itemReviewed"]["appearance"]] == ["Kept"]
    claim = client.get(f"/api/v1/desk-claims/{first.desk_claim_id}/").json()
    assert [m["span"] for m in claim["mentions"]] == [first.pk]
    page = _login(reviewer)
    assert page.get(f"/documents/{gone.pk}/").status_code == 404
    assert "Gone" not in page.get(f"/projects/{desk.pk}/").content.decode()
    # A span of a deleted document cannot be edited or restored either.
    assert client.post(f"/api/v1/spans/{quote.pk}/restore/").status_code == 404

    services.document_restore(document=gone, actor=moderator)
    listed = client.get(f"/api/v1/projects/{desk.pk}/documents/").json()["results"]
    assert {d["id"] for d in listed} == {kept.pk, gone.pk}
    claim = client.get(f"/api/v1/desk-claims/{first.desk_claim_id}/").json()
    assert {m["span"] for m in claim["mentions"]} == {first.pk, second.pk}
    assert Span.objects.get(pk=quote.pk).deleted_at is None  # its spans were never touched


def test_a_deleted_document_is_out_of_desk_claim_proposals(desk, reviewer, moderator):
    gone = make_document(desk, actor=reviewer, text="Rebels seized the town of Goma on Monday.")
    make_span(gone, reviewer, "Rebels seized the town of Goma")
    other = make_document(desk, actor=reviewer, text="The rebels seized the town of Goma.")
    services.document_delete(document=gone, actor=moderator)
    found = proposals.desk_claim_proposals(other, "rebels seized the town of Goma")
    assert all(p.desk_claim.mention_count == 0 for p in found)


def _article(desk, reviewer, text, outlet, days=0):
    return make_document(
        desk,
        actor=reviewer,
        text=text,
        title=text.split("\n")[0],
        outlet=outlet,
        published_on=t.FERRY_DAY + timedelta(days=days),
    )


def test_a_deleted_document_is_never_matched_into_a_story_and_leaves_its_story_page(
    desk, reviewer, moderator
):
    courier = _article(desk, reviewer, t.FERRY_COURIER, "Courier")
    services.story_propose(document_id=courier.pk)
    services.document_delete(document=courier, actor=moderator)
    herald = _article(desk, reviewer, t.FERRY_HERALD, "Herald")
    assert services.story_propose(document_id=herald.pk).action == "alone"
    assert services.story_propose(document_id=courier.pk) is None

    services.document_restore(document=courier, actor=moderator)
    result = services.story_propose(document_id=herald.pk)
    assert result.action == "pair"
    story = Document.objects.get(pk=herald.pk).story
    services.document_delete(document=Document.objects.get(pk=courier.pk), actor=moderator)
    (listed,) = selectors.project_stories(reviewer, project=desk)
    assert listed.document_count == 1
    page = _login(reviewer).get(f"/stories/{story.pk}/").content.decode()
    assert f"/documents/{courier.pk}/" not in page and f"/documents/{herald.pk}/" in page


# --- the details page -------------------------------------------------------------------------


def test_the_details_page_corrects_the_fields_and_has_no_text(document, reviewer):
    page = _login(reviewer)
    url = f"/documents/{document.pk}/details/"
    form = page.get(url).content.decode()
    assert 'name="title"' in form and 'name="text"' not in form
    assert "Delete" not in form  # reviewers do not delete
    answer = page.post(
        url,
        {
            "title": "Corrected title",
            "outlet": "Dawn",
            "author": "",
            "source_url": "https://example.org/dawn",
            "published_on": "2019-05-11",
            "version": 1,
        },
    )
    assert answer.status_code == 302 and answer["Location"] == f"/documents/{document.pk}/"
    stored = Document.objects.get(pk=document.pk)
    assert (stored.title, stored.outlet, stored.published_on) == (
        "Corrected title",
        "Dawn",
        date(2019, 5, 11),
    )
    assert "Correct details" in page.get(f"/documents/{document.pk}/").content.decode()


def test_the_details_page_shows_a_conflict_instead_of_overwriting(
    document, reviewer, second_reviewer
):
    services.document_update(document=document, actor=second_reviewer, version=1, outlet="AP")
    answer = _login(reviewer).post(
        f"/documents/{document.pk}/details/",
        {"title": document.title, "outlet": "Reuters", "version": 1},
    )
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "changed by someone else" in body and "Reuters" in body
    assert 'value="AP"' in body
    assert Document.objects.get(pk=document.pk).outlet == "AP"


def test_a_moderator_deletes_from_the_details_page(desk, document, reviewer, moderator):
    page = _login(moderator)
    assert "Delete" in page.get(f"/documents/{document.pk}/details/").content.decode()
    assert _login(reviewer).post(f"/documents/{document.pk}/delete/").status_code == 302
    assert Document.objects.get(pk=document.pk).deleted_at is None  # refused, with a message
    answer = page.post(f"/documents/{document.pk}/delete/")
    assert answer.status_code == 302 and answer["Location"] == f"/projects/{desk.pk}/"
    assert Document.objects.get(pk=document.pk).deleted_at is not None


# --- the admin --------------------------------------------------------------------------------


def test_the_admin_change_page_corrects_a_document_through_the_service(document, moderator):
    admin = _login(moderator, staff=True)
    url = f"/admin/annotations/document/{document.pk}/change/"
    form = admin.get(url)
    assert form.status_code == 200
    assert 'name="title"' in form.content.decode() and 'name="text"' not in form.content.decode()
    data = {
        "title": "Corrected in the admin",
        "outlet": "Dawn",
        "author": "",
        "source_url": "",
        "published_on": "",
        "version": 1,
        "_save": "Save",
    }
    assert admin.post(url, data).status_code == 302
    stored = Document.objects.get(pk=document.pk)
    assert (stored.title, stored.version) == ("Corrected in the admin", 2)
    assert _history(document)[-1][:2] == ("update", "mona")
    stale = admin.post(url, data | {"title": "Stale"}, follow=True)
    assert "changed by someone else" in stale.content.decode()
    assert Document.objects.get(pk=document.pk).title == "Corrected in the admin"


def test_a_reviewer_cannot_reach_the_admin_change_page(document, reviewer):
    answer = _login(reviewer, staff=True).get(f"/admin/annotations/document/{document.pk}/change/")
    assert answer.status_code in (302, 403, 404)


def test_a_moderator_lists_deleted_documents_in_the_admin_and_restores_them(
    desk, document, moderator
):
    services.document_delete(document=document, actor=moderator)
    admin = _login(moderator, staff=True)
    listed = admin.get("/admin/annotations/document/?deleted=yes").content.decode()
    assert document.title in listed
    assert (
        document.title not in admin.get("/admin/annotations/document/?deleted=no").content.decode()
    )
    answer = admin.post(
        "/admin/annotations/document/",
        {"action": "restore_documents", "_selected_action": [document.pk], "index": 0},
        follow=True,
    )
    assert "1 documents restored." in answer.content.decode()
    assert Document.objects.get(pk=document.pk).deleted_at is None
    admin.post(f"/admin/annotations/document/{document.pk}/delete-document/")
    assert Document.objects.get(pk=document.pk).deleted_at is not None
    admin.post(f"/admin/annotations/document/{document.pk}/restore/")
    assert Document.objects.get(pk=document.pk).deleted_at is None
    assert [e[0] for e in _history(document)] == [
        "import",
        "delete",
        "restore",
        "delete",
        "restore",
    ]
