"""The story job on the real stack: imports commit, then a Celery worker (an in-process
thread consuming from the real Redis) proposes their story in the real PostgreSQL."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from annotations.models import Document, StorySignature
from factcheck.celery import app as celery_app
from tests import story_texts as t
from tests.factories import make_document

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "tests run against a real Redis"
    assert not celery_app.conf.task_always_eager
    celery_app.control.purge()  # messages left in Redis by earlier runs are not this test's
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def _signed(document_id: int, timeout: float = 30.0) -> Document:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if StorySignature.objects.filter(document_id=document_id).exists():
            return Document.objects.get(pk=document_id)
        time.sleep(0.05)
    raise AssertionError(f"document {document_id} was not signed after {timeout}s")


def test_a_worker_proposes_the_story_of_imported_reports(desk, reviewer, worker):
    first = make_document(
        desk, actor=reviewer, text=t.FERRY_COURIER, title="Ferry capsizes", outlet="Courier",
        published_on=t.FERRY_DAY,
    )  # fmt: skip
    _signed(first.pk)  # the second report must find the first one signed
    second = make_document(
        desk, actor=reviewer, text=t.FERRY_HERALD, title="Boat sinks", outlet="Herald",
        published_on=t.FERRY_DAY + timedelta(days=1),
    )  # fmt: skip
    second = _signed(second.pk)
    first.refresh_from_db()
    assert second.story_id is not None and first.story_id == second.story_id
    assert (first.story_status, second.story_status) == ("proposed", "proposed")
    assert second.story.title == "Ferry capsizes"
