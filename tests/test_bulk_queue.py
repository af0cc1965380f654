"""A bulk import's per-document jobs go to their own queue, so a worker for the default queue
(what reviewers wait for) is never behind a thousand suggestion runs; a worker started without
-Q consumes both (real Redis, a real worker thread)."""

from __future__ import annotations

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
