"""The comparison job on the real stack: two reports are imported and commit, a Celery worker
(an in-process thread consuming from the real Redis) puts them in one story, and then compares
them, in the real PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from annotations.models import Document, OutletMatch, StoryComparison, StorySignature
from factcheck.celery import app as celery_app
from tests import seed_story as seeds
from tests.factories import make_document

pytestmark = pytest.mark.django_db(transaction=True)

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "articles"


@pytest.fixture
def worker():
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "tests run against a real Redis"
    assert not celery_app.conf.task_always_eager
    celery_app.control.purge()  # messages left in Redis by earlier runs are not this test's
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def _compared(story_id: int, timeout: float = 60.0) -> StoryComparison:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = StoryComparison.objects.filter(story_id=story_id, status="done").first()
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"story {story_id} was not compared after {timeout}s")


def _until(check, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} after {timeout}s")


def test_a_worker_compares_the_reports_of_a_story_after_they_join_it(desk, reviewer, worker):
    first = make_document(
        desk, actor=reviewer, title="Isis claims province",
        text=(SEEDS / f"{seeds.FIRST_ID[5:]}.txt").read_text(),
    )  # fmt: skip
    # The second report must find the first one signed by the story job.
    _until(lambda: StorySignature.objects.filter(document=first).exists(), "first not signed")
    second = make_document(
        desk, actor=reviewer, title="IS claims province", outlet="Voice Of Vienna",
        text=(SEEDS / f"{seeds.SECOND_ID[5:]}.txt").read_text(),
    )  # fmt: skip
    _until(
        lambda: Document.objects.filter(pk=second.pk, story__isnull=False).exists(),
        "the story job did not put the reports in one story",
    )
    second.refresh_from_db()
    comparison = _compared(second.story_id)
    assert comparison.counts["found"] > 0
    differing = [
        [(d["a"], d["b"]) for d in m.details["differences"]]
        for m in OutletMatch.objects.filter(kind="quote", document_a=first, document_b=second)
    ]
    assert [("jihadists", "militants"), ("Isil", "IS")] in differing
