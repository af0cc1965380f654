"""Large imports as jobs on the real stack: a Celery worker consuming from the real Redis and
writing to the real PostgreSQL. The web request only stores the file; the job's progress is
read from the API while the worker imports; a worker killed mid-import leaves nothing half
done, and the next worker imports the whole file once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from annotations.models import Document, ImportJob, Span
from factcheck.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[1]


def tiny_lines(count: int) -> bytes:
    """`count` short lines, each a document with one span (OPINION: no desk claim to make)."""
    return b"".join(b'{"text":"n%d","label":[[0,1,"OPINION"]]}\n' % i for i in range(count))


def upload(api, user, project, data: bytes, **params) -> dict:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    answer = api(user).post(
        f"/api/v1/projects/{project.pk}/documents/import/?{query}",
        data=data,
        content_type="application/x-ndjson",
    )
    assert answer.status_code == 202, answer.json()
    assert answer["Location"] == f"/api/v1/imports/{answer.json()['id']}/"
    return answer.json()


@pytest.fixture
def broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "tests run against a real Redis"
    assert not celery_app.conf.task_always_eager
    celery_app.control.purge()  # messages left in Redis by earlier runs are not this test's
    yield celery_app
    celery_app.control.purge()  # nor are the suggestion runs this one's import asked for


def test_a_150000_line_import_runs_as_a_job_with_its_progress_visible_while_it_runs(
    api, desk, reviewer, broker
):
    lines = 150_000
    # The worker stops once the task has ended, which is after the import commits and hands
    # its documents' suggestion runs to the queue.
    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=300):
        started = time.monotonic()
        job = upload(api, reviewer, desk, tiny_lines(lines))
        assert time.monotonic() - started < 10, "the request waited on the import"
        seen = []
        client = api(reviewer)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            now = client.get(job["url"]).json()
            seen.append(now)
            if now["status"] in ("done", "failed"):
                break
            # As a page polling it would; more often only takes the worker's share of the
            # process (it runs in this one).
            time.sleep(0.5)
    final = seen[-1]
    assert final["status"] == "done", final
    running = [s for s in seen if s["status"] == "running" and 0 < s["lines_read"] < lines]
    assert running, "no progress was seen while the import ran"
    read = [s["lines_read"] for s in seen]
    assert read == sorted(read), "progress went backwards"
    assert running[0]["spans_written"] > 0 and running[0]["error_count"] == 0
    assert (final["lines_read"], final["documents_written"], final["spans_written"]) == (
        lines,
        lines,
        lines,
    )
    assert final["result"]["committed"] is True and final["result"]["spans_created"] == lines
    assert Span.objects.filter(document__project=desk).count() == lines
    assert not any(Path(settings.IMPORT_UPLOAD_DIR).iterdir()), "the upload was not removed"


def test_an_upload_the_worker_imports_while_the_request_waits_is_answered_with_its_result(
    api, desk, reviewer, broker, settings
):
    settings.IMPORT_ANSWER_WAIT_SECONDS = 60
    url = f"/api/v1/projects/{desk.pk}/documents/import/"
    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        done = api(reviewer).post(url, data=tiny_lines(3), content_type="application/x-ndjson")
        # All or nothing: the second line is refused, so nothing of this file is saved.
        refused = api(reviewer).post(
            url,
            data=b'{"text": "kept?", "label": [[0, 4, "CLAIM"]]}\n{"text": "x", "label": [[0, 9, "CLAIM"]]}\n',
            content_type="application/x-ndjson",
        )
        at_once = api(reviewer).post(
            url,
            data=tiny_lines(2),
            content_type="application/x-ndjson",
            HTTP_PREFER="respond-async",
        )
        assert at_once.status_code == 202 and at_once.json()["status"] == "queued"
        _until(lambda: _job(at_once.json()["id"]).finished, "the third import", timeout=60)
    assert done.status_code == 201, done.json()
    job = done.json()
    assert done["Location"] == job["url"]
    assert (job["status"], job["result"]["committed"], job["result"]["spans_created"]) == (
        "done",
        True,
        3,
    )
    assert refused.status_code == 400, refused.json()
    assert refused.json()["status"] == "failed"
    assert [e["line"] for e in refused.json()["errors"]] == [2]
    assert refused["Location"] == refused.json()["url"]
    assert sorted(Document.objects.values_list("text", flat=True)) == ["n0", "n0", "n1", "n1", "n2"]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _worker_process() -> subprocess.Popen:
    """A worker of its own (`celery worker`, one process), to be killed like a real one."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "IMPORT_UPLOAD_DIR": str(settings.IMPORT_UPLOAD_DIR),
        # A message a killed worker took comes back after 2 s instead of an hour.
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--pool=solo",
         "--without-mingle", "--without-gossip", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def _job(pk: int) -> ImportJob:
    return ImportJob.objects.get(pk=pk)


