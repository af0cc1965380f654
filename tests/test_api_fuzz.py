"""schemathesis against the live OpenAPI schema with every one of its checks on, the way its
CLI runs (`st run --checks all`), against a live server on the test database: the examples,
coverage (every boundary and missing value, undeclared methods) and fuzzing phases, positive
and negative. The schema must be the API: every status code, content type and body documented,
valid requests accepted, invalid ones refused, credentials enforced, no server error.

Not the stateful phase: the unit phases pin the path ids to real objects, and with those pinned
every chain lands on the same span, so a delete followed by its restore reads to use_after_free
as a resource that outlived its delete; it would also triple the run. use_after_free and
ensure_resource_availability (stateful-only checks) therefore have nothing to look at here.

Bounded (ten generated examples per operation, deterministic, no cache between runs): about 3,600
requests. The requests go to the Django WSGI application in this process (schemathesis's WSGI
transport), the whole Django stack from the middleware on, as gunicorn would call it: no server
thread to wait on. The test is transactional all the same, so what commits (and its on-commit
work) happens as it would behind a server."""

from __future__ import annotations

import gzip
import time
from collections import defaultdict
from importlib import import_module

import pytest
import schemathesis
import schemathesis.python.wsgi
import werkzeug
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, connections
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.parameters import ParameterLocation
from schemathesis.engine import Status, events, from_schema

from accounts.tokens import api_token_issue
from annotations import services
from tests.conftest import api_client_for
from tests.export_data import build_project
from tests.factories import make_span

EXAMPLES_PER_OPERATION = 10
BODY = ParameterLocation.BODY

# positive_data_acceptance expects a schema-valid request to succeed. These operations refuse
# (400, naming the field) requests the schema cannot tell from good ones, by design: the rule
# depends on stored data, not on the request's shape.
REFUSED_BY_STORED_DATA = {
    # a password that matches no user
    "POST /api/v1/auth/token/",
    # `text` must be the document's text at start:end; the range must lie inside the document
    "POST /api/v1/documents/{document_id}/spans/",
    "PATCH /api/v1/spans/{span_id}/",
    "GET /api/v1/documents/{document_id}/desk-claim-proposals/",
    # the version read is required once a verdict or rating exists; a rejection needs a reason
    "PUT /api/v1/spans/{span_id}/verdict/",
    "PUT /api/v1/desk-claims/{desk_claim_id}/verdict/",
    "PUT /api/v1/desk-claims/{desk_claim_id}/ratings/",
    "POST /api/v1/spans/{span_id}/review/",
    "POST /api/v1/spans/{span_id}/verdict/review/",
    "POST /api/v1/desk-claims/{desk_claim_id}/verdict/review/",
    # the uploaded file's content must parse as the format it claims
    "POST /api/v1/projects/{project_id}/documents/import/",
    "POST /api/v1/projects/{project_id}/fact-checks/",
    "POST /api/v1/projects/{project_id}/restore/",
    # an id in the body (a desk claim, a story's document) must name one the requester may see
    "PUT /api/v1/spans/{span_id}/desk-claim/",
    "POST /api/v1/stories/{story_id}/move/",
    "POST /api/v1/stories/{story_id}/merge/",
    "POST /api/v1/stories/{story_id}/split/",
    "POST /api/v1/stories/{story_id}/confirm/",
    "POST /api/v1/documents/{document_id}/suggestions/reopen/",
    # an external_id must be new to the project
    "POST /api/v1/projects/{project_id}/documents/",
}


# These revoke the token they are sent with, or one of its owner's: each call gets a fresh token
# of another member, so the moderator's token stays good for every other operation.
REVOKE_TOKENS = {"/api/v1/auth/logout/", "/api/v1/auth/tokens/{token_id}/"}


# positive_data_acceptance again: rules that join two parameters, which the schema states in
# their descriptions but no JSON Schema keyword can (an export format's offset units).
REFUSED_BY_A_RULE_ACROSS_PARAMETERS = {"GET /api/v1/projects/{project_id}/export/"}


# negative_data_rejection mutates a body's JSON type; these take the file itself as the body
# (JSONL, JSON, JSON-LD, a page): any bytes are a file, and whether they parse is the format's
# concern, reported line by line.
FILE_BODIES = {
    "POST /api/v1/projects/{project_id}/documents/import/",
    "POST /api/v1/projects/{project_id}/fact-checks/",
    "POST /api/v1/projects/{project_id}/restore/",
}


def _json_404_for_api_clients() -> bool:
    return getattr(import_module(settings.ROOT_URLCONF), "handler404", None) is not None


def _excused(check: str, case, response) -> bool:
    label = case.operation.label
    code = response.status_code if response is not None else None
    if check == "positive_data_acceptance":
        return code == 400 and label in REFUSED_BY_STORED_DATA | REFUSED_BY_A_RULE_ACROSS_PARAMETERS
    if check == "negative_data_rejection":
        return label in FILE_BODIES and case.meta is not None and case.meta.is_negative_at(BODY)
    if check == "content_type_conformance" and code == 404:
        # A path the URL patterns do not match (an id of 19 digits) is answered by Django's
        # 404 page until the project has JSON answers for API clients outside DRF.
        return not _json_404_for_api_clients()
    return False


