"""REST API v1: who may call what, and bad input answered with 400 naming the field."""

from __future__ import annotations

import json

import pytest

from annotations.api import serializers as s
from annotations.models import Span
from tests.factories import make_span

pytestmark = pytest.mark.django_db


# --- the permission matrix -----------------------------------------------------------------
# Each row: what is called, and the status each persona gets. The span under test is the
# reviewer's own claim; "others_span" is a claim by a second reviewer of the same desk.

ANON, OUTSIDER, REVIEWER, MODERATOR = "anonymous", "outsider", "reviewer", "moderator"


def _doc_body():
    return {"title": "New article", "text": "Fresh text with 12 facts."}


def _span_body(document):
    return {"label": "OPINION", "start": 0, "end": 6, "text": document.text[:6]}


MATRIX = [
    # (name, method, path, body, {persona: status})
    (
        "list projects",
        "get",
        "/api/v1/projects/",
        None,
        {ANON: 401, OUTSIDER: 200, REVIEWER: 200, MODERATOR: 200},
    ),
    (
        "list documents",
        "get",
        "/api/v1/projects/{project}/documents/",
        None,
        {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200},
    ),
    (
        "create document",
        "post",
        "/api/v1/projects/{project}/documents/",
        _doc_body,
        {ANON: 401, OUTSIDER: 404, REVIEWER: 201, MODERATOR: 201},
    ),
    (
        "read document",
        "get",
        "/api/v1/documents/{document}/",
        None,
        {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200},
    ),
    (
        "list spans",
        "get",
        "/api/v1/documents/{document}/spans/",
        None,
        {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200},
    ),
    (
        "create span",
        "post",
        "/api/v1/documents/{document}/spans/",
        "span",
        {ANON: 401, OUTSIDER: 404, REVIEWER: 201, MODERATOR: 201},
    ),
    (
        "read span",
        "get",
        "/api/v1/spans/{span}/",
        None,
        {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200},
    ),
    (
        "edit own span",
        "patch",
        "/api/v1/spans/{span}/",
        {"version": 1, "note": "n"},
        {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200},
    ),
    (
        "edit others' span",
        "patch",
        "/api/v1/spans/{others_span}/",
        {"version": 1, "note": "n"},
        {ANON: 401, OUTSIDER: 404, REVIEWER: 403, MODERATOR: 200},
    ),
    (
        "delete own span",
        "delete",
        "/api/v1/spans/{span}/",
        None,
        {ANON: 401, OUTSIDER: 404, REVIEWER: 204, MODERATOR: 204},
    ),
    (
        "delete others' span",
        "delete",
        "/api/v1/spans/{others_span}/",
        None,
        {ANON: 401, OUTSIDER: 404, REVIEWER: 403, MODERATOR: 204},
    ),
    (
        "set verdict",
        "put",
        "/api/v1/spans/{span}/verdict/",
        {"rating": "true"},
        {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200},
    ),
    (
        # The verdict is the desk claim's, the desk's: any member sets it, whoever tagged it.
        "set verdict on others' claim",
        "put",
        "/api/v1/spans/{others_span}/verdict/",
        {"rating": "true"},
        {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200},
    ),
    (
        "read verdict",
        "get",
        "/api/v1/spans/{rated_span}/verdict/",
        None,
        {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200},
    ),
]


@pytest.fixture
def world(desk, document, claim, reviewer, second_reviewer, moderator, outsider):
    from annotations import services

    others_span = make_span(document, second_reviewer, "Police dismissed the claims")
    rated = make_span(document, second_reviewer, "at least 253 people")
    services.verdict_set(span=rated, actor=second_reviewer, rating="mostly_true")
    return {
        "ids": {
            "project": desk.pk,
            "document": document.pk,
            "span": claim.pk,
            "others_span": others_span.pk,
            "rated_span": rated.pk,
        },
        "document": document,
        "users": {ANON: None, OUTSIDER: outsider, REVIEWER: reviewer, MODERATOR: moderator},
    }


@pytest.mark.parametrize("persona", [ANON, OUTSIDER, REVIEWER, MODERATOR])
@pytest.mark.parametrize(
    ("name", "method", "path", "body", "expected"), MATRIX, ids=[r[0] for r in MATRIX]
)
def test_permission_matrix(api, world, persona, name, method, path, body, expected):
    if callable(body):
        body = body()
    elif body == "span":
        body = _span_body(world["document"])
    client = api(world["users"][persona])
    response = getattr(client, method)(path.format(**world["ids"]), body, format="json")
    assert response.status_code == expected[persona], response.content


