"""A bulk import's per-document jobs go to their own queue, so a worker for the default queue
(what reviewers wait for) is never behind a thousand suggestion runs; a worker started without
-Q consumes both (real Redis, a real worker thread)."""

from __future__ import annotations

import base64
import json
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from redis import Redis

from annotations import services
from annotations.models import SuggestionRun
from factcheck.celery import app as celery_app
from tests.factories import make_document

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "tests run against a real Redis"
    assert not celery_app.conf.task_always_eager
    celery_app.control.purge()
    client = Redis.from_url(celery_app.conf.broker_url)
    yield client
    celery_app.control.purge()


def _bulk_runs(desk, reviewer, count: int) -> list[int]:
    documents = [
        make_document(desk, actor=reviewer, title=f"T{i}", text=f"Police said {i} people left.")
        for i in range(count)
    ]
    # Their own runs went to the default queue as each import committed; these are a batch's.
    return services.suggestion_runs_request(documents=documents, enqueue=False)


def test_a_bulk_imports_runs_wait_on_the_bulk_queue_not_the_reviewers_one(desk, reviewer, redis):
    # A worker declares both queues' bindings, as in production: a message for one must not
    # also land in the other.
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        pass
    run_ids = _bulk_runs(desk, reviewer, 3)
    default_before = redis.llen("celery")
    assert services.suggestion_runs_fan_out(run_ids=run_ids) == 3
    assert redis.llen(settings.BULK_TASK_QUEUE) == 3
    assert redis.llen("celery") == default_before
    # Whoever adds one article next is answered from the default queue, ahead of the batch.
    make_document(desk, actor=reviewer, title="Next", text="The minister said 5 were hurt.")
    assert redis.llen("celery") > default_before
    assert redis.llen(settings.BULK_TASK_QUEUE) == 3


def test_a_worker_started_without_queues_runs_the_bulk_queue_too(desk, reviewer, redis):
    run_ids = _bulk_runs(desk, reviewer, 2)
    services.suggestion_runs_fan_out(run_ids=run_ids)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if SuggestionRun.objects.filter(pk__in=run_ids, status="done").count() == 2:
                break
            time.sleep(0.1)
    assert SuggestionRun.objects.filter(pk__in=run_ids, status="done").count() == 2


def _messages(redis, queue: str) -> list[tuple[str, list]]:
    """The queue's messages, oldest first, as (task name, first argument)."""
    found = []
    for raw in reversed(redis.lrange(queue, 0, -1)):  # LPUSHed: the oldest is last
        message = json.loads(raw)
        args = json.loads(base64.b64decode(message["body"]))[0]
        found.append((message["headers"]["task"], args[0] if args else None))
    return found


def test_a_long_import_hands_its_work_over_once_it_is_in_not_batch_by_batch(
    desk, reviewer, redis, monkeypatch
):
    from annotations.services import documents, imports

    # Batches of 2 lines, messages of 3 ids: five lines are three batches, and two messages
    # of each job.
    monkeypatch.setattr(imports, "BATCH_LINES", 2)
    monkeypatch.setattr(documents, "HANDOVER_IDS", 3)
    lines = [
        json.dumps({"text": f"Police said {i} people left.", "label": [[0, 6, "CLAIM"]]})
        for i in range(5)
    ]
    report = services.document_import_jsonl(project=desk, actor=reviewer, lines=lines)
    assert report.committed and report.documents_created == 5
    runs = list(
        SuggestionRun.objects.filter(document__project=desk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = sorted(report.document_ids)
    assert _messages(redis, settings.CELERY_TASK_DEFAULT_QUEUE) == [
        ("annotations.enqueue_suggestion_runs", runs[:3]),
        ("annotations.enqueue_story_proposals", ids[:3]),
        ("annotations.enqueue_claim_checks", ids[:3]),
        ("annotations.enqueue_suggestion_runs", runs[3:]),
        ("annotations.enqueue_story_proposals", ids[3:]),
        ("annotations.enqueue_claim_checks", ids[3:]),
    ]
    # Each run says it was handed over, and to no one twice.
    assert not SuggestionRun.objects.filter(pk__in=runs, enqueued_at__isnull=True).exists()
    assert SuggestionRun.objects.filter(pk__in=runs, error="").count() == 5


def test_a_message_shows_its_arguments_cut_short_as_celery_would():
    from annotations.tasks import ARGS_SHOWN, shown_args

    assert shown_args((7,)) == "(7,)"
    ids = list(range(100_000, 102_000))
    shown = shown_args((ids,))
    assert len(shown) == ARGS_SHOWN and shown.startswith("([100000, 100001, ")
    assert shown.endswith("...)")
