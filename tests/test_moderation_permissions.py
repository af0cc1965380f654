"""The permission matrix: each action for anonymous, an outsider, a reviewer, a moderator of
another project and a moderator of the desk. First as policy.py answers it (the one place that
decides), then through the API and the admin that ask it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from annotations import policy, services
from annotations.models import Span
from tests.factories import make_span

pytestmark = pytest.mark.django_db

ANON, OUTSIDER, REVIEWER, OTHER_MOD, MODERATOR = (
    "anonymous",
    "outsider",
    "reviewer",
    "moderator of another project",
    "moderator",
)
PERSONAS = [ANON, OUTSIDER, REVIEWER, OTHER_MOD, MODERATOR]


@pytest.fixture
def people(reviewer, second_reviewer, moderator, outsider, other_moderator):
    return {
        ANON: AnonymousUser(),
        OUTSIDER: outsider,
        REVIEWER: reviewer,
        OTHER_MOD: other_moderator,
        MODERATOR: moderator,
    }


def _own_span(document, user):
    """A span by this user (unsaved: the policy only reads its author and project)."""
    return Span(document=document, author_id=user.pk)


POLICY_MATRIX = {
    # action: the personas allowed; everyone else is refused
    "view": {REVIEWER, MODERATOR},
    "create": {REVIEWER, MODERATOR},
    "edit own": {REVIEWER, MODERATOR},
    "edit others'": {MODERATOR},
    "approve": {MODERATOR},
    "reject": {MODERATOR},
    "restore own": {REVIEWER, MODERATOR},
    "restore others'": {MODERATOR},
    "export approved": {REVIEWER, MODERATOR},
    "export unreviewed": {MODERATOR},
}


def _ask(action, user, document, others_span):
    project = document.project
    return {
        "view": lambda: policy.can_view(user, project),
        "create": lambda: policy.can_create(user, project),
        "edit own": lambda: policy.can_edit_span(user, _own_span(document, user)),
        "edit others'": lambda: policy.can_edit_span(user, others_span),
        "approve": lambda: policy.can_review(user, project),
        "reject": lambda: policy.can_review(user, project),
        "restore own": lambda: policy.can_restore_span(user, _own_span(document, user)),
        "restore others'": lambda: policy.can_restore_span(user, others_span),
        "export approved": lambda: policy.can_export(user, project),
        "export unreviewed": lambda: policy.can_export(user, project, include_unreviewed=True),
    }[action]()


@pytest.mark.parametrize("persona", PERSONAS)
def test_policy_matrix(people, document, second_reviewer, persona):
    others_span = make_span(document, second_reviewer, "Police dismissed")
    answers = {
        action: _ask(action, people[persona], document, others_span) for action in POLICY_MATRIX
    }
    assert answers == {action: persona in who for action, who in POLICY_MATRIX.items()}


def test_a_superuser_without_a_role_may_do_nothing_in_the_project(
    django_user_model, document, second_reviewer
):
    boss = django_user_model.objects.create_superuser("boss", password="x")
    others_span = make_span(document, second_reviewer, "Police dismissed")
    assert not any(_ask(action, boss, document, others_span) for action in POLICY_MATRIX)
    assert policy.can_manage_people(boss)


# --- the same matrix through the API ------------------------------------------------------------

# (action, method, path, body, {persona: status}); anonymous always 401, non-members 404.
API_MATRIX = [
    ("view", "get", "/api/v1/documents/{document}/", None, {REVIEWER: 200, MODERATOR: 200}),
    (
        "create",
        "post",
        "/api/v1/documents/{document}/spans/",
        {"label": "OPINION", "start": 0, "end": 6, "text": "Police"},
        {REVIEWER: 201, MODERATOR: 201},
    ),
    (
        "edit own",
        "patch",
        "/api/v1/spans/{own}/",
        {"version": 1, "note": "mine"},
        {REVIEWER: 200, MODERATOR: 200},
    ),
    (
        "edit others'",
        "patch",
        "/api/v1/spans/{others}/",
        {"version": 1, "note": "yours"},
        {REVIEWER: 403, MODERATOR: 200},
    ),
    (
        "approve",
        "post",
        "/api/v1/spans/{others}/review/",
        {"status": "approved"},
        {REVIEWER: 403, MODERATOR: 200},
    ),
    (
        "reject",
        "post",
        "/api/v1/spans/{others}/review/",
        {"status": "rejected", "reason": "Not a claim"},
        {REVIEWER: 403, MODERATOR: 200},
    ),
    (
        "approve verdict",
        "post",
        "/api/v1/spans/{others}/verdict/review/",
        {"status": "approved"},
        {REVIEWER: 403, MODERATOR: 200},
    ),
    (
        "restore others'",
        "post",
        "/api/v1/spans/{deleted}/restore/",
        None,
        {REVIEWER: 403, MODERATOR: 200},
    ),
    (
        "agreement",
        "get",
        "/api/v1/projects/{project}/agreement/",
        None,
        {REVIEWER: 200, MODERATOR: 200},
    ),
]


@pytest.fixture
def api_world(people, desk, document, reviewer, second_reviewer, moderator):
    own = {
        REVIEWER: make_span(document, reviewer, "Police dismissed the claims"),
        MODERATOR: make_span(document, moderator, "Police dismissed the claims"),
    }
    others = make_span(document, second_reviewer, "at least 253 people")
    services.verdict_set(span=others, actor=second_reviewer, rating="false")
    deleted = make_span(document, second_reviewer, "pure propaganda", label="QUOTE")
    services.span_delete(span=deleted, actor=second_reviewer)
    return {
        "project": desk.pk,
        "document": document.pk,
        "others": others.pk,
        "deleted": deleted.pk,
        # non-members have no span of their own here: they try the reviewer's
        "own": lambda persona: own.get(persona, own[REVIEWER]).pk,
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("action", "method", "path", "body", "expected"), API_MATRIX, ids=[r[0] for r in API_MATRIX]
)
def test_api_matrix(api, people, api_world, persona, action, method, path, body, expected):
    user = None if persona == ANON else people[persona]
    ids = {**api_world, "own": api_world["own"](persona)}
    response = getattr(api(user), method)(path.format(**ids), body, format="json")
    want = 401 if persona == ANON else expected.get(persona, 404)
    assert response.status_code == want, response.content


def test_a_refused_review_changes_nothing(api, reviewer, api_world):
    api(reviewer).post(
        f"/api/v1/spans/{api_world['others']}/review/", {"status": "approved"}, format="json"
    )
    assert Span.objects.get(pk=api_world["others"]).review_status == "pending"


def test_api_rejection_without_a_reason_is_400_naming_the_field(api, moderator, api_world):
    response = api(moderator).post(
        f"/api/v1/spans/{api_world['others']}/review/", {"status": "rejected"}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()


def test_reviewer_sees_the_state_and_reason_of_their_span_over_the_api(
    api, reviewer, moderator, api_world
):
    own = api_world["own"](REVIEWER)
    api(moderator).post(
        f"/api/v1/spans/{own}/review/",
        {"status": "rejected", "reason": "Mark the number only"},
        format="json",
    )
    body = api(reviewer).get(f"/api/v1/spans/{own}/").json()
    assert (body["review_status"], body["review_reason"]) == ("rejected", "Mark the number only")


# --- and through the admin ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "list_status", "review_status"),
    [
        (ANON, 302, 302),  # to the admin's login
        (OUTSIDER, 403, 404),
        (REVIEWER, 403, 404),
        (OTHER_MOD, 200, 404),  # the list opens, but shows only their own project
        (MODERATOR, 200, 302),  # approved, back to the page
    ],
)
def test_admin_matrix_with_everyone_made_staff(
    client, people, document, second_reviewer, persona, list_status, review_status
):
    span = make_span(document, second_reviewer, "at least 253 people")
    user = people[persona]
    if persona != ANON:
        user.is_staff = True  # staff status alone must grant nothing
        user.save(update_fields=["is_staff"])
        client.force_login(user)
    listing = client.get("/admin/annotations/span/")
    assert listing.status_code == list_status
    if list_status == 200:
        assert (f'value="{span.pk}"' in listing.content.decode()) is (persona == MODERATOR)
    response = client.post(f"/admin/annotations/span/{span.pk}/review/", {"status": "approved"})
    assert response.status_code == review_status
    span.refresh_from_db()
    assert (span.review_status == "approved") is (persona == MODERATOR)
