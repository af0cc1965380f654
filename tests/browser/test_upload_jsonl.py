"""A reviewer uploads a JSONL file with one bad line in real Chromium; a real Celery worker
imports it while the page shows the job's progress."""

from __future__ import annotations

import json

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from annotations import services
from annotations.models import Document, Role, Span
from factcheck.celery import app as celery_app
from tests.conftest import PASSWORD
from tests.factories import ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    celery_app.control.purge()  # messages left in Redis by earlier runs are not this test's
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield
    celery_app.control.purge()


def test_upload_of_jsonl_with_one_bad_line_imports_the_good_lines_and_names_the_bad_one(
    live_server, page, page_errors, tmp_path, worker
):
    desk = ProjectFactory(name="Upload desk")
    services.membership_set(project=desk, user=UserFactory(username="uma"), role=Role.REVIEWER)
    lines = [
        {"text": "Turnout was 61% 😀 in the north.", "label": [[0, 15, "CLAIM"]], "src": "a"},
        {"text": "The mayor said “we will rebuild”.", "labels": [[16, 31, "QUOTE"]]},
        {"text": "Too short.", "label": [[0, 50, "CLAIM"]]},
        {"text": "東京の人口は増えた。", "label": [[0, 9, "CLAIM"]]},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")

    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("uma")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Upload desk").click()
    page.get_by_role("link", name="Upload files").click()

    page.get_by_label("Files (.txt, .jsonl)").set_input_files(str(path))
    expect(page.get_by_label("Import the good lines")).to_be_checked()
    page.get_by_role("button", name="Upload").click()

    expect(page.locator("#upload-results")).to_contain_text("Queued for import")
    expect(page.locator("#upload-status")).to_have_text("Done.")
    # The list of jobs refreshes itself until the worker is done.
    job = page.locator("#import-jobs .import-job").first
    expect(job).to_contain_text("batch.jsonl")
    expect(job).to_contain_text("3 documents and 3 spans imported.", timeout=30_000)
    expect(job).to_contain_text("Line 3: Span 1 (CLAIM 0:50): offsets must satisfy")
    assert Document.objects.filter(project=desk).count() == 3
    assert sorted(Span.objects.values_list("text", flat=True)) == [
        "Turnout was 61%",
        "we will rebuild",
        "東京の人口は増えた",
    ]
    assert page_errors == []
