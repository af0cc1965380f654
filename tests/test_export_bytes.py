"""The exports' fast paths (span rows fetched a batch ahead, the compact JSONL's narrow rows,
the W3C annotations written a document at a time) write exactly the bytes the previous
implementation wrote (tests/export_reference.py), on texts with emoji, CJK, combining marks,
right-to-left script, and notes with quotes, backslashes and line breaks."""

from __future__ import annotations

import threading
from datetime import datetime
from urllib.parse import urlencode

import orjson
import pytest

from annotations import export_selectors
from annotations.export import ExportContext
from annotations.models import Document, Span
from tests import export_reference
from tests.export_data import approve, build_project
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(desk, reviewer):
    docs = build_project(desk, reviewer)
    tricky = make_span(
        docs["emoji"],
        reviewer,
        "the minister said",
        label="QUOTE",
        speaker='The "minister" \\ aide',
        note='Line one\nline two\twith a tab, a \\ and "quotes" 😀',
    )
    approve(tricky)
    # Straight quotes next to commas in the span's text, prefix and suffix: '",' and ',"'
    # inside a string, which JSON writes as '\\",' beside the '","' between two strings.
    quoted = make_document(
        desk,
        actor=reviewer,
        title="Quotes",
        text='He said "no," then "yes", and "maybe"," she wrote, "\\", a backslash.',
    )
    approve(
        make_span(quoted, reviewer, '"no," then "yes",', label="QUOTE", speaker="He"),
        make_span(quoted, reviewer, '"maybe","'),
        make_span(quoted, reviewer, '"\\",', label="OPINION"),
        make_span(quoted, reviewer, '" she wrote'),  # its prefix ends in '",'
    )
    # An address with percent escapes and a query: the W3C template keeps them as written.
    Document.objects.filter(pk=docs["cjk"].pk).update(
        source_url="https://example.org/a%20b?q=%22x%22&r=%d"
    )
    return docs


CASES = [
    ("jsonl", "codepoint", "approved"),
    ("jsonl", "utf16", "approved"),
    ("jsonl", "codepoint", "all"),
    ("jsonl-compact", "codepoint", "approved"),
    ("jsonl-compact", "utf16", "all"),
    ("w3c", "codepoint", "approved"),
    ("w3c", "codepoint", "all"),
]


@pytest.mark.parametrize(("fmt", "unit", "status"), CASES)
def test_the_export_writes_the_previous_implementations_bytes(
    api, desk, moderator, exported, fmt, unit, status
):
    query = urlencode({"format": fmt, "offset_unit": unit, "status": status})
    path = f"/api/v1/projects/{desk.pk}/export/?{query}"
    answer = api(moderator).get(path)
    assert answer.status_code == 200
    data = b"".join(answer.streaming_content)
    generated = datetime.now()
    if fmt == "w3c":  # the moment of the request, in the file: the reference writes the same
        generated = datetime.fromisoformat(orjson.loads(data)["generated"])
    context = ExportContext(
        base_url="http://testserver",
        project_name=desk.name,
        generated_at=generated,
        offset_unit=unit,
        export_url=f"http://testserver{path}",
        project_id=desk.pk,
    )
    spans = Span.objects.filter(document__project=desk, deleted_at__isnull=True)
    if status == "approved":
        spans = spans.filter(review_status="approved")
    groups = export_reference.groups(spans, approved_verdicts_only=status == "approved")
    if fmt == "w3c":
        expected = b"".join(export_reference.w3c(groups, context))
    else:
        expected = b"".join(export_reference.jsonl(groups, context, compact=fmt == "jsonl-compact"))
    assert sum(len(group.spans) for group in groups) >= 10
    assert data == expected


def test_rows_fetched_ahead_in_small_batches_are_every_row_in_order(desk, reviewer, exported):
    spans = Span.objects.filter(document__project=desk, deleted_at__isnull=True)
    expected = export_reference.groups(spans, approved_verdicts_only=False)

    def leading(groups):  # what the narrow rows hold; the full rows are compared as bytes above
        return [
            (
                group.document,
                [(row.id, row.label, row.start, row.end, row.text) for row in group.spans],
            )
            for group in groups
        ]

    for narrow in (False, True):
        got = export_selectors.export_groups(
            spans, approved_verdicts_only=False, chunk_size=1, narrow=narrow
        )
        assert leading(got) == leading(expected)


def test_an_export_closed_early_stops_its_read_ahead_thread(desk, reviewer, exported):
    spans = Span.objects.filter(document__project=desk)
    groups = export_selectors.export_groups(spans, approved_verdicts_only=False, chunk_size=1)
    first = next(groups)
    assert first.spans
    assert any(thread.name == "export-read-ahead" for thread in threading.enumerate())
    groups.close()
    assert not any(thread.name == "export-read-ahead" for thread in threading.enumerate())
    assert Span.objects.filter(document__project=desk).count() >= 10  # the connection still works
