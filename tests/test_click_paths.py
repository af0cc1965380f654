"""The shortcuts of the clicks: a span create reads only the part of the article its rules
read, with SQL compiled once; a plainly valid body is read without building its serializer;
a new document's jobs are published after its answer, and the sweep hands over what a dying
process never published. Each must answer exactly as the long way did."""

from __future__ import annotations

import random
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.api import serializers as s
from annotations.api.inputs import _plain_reader
from annotations.domain import span as rules
from annotations.models import Span, SuggestionRun
from factcheck import after_response
from factcheck.celery import app as celery_app
from tests.factories import make_document

pytestmark = pytest.mark.django_db

# Emoji, CJK and a combining mark: offsets count code points, as PostgreSQL's substr does.
LONG_TEXT = ("Police said 🙂 “at least 253” 東京 café, officials said. " * 2000)[:100_000]


@pytest.fixture
def long_document(desk, reviewer):
    return make_document(desk, actor=reviewer, text=LONG_TEXT, title="Long")


def _post_span(client, document, start, end, **extra):
    body = {"label": "OPINION", "start": start, "end": end, "text": LONG_TEXT[start:end], **extra}
    return client.post(f"/api/v1/documents/{document.pk}/spans/", body, format="json")


@pytest.mark.parametrize("where", [0, 1, 40, 50_000, 99_990, 99_999])
def test_a_span_anywhere_in_a_long_article_keeps_its_context(api, long_document, reviewer, where):
    end = min(where + 7, len(LONG_TEXT))
    answer = _post_span(api(reviewer), long_document, where, end)
    assert answer.status_code == 201, answer.json()
    prefix, suffix = rules.context(LONG_TEXT, where, end)
    assert (answer.json()["prefix"], answer.json()["suffix"]) == (prefix, suffix)
    stored = Span.objects.get(pk=answer.json()["id"])
    assert (stored.text, stored.prefix, stored.suffix) == (LONG_TEXT[where:end], prefix, suffix)


def test_the_span_create_never_reads_the_whole_text(api, long_document, reviewer):
    client = api(reviewer)
    client.get("/api/v1/projects/")  # the token's last use is written once
    with CaptureQueriesContext(connection) as queries:
        assert _post_span(client, long_document, 500, 512).status_code == 201
    document_reads = [q["sql"] for q in queries if "annotations_document" in q["sql"]]
    assert len(document_reads) == 1 and "SUBSTRING" in document_reads[0].upper()
    assert '"annotations_document"."text" AS' not in document_reads[0]


def test_offsets_past_the_end_and_text_that_differs_are_still_refused(api, long_document, reviewer):
    client = api(reviewer)
    past = client.post(
        f"/api/v1/documents/{long_document.pk}/spans/",
        {"label": "CLAIM", "start": 99_998, "end": 100_003, "text": "xxxxx"},
        format="json",
    )
    assert past.status_code == 400 and "past the end" in str(past.json()["end"])
    assert "100000 characters" in str(past.json()["end"])
    differs = _post_span(client, long_document, 10, 16, text="Police")
    assert differs.status_code == 400
    assert f"reads {LONG_TEXT[10:16]!r}" in str(differs.json()["text"])


def test_a_bad_body_for_a_document_out_of_sight_is_still_a_404(api, document, outsider):
    answer = api(outsider).post(
        f"/api/v1/documents/{document.pk}/spans/", {"label": "NOPE"}, format="json"
    )
    assert answer.status_code == 404


def test_a_deleted_document_takes_no_spans(api, document, reviewer, moderator):
    services.document_delete(document=document, actor=moderator)
    answer = _post_span(api(reviewer), document, 0, 6)
    assert answer.status_code == 404


def test_the_text_window_refuses_a_slice_it_was_not_given():
    window = rules.TextWindow("cdef", offset=2, length=10)
    assert (len(window), window[2:4], window[3:6], window[10:20]) == (10, "cd", "def", "")
    for outside in (slice(0, 3), slice(5, 7), slice(9, 20)):
        with pytest.raises(IndexError):
            window[outside]


