"""Personas and clients shared by the suite. Permission tests read like sentences:
a reviewer of the desk, a moderator of the desk, an outsider (a member of another desk only)."""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.tokens import api_token_issue
from annotations import services
from annotations.models import Role
from tests.factories import ProjectFactory, UserFactory, make_document, make_span

# Browser tests use the sync Playwright API next to live_server's thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "pw-for-tests"


def pytest_configure(config):
    # Production hashes passwords with PBKDF2 at a million iterations, on purpose slow; every
    # test user would pay that. Tests check who may log in, not how hard a hash is to break.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _login_counts_of_this_test_only(settings):
    """Failed-login counts live in the shared cache (Redis under `make test`) for a minute:
    each test counts under its own key prefix, so one test's failures never lock another's
    logins."""
    settings.CACHES = {
        alias: config | {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def import_uploads(settings, tmp_path):
    """Uploads waiting for their import job go to the test's own directory."""
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_DIR


@pytest.fixture(autouse=True)
def _imports_answer_at_once(settings):
    """An upload answers 202 with its job at once: on the test transaction no worker could
    run it while the request waited (tests with a real worker ask for the wait)."""
    settings.IMPORT_ANSWER_WAIT_SECONDS = 0


@pytest.fixture
def desk(db):
    return ProjectFactory(name="The desk")


@pytest.fixture
def other_desk(db):
    return ProjectFactory(name="Another desk")


def _member(project, username, role):
    user = UserFactory(username=username)
    services.membership_set(project=project, user=user, role=role)
    return user


@pytest.fixture
def reviewer(desk):
    return _member(desk, "rita", Role.REVIEWER)


@pytest.fixture
def second_reviewer(desk):
    return _member(desk, "ravi", Role.REVIEWER)


@pytest.fixture
def moderator(desk):
    return _member(desk, "mona", Role.MODERATOR)


@pytest.fixture
def outsider(other_desk):
    return _member(other_desk, "otto", Role.REVIEWER)


@pytest.fixture
def other_moderator(other_desk):
    return _member(other_desk, "omar", Role.MODERATOR)


@pytest.fixture
def document(desk, reviewer):
    return make_document(
        desk,
        actor=reviewer,
        title="Isis claims province",
        text=(
            "Police dismissed the claims as “pure propaganda”.\n\n"
            "The bombers killed at least 253 people."
        ),
    )


@pytest.fixture
def claim(document, reviewer):
    return make_span(document, reviewer, "The bombers killed at least 253 people.")


def api_client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, key = api_token_issue(user=user, name="tests")
        # As if used a moment ago: its first request then writes no last-used time, so the
        # query counts tests measure are the endpoint's own.
        type(token).objects.filter(pk=token.pk).update(last_used_at=token.created_at)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api():
    """api(user) -> an API client authenticated with that user's token (None: anonymous)."""
    return api_client_for


__all__ = ["PASSWORD", "make_document", "make_span"]
