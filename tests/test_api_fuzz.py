"""schemathesis against the live OpenAPI schema, in-process through the WSGI app: no endpoint
may answer with a server error, whatever the schema allows (and what it refuses) is sent.

Bounded: a few dozen examples per operation and mode, so it runs in about a minute. The test
keeps its database connection for the requests (close_old_connections would close it), so the
requests see the test's data and everything is rolled back afterwards.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from accounts.tokens import api_token_issue
from annotations import services
from tests.conftest import api_client_for
from tests.export_data import build_project
from tests.factories import make_span

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25
# These revoke the token they are sent with, or one of its owner's: each call gets a fresh token
# of another member, so the moderator's token stays good for every other operation.
REVOKE_TOKENS = {"/api/v1/auth/logout/", "/api/v1/auth/tokens/{token_id}/"}


@pytest.fixture
def requests_keep_the_connection():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_endpoint_answers_with_a_server_error(
    requests_keep_the_connection, desk, reviewer, moderator
):
    from factcheck.wsgi import application

    docs = build_project(desk, reviewer)
    span = make_span(docs["emoji"], moderator, "Emoji")
    token = api_client_for(moderator)._credentials["HTTP_AUTHORIZATION"]
    services.verdict_set(span=make_span(docs["cjk"], moderator, "1400万人"), actor=moderator,
                         rating="true")  # fmt: skip
    known = {"project_id": desk.pk, "document_id": docs["emoji"].pk, "span_id": span.pk}

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    server_errors: list[str] = []
    operations = 0
    unsatisfiable: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        path_names = {p.name for p in operation.path_parameters}
        fixed = {k: v for k, v in known.items() if k in path_names}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def call(case):
                auth = token
                if case.operation.path in REVOKE_TOKENS:
                    auth = f"Token {api_token_issue(user=reviewer)[1]}"
                response = case.call(headers={"Authorization": auth})
                try:
                    case.validate_response(response, checks=[not_a_server_error])
                except Exception as failure:
                    server_errors.append(
                        f"{case.method} {case.formatted_path} -> {response.status_code}: "
                        f"{str(failure)[:300]}"
                    )

            try:
                call()
            except Unsatisfiable:
                # Nothing to negate (an operation with no inputs): only the positive mode runs.
                assert mode is GenerationMode.NEGATIVE, operation.label
                unsatisfiable.append(operation.label)
    print("negative mode had nothing to vary for:", unsatisfiable)
    assert operations >= 12, "the schema lost operations"
    assert server_errors == []