# A body's values of every kind the span create and update read: the first of each valid for
# all three, the others valid for some or for none.
VALUES = {
    "label": ["CLAIM", "QUOTE", "X", "", None, 5, " CLAIM", "claim"],
    "start": [1, 0, -1, 5.0, True, "5", None, 2_000_001, 10**20],
    "end": [7, 0, 1, None, "7", 3.5],
    "text": ["Police", " Police", "", "a\x00b", "\ud800", 5, None, "x" * 10],
    "speaker": ["", " a ", "Bob", None, 7],
    "note": ["", " n ", None, "\x00", "a note"],
    "desk_claim": [None, 0, 1, "1", True],
    "version": [1, 0, None, 2**31, "2", 3],
    "wording": ["A claim", " x ", "", None],
}


# A document create's values: the first of each valid, the others valid or not, some of them
# only by the serializer's own reading (a date in another form, an address with a space).
DOCUMENT_VALUES = {
    "title": ["Minister on growth", " padded ", "", None, 5, "t" * 501],
    "text": ["The minister said 🙂 42.", "  spaced  ", "", "a\x00b", "\ud800", 7, None],
    "outlet": ["", "Herald", " Herald ", None, 3],
    "author": ["", "A. Writer", None, "w" * 201],
    "source_url": [
        "https://news.example.org/a?b=1",
        "",
        "ftp://x.org",
        "https://x.org/a b",
        "https://x.org/\x7f",
        "http://ex ample.org",
        None,
        5,
    ],
    "published_on": [
        "2024-02-29",
        None,
        "2024-02-30",
        "20240229",
        "2024-2-9",
        "2024-W01-1",
        "2024-02-29T10:00",
        "२०२४-०२-२९",
        20240229,
    ],
    "external_id": ["", "wire-17", " wire ", None],
    "metadata": [
        {},
        {"seq": 1, "tags": ["a", None]},
        {"deep": [[[[[[[[[[[1]]]]]]]]]]]},
        [],
        "x",
        None,
        {"k": "\x00"},
    ],
}


@pytest.mark.parametrize(
    ("serializer", "values"),
    [
        (s.SpanCreateSerializer, VALUES),
        (s.SpanUpdateSerializer, VALUES),
        (s.MentionMoveSerializer, VALUES),
        (s.DocumentCreateSerializer, DOCUMENT_VALUES),
    ],
)
def test_a_plainly_valid_body_reads_as_its_serializer_reads_it(serializer, values):
    read = _plain_reader(serializer)
    assert read is not None
    chosen = random.Random(7)
    plain = 0
    for _ in range(3000):
        body = {
            k: v[0] if chosen.random() < 0.8 else chosen.choice(v)
            for k, v in values.items()
            if chosen.random() < 0.8
        }
        fast = read(body)
        full = serializer(data=body)
        if fast is not None:
            plain += 1
            assert full.is_valid() and dict(full.validated_data) == fast, body
    assert plain > 300  # the shortcut is taken, not only ever declined


def test_a_plain_read_gives_each_body_its_own_default_metadata():
    read = _plain_reader(s.DocumentCreateSerializer)
    first, second = read({"title": "A", "text": "B"}), read({"title": "A", "text": "B"})
    assert first["metadata"] == {} and first["metadata"] is not second["metadata"]


def test_a_serializer_with_rules_of_its_own_is_always_read_in_full():
    assert _plain_reader(s.VerdictWriteSerializer) is None
    assert _plain_reader(s.DocumentUpdateSerializer) is None


def _document_create(client, desk):
    """The answer and the queries of one document create through the API (after a first request, so the
    token's last use is not among them)."""
    client.get("/api/v1/projects/")  # the token's last use is written once
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            f"/api/v1/projects/{desk.pk}/documents/",
            {"title": "New", "text": "The minister said 42."},
            format="json",
        )
    assert answer.status_code == 201, answer.json()
    return answer, queries


