"""Bounded input: what one careless or hostile client can send, and what everyone else keeps.

A document's metadata has one bound (annotations.domain.bounds) whichever way it comes in (the
API, a JSONL import line, the upload page), so whatever is stored can be exported in every
format. JSON bodies are bounded in depth at parse time; characters PostgreSQL cannot store are a
400 wherever they are sent (a JSON field, a query parameter, a site search, an admin filter)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations import services
from annotations.domain import bounds
from annotations.models import Document, Span
from tests.factories import make_document, make_span
from tests.import_jobs import run_import

pytestmark = pytest.mark.django_db

EXPORT_FORMATS = ("jsonl", "w3c", "claimreview", "csv", "xlsx", "conll", "labelstudio", "spacy")
NUL = "contains a NUL character"


def nested(levels: int) -> dict:
    """An object `levels` deep: {"a": {"a": ... {} }}."""
    value: dict = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def _document_body(**fields) -> dict:
    return {"title": "Harbour fire", "text": "Fire at the harbour: 2 ships.", **fields}


def _approved_claim(document, reviewer, moderator):
    from annotations import services

    span = make_span(document, reviewer, document.text[:20])
    services.span_review(span=span, actor=moderator, status="approved")
    return span


# --- a document's metadata -----------------------------------------------------------------


@pytest.mark.parametrize("levels", [bounds.MAX_METADATA_DEPTH + 1, 300])
def test_api_refuses_metadata_nested_past_the_bound_naming_metadata(api, reviewer, desk, levels):
    response = api(reviewer).post(
        f"/api/v1/projects/{desk.pk}/documents/",
        _document_body(metadata=nested(levels)),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["metadata"]
    assert "nested deeper than" in response.json()["metadata"][0]
    assert not Document.objects.exists()


def test_api_refuses_metadata_over_the_size_bound(api, reviewer, desk):
    metadata = {"notes": "x" * (bounds.MAX_METADATA_BYTES + 1)}
    response = api(reviewer).post(
        f"/api/v1/projects/{desk.pk}/documents/", _document_body(metadata=metadata), format="json"
    )
    assert response.status_code == 400
    assert f"the limit is {bounds.MAX_METADATA_BYTES:,}" in response.json()["metadata"][0]


def test_metadata_at_the_bound_is_kept_and_every_export_answers_200(api, reviewer, moderator, desk):
    deepest = nested(bounds.MAX_METADATA_DEPTH)
    response = api(reviewer).post(
        f"/api/v1/projects/{desk.pk}/documents/", _document_body(metadata=deepest), format="json"
    )
    assert response.status_code == 201, response.json()
    document = Document.objects.get(pk=response.json()["id"])
    _approved_claim(document, reviewer, moderator)
    for fmt in EXPORT_FORMATS:
        export = api(moderator).get(f"/api/v1/projects/{desk.pk}/export/?format={fmt}")
        body = b"".join(export.streaming_content) if export.streaming else export.content
        assert export.status_code == 200, (fmt, body[:300])
        if fmt == "jsonl":
            assert json.loads(body.splitlines()[0])["meta"]["metadata"] == deepest


def test_jsonl_import_names_the_line_whose_metadata_is_too_deep_and_exports_stay_200(
    api, reviewer, moderator, desk, document
):
    _approved_claim(document, reviewer, moderator)
    lines = [
        {"text": "Tax rose 5%.", "label": [[0, 11, "CLAIM"]]},
        {"text": "Deep one.", "source": nested(300)},
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\n"
    answer = run_import(
        api(reviewer),
        f"/api/v1/projects/{desk.pk}/documents/import/?keep_good_lines=true",
        body,
        content_type="application/x-ndjson",
    )
    assert answer.status == "done", answer.job
    assert answer.report["documents_created"] == 1
    [error] = answer.report["errors"]
    assert error["line"] == 2
    assert error["reason"].startswith("metadata.source.a.a")
    assert "nested deeper than" in error["reason"]
    for fmt in EXPORT_FORMATS:
        assert (
            api(moderator).get(f"/api/v1/projects/{desk.pk}/export/?format={fmt}").status_code
            == 200
        )


def test_upload_page_names_the_line_whose_metadata_is_too_deep(client, reviewer, desk):
    client.force_login(reviewer)
    lines = json.dumps({"text": "Good."}) + "\n" + json.dumps({"text": "Deep.", "x": nested(30)})
    response = client.post(
        f"/projects/{desk.pk}/documents/upload/",
        {"files": [SimpleUploadedFile("batch.jsonl", lines.encode())], "keep_good_lines": "on"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    [result] = response.json()["files"]
    job = services.import_job_run(job_id=result["job"])  # what the worker does
    assert job.status == "done"
    [error] = job.errors
    assert error["line"] == 2 and "metadata.x.a" in error["reason"]
    assert list(Document.objects.values_list("title", flat=True)) == ["Good."]


# --- JSON bodies ------------------------------------------------------------------------------


def test_deeply_nested_body_on_the_token_endpoint_is_a_json_400_not_a_traceback(client, caplog):
    body = "[" * 5000 + "]" * 5000  # 10 kB, anonymous
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "nested deeper than 64 levels" in response.json()["non_field_errors"][0]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_body_nested_past_the_json_bound_names_its_field(client):
    body = json.dumps({"username": nested(bounds.MAX_JSON_DEPTH + 5), "password": "x"})
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper than 64 levels" in response.json()["username"][0]


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800"])
def test_unstorable_characters_in_a_json_field_are_a_400_naming_it(api, reviewer, claim, bad):
    response = api(reviewer).patch(
        f"/api/v1/spans/{claim.pk}/",
        json.dumps({"note": bad, "version": claim.version}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["note"]
    assert "cannot be stored" in response.json()["note"][0]
    claim.refresh_from_db()
    assert claim.note == ""


# --- query parameters, searches and filters ---------------------------------------------------


@pytest.mark.parametrize(
    ("query", "named"),
    [("q=a%00b", "q"), ("mentions=%00", "mentions"), ("a%00=1", "a\\x00")],
)
def test_nul_in_an_api_query_parameter_is_a_json_400_naming_it(api, reviewer, desk, query, named):
    response = api(reviewer).get(f"/api/v1/projects/{desk.pk}/desk-claims/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    [(name, [reason])] = response.json().items()
    assert name == named
    assert NUL in reason


def test_nul_in_an_export_filter_is_a_json_400_naming_it(api, moderator, desk):
    response = api(moderator).get(f"/api/v1/projects/{desk.pk}/export/?label=CLAIM%00")
    assert response.status_code == 400
    assert NUL in response.json()["label"][0]


def test_nul_in_the_project_page_search_is_a_400_page(client, reviewer, desk, document):
    client.force_login(reviewer)
    assert client.get(f"/projects/{desk.pk}/?q=Isis").status_code == 200
    response = client.get(f"/projects/{desk.pk}/?q=Isis%00")
    assert response.status_code == 400
    assert "q:" in response.content.decode() and NUL in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["q=pure%00", "document__project__id__exact=%00", "label__exact=CLAIM%00", "outlet=%00"],
)
def test_nul_in_admin_search_and_filters_is_a_400(client, moderator, claim, query):
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])
    client.force_login(moderator)
    for model in ("span", "document", "verdict"):
        response = client.get(f"/admin/annotations/{model}/?{query}")
        assert response.status_code == 400, (model, query)


def test_nul_in_a_page_form_is_a_400_and_nothing_is_saved(client, reviewer, desk):
    client.force_login(reviewer)
    response = client.post(
        f"/projects/{desk.pk}/documents/add/", {"title": "A\x00", "text": "Some text."}
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


# --- the admin's own URLs and filters ---------------------------------------------------------


@pytest.fixture
def mona(client, moderator):
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])
    client.force_login(moderator)
    return client


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/admin/annotations/document/abc/review/"),
        ("post", "/admin/annotations/document/abc/delete-document/"),
        ("post", "/admin/annotations/document/abc/restore/"),
        ("get", "/admin/annotations/project/abc/dashboard/"),
        ("post", "/admin/annotations/span/abc/restore/"),
        ("post", "/admin/annotations/span/abc/review/"),
        ("post", "/admin/annotations/verdict/1e3/review/"),
        ("get", "/admin/annotations/document/99999999999999999999/review/"),
    ],
)
def test_non_numeric_ids_in_the_admins_own_urls_are_404(mona, method, url):
    assert getattr(mona, method)(url).status_code == 404


def test_admin_project_filter_holds_for_a_moderator_of_one_project(
    mona, desk, other_desk, document, reviewer
):
    spans = [make_span(document, reviewer, "Police"), make_span(document, reviewer, "253")]
    mine = mona.get(f"/admin/annotations/span/?document__project__id__exact={desk.pk}")
    assert all(f"/admin/annotations/span/{s.pk}/change/" in mine.content.decode() for s in spans)

    url = f"/admin/annotations/span/?document__project__id__exact={other_desk.pk}"
    listed = mona.get(url).content.decode()
    assert not any(f"/admin/annotations/span/{s.pk}/change/" in listed for s in spans)
    # "Select all" on that URL acts on what it listed: nothing.
    mona.post(
        url,
        {
            "action": "approve_selected",
            "select_across": "1",
            "index": "0",
            "_selected_action": [str(spans[0].pk)],
        },
    )
    assert set(Span.objects.values_list("review_status", flat=True)) == {"pending"}


def test_admin_filter_by_the_only_reviewer_is_applied_and_shown(mona, desk, document, reviewer):
    span = make_span(document, reviewer, "Police")
    page = mona.get(f"/admin/annotations/span/?author__id__exact={reviewer.pk + 1000}")
    assert f"/admin/annotations/span/{span.pk}/change/" not in page.content.decode()


# --- the document limit and the body limit agree ----------------------------------------------


def test_a_document_at_the_limit_fits_in_a_body_however_json_writes_it(api, reviewer, desk):
    """2,000,000 astral characters, each sent as JSON's 12-byte \\ud83d\\ude00 (what Python's
    json.dumps writes by default): the longest body a valid document makes."""
    from django.conf import settings

    body = json.dumps(_document_body(text="😀" * bounds.MAX_DOCUMENT_LENGTH))
    assert len(body) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api(reviewer).post(
        f"/api/v1/projects/{desk.pk}/documents/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content[:300]
    assert Document.objects.get().text_length == bounds.MAX_DOCUMENT_LENGTH


def test_a_body_over_the_limit_is_a_json_413_saying_the_limit(api, reviewer, desk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps(_document_body(text="x" * 20_000))
    response = api(reviewer).post(
        f"/api/v1/projects/{desk.pk}/documents/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["limit_bytes"] == 10_000
    assert "10,000 bytes" in response.json()["detail"]
    assert not Document.objects.exists()


def test_a_page_form_over_the_limit_is_a_413_page_not_a_500(client, reviewer, desk, settings):
    client.force_login(reviewer)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = client.post(
        f"/projects/{desk.pk}/documents/add/", {"title": "Long", "text": "x" * 20_000}
    )
    assert response.status_code == 413
    assert "10,000 bytes" in response.content.decode()


def test_documents_made_with_factories_still_fit(desk, reviewer):
    # The bound is not a new rule for what was valid: the seed-like metadata passes.
    document = make_document(
        desk, actor=reviewer, metadata={"source": {"outlet": "BBC", "tags": ["a", "b"]}}
    )
    assert document.metadata["source"]["tags"] == ["a", "b"]


def test_metadata_stored_before_the_bound_is_exported_as_json_text_in_every_format(
    api, reviewer, moderator, desk, document
):
    # As the drill left it: accepted before the bound, 300 levels deep.
    Document.objects.filter(pk=document.pk).update(metadata=nested(300))
    _approved_claim(document, reviewer, moderator)
    for fmt in EXPORT_FORMATS:
        export = api(moderator).get(f"/api/v1/projects/{desk.pk}/export/?format={fmt}")
        body = b"".join(export.streaming_content) if export.streaming else export.content
        assert export.status_code == 200, (fmt, body[:300])
        if fmt == "jsonl":
            kept = json.loads(body.splitlines()[0])["meta"]["metadata"]
            assert json.loads(kept["metadata_json"]) == nested(300)
    backup = api(moderator).get(f"/api/v1/projects/{desk.pk}/backup/")
    assert backup.status_code == 200
    lines = [json.loads(line) for line in b"".join(backup.streaming_content).splitlines()]
    [record] = [line for line in lines if line["type"] == "document"]
    assert json.loads(record["metadata"]["metadata_json"]) == nested(300)


@pytest.mark.parametrize("field", ["external_id", "title", "outlet", "author"])
def test_nul_in_a_jsonl_import_lines_field_names_the_line_and_the_field(api, reviewer, desk, field):
    lines = [{"text": "Tax rose 5%."}, {"text": "Tax fell.", field: "a\x00b"}]
    answer = run_import(
        api(reviewer),
        f"/api/v1/projects/{desk.pk}/documents/import/",
        "\n".join(json.dumps(line) for line in lines) + "\n",
        content_type="application/x-ndjson",
    )
    assert answer.status == "failed"
    [error] = answer.job["errors"]
    assert error["line"] == 2 and error["reason"].startswith(f"{field}: {NUL}")
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("fmt", "body"),
    [
        ("labelstudio", [{"data": {"text": "Tax rose.", "source": nested(300)}}]),
        ("w3c", {"type": "AnnotationCollection", "first": {"items": [nested(300)]}}),
    ],
)
def test_a_whole_json_import_file_nested_past_the_bound_is_refused_naming_where(
    api, reviewer, desk, fmt, body
):
    answer = run_import(
        api(reviewer),
        f"/api/v1/projects/{desk.pk}/documents/import/?format={fmt}",
        json.dumps(body),
        content_type="application/json",
    )
    assert answer.status == "failed"
    assert answer.job["error"].startswith("The file is nested deeper than 64 levels (at ")
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("kind", "field", "value", "said"),
    [
        ("document", "metadata", nested(300), "metadata.a.a"),
        ("document", "metadata", {"k": "a\x00"}, "metadata.k: contains a NUL"),
        ("event", "after", {"deep": nested(100)}, "after.deep.a"),
    ],
)
def test_a_backup_line_beyond_the_bounds_is_refused_naming_it(
    api, moderator, desk, document, kind, field, value, said
):
    from annotations import services
    from annotations.models import Project, Role

    response = api(moderator).get(f"/api/v1/projects/{desk.pk}/backup/")
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    number = next(i for i, line in enumerate(lines, 1) if line["type"] == kind)
    lines[number - 1][field] = value
    empty = Project.objects.create(name="Restored desk")
    services.membership_set(project=empty, user=moderator, role=Role.MODERATOR)
    answer = api(moderator).post(
        f"/api/v1/projects/{empty.pk}/restore/",
        "\n".join(json.dumps(line) for line in lines) + "\n",
        content_type="application/x-ndjson",
    )
    assert answer.status_code == 400
    [reason] = answer.json()["file"]
    assert reason.startswith(f"Line {number}") and said in reason
    assert not Document.objects.filter(project=empty).exists()
