"""The OpenAPI document states what the API answers: its error answers on every operation,
its lists as cursor pages, its bounds; and the API keeps to those bounds."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", {"format": "json"}).json()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_documents_the_errors_it_can_answer(schema):
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        label = f"{method.upper()} {path}"
        if path != "/api/v1/auth/token/":
            assert {"401", "403"} <= codes, label
        if "{" in path:
            assert "404" in codes, label
        if "requestBody" in operation:
            assert {"400", "413"} <= codes, label
        assert "503" in codes, label


def test_a_refusal_is_documented_with_the_field_and_its_reasons(schema):
    operation = schema["paths"]["/api/v1/documents/{document_id}/spans/"]["post"]
    body = operation["responses"]["400"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ValidationError"}
    assert schema["components"]["schemas"]["ValidationError"]["type"] == "object"


def test_lists_are_documented_as_the_cursor_pages_they_are(api, reviewer, desk, schema):
    operation = schema["paths"]["/api/v1/projects/{project_id}/documents/"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"next", "previous", "results"}
    assert set(api(reviewer).get(f"/api/v1/projects/{desk.pk}/documents/").json()) == {
        "next",
        "previous",
        "results",
    }
    page_size = next(p for p in operation["parameters"] if p["name"] == "page_size")
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 500)


@pytest.mark.parametrize("page_size", ["0", "501", "ten", "-1"])
def test_a_page_size_out_of_its_bounds_is_refused_not_replaced(api, reviewer, desk, page_size):
    response = api(reviewer).get(f"/api/v1/projects/{desk.pk}/spans/", {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"wording": 5},  # a number where the schema says a string
        {"wording": True},
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused(api, reviewer, desk, body):
    response = api(reviewer).post(f"/api/v1/projects/{desk.pk}/desk-claims/", body, format="json")
    assert response.status_code == 400
    assert "wording" in response.json()


def test_a_blank_reason_longer_than_its_limit_is_refused(api, moderator, claim):
    from annotations.services.moderation import MAX_REASON_LENGTH

    response = api(moderator).post(
        f"/api/v1/spans/{claim.pk}/review/",
        {"status": "approved", "reason": " " * (MAX_REASON_LENGTH + 1)},
        format="json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()


@pytest.mark.parametrize("since", ["", "yesterday"])
def test_an_empty_or_unreadable_filter_is_refused(api, reviewer, desk, since):
    response = api(reviewer).get(f"/api/v1/projects/{desk.pk}/spans/", {"since": since})
    assert response.status_code == 400
    assert "since" in response.json()


@pytest.mark.parametrize(
    ("link", "taken"),
    [
        ("https://de.wikipedia.org/wiki/Köln", True),
        ("https://www.BBC.co.uk/news/world?id=1#top", True),
        ("http://archive.example.org:8080/x", True),
        ("https://example.org/a b", False),
        ("https://example.org/page#a\x7fb", False),
        ("https://example.org/a\x01b", False),
        ("ftp://example.org/file", False),
        ("example.org/page", False),
    ],
)
def test_evidence_links_are_taken_as_the_schema_pattern_says(api, reviewer, claim, link, taken):
    from annotations.domain.web_address import WEB_ADDRESS

    response = api(reviewer).put(
        f"/api/v1/spans/{claim.pk}/verdict/",
        {"rating": "false", "evidence_links": [link]},
        format="json",
    )
    assert (response.status_code == 200) is taken, response.json()
    assert bool(re.fullmatch(WEB_ADDRESS, link)) is taken
