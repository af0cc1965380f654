"""Desk claims over the API: who may do what (any member rates, outsiders see nothing), stale
versions answer 409, history comes with the objects, reads cost a fixed number of queries, and
the proposals for a CLAIM being tagged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.models import Verdict
from tests.factories import make_document, make_span

pytestmark = pytest.mark.django_db

TOLL = "The bombers killed at least 253 people."
ANON, OUTSIDER, REVIEWER, MODERATOR = "anonymous", "outsider", "reviewer", "moderator"


@pytest.fixture
def world(desk, document, claim, reviewer, second_reviewer, moderator, outsider):
    rated = make_span(document, second_reviewer, "Police dismissed the claims")
    services.rating_set(desk_claim=rated.desk_claim, actor=second_reviewer, rating="mostly_true")
    return {
        "ids": {
            "project": desk.pk,
            "document": document.pk,
            "span": claim.pk,
            "desk_claim": claim.desk_claim_id,
            "rated": rated.desk_claim_id,
        },
        "users": {ANON: None, OUTSIDER: outsider, REVIEWER: reviewer, MODERATOR: moderator},
    }


MATRIX = [
    ("list", "get", "/api/v1/projects/{project}/desk-claims/", None,
     {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200}),
    ("make", "post", "/api/v1/projects/{project}/desk-claims/", {"wording": "A claim."},
     {ANON: 401, OUTSIDER: 404, REVIEWER: 201, MODERATOR: 201}),
    ("read", "get", "/api/v1/desk-claims/{desk_claim}/", None,
     {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200}),
    ("edit wording", "patch", "/api/v1/desk-claims/{desk_claim}/", {"wording": "W.", "version": 1},
     {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200}),
    # Any member rates any desk claim, whoever tagged its mentions.
    ("rate", "put", "/api/v1/desk-claims/{rated}/ratings/", {"rating": "false"},
     {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200}),
    ("read verdict", "get", "/api/v1/desk-claims/{rated}/verdict/", None,
     {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200}),
    ("set verdict", "put", "/api/v1/desk-claims/{desk_claim}/verdict/", {"rating": "true"},
     {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200}),
    ("review verdict", "post", "/api/v1/desk-claims/{rated}/verdict/review/", {"status": "approved"},
     {ANON: 401, OUTSIDER: 404, REVIEWER: 403, MODERATOR: 200}),
    ("move mention", "put", "/api/v1/spans/{span}/desk-claim/", {"desk_claim": None},
     {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200}),
    ("proposals", "get", "/api/v1/documents/{document}/desk-claim-proposals/?start=0&end=6", None,
     {ANON: 401, OUTSIDER: 404, REVIEWER: 200, MODERATOR: 200}),
]  # fmt: skip


@pytest.mark.parametrize("persona", [ANON, OUTSIDER, REVIEWER, MODERATOR])
@pytest.mark.parametrize(
    ("name", "method", "path", "body", "expected"), MATRIX, ids=[r[0] for r in MATRIX]
)
def test_permission_matrix(api, world, persona, name, method, path, body, expected):
    client = api(world["users"][persona])
    response = getattr(client, method)(path.format(**world["ids"]), body, format="json")
    assert response.status_code == expected[persona], response.content


def test_a_desk_claim_reads_with_its_mentions_ratings_verdict_and_history(
    api, desk, document, claim, reviewer, second_reviewer
):
    second = make_document(desk, actor=reviewer, title="Second", outlet="Voice", text=f"So: {TOLL}")
    make_span(second, second_reviewer, TOLL, desk_claim=claim.desk_claim)
    services.rating_set(desk_claim=claim.desk_claim, actor=reviewer, rating="false")
    services.rating_set(desk_claim=claim.desk_claim, actor=second_reviewer, rating="mostly_false")
    body = api(reviewer).get(f"/api/v1/desk-claims/{claim.desk_claim_id}/").json()
    assert body["wording"] == TOLL
    assert [(m["document"]["title"], m["author"]) for m in body["mentions"]] == [
        ("Isis claims province", "rita"),
        ("Second", "ravi"),
    ]
    assert (body["mention_count"], body["rating_count"]) == (2, 2)
    assert {(r["author"], r["rating"]) for r in body["ratings"]} == {
        ("rita", "false"),
        ("ravi", "mostly_false"),
    }
    assert body["verdict"]["rating"] == "false"
    assert [h["action"] for h in body["verdict"]["history"]] == ["create"]
    assert [h["action"] for h in body["history"]] == ["create"]


def test_reading_a_desk_claim_costs_the_same_queries_however_many_mentions(
    api, desk, claim, reviewer, second_reviewer
):
    client = api(reviewer)
    url = f"/api/v1/desk-claims/{claim.desk_claim_id}/"
    services.rating_set(desk_claim=claim.desk_claim, actor=reviewer, rating="false")

    def queries():
        client.get(url)  # warm the session and roles
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    few = queries()
    for n in range(5):
        doc = make_document(desk, actor=reviewer, title=f"D{n}", text=f"{n}: {TOLL}")
        make_span(doc, second_reviewer, TOLL, desk_claim=claim.desk_claim)
    assert queries() == few


def test_stale_versions_answer_409_with_what_is_there_now(api, world, reviewer, second_reviewer):
    ids = world["ids"]
    client = api(reviewer)
    url = f"/api/v1/desk-claims/{ids['desk_claim']}/"
    assert (
        client.patch(url, {"wording": "Changed.", "version": 1}, format="json").status_code == 200
    )
    stale = api(second_reviewer).patch(url, {"wording": "Mine.", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["wording"] == "Changed."

    ratings = f"/api/v1/desk-claims/{ids['rated']}/ratings/"
    theirs = api(second_reviewer)
    assert theirs.put(ratings, {"rating": "false", "version": 1}, format="json").status_code == 200
    again = theirs.put(ratings, {"rating": "true", "version": 1}, format="json")
    assert again.status_code == 409
    assert theirs.delete(f"{ratings}?version=1").status_code == 409
    assert theirs.delete(f"{ratings}?version=2").status_code == 204


def test_a_desk_claim_named_in_a_body_outside_ones_projects_is_a_400(
    api, world, other_desk, outsider, document, reviewer
):
    elsewhere = make_document(other_desk, actor=outsider, text="Somewhere else entirely.")
    foreign = make_span(elsewhere, outsider, "Somewhere else")
    answer = api(reviewer).put(
        f"/api/v1/spans/{world['ids']['span']}/desk-claim/",
        {"desk_claim": foreign.desk_claim_id},
        format="json",
    )
    assert answer.status_code == 400
    assert "desk_claim" in answer.json()
    created = api(reviewer).post(
        f"/api/v1/documents/{document.pk}/spans/",
        {
            "label": "CLAIM",
            "start": 0,
            "end": 6,
            "text": "Police",
            "desk_claim": foreign.desk_claim_id,
        },
        format="json",
    )
    assert created.status_code == 400


def test_a_new_claim_over_the_api_names_its_desk_claim_and_answers_with_its_verdict(
    api, desk, claim, reviewer, second_reviewer
):
    services.verdict_set(desk_claim=claim.desk_claim, actor=reviewer, rating="false")
    second = make_document(desk, actor=reviewer, title="Second", text=f"So: {TOLL}")
    start = second.text.index(TOLL)
    answer = api(second_reviewer).post(
        f"/api/v1/documents/{second.pk}/spans/",
        {"label": "CLAIM", "start": start, "end": start + len(TOLL), "text": TOLL,
         "desk_claim": claim.desk_claim_id},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.json()
    assert answer.json()["desk_claim"] == claim.desk_claim_id
    assert answer.json()["verdict"]["rating"] == "false"


def test_the_span_verdict_alias_is_the_desk_claims_verdict(api, world, document, reviewer):
    rated = document.spans.get(text="Police dismissed the claims")
    body = api(reviewer).get(f"/api/v1/spans/{rated.pk}/verdict/").json()
    verdict = Verdict.objects.get(desk_claim_id=world["ids"]["rated"])
    assert (body["rating"], body["version"]) == (verdict.rating, verdict.version)
    answer = api(reviewer).put(
        f"/api/v1/spans/{rated.pk}/verdict/", {"rating": "false", "version": 1}, format="json"
    )
    assert answer.status_code == 200
    assert Verdict.objects.get(pk=verdict.pk).rating == "false"


def test_proposals_rank_the_desk_claims_a_new_claim_may_belong_to(
    api, desk, document, claim, reviewer
):
    make_span(document, reviewer, "pure propaganda")
    second = make_document(
        desk,
        actor=reviewer,
        title="Second",
        text="Attackers killed at least 253 people in the bombings, police said.",
    )
    phrase = "Attackers killed at least 253 people in the bombings"
    start = second.text.index(phrase)
    body = (
        api(reviewer)
        .get(
            f"/api/v1/documents/{second.pk}/desk-claim-proposals/",
            {"start": start, "end": start + len(phrase)},
        )
        .json()
    )
    best = body["proposals"][0]
    assert best["desk_claim"]["id"] == claim.desk_claim_id
    assert best["desk_claim"]["wording"] == TOLL
    assert 0 < best["score"] <= 1
    assert "“killed”" in best["reason"] and "“253”" in best["reason"]
    assert [p["desk_claim"]["wording"] for p in body["proposals"]] == [TOLL]
    assert body["new_wording"] == phrase
    left_out = api(reviewer).post(
        f"/api/v1/documents/{second.pk}/desk-claim-proposals/",
        {"text": phrase, "exclude": [claim.desk_claim_id]},
        format="json",
    )
    assert left_out.json()["proposals"] == []


def test_proposals_put_the_same_articles_desk_claims_first(api, document, claim, reviewer, desk):
    # A desk claim elsewhere with the very same words, and this article's own.
    other = make_document(desk, actor=reviewer, title="Other", text=f"Also: {TOLL}")
    make_span(other, reviewer, TOLL)
    body = (
        api(reviewer)
        .post(
            f"/api/v1/documents/{document.pk}/desk-claim-proposals/",
            {"text": "The bombers killed 253 people."},
            format="json",
        )
        .json()
    )
    first = body["proposals"][0]
    assert (first["desk_claim"]["id"], first["found_in"]) == (claim.desk_claim_id, "same article")
    assert "mentioned in this article" in first["reason"]
    assert len(body["proposals"]) == 2


def test_proposals_put_the_same_storys_desk_claims_before_other_articles(
    api, document, claim, reviewer, desk
):
    # Another report of the event, in the same story, names the toll differently; a third
    # article outside the story has a desk claim with nearer words.
    report = make_document(
        desk, actor=reviewer, title="Report", text="The attack killed more than 250 people."
    )
    nearer = "The attack killed more than 250 people."
    elsewhere = make_document(desk, actor=reviewer, title="Elsewhere", text=f"Also: {nearer}")
    make_span(elsewhere, reviewer, nearer)
    story = services.story_move(document=document, actor=reviewer, to=None, title="The attack")
    services.story_move(document=report, actor=reviewer, to=story)
    body = (
        api(reviewer)
        .post(
            f"/api/v1/documents/{report.pk}/desk-claim-proposals/",
            {"text": "The attack killed more than 250 people."},
            format="json",
        )
        .json()
    )
    first = body["proposals"][0]
    assert (first["desk_claim"]["id"], first["found_in"]) == (claim.desk_claim_id, "same story")
    assert "mentioned in the same story" in first["reason"]


def test_the_project_lists_desk_claims_with_no_mentions_left(api, document, claim, reviewer, desk):
    services.span_update(span=claim, actor=reviewer, version=1, label="OPINION")
    body = (
        api(reviewer).get(f"/api/v1/projects/{desk.pk}/desk-claims/", {"mentions": "none"}).json()
    )
    assert [(c["wording"], c["mention_count"]) for c in body["results"]] == [(TOLL, 0)]
    assert (
        api(reviewer).get(f"/api/v1/projects/{desk.pk}/desk-claims/", {"mentions": "x"}).status_code
        == 400
    )


def test_the_schema_documents_the_desk_claim_endpoints_and_the_alias(api, reviewer):
    schema = api(reviewer).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/projects/{project_id}/desk-claims/",
        "/api/v1/desk-claims/{desk_claim_id}/",
        "/api/v1/desk-claims/{desk_claim_id}/ratings/",
        "/api/v1/desk-claims/{desk_claim_id}/verdict/",
        "/api/v1/desk-claims/{desk_claim_id}/verdict/review/",
        "/api/v1/spans/{span_id}/desk-claim/",
        "/api/v1/documents/{document_id}/desk-claim-proposals/",
    ):
        assert path in paths, path
    assert "alias" in paths["/api/v1/spans/{span_id}/verdict/"]["get"]["summary"]
