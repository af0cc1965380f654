"""The add-document form and the upload page, without a browser."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations import services
from annotations.models import Document, ImportJob, Span

pytestmark = pytest.mark.django_db


def test_project_page_links_to_add_and_upload(client, reviewer, desk):
    client.force_login(reviewer)
    page = client.get(f"/projects/{desk.pk}/").content.decode()
    assert f'href="/projects/{desk.pk}/documents/add/"' in page
    assert f'href="/projects/{desk.pk}/documents/upload/"' in page


def test_add_form_creates_a_document_and_opens_it(client, reviewer, desk):
    client.force_login(reviewer)
    response = client.post(
        f"/projects/{desk.pk}/documents/add/",
        {
            "title": "Flood report",
            "text": "Water rose 3 m.\r\nTwo bridges closed.",
            "outlet": "Daily",
            "source_url": "https://example.org/flood",
            "published_on": "2024-06-02",
        },
    )
    document = Document.objects.get()
    assert response["Location"] == f"/documents/{document.pk}/"
    assert document.text == "Water rose 3 m.\nTwo bridges closed."
    assert (document.outlet, str(document.published_on)) == ("Daily", "2024-06-02")


def test_add_form_shows_what_is_wrong_and_keeps_the_input(client, reviewer, desk):
    client.force_login(reviewer)
    page = client.post(
        f"/projects/{desk.pk}/documents/add/",
        {"title": "No text", "text": "   ", "source_url": "https://example.org/x"},
    ).content.decode()
    assert 'value="No text"' in page and "The document has no text." in page
    assert not Document.objects.exists()


def test_outsider_cannot_reach_the_intake_pages(client, outsider, desk):
    client.force_login(outsider)
    assert client.get(f"/projects/{desk.pk}/documents/add/").status_code == 404
    assert client.get(f"/projects/{desk.pk}/documents/upload/").status_code == 404


def _jsonl(*objects) -> bytes:
    return b"\n".join(json.dumps(o).encode() for o in objects) + b"\n"


def test_upload_of_txt_and_jsonl_reports_per_file_and_per_line(client, reviewer, desk):
    client.force_login(reviewer)
    txt = SimpleUploadedFile("Harbour fire.txt", b"Fire at the harbour: 2 ships.")
    lines = _jsonl(
        {"text": "Tax rose 5%.", "label": [[0, 11, "CLAIM"]]},
        {"text": "Bad one.", "label": [[0, 99, "CLAIM"]]},
    )
    data = SimpleUploadedFile("batch.jsonl", lines)
    page = client.post(
        f"/projects/{desk.pk}/documents/upload/",
        {"files": [txt, data], "keep_good_lines": "on"},
    ).content.decode()
    assert "1 document and 0 spans imported." in page
    assert "Queued for import: its progress is below." in page
    job = ImportJob.objects.get()
    assert (job.file_name, job.keep_good_lines, job.status) == ("batch.jsonl", True, "queued")
    assert 'http-equiv="refresh"' in page  # refreshes itself while the job waits
    services.import_job_run(job_id=job.pk)  # what the worker does
    page = client.get(f"/projects/{desk.pk}/documents/upload/").content.decode()
    assert "1 document and 1 span imported." in page
    assert "Line 2: Span 1 (CLAIM 0:99): offsets must satisfy" in page
    assert 'http-equiv="refresh"' not in page
    assert set(Document.objects.values_list("title", flat=True)) == {"Harbour fire", "Tax rose 5%."}
    assert Span.objects.get().text == "Tax rose 5%"


def test_upload_without_keep_good_lines_imports_nothing_from_a_file_with_a_bad_line(
    client, reviewer, desk
):
    client.force_login(reviewer)
    data = SimpleUploadedFile("batch.jsonl", _jsonl({"text": "Good."}, {"text": ""}))
    answer = client.post(
        f"/projects/{desk.pk}/documents/upload/",
        {"files": [data]},
        HTTP_ACCEPT="application/json",
    ).json()
    job = services.import_job_run(job_id=answer["files"][0]["job"])
    assert (job.status, job.keep_good_lines) == ("failed", False)
    assert job.errors == [{"line": 2, "reason": "The line has no `text` (a non-empty string)."}]
    assert not Document.objects.exists()
    page = client.get(f"/projects/{desk.pk}/documents/upload/").content.decode()
    assert "Nothing was imported from this file." in page


def test_upload_refuses_other_file_types_by_name(client, reviewer, desk):
    client.force_login(reviewer)
    answer = client.post(
        f"/projects/{desk.pk}/documents/upload/",
        {"files": [SimpleUploadedFile("a.pdf", b"%PDF")]},
        HTTP_ACCEPT="application/json",
    ).json()
    assert (
        answer["files"][0]["errors"][0]["reason"] == "Only .txt and .jsonl files can be uploaded."
    )
