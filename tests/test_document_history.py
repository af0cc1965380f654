"""A document's corrections are visible where they are made: the details page lists who changed
which field from what to what, and the API answers the same history."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from annotations import services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_details_page_lists_each_correction_with_the_fields_before_and_after(
    document, reviewer, second_reviewer
):
    services.document_update(
        document=document, actor=second_reviewer, version=1, outlet="AP", published_on=None
    )
    client = Client()
    assert client.login(username=reviewer.username, password=PASSWORD)
    client.post(
        f"/documents/{document.pk}/details/",
        {
            "title": document.title,
            "outlet": "Dawn",
            "source_url": "https://example.org/dawn",
            "published_on": "2019-05-11",
            "version": 2,
        },
    )
    page = client.get(f"/documents/{document.pk}/details/").content.decode()
    history = page.split('id="document-history"')[1].split("</ol>")[0]
    entries = re.findall(r"<strong>(\w+)</strong> by (\w+)", history)
    assert entries == [("Corrected", "rita"), ("Corrected", "ravi"), ("Added", "rita")]
    newest = history.split("<strong>")[1]
    assert "Outlet: <del>AP</del> → <ins>Dawn</ins>" in newest
    assert "URL: <del>—</del> → <ins>https://example.org/dawn</ins>" in newest
    assert "Date: <del>—</del> → <ins>2019-05-11</ins>" in newest
    assert "Title:" not in newest  # unchanged fields are not listed


def test_the_api_answers_the_documents_history_oldest_first(api, document, reviewer, moderator):
    services.document_update(
        document=document, actor=reviewer, version=1, published_on=date(2019, 5, 11)
    )
    services.document_delete(document=document, actor=moderator)
    services.document_restore(document=document, actor=moderator)
    answer = api(reviewer).get(f"/api/v1/documents/{document.pk}/history/")
    assert answer.status_code == 200
    history = answer.json()
    assert [(h["action"], h["actor"]) for h in history] == [
        ("import", "rita"),
        ("update", "rita"),
        ("delete", "mona"),
        ("restore", "mona"),
    ]
    assert (history[1]["before"]["published_on"], history[1]["after"]["published_on"]) == (
        None,
        "2019-05-11",
    )


def test_another_projects_document_history_is_404(api, document, outsider):
    assert api(outsider).get(f"/api/v1/documents/{document.pk}/history/").status_code == 404
