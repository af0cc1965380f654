"""A project moves whole: its backup restored into an empty project gives back the same
project (compared on every stored field of every row, ids aside), moderators only, accounts
matched by username or created unable to log in, and a wrong or cut file saving nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models

from annotations import services
from annotations.models import (
    AuditEvent,
    ClaimRating,
    DeskClaim,
    Document,
    Membership,
    Project,
    Role,
    Span,
    Story,
    StorySignature,
    Suggestion,
    Verdict,
)
from annotations.services import table_statistics
from tests import story_texts as t
from tests.factories import ProjectFactory, make_document, make_span

pytestmark = pytest.mark.django_db

# --- the project, compared row by row ---------------------------------------------------------

# What each model's rows are compared on: every concrete field but the id, the project (one is
# the other's copy), what is derived (the search vector) and what a backup leaves out (a
# suggestion's run).
SKIPPED = {"id", "project", "search_vector", "run"}
# The ids inside a history event's states, by key, and what they name.
STATE_REFERENCES = {
    "story": Story,
    "documents": Document,
    "split_from": Story,
    "into": Story,
    "desk_claim": DeskClaim,
    "mentions": Span,
    "span": Span,
    "from_rating": ClaimRating,
    "merged": Verdict,
    "from_verdict": Verdict,
}
EVENT_OBJECTS = {
    "story": Story,
    "deskclaim": DeskClaim,
    "document": Document,
    "suggestion": Suggestion,
    "span": Span,
    "claimrating": ClaimRating,
    "verdict": Verdict,
}


def canonical(project: Project) -> dict[str, Any]:
    """The project's contents with every id replaced by the row's place among its kind and
    every account by its username: two copies of one project compare equal."""
    rows = {
        Story: Story.objects.filter(project=project),
        DeskClaim: DeskClaim.objects.filter(project=project),
        Document: Document.objects.filter(project=project),
        Suggestion: Suggestion.objects.filter(document__project=project),
        Span: Span.objects.filter(document__project=project),
        ClaimRating: ClaimRating.objects.filter(desk_claim__project=project),
        Verdict: Verdict.objects.filter(desk_claim__project=project),
        AuditEvent: AuditEvent.objects.filter(project=project).exclude(
            object_type="project", action="restore"
        ),
    }
    # A document's suggestions and spans in its order, then their own (the backup keeps them
    # with their document, so their ids come back in that order).
    ordering = {Suggestion: ("document_id", "pk"), Span: ("document_id", "pk")}
    listed = {
        model: list(queryset.order_by(*ordering.get(model, ("pk",))))
        for model, queryset in rows.items()
    }
    place = {model: {obj.pk: i for i, obj in enumerate(objs)} for model, objs in listed.items()}
    usernames = dict(get_user_model().objects.values_list("pk", "username"))

    def ref(model: type[models.Model] | None, pk: Any) -> Any:
        if pk is None or model is None or not isinstance(pk, int):
            return pk
        return place[model].get(pk, "gone")

    def state(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for key, model in STATE_REFERENCES.items():
            if isinstance(out.get(key), list):
                out[key] = [ref(model, item) for item in out[key]]
            elif key in out:
                out[key] = ref(model, out[key])
        return out

    def row(obj: models.Model) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field in obj._meta.concrete_fields:
            if field.name in SKIPPED:
                continue
            value = getattr(obj, field.attname)
            if field.is_relation:
                target = field.related_model
                value = usernames.get(value) if target is get_user_model() else ref(target, value)
            values[field.name] = value
        if isinstance(obj, AuditEvent):
            if obj.object_type == "project":
                values["object_id"] = "the project"
            else:
                values["object_id"] = ref(EVENT_OBJECTS.get(obj.object_type), obj.object_id)
            values["before"], values["after"] = state(obj.before), state(obj.after)
        return values

    contents = {model.__name__: [row(obj) for obj in objs] for model, objs in listed.items()}
    contents["Project"] = {
        name: getattr(Project.objects.get(pk=project.pk), name)
        for name in (
            "description",
            "publisher_name",
            "publisher_url",
            "publisher_logo",
            "review_url_template",
        )
    }
    return contents


# --- a project with some of everything --------------------------------------------------------


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
def full_desk(desk, reviewer, second_reviewer, moderator):
    Project.objects.filter(pk=desk.pk).update(
        description="The ferry desk",
        publisher_name="Ferry Fact Desk",
        review_url_template="https://desk.example.org/checks/{desk_claim_id}",
    )
    courier = _article(desk, reviewer, t.FERRY_COURIER, "Courier")
    herald = _article(desk, second_reviewer, t.FERRY_HERALD, "Herald")
    gazette = _article(desk, reviewer, t.FERRY_GAZETTE, "Gazette", 1)
    budget = _article(desk, reviewer, t.BUDGET_COURIER, "Courier", 3)
    for document in (courier, herald, gazette, budget):
        services.story_propose(document_id=document.pk)
    story = Document.objects.get(pk=courier.pk).story
    services.story_confirm(story=story, actor=moderator, documents=None)
    services.story_rename(story=story, actor=reviewer, title="Lake Kivu ferry disaster")

    toll = make_span(courier, reviewer, "At least 48 people drowned")
    theirs = make_span(herald, second_reviewer, "48 bodies had been recovered")
    services.mention_move(span=theirs, actor=second_reviewer, desk_claim=toll.desk_claim)
    services.desk_claim_update(
        desk_claim=toll.desk_claim, actor=moderator, version=1, wording="48 people drowned"
    )
    quote = make_span(
        courier,
        reviewer,
        "the boat had taken on water after its engine failed",
        label="QUOTE",
        speaker="Captain Joseph Mbeki",
    )
    opinion = make_span(gazette, reviewer, "its owners would answer for it", label="OPINION")
    services.span_delete(span=opinion, actor=reviewer)
    services.span_review(span=toll, actor=moderator, status="approved")
    services.span_review(span=quote, actor=moderator, status="rejected", reason="Paraphrase.")
    services.rating_set(desk_claim=toll.desk_claim, actor=reviewer, rating="true")
    services.rating_set(
        desk_claim=toll.desk_claim,
        actor=second_reviewer,
        rating="mostly_true",
        rationale="48 bodies; some missing.",
        evidence_links=["https://example.org/toll"],
    )
    verdict = Verdict.objects.get(desk_claim=toll.desk_claim)
    services.verdict_set(
        desk_claim=toll.desk_claim,
        actor=moderator,
        rating="true",
        review_url="https://desk.example.org/2024/ferry-toll",
        version=verdict.version,
    )
    services.verdict_review(
        verdict=Verdict.objects.get(desk_claim=toll.desk_claim), actor=moderator, status="approved"
    )
    # A verdict set and removed: its history stays, its object is gone.
    gone = make_span(gazette, reviewer, "The death toll rose to 48")
    services.verdict_set(span=gone, actor=reviewer, rating="false")
    services.verdict_delete(span=gone, actor=reviewer)

    suggested = Suggestion.objects.create(
        document=budget,
        label="CLAIM",
        start=0,
        end=10,
        text=budget.text[0:10],
        score=0.8,
        reason="a figure",
        suggester="claims",
        suggester_version="1",
    )
    refused = Suggestion.objects.create(
        document=budget,
        label="OPINION",
        start=11,
        end=20,
        text=budget.text[11:20],
        score=0.4,
        reason="loaded words",
        suggester="opinions",
        suggester_version="1",
    )
    Suggestion.objects.create(
        document=budget,
        label="QUOTE",
        start=21,
        end=30,
        text=budget.text[21:30],
        score=0.3,
        reason="quotation marks",
        suggester="quotes",
        suggester_version="1",
    )
    services.suggestion_accept(suggestion=suggested, actor=reviewer)
    services.suggestion_reject(suggestion=refused, actor=second_reviewer)

    services.document_update(
        document=budget, actor=moderator, version=1, author="Desk staff", title="Budget vote"
    )
    services.document_delete(document=gazette, actor=moderator)
    return desk


def _backup(api, user, project) -> bytes:
    response = api(user).get(f"/api/v1/projects/{project.pk}/backup/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/x-ndjson")
    return b"".join(response.streaming_content)


def _restore(api, user, project, data: bytes):
    return api(user).post(
        f"/api/v1/projects/{project.pk}/restore/", data, content_type="application/x-ndjson"
    )


@pytest.fixture
def empty(moderator):
    project = ProjectFactory(name="Restored desk")
    services.membership_set(project=project, user=moderator, role=Role.MODERATOR)
    return project


def test_a_backup_restored_into_an_empty_project_gives_back_the_same_project(
    api, full_desk, moderator, empty
):
    data = _backup(api, moderator, full_desk)
    answer = _restore(api, moderator, empty, data)
    assert answer.status_code == 201, answer.json()
    report = answer.json()
    assert report["users_created"] == []
    assert sorted(report["users_matched"]) == ["mona", "ravi", "rita"]
    assert {m["user"] for m in report["memberships_not_restored"]} == {"mona", "ravi", "rita"}
    assert report["records"]["document"] == 4 and report["records"]["span"] >= 5

    source, copy = canonical(full_desk), canonical(empty)
    assert copy.pop("Project") == source.pop("Project")
    for name in source:  # one kind and one row at a time, so a difference says where it is
        assert len(copy[name]) == len(source[name]), name
        for restored, original in zip(copy[name], source[name], strict=True):
            differ = {k for k in original if restored[k] != original[k]}
            assert restored == original, (name, {k: (original[k], restored[k]) for k in differ})
    assert {name: len(rows) for name, rows in source.items()} == {
        "Story": 1,
        "DeskClaim": 4,
        "Document": 4,
        "Suggestion": 3,
        "Span": 6,
        "ClaimRating": 2,
        "Verdict": 1,
        "AuditEvent": len(source["AuditEvent"]),
    }
    # What the story job computes was computed again, so it proposes as it did.
    assert StorySignature.objects.filter(project=empty).count() == 4
    restore = AuditEvent.objects.get(project=empty, object_type="project", action="restore")
    assert restore.actor == moderator and restore.after["source"]["name"] == "The desk"


def test_a_restore_keeps_the_planner_told_how_many_documents_there_are(
    api, full_desk, moderator, empty, monkeypatch
):
    # A restore is one transaction: a large one's later statements must be planned for the
    # documents written so far (annotations.services.table_statistics), not as at its start.
    monkeypatch.setattr(table_statistics, "MIN_NEW_DOCUMENTS", 1)
    data = _backup(api, moderator, full_desk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotations_document")
    assert table_statistics.planned_rows(Document) == 4
    assert _restore(api, moderator, empty, data).status_code == 201
    assert table_statistics.planned_rows(Document) == 8


def test_what_came_back_works_like_the_original(api, full_desk, moderator, reviewer, empty):
    assert _restore(api, moderator, empty, _backup(api, moderator, full_desk)).status_code == 201
    services.membership_set(project=empty, user=reviewer, role=Role.REVIEWER)
    documents = api(reviewer).get(f"/api/v1/projects/{empty.pk}/documents/").json()["results"]
    assert len(documents) == 3  # the deleted one stays deleted
    # Searchable as the original: the restore wrote every document's search words.
    found = [
        sorted(
            (row["title"], row["rank"])
            for row in api(reviewer)
            .get(f"/api/v1/projects/{desk.pk}/documents/", {"q": "ferry"})
            .json()["results"]
        )
        for desk in (full_desk, empty)
    ]
    assert found[0] and found[1] == found[0]
    (review,) = json.loads(
        b"".join(
            api(reviewer)
            .get(f"/api/v1/projects/{empty.pk}/export/", {"format": "claimreview"})
            .streaming_content
        )
    )
    assert review["url"] == "https://desk.example.org/2024/ferry-toll"
    assert review["author"]["name"] == "Ferry Fact Desk"
    toll = DeskClaim.objects.get(project=empty, wording="48 people drowned")
    history = api(reviewer).get(f"/api/v1/desk-claims/{toll.pk}/").json()
    assert [h["actor"] for h in history["history"]] == ["rita", "mona"]
    assert [h["actor"] for h in history["verdict"]["history"]][-1] == "mona"


def test_an_account_this_installation_lacks_is_created_unable_to_log_in(
    api, full_desk, moderator, empty
):
    lines = _backup(api, moderator, full_desk).decode().splitlines()
    # As another installation would have it: ravi's work by an account called "ravi.other".
    renamed = [
        line.replace('"ravi"', '"ravi.other"') if '"ravi"' in line else line for line in lines
    ]
    answer = _restore(api, moderator, empty, ("\n".join(renamed) + "\n").encode())
    assert answer.status_code == 201, answer.json()
    assert answer.json()["users_created"] == ["ravi.other"]
    other = get_user_model().objects.get(username="ravi.other")
    assert not other.is_active and not other.has_usable_password()
    assert Span.objects.filter(document__project=empty, author=other).exists()
    assert not Membership.objects.filter(user=other).exists()
    token = api(None).post(
        "/api/v1/auth/token/", {"username": "ravi.other", "password": ""}, format="json"
    )
    assert token.status_code == 400


def test_only_moderators_back_up_and_restore(api, full_desk, reviewer, moderator, empty, outsider):
    assert api(reviewer).get(f"/api/v1/projects/{full_desk.pk}/backup/").status_code == 403
    assert api(outsider).get(f"/api/v1/projects/{full_desk.pk}/backup/").status_code == 404
    data = _backup(api, moderator, full_desk)
    services.membership_set(project=empty, user=reviewer, role=Role.REVIEWER)
    assert _restore(api, reviewer, empty, data).status_code == 403
    assert not Document.objects.filter(project=empty).exists()


def test_a_backup_goes_only_into_an_empty_project(api, full_desk, moderator):
    data = _backup(api, moderator, full_desk)
    answer = _restore(api, moderator, full_desk, data)
    assert answer.status_code == 409
    assert "empty project" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda lines: lines[:-1], "ends before its `end` record"),
        (lambda lines: [line for line in lines if '"type":"rating"' not in line], "incomplete"),
        (lambda lines: lines[1:], "not a project backup"),
        (
            lambda lines: [
                line.replace('"text":"At least 48 people drowned"', '"text":"At least 49 people"')
                for line in lines
            ],
            "differs from its document",
        ),
        (lambda lines: [*lines[:3], '{"type":"story","id":1}', *lines[3:]], "missing"),
        (lambda lines: [*lines[:-1], "not json", lines[-1]], "not valid JSON"),
    ],
    ids=["cut", "a-type-missing", "no-header", "span-text", "bad-record", "not-json"],
)
def test_a_wrong_file_is_refused_naming_its_line_and_saves_nothing(
    api, full_desk, moderator, empty, change, said
):
    lines = _backup(api, moderator, full_desk).decode().splitlines()
    answer = _restore(api, moderator, empty, ("\n".join(change(lines)) + "\n").encode())
    assert answer.status_code == 400
    (reason,) = answer.json()["file"]
    assert said in reason and reason.startswith("Line ")
    assert not Document.objects.filter(project=empty).exists()
    assert not AuditEvent.objects.filter(project=empty).exists()


def test_a_backup_uploaded_as_a_file_with_a_byte_order_mark_is_restored(
    api, full_desk, moderator, empty
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = b"\xef\xbb\xbf" + _backup(api, moderator, full_desk)
    answer = api(moderator).post(
        f"/api/v1/projects/{empty.pk}/restore/",
        {"file": SimpleUploadedFile("desk.jsonl", data)},
        format="multipart",
    )
    assert answer.status_code == 201, answer.json()
    assert Document.objects.filter(project=empty).count() == 4
