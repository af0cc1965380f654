"""JSONL import: doccano's layout, this app's exports, W3C annotations; per-line errors; all or
nothing by default; offsets carried through the text's normalisation."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations import services
from annotations.errors import NotAllowed
from annotations.models import AuditEvent, Document, ImportJob, Span
from tests.import_jobs import run_import

pytestmark = pytest.mark.django_db


def jsonl(*objects) -> bytes:
    return b"".join(
        (o if isinstance(o, bytes) else json.dumps(o, ensure_ascii=False).encode()) + b"\n"
        for o in objects
    )


def post(api, user, project, data: bytes, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return run_import(
        api(user),
        f"/api/v1/projects/{project.pk}/documents/import/?{query}",
        data=data,
        content_type="application/x-ndjson",
    )


GOOD = {"text": "Police said 253 people died.", "label": [[12, 27, "CLAIM"]], "source": "wire"}


def test_doccano_lines_become_documents_with_spans_and_extra_keys_as_metadata(api, desk, reviewer):
    second = {"text": "Rita Katz said it was “pure propaganda”.", "labels": [[23, 38, "quote"]]}
    answer = post(api, reviewer, desk, jsonl(GOOD, second))
    assert answer.status == "done"
    assert answer.report | {"document_ids": []} == {
        "keep_good_lines": False,
        "committed": True,
        "lines": 2,
        "documents_created": 2,
        "spans_created": 2,
        "document_ids": [],
        "errors": [],
        "error_count": 0,
        "documents_updated": 0,
        "warnings": [],
        "warning_count": 0,
    }
    police = Document.objects.get(text=GOOD["text"])
    assert police.metadata == {"source": "wire"}
    assert police.title == "Police said 253 people died."
    span = police.spans.get()
    assert (span.label, span.text, span.review_status) == ("CLAIM", "253 people died", "pending")
    assert span.author == reviewer and span.prefix == "Police said "
    quote = Span.objects.get(label="QUOTE")
    assert quote.text == "pure propaganda"
    assert AuditEvent.objects.filter(object_type="span", action="import").count() == 2


def test_one_bad_line_saves_nothing_by_default_and_reports_its_number_and_reason(
    api, desk, reviewer
):
    bad = {"text": "Short.", "label": [[0, 40, "CLAIM"]]}
    answer = post(api, reviewer, desk, jsonl(GOOD, b"", bad, b"{not json"))
    assert answer.status == "failed"
    report = answer.report
    assert report["committed"] is False and report["documents_created"] == 0
    assert [e["line"] for e in report["errors"]] == [3, 4]
    assert "0 <= start < end <= 6" in report["errors"][0]["reason"]
    assert report["errors"][1]["reason"].startswith("Not valid JSON")
    assert not Document.objects.exists()


def test_keep_good_lines_saves_the_good_ones_and_reports_the_bad(api, desk, reviewer):
    bad = {"text": "Short.", "label": [[0, 3, "RUMOUR"]]}
    answer = post(api, reviewer, desk, jsonl(GOOD, bad), keep_good_lines="true")
    assert answer.status == "done"
    assert answer.report["errors"] == [
        {
            "line": 2,
            "reason": "Span 1 (RUMOUR 0:3): unknown label; use one of CLAIM, QUOTE, OPINION.",
        }
    ]
    assert list(Document.objects.values_list("text", flat=True)) == [GOOD["text"]]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ([1, 2], "Each line must be a JSON object"),
        ({"label": []}, "no `text`"),
        ({"text": "abc", "label": [[0, 1]]}, "must be [start, end, LABEL]"),
        ({"text": "abc", "label": [[0, "1", "CLAIM"]]}, "must be a whole number"),
        ({"text": "abc", "label": [[0, 1, "CLAIM"], [0, 1, "CLAIM"]]}, "appear twice"),
        ({"text": "abc", "spans": [{"label": "CLAIM", "start": 0, "end": 2, "text": "xy"}]},
         "differs from the document's 'ab'"),
        ({"text": "abc", "label": [[0, 2, "CLAIM"]], "published_on": "May"}, "is not a date"),
        ({"text": "a\x00b"}, "NUL"),
        ({"text": "abc", "spans": [{"label": "CLAIM", "start": 0, "end": 2, "speaker": "X"}]},
         "only a QUOTE has a speaker"),
        ({"text": "abc", "source_url": "https://example.org/a b"}, "source_url: Give an http"),
        ({"text": "abc", "source_url": "https://example.org/#a\x7fb"}, "source_url: Give an http"),
        ({"text": "abc", "source_url": "https://localhost/page"}, "source_url: Give an http"),
    ],
)  # fmt: skip
def test_each_kind_of_bad_line_is_refused_with_a_reason(api, desk, reviewer, line, reason):
    answer = post(api, reviewer, desk, jsonl(line))
    assert answer.status == "failed"
    assert reason in answer.report["errors"][0]["reason"]


def test_an_imported_source_address_reads_back_as_the_api_states_addresses(api, desk, reviewer):
    from annotations.domain.web_address import WEB_ADDRESS

    line = GOOD | {"source_url": "https://de.wikipedia.org/wiki/Köln#Geschichte"}
    assert post(api, reviewer, desk, jsonl(line)).status == "done"
    document = Document.objects.get()
    shown = api(reviewer).get(f"/api/v1/documents/{document.pk}/").json()["source_url"]
    assert shown == line["source_url"]
    assert re.fullmatch(WEB_ADDRESS, shown)


def test_a_repeated_external_id_is_refused_per_line(api, desk, reviewer):
    line = GOOD | {"external_id": "wire-1"}
    assert post(api, reviewer, desk, jsonl(line)).status == "done"
    again = post(api, reviewer, desk, jsonl(line)).report
    assert again["errors"][0]["line"] == 1
    assert "already has a document with id 'wire-1'" in again["errors"][0]["reason"]


def test_offsets_given_against_crlf_text_are_carried_to_the_stored_text(api, desk, reviewer):
    text = "Line one.\r\nThe toll rose to 12.\r\n"
    start = text.index("The toll")
    line = {"text": text, "label": [[start, start + len("The toll rose to 12"), "CLAIM"]]}
    assert post(api, reviewer, desk, jsonl(line)).status == "done"
    span = Span.objects.get()
    assert span.document.text == "Line one.\nThe toll rose to 12.\n"
    assert span.text == "The toll rose to 12" and span.start == 10


def test_offsets_given_against_decomposed_text_are_carried_through_nfc(api, desk, reviewer):
    text = "Cafe\u0301 owners in Zu\u0308rich protested."  # é and ü decomposed
    start = text.index("Zu")
    line = {"text": text, "label": [[start, start + len("Zu\u0308rich"), "OPINION"]]}
    assert post(api, reviewer, desk, jsonl(line)).status == "done"
    span = Span.objects.get()
    assert span.text == "Zürich" and span.document.text[span.start : span.end] == "Zürich"
    assert span.start == len("Café owners in ")


@pytest.mark.parametrize(
    ("text", "cut"),
    [("Cafe\u0301 open", 4), ("one\r\ntwo", 4)],  # between e and its accent; inside CRLF
)
def test_an_offset_that_splits_what_normalisation_merges_is_refused(api, desk, reviewer, text, cut):
    answer = post(api, reviewer, desk, jsonl({"text": text, "label": [[0, cut, "CLAIM"]]}))
    assert answer.status == "failed"
    assert "normalisation (NFC, CRLF to LF) merges" in answer.report["errors"][0]["reason"]


def test_w3c_annotations_from_this_apps_export_are_imported(
    api, desk, reviewer, other_desk, outsider
):
    from tests.export_data import approve
    from tests.factories import make_document, make_span

    doc = make_document(desk, actor=reviewer, text="“We won”, said Lee. Turnout was 61%.")
    approve(
        make_span(doc, reviewer, "We won", label="QUOTE", speaker="Lee", note="check tape"),
        make_span(doc, reviewer, "Turnout was 61%"),
    )
    exported = json.loads(
        b"".join(
            api(reviewer).get(f"/api/v1/projects/{desk.pk}/export/?format=w3c").streaming_content
        )
    )
    line = {"text": doc.text, "title": "Re-imported", "annotations": exported["first"]["items"]}
    answer = post(api, outsider, other_desk, jsonl(line))
    assert answer.status == "done", answer.report
    copied = Span.objects.filter(document__project=other_desk).order_by("start")
    assert [(s.label, s.text, s.speaker, s.note) for s in copied] == [
        ("QUOTE", "We won", "Lee", "check tape"),
        ("CLAIM", "Turnout was 61%", "", ""),
    ]


def test_a_multipart_file_upload_is_read_the_same_way(api, desk, reviewer):
    upload = SimpleUploadedFile("data.jsonl", jsonl(GOOD), content_type="application/x-ndjson")
    answer = run_import(
        api(reviewer), f"/api/v1/projects/{desk.pk}/documents/import/", {"file": upload},
        format="multipart",
    )  # fmt: skip
    assert answer.status == "done"
    assert answer.report["spans_created"] == 1


def test_outsiders_and_anonymous_cannot_import(api, desk, reviewer, outsider):
    assert post(api, outsider, desk, jsonl(GOOD)).status_code == 404
    assert post(api, None, desk, jsonl(GOOD)).status_code == 401
    with pytest.raises(NotAllowed):
        services.document_import_jsonl(project=desk, actor=outsider, lines=[b"{}"])
    assert not Document.objects.exists()


def test_only_members_of_the_project_see_its_import_jobs(api, desk, reviewer, moderator, outsider):
    answer = api(reviewer).post(
        f"/api/v1/projects/{desk.pk}/documents/import/?keep_good_lines=true&offset_unit=utf16",
        data=jsonl(GOOD),
        content_type="application/x-ndjson",
    )
    assert answer.status_code == 202
    job = answer.json()
    assert (job["status"], job["keep_good_lines"], job["offset_unit"]) == ("queued", True, "utf16")
    assert api(moderator).get(job["url"]).json()["id"] == job["id"]  # any member
    assert api(outsider).get(job["url"]).status_code == 404
    assert api(None).get(job["url"]).status_code == 401
    assert [j["id"] for j in api(moderator).get(f"/api/v1/projects/{desk.pk}/imports/").json()] == [
        job["id"]
    ]
    assert api(outsider).get(f"/api/v1/projects/{desk.pk}/imports/").status_code == 404


def test_a_bad_option_is_a_400_naming_it_and_nothing_is_stored(api, desk, reviewer, import_uploads):
    for params, field in [("format=xml", "format"), ("on_existing=merge", "on_existing")]:
        answer = api(reviewer).post(
            f"/api/v1/projects/{desk.pk}/documents/import/?{params}",
            data=jsonl(GOOD),
            content_type="application/x-ndjson",
        )
        assert answer.status_code == 400 and field in answer.json()
    assert not ImportJob.objects.exists()
    assert not import_uploads.exists() or not any(import_uploads.iterdir())


def test_an_unreadable_label_studio_file_fails_its_job_with_the_reason(api, desk, reviewer):
    answer = post(api, reviewer, desk, b"[{not json", format="labelstudio")
    assert answer.status == "failed"
    assert answer.job["error"].startswith("The file is not one JSON document")
    assert not Document.objects.exists()