def test_anonymous_is_told_how_to_authenticate(api, world):
    response = api(None).get("/api/v1/projects/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_outsiders_project_list_does_not_show_the_desk(api, world):
    names = [p["name"] for p in api(world["users"][OUTSIDER]).get("/api/v1/projects/").json()]
    assert names == ["Another desk"]


# --- tokens ---------------------------------------------------------------------------------


def test_token_from_username_and_password_opens_the_api(client, reviewer, desk):
    from rest_framework.test import APIClient

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "rita", "password": "pw-for-tests"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(f"/api/v1/projects/{desk.pk}/documents/").status_code == 200


def test_token_with_a_wrong_password_is_refused(reviewer):
    from rest_framework.test import APIClient

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "rita", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "Unable to log in" in response.json()["non_field_errors"][0]


# --- the data comes back right --------------------------------------------------------------


def test_document_detail_gives_text_metadata_and_spans_with_verdicts(
    api, reviewer, document, claim
):
    from annotations import services

    services.verdict_set(
        span=claim, actor=reviewer, rating="true", evidence_links=["https://e.org/1"]
    )
    body = api(reviewer).get(f"/api/v1/documents/{document.pk}/").json()
    assert body["text"] == document.text
    assert body["title"] == "Isis claims province"
    [span] = body["spans"]
    assert (span["label"], span["text"], span["author"], span["origin"]) == (
        "CLAIM",
        claim.text,
        "rita",
        "manual",
    )
    assert body["text"][span["start"] : span["end"]] == span["text"]
    assert span["verdict"]["rating"] == "true"


def test_span_created_over_the_api_with_emoji_before_it_has_code_point_offsets(api, reviewer, desk):
    created = (
        api(reviewer)
        .post(
            f"/api/v1/projects/{desk.pk}/documents/",
            {"title": "Fire", "text": "👨🏻‍🚒 消防员 rescued 3."},
            format="json",
        )
        .json()
    )
    response = api(reviewer).post(
        f"/api/v1/documents/{created['id']}/spans/",
        {"label": "CLAIM", "start": 9, "end": 19, "text": "rescued 3."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Span.objects.get().text == "rescued 3."


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {
            "outlet": " Wire ",
            "author": "A. Writer",
            "source_url": "https://example.org/a",
            "published_on": "2024-05-01",
            "external_id": "w-7",
            # Keys out of PostgreSQL's order, numbers in forms it writes otherwise.
            "metadata": {"zeta": 1e2, "a": {"long key": [1.50, -0.0], "b": None}, "é": "x"},
        },
    ],
)
def test_a_created_documents_answer_is_its_row_in_the_list_byte_for_byte(
    api, reviewer, desk, extra
):
    client = api(reviewer)
    body = {"title": " Bridge closed ", "text": "Cafe\u0301 🙂 owners said 12.\r\n", **extra}
    created = client.post(f"/api/v1/projects/{desk.pk}/documents/", body, format="json")
    assert created.status_code == 201, created.content
    listed = client.get(f"/api/v1/projects/{desk.pk}/documents/").json()["results"]
    (row,) = [r for r in listed if r["id"] == created.json()["id"]]
    assert created.content == json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()
    assert (row["title"], row["text_length"], row["span_count"]) == ("Bridge closed", 23, 0)


def test_document_list_counts_spans_by_label_and_pages_by_cursor(
    api, reviewer, desk, document, claim
):
    body = api(reviewer).get(f"/api/v1/projects/{desk.pk}/documents/?page_size=1").json()
    assert set(body) == {"next", "previous", "results"}
    [row] = body["results"]
    assert (row["claim_count"], row["quote_count"], row["text_length"]) == (
        1,
        0,
        len(document.text),
    )
    assert "text" not in row


def test_stale_patch_is_409_with_the_current_span(api, reviewer, moderator, claim):
    assert (
        api(moderator)
        .patch(f"/api/v1/spans/{claim.pk}/", {"version": 1, "note": "mod"}, format="json")
        .status_code
        == 200
    )
    response = api(reviewer).patch(
        f"/api/v1/spans/{claim.pk}/", {"version": 1, "note": "mine"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["note"] == "mod"
    claim.refresh_from_db()
    assert claim.note == "mod"


def test_verdict_history_is_served_with_the_verdict(api, reviewer, claim):
    url = f"/api/v1/spans/{claim.pk}/verdict/"
    api(reviewer).put(
        url, {"rating": "true", "evidence_links": ["https://a.org", "https://b.org"]}, format="json"
    )
    body = (
        api(reviewer)
        .put(url, {"rating": "false", "rationale": "Wrong toll", "version": 1}, format="json")
        .json()
    )
    assert body["rating"] == "false"
    assert [h["action"] for h in body["history"]] == ["create", "update"]
    assert body["history"][1]["before"]["rating"] == "true"


# --- bad input is a 400 that names the field, never a 500 -----------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"label": "RUMOUR", "start": 0, "end": 6, "text": "Police"}, "label"),
        ({"label": "CLAIM", "start": "zero", "end": 6, "text": "Police"}, "start"),
        ({"label": "CLAIM", "start": 0, "end": 10**30, "text": "Police"}, "end"),
        ({"label": "CLAIM", "start": -5, "end": 6, "text": "Police"}, "start"),
        ({"label": "CLAIM", "start": 0, "end": 6, "text": "Polish"}, "text"),
        ({"label": "CLAIM", "start": 0, "end": 6}, "text"),
        ({"label": "CLAIM", "start": 0, "end": 6, "text": ["Police"]}, "text"),
        (
            {"label": "CLAIM", "start": 0, "end": 6, "text": "Police", "speaker": "x" * 301},
            "speaker",
        ),
        ({"label": "CLAIM", "start": 0, "end": 9_000, "text": "Police"}, "end"),
        ({"label": "CLAIM", "start": 0, "end": 6, "text": "Police", "note": "a\x00b"}, "note"),
        ({"label": None, "start": 0, "end": 6, "text": "Police"}, "label"),
    ],
)
def test_bad_span_input_is_400_naming_the_field(api, reviewer, document, body, field):
    response = api(reviewer).post(f"/api/v1/documents/{document.pk}/spans/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Span.objects.exists()


def test_malformed_json_is_400(api, reviewer, document):
    response = api(reviewer).post(
        f"/api/v1/documents/{document.pk}/spans/",
        data='{"label": "CLAIM",',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_json_array_instead_of_an_object_is_400(api, reviewer, document):
    response = api(reviewer).post(
        f"/api/v1/documents/{document.pk}/spans/",
        data=json.dumps([1, 2]),
        content_type="application/json",
    )
    assert response.status_code == 400


def test_patch_without_version_is_400(api, reviewer, claim):
    response = api(reviewer).patch(f"/api/v1/spans/{claim.pk}/", {"note": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["version"] == ["This field is required."]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "t"}, "text"),
        ({"title": "", "text": "x"}, "title"),
        ({"title": "t", "text": "x", "published_on": "last week"}, "published_on"),
        ({"title": "t", "text": "x", "source_url": "javascript:alert(1)"}, "source_url"),
        ({"title": "t", "text": "x", "metadata": "not an object"}, "metadata"),
        ({"title": "t" * 501, "text": "x"}, "title"),
    ],
)
def test_bad_document_input_is_400_naming_the_field(api, reviewer, desk, body, field):
    response = api(reviewer).post(f"/api/v1/projects/{desk.pk}/documents/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_lone_surrogate_escape_in_json_is_400_not_a_database_error(api, reviewer, desk):
    raw = '{"title": "t", "text": "half an emoji: \\ud83d here"}'
    response = api(reviewer).post(
        f"/api/v1/projects/{desk.pk}/documents/", data=raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert "surrogate" in response.json()["text"][0].lower()


@pytest.mark.parametrize("text", ["half an emoji: \ud83d here", "\udfff", "é" * 4999 + "\ud800"])
def test_the_document_serializer_refuses_a_lone_surrogate_naming_text_and_its_code_point(text):
    """Whatever reads the body, the serializer itself refuses it, in DRF's words."""
    serializer = s.DocumentCreateSerializer(data={"title": "t", "text": text})
    assert not serializer.is_valid()
    code_point = next(c for c in text if 0xD800 <= ord(c) <= 0xDFFF)
    assert serializer.errors == {
        "text": [f"Surrogate characters are not allowed: U+{ord(code_point):X}."]
    }
    assert serializer.errors["text"][0].code == "surrogate_characters_not_allowed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": "pants_on_fire"}, "rating"),
        ({"rating": "false", "evidence_links": ["javascript:alert(1)"]}, "evidence_links"),
        ({"rating": "false", "evidence_links": "https://a.org"}, "evidence_links"),
        (
            {"rating": "false", "evidence_links": [f"https://a.org/{i}" for i in range(21)]},
            "evidence_links",
        ),
        ({"rating": "false", "version": 10**20}, "version"),
    ],
)
def test_bad_verdict_input_is_400_naming_the_field(api, reviewer, claim, body, field):
    response = api(reviewer).put(f"/api/v1/spans/{claim.pk}/verdict/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_verdict_on_a_quote_is_400_with_the_reason(api, reviewer, document):
    quote = make_span(document, reviewer, "pure propaganda", label="QUOTE")
    response = api(reviewer).put(
        f"/api/v1/spans/{quote.pk}/verdict/", {"rating": "false"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"label": ["Only a CLAIM takes a verdict; this span is a QUOTE."]}


def test_huge_ids_in_urls_are_404_not_overflow(api, reviewer):
    assert api(reviewer).get("/api/v1/spans/99999999999999999999999/").status_code == 404
    assert api(reviewer).get("/api/v1/documents/999999999999999999/").status_code == 404


def test_bad_version_query_parameter_is_400(api, reviewer, claim):
    response = api(reviewer).delete(f"/api/v1/spans/{claim.pk}/?version=abc")
    assert response.status_code == 400
    assert "version" in response.json()


# --- the schema -------------------------------------------------------------------------------


def test_openapi_schema_declares_every_endpoint_and_the_limits(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/auth/token/",
        "/api/v1/projects/{project_id}/documents/",
        "/api/v1/documents/{document_id}/",
        "/api/v1/documents/{document_id}/spans/",
        "/api/v1/spans/{span_id}/",
        "/api/v1/spans/{span_id}/verdict/",
    } <= paths
    span_request = schema["components"]["schemas"]["SpanCreateRequest"]["properties"]
    assert span_request["speaker"]["maxLength"] == 300
    assert span_request["end"]["maximum"] == 2_000_000


def test_swagger_ui_page_loads_its_assets_from_this_site(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content
    assert b"cdn." not in response.content
