"""The suggestion job on the real stack: a Celery worker (in-process thread) consuming from the
real Redis, writing to the real PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from annotations import services
from annotations.models import SuggestionRun
from factcheck.celery import app as celery_app
from tests.factories import make_document

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = (
    "“It has no relevance in Kashmir,” said a senior police official on Friday.\n\n"
    "The bombers killed at least 253 people in 2019."
)
CLOSED_PORT_BROKER = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


@pytest.fixture
def broker():
    """The app's broker, restored after the test even if it pointed it somewhere else."""
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "tests run against a real Redis"
    assert not celery_app.conf.task_always_eager
    original = celery_app.conf.broker_url
    yield celery_app
    celery_app.conf.broker_url = original


@pytest.fixture
def worker(broker):
    broker.control.purge()  # messages left in Redis by earlier runs are not this test's
    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def _wait_for(run_id: int, status: str, timeout: float = 20.0) -> SuggestionRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = SuggestionRun.objects.get(pk=run_id)
        if run.status == status:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} is {run.status!r}, not {status!r}, after {timeout}s")


def test_a_real_worker_runs_an_imported_documents_suggestions_queued_running_done(
    desk, reviewer, worker, monkeypatch
):
    # Hold the worker inside the run until the test has seen it running.
    from annotations.services import learning

    seen_running, release = threading.Event(), threading.Event()
    compute = learning.candidates_for

    def held(document):
        seen_running.set()
        assert release.wait(10)
        return compute(document)

    monkeypatch.setattr(learning, "candidates_for", held)

    document = make_document(desk, actor=reviewer, text=TEXT)  # commits, then enqueues
    run = document.suggestion_runs.get()
    assert seen_running.wait(20), "the worker never picked the run up"
    assert SuggestionRun.objects.get(pk=run.pk).status == "running"
    release.set()

    run = _wait_for(run.pk, "done")
    assert run.attempts == 1 and run.error == ""
    assert run.counts["created"] == document.suggestions.count() > 0
    quote = document.suggestions.get(label="QUOTE")
    assert (quote.text, quote.speaker) == (
        "It has no relevance in Kashmir",
        "a senior police official",
    )


def test_with_the_broker_down_the_import_succeeds_and_the_sweep_completes_the_run_later(
    desk, reviewer, broker
):
    broker.conf.broker_url = CLOSED_PORT_BROKER
    started = time.monotonic()
    document = make_document(desk, actor=reviewer, text=TEXT)
    assert time.monotonic() - started < 15, "the import waited too long for a dead broker"
    run = document.suggestion_runs.get()
    assert run.status == "queued"
    assert run.enqueued_at is None
    assert "could not be reached" in run.error

    broker.conf.broker_url = settings.CELERY_BROKER_URL  # the broker is back
    broker.control.purge()
    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert services.suggestion_runs_sweep(now=run.created_at + _seconds(30)) == [run.pk]
        run = _wait_for(run.pk, "done")
    assert run.error == ""
    assert document.suggestions.filter(label="QUOTE").count() == 1


def _seconds(n):
    from datetime import timedelta

    return timedelta(seconds=n)


def test_the_sweep_task_runs_on_the_worker_and_requeues_a_lost_run(desk, reviewer, worker):
    from annotations.tasks import sweep_suggestion_runs

    document = make_document(desk, actor=reviewer, text=TEXT)
    first = _wait_for(document.suggestion_runs.get().pk, "done")
    lost = SuggestionRun.objects.create(document=document)  # never handed to the broker
    SuggestionRun.objects.filter(pk=lost.pk).update(created_at=first.created_at.replace(year=2020))
    sweep_suggestion_runs.enqueue()
    lost = _wait_for(lost.pk, "done")
    assert lost.counts["created"] == 0  # the first run already made them: nothing duplicated
    assert document.suggestions.count() == first.counts["created"]


def test_a_new_documents_jobs_reach_the_reviewers_queue_and_a_worker_runs_them(
    desk, reviewer, broker
):
    import json

    from redis import Redis

    from annotations.models import ClaimCheckRun, StorySignature

    broker.control.purge()
    document = make_document(desk, actor=reviewer, text=TEXT)  # commits, then enqueues
    queued = Redis.from_url(settings.CELERY_BROKER_URL).lrange(
        settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1
    )
    tasks = sorted(
        (m["headers"]["task"], m["headers"]["argsrepr"]) for m in map(json.loads, queued)
    )
    # No claim matching yet: a new article has no CLAIMs until its run suggests them.
    assert tasks == [
        ("annotations.propose_story", f"({document.pk},)"),
        ("annotations.run_suggestions", f"({document.suggestion_runs.get().pk},)"),
    ]
    run = document.suggestion_runs.get()
    assert run.enqueued_at is not None and run.error == ""
    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        _wait_for(run.pk, "done")
        deadline = time.monotonic() + 20
        while not StorySignature.objects.filter(document=document).exists():
            assert time.monotonic() < deadline, "the worker never signed the document"
            time.sleep(0.05)
        # Its run asked for the claim matching of the CLAIMs it suggested.
        while not ClaimCheckRun.objects.filter(document=document).exists():
            assert time.monotonic() < deadline, "the suggested claims were never matched"
            time.sleep(0.05)
    assert document.suggestions.filter(label="CLAIM").exists()
