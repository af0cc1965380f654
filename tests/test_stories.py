"""Stories through the services: the job that proposes them (after the import commits, safe to
run twice, never moving what a reviewer confirmed) and what reviewers do (confirm, move, merge,
split, rename), each in history and allowed to members only."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from annotations import services
from annotations.errors import NotAllowed, ValidationError
from annotations.models import (
    AuditEvent,
    Document,
    Project,
    Story,
    StoryKey,
    StorySignature,
    StoryVocabulary,
)
from tests import story_texts as t
from tests.factories import make_document

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
def ferry(desk, reviewer):
    """The three reports of the ferry disaster and two of other events, each through the job
    in the order they came in."""
    docs = {
        "courier": _article(desk, reviewer, t.FERRY_COURIER, "Courier"),
        "budget": _article(desk, reviewer, t.BUDGET_COURIER, "Courier", 3),
        "herald": _article(desk, reviewer, t.FERRY_HERALD, "Herald"),
        "election": _article(desk, reviewer, t.ELECTION_HERALD, "Herald", 1),
        "gazette": _article(desk, reviewer, t.FERRY_GAZETTE, "Gazette", 1),
    }
    for document in docs.values():
        services.story_propose(document_id=document.pk)
    for document in docs.values():
        document.refresh_from_db()
    return docs


def _state(desk):
    documents = Document.objects.filter(project=desk).order_by("pk")
    return {
        "documents": list(documents.values_list("pk", "story_id", "story_status", "story_score")),
        "stories": list(Story.objects.filter(project=desk).values_list("pk", "title")),
        "keys": StoryKey.objects.filter(project=desk).count(),
        "vocabulary": sorted(
            StoryVocabulary.objects.filter(project=desk).values_list("key", "documents")
        ),
    }


# --- the job ----------------------------------------------------------------------------------


def test_the_job_groups_the_reports_of_one_event_and_leaves_the_others_alone(desk, ferry):
    story = ferry["courier"].story
    assert story is not None
    assert {d.pk for d in story.documents.all()} == {
        ferry[n].pk for n in ("courier", "herald", "gazette")
    }
    assert story.title == t.FERRY_COURIER.split("\n")[0]  # the first report's title
    assert ferry["budget"].story is None and ferry["election"].story is None
    assert Story.objects.filter(project=desk).count() == 1
    herald = ferry["herald"]
    assert herald.story_status == "proposed" and herald.story_score >= 0.4
    assert "names:" in herald.story_reason and "Joseph Mbeki" in herald.story_reason
    # The article it was paired with learns why too.
    assert ferry["courier"].story_reason.startswith(f"with “{herald.title}”: similar text")


def test_the_job_records_each_proposal_in_the_documents_history(desk, ferry):
    events = AuditEvent.objects.filter(
        object_type="document", object_id=ferry["gazette"].pk, action="story_propose"
    )
    (event,) = events
    assert event.actor is None
    assert event.before["story"] is None
    assert event.after["story"] == ferry["gazette"].story_id
    created = AuditEvent.objects.get(object_type="story", action="create")
    assert created.after["documents"] == sorted([ferry["courier"].pk, ferry["herald"].pk])


def _memberships(state):
    return [(pk, story, status) for pk, story, status, _ in state["documents"]]


def test_running_the_job_twice_changes_nothing(desk, ferry):
    first = _state(desk)
    for document in ferry.values():
        services.story_propose(document_id=document.pk)
    again = _state(desk)
    # The same stories, rows and counts; a score may be refreshed: the project grew since.
    assert _memberships(again) == _memberships(first)
    assert {k: v for k, v in again.items() if k != "documents"} == {
        k: v for k, v in first.items() if k != "documents"
    }
    events = AuditEvent.objects.count()
    for document in ferry.values():
        services.story_propose(document_id=document.pk)
    assert _state(desk) == again
    assert AuditEvent.objects.count() == events
    assert StorySignature.objects.filter(project=desk).count() == 5


def test_the_job_of_a_document_that_is_gone_does_nothing(desk):
    assert services.story_propose(document_id=987654321) is None


def test_the_job_never_moves_a_document_a_reviewer_confirmed(desk, reviewer, ferry):
    herald = ferry["herald"]
    alone = services.story_move(document=herald, actor=reviewer, to=None)
    result = services.story_propose(document_id=herald.pk)
    herald.refresh_from_db()
    assert result.action == "kept"
    assert (herald.story_id, herald.story_status) == (alone.pk, "confirmed")


def test_a_new_report_joins_a_story_whose_documents_a_reviewer_confirmed(desk, reviewer, ferry):
    story = ferry["courier"].story
    services.story_confirm(story=story, actor=reviewer)
    late = _article(desk, reviewer, t.FERRY_HERALD.replace("Dozens dead", "Toll rises"), "Post", 1)
    result = services.story_propose(document_id=late.pk)
    late.refresh_from_db()
    assert (result.action, late.story_id, late.story_status) == ("join", story.pk, "proposed")
    assert "best of 3 articles" in late.story_reason


def test_the_import_enqueues_the_story_job_once_it_has_committed(
    desk, reviewer, django_capture_on_commit_callbacks
):
    from django.conf import settings
    from redis import Redis

    from factcheck.celery import app as celery_app

    def story_jobs() -> list[str]:
        queued = Redis.from_url(settings.CELERY_BROKER_URL).lrange(
            settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1
        )
        headers = [json.loads(message)["headers"] for message in queued]
        return [h["argsrepr"] for h in headers if h["task"] == "annotations.propose_story"]

    assert not celery_app.conf.task_always_eager, "tests run against a real Redis"
    celery_app.control.purge()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = _article(desk, reviewer, t.FERRY_COURIER, "Courier")
    assert story_jobs() == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert story_jobs() == [f"({document.pk},)"]
    celery_app.control.purge()


def test_a_bulk_import_enqueues_its_documents_story_jobs_as_one_message(
    desk, reviewer, django_capture_on_commit_callbacks, monkeypatch
):
    from annotations.tasks import enqueue_story_proposals, enqueue_suggestion_runs

    sent = []
    monkeypatch.setattr(enqueue_story_proposals, "enqueue", lambda ids: sent.append(ids))
    monkeypatch.setattr(enqueue_suggestion_runs, "enqueue", lambda ids: None)
    lines = [json.dumps({"text": text}).encode() for text in (t.FERRY_COURIER, t.FERRY_HERALD)]
    with django_capture_on_commit_callbacks(execute=True):
        report = services.document_import_jsonl(project=desk, actor=reviewer, lines=lines)
    assert sent == [report.document_ids]


def test_with_the_broker_down_the_import_succeeds_and_the_sweep_enqueues_the_job_later(
    desk, reviewer, django_capture_on_commit_callbacks, monkeypatch
):
    from annotations.tasks import propose_story
    from factcheck.celery import app as celery_app

    broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    try:
        with django_capture_on_commit_callbacks(execute=True):
            document = _article(desk, reviewer, t.FERRY_COURIER, "Courier")
    finally:
        celery_app.conf.broker_url = broker
    assert Document.objects.filter(pk=document.pk).exists()
    assert "could not be reached" in document.suggestion_runs.get().error

    sent = []
    monkeypatch.setattr(propose_story, "enqueue", lambda document_id: sent.append(document_id))
    assert services.story_proposals_sweep() == []  # too early: its own job may still come
    later = timezone.now() + timedelta(minutes=20)
    assert services.story_proposals_sweep(now=later) == [document.pk]
    assert sent == [document.pk]
    services.story_propose(document_id=document.pk)
    assert services.story_proposals_sweep(now=later) == []  # signed: nothing left to do


def test_the_seed_articles_form_one_story():
    call_command("load_seeds", stdout=io.StringIO())
    project = Project.objects.get(name="Demo desk")
    documents = list(project.documents.order_by("pk"))
    for document in documents:
        services.story_propose(document_id=document.pk)
    (story,) = Story.objects.filter(project=project)
    assert {d.pk for d in story.documents.all()} == {d.pk for d in documents}
    assert story.title == "Isis claims ‘province’ in India-controlled Kashmir"
    reason = Document.objects.get(pk=documents[1].pk).story_reason
    assert "Ishfaq Ahmad Sofi" in reason and "Kashmir" in reason


def test_rebuilding_the_signatures_matches_what_the_job_stored(desk, ferry):
    before = _state(desk)
    data = dict(StorySignature.objects.values_list("document_id", "data"))
    assert services.story_signatures_rebuild(project=desk) == 5
    assert _state(desk)["vocabulary"] == before["vocabulary"]
    assert _state(desk)["keys"] == before["keys"]
    assert dict(StorySignature.objects.values_list("document_id", "data")) == data


# --- what reviewers do ------------------------------------------------------------------------


def test_confirm_marks_the_proposed_documents_and_records_it(desk, reviewer, ferry):
    story = ferry["courier"].story
    confirmed = services.story_confirm(story=story, actor=reviewer, documents=[ferry["herald"]])
    assert [d.pk for d in confirmed] == [ferry["herald"].pk]
    statuses = dict(story.documents.values_list("pk", "story_status"))
    assert statuses[ferry["herald"].pk] == "confirmed"
    assert statuses[ferry["courier"].pk] == "proposed"
    event = AuditEvent.objects.get(action="story_confirm")
    assert (event.actor, event.object_id) == (reviewer, ferry["herald"].pk)
    assert (event.before["story_status"], event.after["story_status"]) == ("proposed", "confirmed")
    services.story_confirm(story=story, actor=reviewer)
    assert set(story.documents.values_list("story_status", flat=True)) == {"confirmed"}


def test_confirm_refuses_a_document_of_another_story(desk, reviewer, ferry):
    story = ferry["courier"].story
    with pytest.raises(ValidationError):
        services.story_confirm(story=story, actor=reviewer, documents=[ferry["budget"]])


def test_moving_a_document_to_a_new_story_then_to_another(desk, reviewer, ferry):
    ferry_story = ferry["courier"].story
    budget_story = services.story_move(document=ferry["budget"], actor=reviewer, to=None)
    assert budget_story.title == t.BUDGET_COURIER.split("\n")[0]
    moved = services.story_move(document=ferry["gazette"], actor=reviewer, to=budget_story)
    assert moved == budget_story
    gazette = Document.objects.get(pk=ferry["gazette"].pk)
    assert (gazette.story_id, gazette.story_status, gazette.story_score) == (
        budget_story.pk,
        "confirmed",
        None,
    )
    assert ferry_story.documents.count() == 2
    event = AuditEvent.objects.filter(action="story_move").latest("id")
    assert (event.before["story"], event.after["story"]) == (ferry_story.pk, budget_story.pk)


def test_a_story_emptied_by_moves_is_deleted(desk, reviewer, ferry):
    story = ferry["courier"].story
    for name in ("herald", "gazette"):
        services.story_move(document=ferry[name], actor=reviewer, to=None)
    assert story.documents.count() == 1  # what a reviewer leaves is theirs to judge
    services.story_move(document=ferry["courier"], actor=reviewer, to=None)
    assert not Story.objects.filter(pk=story.pk).exists()
    assert AuditEvent.objects.filter(object_type="story", object_id=story.pk, action="delete")


def test_a_story_the_job_leaves_with_one_proposed_document_is_dissolved(
    desk, reviewer, ferry, monkeypatch
):
    from annotations.compare import stories as scoring

    story = ferry["courier"].story
    services.story_move(document=ferry["gazette"], actor=reviewer, to=None)
    # The job now finds nothing alike (say the others' signatures changed): the herald leaves.
    monkeypatch.setattr(scoring, "propose", lambda *args, **kwargs: scoring.Proposal("alone"))
    services.story_propose(document_id=ferry["herald"].pk)
    assert not Story.objects.filter(pk=story.pk).exists()
    courier = Document.objects.get(pk=ferry["courier"].pk)
    assert (courier.story_id, courier.story_status) == (None, "")
    assert AuditEvent.objects.filter(object_id=courier.pk, action="story_dissolve").exists()


def test_merge_moves_every_document_and_deletes_the_merged_story(desk, reviewer, ferry):
    ferry_story = ferry["courier"].story
    other = services.story_move(document=ferry["budget"], actor=reviewer, to=None)
    merged = services.story_merge(story=other, into=ferry_story, actor=reviewer)
    assert merged == ferry_story
    assert ferry_story.documents.count() == 4
    assert not Story.objects.filter(pk=other.pk).exists()
    # Each document keeps whether a reviewer confirmed it.
    statuses = dict(ferry_story.documents.values_list("pk", "story_status"))
    assert statuses[ferry["budget"].pk] == "confirmed"
    assert statuses[ferry["herald"].pk] == "proposed"
    event = AuditEvent.objects.get(object_type="story", object_id=ferry_story.pk, action="merge")
    assert event.before["merged"] == {"story": other.pk, "title": other.title}
    assert len(event.after["documents"]) == 4


def test_merge_refuses_a_story_into_itself(desk, reviewer, ferry):
    story = ferry["courier"].story
    with pytest.raises(ValidationError):
        services.story_merge(story=story, into=story, actor=reviewer)


def test_split_takes_documents_into_a_new_confirmed_story(desk, reviewer, ferry):
    story = ferry["courier"].story
    new = services.story_split(
        story=story, documents=[ferry["gazette"]], actor=reviewer, title="  The inquiry  "
    )
    assert new.title == "The inquiry"
    assert list(new.documents.values_list("pk", "story_status")) == [
        (ferry["gazette"].pk, "confirmed")
    ]
    assert story.documents.count() == 2
    assert AuditEvent.objects.get(object_type="story", object_id=story.pk, action="split").after[
        "into"
    ] == (new.pk)
    with pytest.raises(ValidationError):  # splitting everything off leaves nothing
        services.story_split(story=new, documents=[ferry["gazette"]], actor=reviewer)


def test_rename_is_recorded_and_refuses_an_empty_title(desk, reviewer, ferry):
    story = ferry["courier"].story
    services.story_rename(story=story, actor=reviewer, title="Lake Kivu ferry disaster")
    story.refresh_from_db()
    assert story.title == "Lake Kivu ferry disaster"
    event = AuditEvent.objects.get(object_type="story", action="rename")
    assert event.after == {"title": "Lake Kivu ferry disaster"}
    with pytest.raises(ValidationError):
        services.story_rename(story=story, actor=reviewer, title="   ")


def test_moderators_do_what_reviewers_do_and_outsiders_nothing(
    desk, reviewer, moderator, outsider, ferry
):
    story = ferry["courier"].story
    services.story_confirm(story=story, actor=moderator, documents=[ferry["courier"]])
    with pytest.raises(NotAllowed):
        services.story_confirm(story=story, actor=outsider)
    with pytest.raises(NotAllowed):
        services.story_move(document=ferry["herald"], actor=outsider, to=None)
    with pytest.raises(NotAllowed):
        services.story_rename(story=story, actor=outsider, title="Mine")
    with pytest.raises(NotAllowed):
        services.story_split(story=story, documents=[ferry["herald"]], actor=outsider)


def test_a_story_of_another_project_is_not_a_move_target(
    desk, other_desk, reviewer, outsider, ferry
):
    elsewhere = make_document(other_desk, actor=outsider, text=t.FERRY_HERALD, title="Elsewhere")
    theirs = services.story_move(document=elsewhere, actor=outsider, to=None)
    with pytest.raises(ValidationError):
        services.story_move(document=ferry["herald"], actor=reviewer, to=theirs)