def _until(check, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout}s")


def test_a_worker_killed_mid_import_leaves_nothing_and_the_next_one_imports_every_line_once(
    api, desk, reviewer, broker
):
    lines = 20_000  # about 10 s of importing: killed a fifth of the way in
    first = _worker_process()
    try:
        job = upload(api, reviewer, desk, tiny_lines(lines))
        _until(lambda: _job(job["id"]).lines_read >= lines // 5, "progress", timeout=120)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.kill(first.pid, signal.SIGKILL)
    killed = _job(job["id"])
    assert killed.status == "running" and killed.lines_read < lines
    assert not Document.objects.filter(project=desk).exists(), "half an import was kept"

    second = _worker_process()
    try:
        _until(lambda: _job(job["id"]).finished, "the job's end", timeout=180)
    finally:
        os.kill(second.pid, signal.SIGKILL)
        second.wait(timeout=10)
    done = _job(job["id"])
    assert (done.status, done.attempts, done.spans_written) == ("done", 2, lines)
    spans = Span.objects.filter(document__project=desk)
    assert spans.count() == lines
    assert spans.values("document__text").distinct().count() == lines  # each exactly once
    assert Document.objects.filter(project=desk).count() == lines


CLOSED_PORT_BROKER = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


def test_with_the_broker_down_the_upload_is_kept_queued_and_the_sweep_hands_it_over_later(
    api, desk, reviewer, broker
):
    from datetime import timedelta

    from annotations import services

    broker.conf.broker_url = CLOSED_PORT_BROKER
    try:
        job = upload(api, reviewer, desk, tiny_lines(3), keep_good_lines="true")
    finally:
        broker.conf.broker_url = settings.CELERY_BROKER_URL  # the broker is back
    waiting = _job(job["id"])
    assert (waiting.status, waiting.enqueued_at) == ("queued", None)
    assert "could not be reached" in api(reviewer).get(job["url"]).json()["error"]

    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        later = waiting.created_at + timedelta(seconds=30)
        assert services.import_jobs_sweep(now=later) == [job["id"]]
        _until(lambda: _job(job["id"]).finished, "the job's end", timeout=60)
    done = api(reviewer).get(job["url"]).json()
    assert (done["status"], done["spans_written"], done["error"]) == ("done", 3, "")
    assert Span.objects.filter(document__project=desk).count() == 3


def test_a_request_waiting_for_its_import_is_answered_when_the_import_commits(
    api, desk, reviewer, broker, settings, monkeypatch
):
    """The import's commit wakes the waiting request (PostgreSQL's NOTIFY): with the row
    read only once a minute besides, the answer is the result long before that."""
    from annotations.services import import_jobs

    settings.IMPORT_ANSWER_WAIT_SECONDS = 60
    monkeypatch.setattr(import_jobs, "FALLBACK_POLL", 60.0)
    url = f"/api/v1/projects/{desk.pk}/documents/import/"
    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        began = time.monotonic()
        done = api(reviewer).post(url, data=tiny_lines(3), content_type="application/x-ndjson")
        waited = time.monotonic() - began
    assert done.status_code == 201, done.json()
    assert done.json()["result"]["spans_created"] == 3
    assert waited < 30, f"answered only after {waited:.0f} s: the commit did not wake it"
