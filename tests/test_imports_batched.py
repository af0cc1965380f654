"""The JSONL import's batched path (PostgreSQL: check a batch of lines, then COPY it) says and
saves exactly what the line-by-line path (document_import a line, in a savepoint) does."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, connection

from annotations import services
from annotations.models import AuditEvent, Document, DocumentSearch, Span, SuggestionRun
from annotations.services import imports, table_statistics

pytestmark = pytest.mark.django_db

TRICKY = "Tab\there, a back\\slash and\r\nlines: “he said 12”.\n\nNext\tparagraph \\N ok."

QUOTED = TRICKY.index("he said 12")  # counted in the text as given, before its CRLF becomes LF
LINES = [
    {"text": "Police said 253 people died.", "label": [[12, 27, "CLAIM"]], "external_id": "w-1"},
    {"text": TRICKY, "spans": [
        {"label": "QUOTE", "start": QUOTED, "end": QUOTED + 10, "speaker": "he\tsaid", "note": "a\\b\nc"},
        {"label": "OPINION", "start": 0, "end": 8},
    ]},
    {"text": "Again the first id.", "external_id": "w-1"},  # taken by line 1
    {"text": "Short.", "label": [[0, 40, "CLAIM"]], "external_id": "w-2"},  # refused: w-2 free
    {"text": "Takes w-2.", "label": [[0, 5, "OPINION"]], "external_id": "w-2"},
    {"text": "Taken before.", "external_id": "old-1"},  # already in the project
    {"text": "Bad address.", "source_url": "ftp://example.org/x"},
    {"text": "Long title.", "title": "t" * 501},
    {"text": "Cafe\u0301 owners", "label": [[0, 4, "CLAIM"]]},
    b"{not json",
    {"text": "No spans, a date.", "published_on": "2024-05-01", "outlet": " Voice "},
]  # fmt: skip


def _body() -> list[bytes]:
    return [
        line if isinstance(line, bytes) else json.dumps(line, ensure_ascii=False).encode()
        for line in LINES
    ]


def _import(desk, reviewer, *, batched: bool, keep: bool, monkeypatch) -> dict:
    monkeypatch.setattr(imports, "_batched", lambda: batched)
    services.document_import(
        project=desk, actor=reviewer, text="Old.", title="Old", external_id="old-1"
    )
    report = services.document_import_jsonl(
        project=desk, actor=reviewer, lines=_body(), keep_good_lines=keep
    )
    saved = sorted(
        (d.title, d.text, d.outlet, d.source_url, d.external_id, str(d.published_on), d.metadata)
        for d in Document.objects.filter(project=desk)
    )
    spans = sorted(
        (s.document.title, s.label, s.start, s.end, s.text, s.prefix, s.suffix, s.speaker, s.note)
        for s in Span.objects.filter(document__project=desk)
    )
    events = sorted(
        (e.object_type, e.action, json.dumps(e.after, sort_keys=True))
        for e in AuditEvent.objects.filter(project=desk)
    )
    result = {
        "errors": [(e.line, e.reason) for e in report.errors],
        "counts": (report.lines, report.documents_created, report.spans_created),
        "committed": report.committed,
        "ids": len(report.document_ids),
        "saved": saved,
        "spans": spans,
        "events": events,
        "runs": SuggestionRun.objects.filter(document__project=desk).count(),
    }
    # Start again for the other path.
    AuditEvent.objects.all().delete()
    SuggestionRun.objects.all().delete()
    Span.objects.all().delete()
    Document.objects.all().delete()
    return result


@pytest.mark.parametrize("keep", [False, True])
def test_batched_import_gives_the_same_line_errors_and_saves_the_same_rows_as_line_by_line(
    desk, reviewer, monkeypatch, keep
):
    batched = _import(desk, reviewer, batched=True, keep=keep, monkeypatch=monkeypatch)
    by_line = _import(desk, reviewer, batched=False, keep=keep, monkeypatch=monkeypatch)
    assert batched == by_line
    assert [line for line, _ in batched["errors"]] == [3, 4, 6, 7, 8, 9, 10]
    reasons = dict(batched["errors"])
    assert "already has a document with id 'w-1'" in reasons[3]
    assert "already has a document with id 'old-1'" in reasons[6]
    assert reasons[7] == "source_url: Give an http or https address."
    assert reasons[8].startswith("title: Ensure this value has at most 500 characters")
    assert batched["committed"] is keep
    if keep:  # line 5 takes w-2, which the refused line 4 never took
        assert batched["counts"] == (11, 4, 4)
        assert ("QUOTE", "he said 12") in {(s[1], s[4]) for s in batched["spans"]}


def test_tabs_backslashes_and_line_breaks_survive_the_copy_exactly(desk, reviewer):
    line = json.dumps(LINES[1], ensure_ascii=False).encode()
    report = services.document_import_jsonl(project=desk, actor=reviewer, lines=[line])
    assert report.committed
    document = Document.objects.get()
    assert document.text == TRICKY.replace("\r\n", "\n")
    quote = document.spans.get(label="QUOTE")
    assert (quote.speaker, quote.note) == ("he\tsaid", "a\\b\nc")
    assert quote.text == document.text[quote.start : quote.end] == "he said 12"
    assert document.spans.get(label="OPINION").text == "Tab\there"


def test_each_imported_span_has_an_audit_record_equal_to_its_snapshot(desk, reviewer):
    lines = [json.dumps(line, ensure_ascii=False).encode() for line in LINES[:2]]
    services.document_import_jsonl(project=desk, actor=reviewer, lines=lines)
    spans = Span.objects.filter(document__project=desk)
    assert spans.count() == 3
    for span in spans:
        event = AuditEvent.objects.get(object_type="span", object_id=span.pk)
        assert (event.action, event.actor, event.before) == ("import", reviewer, None)
        assert event.after == services.span_snapshot(span)
    for document in Document.objects.filter(project=desk):
        event = AuditEvent.objects.get(object_type="document", object_id=document.pk)
        assert event.after == {"title": document.title, "text_length": document.text_length}


def test_an_external_id_is_checked_against_earlier_batches_too(desk, reviewer, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_LINES", 2)
    lines = [
        json.dumps({"text": f"Line {i}.", "external_id": f"id-{i % 3}"}).encode() for i in range(7)
    ]
    report = services.document_import_jsonl(
        project=desk, actor=reviewer, lines=lines, keep_good_lines=True
    )
    assert report.documents_created == 3
    assert [e.line for e in report.errors] == [4, 5, 6, 7]


def test_a_batch_the_database_refuses_is_written_again_line_by_line(desk, reviewer, monkeypatch):
    calls = []

    def refused(**kwargs):
        calls.append(kwargs)
        raise IntegrityError("document_external_id_unique_per_project")  # as a race would

    monkeypatch.setattr(imports, "_write_batch", refused)
    lines = [json.dumps(line, ensure_ascii=False).encode() for line in LINES[:3]]
    report = services.document_import_jsonl(
        project=desk, actor=reviewer, lines=lines, keep_good_lines=True
    )
    assert len(calls) == 1
    # Line by line, each in its savepoint, through document_import: the same outcome.
    assert [
        (e.line, "already has a document with id 'w-1'" in e.reason) for e in report.errors
    ] == [(3, True)]
    assert (report.documents_created, report.spans_created) == (2, 3)
    assert Span.objects.filter(document__project=desk).count() == 3


def test_a_bulk_import_queues_every_run_with_one_message_after_commit(
    desk, reviewer, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    from annotations.tasks import enqueue_suggestion_runs

    monkeypatch.setattr(enqueue_suggestion_runs, "enqueue", lambda run_ids: sent.append(run_ids))
    lines = [json.dumps({"text": f"Article {i}."}).encode() for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = services.document_import_jsonl(project=desk, actor=reviewer, lines=lines)
    assert len(callbacks) == 1
    runs = SuggestionRun.objects.filter(document_id__in=report.document_ids)
    assert sorted(sent[0]) == sorted(runs.values_list("pk", flat=True)) and len(sent[0]) == 3
    assert all(run.status == "queued" and run.enqueued_at for run in runs)


def test_with_the_broker_down_the_bulk_runs_stay_queued_with_the_reason(
    desk, reviewer, django_capture_on_commit_callbacks, monkeypatch
):
    from annotations.tasks import enqueue_suggestion_runs

    def down(run_ids):
        raise ConnectionError("connection refused")

    monkeypatch.setattr(enqueue_suggestion_runs, "enqueue", down)
    lines = [json.dumps({"text": f"Article {i}."}).encode() for i in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        report = services.document_import_jsonl(project=desk, actor=reviewer, lines=lines)
    assert report.committed and report.documents_created == 2
    for run in SuggestionRun.objects.all():
        assert run.status == "queued" and run.enqueued_at is None
        assert run.error.startswith("Waiting for the task queue")


def test_the_fan_out_enqueues_only_runs_still_queued(desk, reviewer, monkeypatch):
    from annotations.services import suggestions

    documents = [
        services.document_import(project=desk, actor=reviewer, text=f"Text {i}.", title=f"T{i}")
        for i in range(2)
    ]
    queued = SuggestionRun.objects.create(document=documents[0])
    done = SuggestionRun.objects.create(document=documents[1], status="done")
    enqueued = []
    monkeypatch.setattr(
        suggestions,
        "suggestion_run_enqueue",
        lambda *, run_id, queue=None: enqueued.append((run_id, queue)) or True,
    )
    assert services.suggestion_runs_fan_out(run_ids=[queued.pk, done.pk]) == 1
    # On the bulk queue, behind nothing a reviewer waits for.
    assert enqueued == [(queued.pk, "bulk")]


def test_a_bulk_imports_documents_are_searchable_once_it_commits(api, desk, reviewer):
    report = services.document_import_jsonl(
        project=desk, actor=reviewer, lines=_body(), keep_good_lines=True
    )
    assert report.documents_created >= 5
    found = api(reviewer).get(f"/api/v1/projects/{desk.pk}/documents/", {"q": "police died"})
    assert [row["title"] for row in found.json()["results"]] == [
        Document.objects.get(external_id="w-1").title
    ]
    # Every document it wrote, whichever path (batched or a line at a time) wrote it.
    assert (
        DocumentSearch.objects.filter(document__project=desk).count()
        == Document.objects.filter(project=desk).count()
    )


def test_a_long_import_keeps_the_planner_told_how_big_the_tables_it_grows_are(
    desk, reviewer, monkeypatch
):
    # Its statements are planned for the rows written so far, not for the tables as they
    # were at its start (a 150,000-line import's batches each scanned every document).
    monkeypatch.setattr(table_statistics, "MIN_NEW_DOCUMENTS", 300)
    with connection.cursor() as cursor:  # what it knows at the start: these tables' rows now
        cursor.execute("ANALYZE annotations_document")
    lines = [b'{"text":"Article %d.","label":[[0,7,"OPINION"]]}' % i for i in range(1000)]
    report = services.document_import_jsonl(project=desk, actor=reviewer, lines=lines)
    assert report.committed and report.documents_created == 1000
    # Analyzed after 400 documents (two batches of 200) and after 800: doubling, not each batch.
    assert table_statistics.planned_rows(Document) >= 800
    assert table_statistics.planned_rows(SuggestionRun) >= 800
    assert table_statistics.planned_rows(DocumentSearch) >= 800
    # The spans too, which the reads after it join to the documents.
    assert table_statistics.planned_rows(Span) >= 800
    # Every column, not only those the import reads: the export's plans need the documents'
    # project (and autovacuum, its count of changes reset, does not come by after the commit).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_stats WHERE tablename = 'annotations_document'"
            " AND attname IN ('id', 'project_id', 'deleted_at')"
        )
        assert sorted(name for (name,) in cursor.fetchall()) == ["deleted_at", "id", "project_id"]


def test_an_import_never_waits_for_another_imports_statistics(desk):
    # Another import analyzed the documents in its transaction, and holds that lock until it
    # commits: this one skips the table instead of waiting (here, instead of failing on the
    # lock timeout).
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"],
        password=params["PASSWORD"], dbname=params["NAME"],
    ) as other:  # fmt: skip
        other.execute("ANALYZE annotations_document (id)")  # in its transaction, still open
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
        tables = table_statistics.GrowingTables(at_least=1)
        tables.grew(1)
        tables.finish()  # analyzes here if grew did not (the planner believing more rows)
        assert tables.analyzed == 1
        other.rollback()


def test_an_import_into_a_large_database_leaves_its_queued_runs_in_the_statistics(
    desk, reviewer, monkeypatch
):
    # The planner believes the documents a million (a mature desk's database): 400 more do not
    # change its plans, but their queued runs must be known before the hand-over after the
    # commit looks them up.
    monkeypatch.setattr(table_statistics, "MIN_NEW_DOCUMENTS", 300)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotations_suggestionrun")
        cursor.execute(
            "UPDATE pg_class SET reltuples = 1e6 WHERE oid = 'annotations_document'::regclass"
        )
    lines = [b'{"text":"Article %d."}' % i for i in range(400)]
    report = services.document_import_jsonl(project=desk, actor=reviewer, lines=lines)
    assert report.committed
    assert table_statistics.planned_rows(SuggestionRun) >= 400