def test_a_document_create_reads_the_requesters_role_with_the_project(api, desk, reviewer):
    _, queries = _document_create(api(reviewer), desk)
    sqls = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in sqls if 'FROM "annotations_membership" WHERE' in sql], sqls


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {
            "outlet": "Herald",
            "author": "A. Writer",
            "source_url": "https://news.example.org/a?b=1",
            "published_on": "2024-02-29",
            "external_id": "wire-17",
            "metadata": {"seq": 1, "b": [1.5, None], "a": {"z": True}},
        },
    ],
)
def test_a_document_creates_answer_is_the_row_the_list_then_shows(api, desk, reviewer, fields):
    client = api(reviewer)
    body = {"title": "New", "text": "The minister said 🙂 42.", **fields}
    created = client.post(f"/api/v1/projects/{desk.pk}/documents/", body, format="json")
    assert created.status_code == 201, created.json()
    listed = client.get(f"/api/v1/projects/{desk.pk}/documents/").json()["results"]
    assert created.json() == next(row for row in listed if row["id"] == created.json()["id"])
    assert created.json()["published_on"] == fields.get("published_on")


def test_a_project_out_of_sight_still_takes_no_documents(api, desk, outsider):
    answer = api(outsider).post(
        f"/api/v1/projects/{desk.pk}/documents/",
        {"title": "New", "text": "The minister said 42."},
        format="json",
    )
    assert answer.status_code == 404


# --- a new document's jobs, after its answer ----------------------------------------------


def _before_the_apps_receiver(receiver):
    """Connect `receiver` to request_finished ahead of after_response's: it runs once the
    answer is complete, before the jobs kept for after it."""
    from django.core.signals import request_finished

    uid = "factcheck.after_response.finished"
    request_finished.disconnect(dispatch_uid=uid)
    request_finished.connect(receiver)
    request_finished.connect(after_response._request_finished, dispatch_uid=uid)


@pytest.mark.django_db(transaction=True)
def test_a_new_documents_jobs_are_published_after_its_answer(api, desk, reviewer):
    from django.core.signals import request_finished

    at_answer: list[tuple] = []

    def answered(**_):
        at_answer.append(tuple(SuggestionRun.objects.values_list("status", "enqueued_at")))

    _before_the_apps_receiver(answered)
    try:
        answer = api(reviewer).post(
            f"/api/v1/projects/{desk.pk}/documents/",
            {"title": "New", "text": "The minister said 42."},
            format="json",
        )
    finally:
        request_finished.disconnect(answered)
    assert answer.status_code == 201
    assert at_answer == [(("queued", None),)]  # committed, not handed over yet
    run = SuggestionRun.objects.get(document_id=answer.json()["id"])
    assert run.enqueued_at is not None and run.error == ""  # handed over after the answer


@pytest.mark.django_db(transaction=True)
def test_a_run_whose_message_never_went_out_is_handed_over_by_the_sweep(api, desk, reviewer):
    """The process died after the answer, before it published: the run stays queued and
    never handed over, and the sweep hands it to a real worker, which runs it."""
    assert not celery_app.conf.task_always_eager, "tests run against a real Redis"
    from django.core.signals import request_finished

    def dies_before_publishing(**_):
        after_response.pending_jobs().clear()  # what a killed process never ran

    _before_the_apps_receiver(dies_before_publishing)
    try:
        answer = api(reviewer).post(
            f"/api/v1/projects/{desk.pk}/documents/",
            {"title": "Lost", "text": "“We will rebuild,” said the mayor on Friday."},
            format="json",
        )
    finally:
        request_finished.disconnect(dies_before_publishing)
    assert answer.status_code == 201
    run = SuggestionRun.objects.get(document_id=answer.json()["id"])
    assert (run.status, run.enqueued_at) == ("queued", None)
    # Its search words, written after the answer too, are missing: search does not find it...
    listed = f"/api/v1/projects/{desk.pk}/documents/"
    assert api(reviewer).get(listed, {"q": "rebuild mayor"}).json()["results"] == []
    # Not before its grace: a fresh run's own publishing comes first.
    assert services.suggestion_runs_sweep(now=run.created_at + timedelta(seconds=5)) == []

    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert services.suggestion_runs_sweep(now=run.created_at + timedelta(seconds=30)) == [
            run.pk
        ]
        deadline = time.monotonic() + 20
        while SuggestionRun.objects.get(pk=run.pk).status != "done":
            assert time.monotonic() < deadline, "the worker never ran the swept run"
            time.sleep(0.05)
    assert SuggestionRun.objects.get(pk=run.pk).document.suggestions.filter(label="QUOTE").exists()
    # ... until its run has: the run writes what is missing.
    found = api(reviewer).get(listed, {"q": "rebuild mayor"}).json()["results"]
    assert [row["title"] for row in found] == ["Lost"]