def _decoding_gzip(app):
    """What an HTTP client such as requests (the transport of a run against a server) does with
    a gzip body: schemathesis sends `Accept-Encoding: gzip` either way, but its WSGI transport
    reads the bytes as they come. The headers stay as the application sent them."""

    def wrapped(environ, start_response):
        answer: list = []
        chunks = app(
            environ, lambda status, headers, exc_info=None: answer.extend([status, headers])
        )
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        status, headers = answer
        if any(k.lower() == "content-encoding" and v == "gzip" for k, v in headers):
            body = gzip.decompress(body)
            headers = [
                (k, str(len(body)) if k.lower() == "content-length" else v) for k, v in headers
            ]
        start_response(status, headers)
        return [body]

    return wrapped


class _InProcessClient(werkzeug.Client):
    """werkzeug's test client, as schemathesis's WSGI transport uses it, minus the options that
    only a network request has. The ignored_auth check's probe (the same request without its
    token) hands the transport the run's network settings (max_redirects, verify, cert) with no
    session to strip them, and werkzeug refuses them: every probe would be an error, and the
    check would look at nothing."""

    def open(self, *args, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return super().open(*args, **kwargs)


@pytest.fixture
def wsgi_app(monkeypatch):
    """Django's WSGI application, called in this process. schemathesis sends the requests from
    threads of its own, and each thread has its own database connection, as a server's threads
    do (so the test is transactional); those are closed at the end, as a server closes its
    threads' connections when it stops."""
    monkeypatch.setattr(schemathesis.python.wsgi, "get_client", _InProcessClient)
    used: dict[int, object] = {}

    def remember_the_connection(**kwargs):
        used[id(connections[DEFAULT_DB_ALIAS])] = connections[DEFAULT_DB_ALIAS]

    signals.request_finished.connect(remember_the_connection, weak=False)
    try:
        yield _decoding_gzip(WSGIHandler())
    finally:
        signals.request_finished.disconnect(remember_the_connection)
        used.pop(id(connections[DEFAULT_DB_ALIAS]), None)  # this thread's: pytest-django's
        for wrapper in used.values():  # their threads have ended
            wrapper.inc_thread_sharing()
            wrapper.close()


@pytest.mark.django_db(transaction=True)
def test_the_api_conforms_to_its_schema_under_every_check(wsgi_app, desk, reviewer, moderator):
    docs = build_project(desk, reviewer)
    span = make_span(docs["emoji"], moderator, "Emoji")
    services.verdict_set(span=make_span(docs["cjk"], moderator, "1400万人"), actor=moderator,
                         rating="true")  # fmt: skip
    token = api_client_for(moderator)._credentials["HTTP_AUTHORIZATION"]

    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    schema.config.update(
        workers=1,
        # Real objects for the unit phases; the stateful phase follows the ids it creates.
        parameters={"project_id": desk.pk, "document_id": docs["emoji"].pk, "span_id": span.pk},
    )

    @schema.auth(refresh_interval=None)
    class Tokens:
        def get(self, case, context) -> str:
            if case.operation.path in REVOKE_TOKENS:
                return f"Token {api_token_issue(user=reviewer)[1]}"
            return token

        def set(self, case, data: str, context) -> None:
            case.headers = {**(case.headers or {}), "Authorization": data}

    # No NUL in generated text: PostgreSQL cannot store one, and the API refuses it (400) in
    # every field, which no schema keyword can say of a free-form `metadata` object.
    schema.config.generation.update(
        max_examples=EXAMPLES_PER_OPERATION, deterministic=True, allow_x00=False
    )
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    # Every run starts afresh: no requests replayed from an earlier run's cache.
    schema.config.cache.enabled = False
    load_all_checks()
    checks = [check.__name__ for check in CHECKS.get_all()]
    assert all(schema.config.checks.get_by_name(name=name).enabled for name in checks), checks

    started, cpu_started = time.monotonic(), time.process_time()
    cases = 0
    by_phase: dict[str, int] = defaultdict(int)
    failures: dict[tuple[str, str], list[str]] = defaultdict(list)
    errors: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(f"{getattr(event, 'label', '')}: {event.value!r}"[:500])
        if not isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            continue
        recorder = event.recorder
        cases += len(recorder.cases)
        by_phase[str(getattr(event, "phase", "fuzz"))] += len(recorder.cases)
        for case_id, checks in recorder.checks.items():
            case = recorder.cases[case_id].value
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction is not None else None
            code = response.status_code if response is not None else None
            for check in checks:
                if check.status != Status.FAILURE or _excused(check.name, case, response):
                    continue
                body = response.content[:200] if response is not None and response.content else b""
                failure = check.failure_info.failure if check.failure_info else ""
                failures[(check.name, case.operation.label)].append(
                    f"{case.method} {case.formatted_path} query={case.query} "
                    f"body={str(case.body)[:200]} -> {code} {body!r}\n      {failure}"[:900]
                )
    print(
        f"schemathesis: {cases} cases {dict(by_phase)} in {time.monotonic() - started:.0f} s "
        f"({time.process_time() - cpu_started:.0f} s of CPU in this process, server included)"
    )
    for (check, label), found in sorted(failures.items()):
        print(f"{check} on {label}: {len(found)}")
        for line in found[:3]:
            print("   ", line)
    assert errors == []
    assert cases > 1000, "the run lost operations or phases"
    assert sorted(failures) == []
