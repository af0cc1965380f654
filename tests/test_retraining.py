"""When a project's learned suggesters retrain: one check per transaction and label after the
commit, one delayed retrain per label on the real Redis broker however many decisions made it
due, and a retrain that checks again before training."""

from __future__ import annotations

import base64
import json

import pytest
from django.conf import settings as django_settings
from redis import Redis

from annotations import services
from annotations.models import SuggesterModel, Suggestion
from annotations.services import learning
from annotations.tasks import retrain_suggester
from factcheck.celery import app as celery_app
from tests.factories import make_document

SENTENCES = [f"Officials said {n} people were hurt in {1990 + n}." for n in range(20)]


@pytest.fixture
def twenty_open(desk, reviewer):
    """A document with twenty open suggestions: ten CLAIM, ten OPINION."""
    document = make_document(desk, actor=reviewer, text=" ".join(SENTENCES))
    for i, sentence in enumerate(SENTENCES):
        start = document.text.index(sentence)
        Suggestion.objects.create(
            document=document,
            label="CLAIM" if i % 2 else "OPINION",
            start=start,
            end=start + len(sentence),
            text=sentence,
            score=0.9,
            reason="test",
            suggester="claim-rules" if i % 2 else "opinion-rules",
            suggester_version="test",
        )
    return document


@pytest.fixture
def queue():
    """The real broker's default queue, emptied before and after, with the retrain marks."""
    assert django_settings.CELERY_BROKER_URL.startswith("redis://"), "tests run on real Redis"
    assert not celery_app.conf.task_always_eager
    redis = Redis.from_url(celery_app.conf.broker_url)

    def clear():
        celery_app.control.purge()
        for key in redis.scan_iter("annotations:retrain-pending:*"):
            redis.delete(key)

    def retrains() -> list[tuple[list, str | None]]:
        """(args, eta) of each retrain message waiting in the queue."""
        out = []
        for raw in redis.lrange(celery_app.conf.task_default_queue, 0, -1):
            message = json.loads(raw)
            if message["headers"]["task"] == "annotations.retrain_suggester":
                args = json.loads(base64.b64decode(message["body"]))[0]
                out.append((args, message["headers"]["eta"]))
        return out

    clear()
    yield retrains
    clear()


@pytest.mark.django_db(transaction=True)
def test_accepting_twenty_suggestions_at_once_enqueues_one_delayed_retrain_per_label(
    desk, reviewer, twenty_open, queue, settings
):
    settings.RETRAIN_AFTER_DECISIONS = 5
    accepted = services.suggestions_accept_above(document=twenty_open, actor=reviewer, min_score=0)
    assert len(accepted) == 20
    waiting = queue()
    assert sorted(args for args, _ in waiting) == [[desk.pk, "CLAIM"], [desk.pk, "OPINION"]]
    assert all(eta is not None for _, eta in waiting)  # it waits for the decisions to settle


@pytest.mark.django_db(transaction=True)
def test_decisions_while_a_retrain_is_pending_schedule_no_other(
    desk, reviewer, twenty_open, queue, settings
):
    settings.RETRAIN_AFTER_DECISIONS = 2
    claims = twenty_open.suggestions.filter(label="CLAIM").order_by("start")
    for suggestion in claims:  # one transaction each, all after the label became due
        services.suggestion_accept(suggestion=suggestion, actor=reviewer)
    assert [args for args, _ in queue()] == [[desk.pk, "CLAIM"]]


@pytest.mark.django_db
def test_the_check_runs_once_per_label_after_the_commit_not_inside_the_locks(
    reviewer, twenty_open, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.RETRAIN_AFTER_DECISIONS = 1000  # about the checks: nothing is due
    checked = []
    count = learning._decisions
    monkeypatch.setattr(
        learning,
        "_decisions",
        lambda project_id, label: checked.append(label) or count(project_id, label),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestions_accept_above(document=twenty_open, actor=reviewer, min_score=0)
        assert checked == []  # twenty decisions, and not one count inside their transaction
    assert sorted(checked) == ["CLAIM", "OPINION"]


@pytest.mark.django_db
def test_a_rolled_back_decision_leaves_nothing_to_check(
    reviewer, twenty_open, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    checked = []
    monkeypatch.setattr(learning, "retrain_if_due", lambda **kw: checked.append(kw) or [])
    suggestion = twenty_open.suggestions.first()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.suggestion_reject(suggestion=suggestion, actor=reviewer)
        raise RuntimeError("the request failed after the decision")
    assert checked == []
    assert Suggestion.objects.get(pk=suggestion.pk).status == "open"


FACTS = [
    "The ministry said {n} people died in the floods in {year}.",
    "Exports rose by {n} percent in {year}, the statistics office reported.",
]
JUDGEMENTS = ["It was a shameful and cowardly decision.", "The plan is a disgrace to all."]


@pytest.fixture
def labelled_desk(desk, reviewer):
    """Ten articles where the reviewer tagged every factual sentence as a CLAIM."""
    from tests.factories import make_span

    for i in range(10):
        facts = [f.format(n=10 + i, year=2000 + i) for f in FACTS]
        document = make_document(desk, actor=reviewer, text=" ".join(facts + JUDGEMENTS))
        for fact in facts:
            make_span(document, reviewer, fact)
    return desk


@pytest.mark.django_db
def test_the_retrain_task_trains_once_and_then_skips_when_nothing_is_new(
    labelled_desk, settings, tmp_path
):
    settings.SUGGESTER_MODEL_DIR = tmp_path
    settings.RETRAIN_AFTER_DECISIONS = 20  # the desk made 20 decisions about CLAIM
    assert retrain_suggester.apply(args=(labelled_desk.pk, "CLAIM")).get() == 1
    row = SuggesterModel.objects.get(project=labelled_desk, label="CLAIM")
    assert (row.decisions, row.is_active) == (20, True)
    # Run again (a duplicate message, a second schedule): the decisions are already learned.
    assert retrain_suggester.apply(args=(labelled_desk.pk, "CLAIM")).get() is None
    assert SuggesterModel.objects.filter(project=labelled_desk).count() == 1


@pytest.mark.django_db
def test_the_retrain_task_returns_quietly_for_a_project_that_is_gone(desk):
    gone = desk.pk
    desk.delete()
    assert retrain_suggester.apply(args=(gone, "CLAIM")).get() is None


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_decision_is_saved_and_fails_fast(reviewer, twenty_open, settings):
    import time

    settings.RETRAIN_AFTER_DECISIONS = 1
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    try:
        started = time.monotonic()
        suggestion = twenty_open.suggestions.first()
        services.suggestion_accept(suggestion=suggestion, actor=reviewer)
        assert time.monotonic() - started < 10
    finally:
        celery_app.conf.broker_url = original
    assert Suggestion.objects.get(pk=suggestion.pk).status == "accepted"