def test_outside_a_request_the_jobs_run_at_once():
    ran = []
    after_response.after_response(lambda: ran.append(1))
    assert ran == [1]


@pytest.fixture
def served():
    """This process as a WSGI server runs it (factcheck.wsgi): the after-answer jobs go to
    the process's own thread. Stopped afterwards, its database connection closed."""
    after_response.run_in_background()
    yield
    after_response.run_in_background(False)


def _request(*jobs):
    """What a request that kept these jobs does around its answer (the app's receivers of
    request_started and request_finished, without Django's, which close the connection)."""
    after_response._request_started()
    for job in jobs:
        after_response.after_response(job)
    after_response._request_finished()


def test_a_served_process_takes_the_next_request_while_the_last_ones_jobs_still_run(served):
    import threading

    release, ran = threading.Event(), []
    _request(lambda: release.wait(10), lambda: ran.append("first"))
    # The answer is sent and the thread is free for the next request, the jobs not run yet.
    _request(lambda: ran.append("second"))
    assert ran == []
    release.set()
    assert after_response.wait_for_background()
    assert ran == ["first", "second"]  # in the order the requests kept them


def test_a_served_process_whose_job_thread_fell_behind_runs_the_jobs_on_the_request(
    served, monkeypatch
):
    import threading

    after_response.run_in_background(False)
    monkeypatch.setattr(after_response, "MAX_WAITING", 1)
    after_response.run_in_background()
    release, ran = threading.Event(), []
    _request(lambda: release.wait(10))  # the thread takes it and waits
    assert _wait_until(lambda: after_response._background.current.batches.empty())
    _request(lambda: ran.append("queued"))  # the one batch that may wait
    _request(lambda: ran.append("on the request"))  # no room: runs here, now
    assert ran == ["on the request"]
    release.set()
    assert after_response.wait_for_background()
    assert ran == ["on the request", "queued"]


def test_a_failing_job_after_the_answer_does_not_stop_the_ones_after_it(served, caplog):
    ran = []

    def fails():
        raise RuntimeError("broker gone")

    _request(fails, lambda: ran.append("next"))
    _request(lambda: ran.append("next request"))
    assert after_response.wait_for_background()
    assert ran == ["next", "next request"]
    assert "A job after the response failed" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_document_created_on_a_served_process_is_handed_over_and_found_moments_later(
    api, desk, reviewer, served
):
    answer = api(reviewer).post(
        f"/api/v1/projects/{desk.pk}/documents/",
        {"title": "Served", "text": "“We will rebuild,” said the mayor on Friday."},
        format="json",
    )
    assert answer.status_code == 201
    assert after_response.wait_for_background()
    run = SuggestionRun.objects.get(document_id=answer.json()["id"])
    assert run.enqueued_at is not None and run.error == ""
    listed = f"/api/v1/projects/{desk.pk}/documents/"
    found = api(reviewer).get(listed, {"q": "rebuild mayor"}).json()["results"]
    assert [row["title"] for row in found] == ["Served"]
    celery_app.control.purge()  # the run's message is not for a later test's worker


def _wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_a_document_create_writes_it_its_record_and_its_run_in_one_statement(api, desk, reviewer):
    from annotations.models import AuditEvent

    answer, queries = _document_create(api(reviewer), desk)
    writes = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    # The one statement, then (after the answer) the search words.
    assert len(writes) == 2 and "annotations_documentsearch" in writes[1], writes
    document_id = answer.json()["id"]
    record = AuditEvent.objects.get(object_type="document", object_id=document_id)
    assert (record.action, record.actor, record.after) == (
        "import",
        reviewer,
        {"title": "New", "text_length": 21},
    )
    run = SuggestionRun.objects.get(document_id=document_id)
    assert (run.status, run.attempts, run.counts, run.error) == ("queued", 0, {}, "")
