"""The path a newcomer takes: `make run`'s own script sets up and serves the demo site on SQLite
in a temporary directory (a .env copied from the example beside it), then a reviewer logs in, opens an article, tags a span through the API,
a moderator approves it, and the reviewer's JSONL export has it."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Migrating, seeding and starting take ~20 s on a quiet machine and passed 60 s at a load of 13;
# the wait ends as soon as the site answers, so only a real failure waits this long.
START_TIMEOUT = 180


def _settings_variables() -> set[str]:
    """Every variable the settings read, as .env.example lists them: a newcomer has none set."""
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    """A browser-like client: session cookies for the pages, a token for the API."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def page(self, path: str, form: dict | None = None) -> tuple[str, str]:
        """GET the page, or POST the form; answers the final URL (after redirects) and body."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)
        if form is not None:
            request.add_header("Referer", self.base + path)
        with self.opener.open(request, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def api(self, method: str, path: str, body: dict | None = None, token: str = ""):
        request = urllib.request.Request(
            f"{self.base}/api/v1/{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
        )
        if token:
            request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            pytest.fail(f"{method} {path}: {error.code} {error.read().decode()[:500]}")
        if response.headers.get_content_type() == "application/json":
            return json.loads(raw)
        return raw.decode()

    def token(self, username: str, password: str) -> str:
        return self.api("POST", "auth/token/", {"username": username, "password": password})[
            "token"
        ]


@contextlib.contextmanager
def _serving(root: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`root`'s scripts/run_local.sh (what `make run` runs) with nothing configured, on a free
    PORT, its database and model files in tmp_path; yields the site's base URL and the log, and
    stops the server afterwards."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in _settings_variables()}
    env |= {
        "PY": sys.executable,
        "PORT": str(port),
        "SQLITE_PATH": str(tmp_path / "factcheck.sqlite3"),
        "SUGGESTER_MODEL_DIR": str(tmp_path / "models"),
        "IMPORT_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    log_path = tmp_path / "run_local.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            ["bash", str(root / "scripts" / "run_local.sh")],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # runserver's reloader forks: stop the whole group
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"run_local.sh exited ({server.returncode}):\n{log_path.read_text()}")
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Nothing served after {START_TIMEOUT} s:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield base, log_path
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture
def served_site(tmp_path):
    """The repository as a newcomer has it (everything but what make and the tests leave
    behind), with .env copied from .env.example as the README invites, served by `make run`'s
    script. One site for every check here: starting one takes ~20 s."""
    checkout = tmp_path / "checkout"
    left_behind = shutil.ignore_patterns(
        ".git", ".venv", "var", "staticfiles", "node_modules", "__pycache__", ".env", "tests"
    )
    shutil.copytree(ROOT, checkout, ignore=left_behind)
    shutil.copy(ROOT / ".env.example", checkout / ".env")
    assert "DATABASE_URL=postgres://" in (checkout / ".env").read_text()
    with _serving(checkout, tmp_path) as served:
        yield served


def test_on_the_site_make_run_serves_a_reviewer_logs_in_tags_a_span_and_exports_it(
    served_site, tmp_path
):
    base, log_path = served_site
    output = log_path.read_text()
    # The .env copied from the example changes nothing: no SECRET_KEY stop, no PostgreSQL.
    assert "Local mode does not read .env" in output
    assert "Seeded project 'Demo desk'" in output
    assert "username reviewer" in output
    # The seeds' in-process jobs print no task log lines.
    assert "succeeded in" not in output
    assert not [line for line in output.splitlines() if line.startswith("Task ")], output
    assert "Traceback" not in output
    # SQLite in the given place: not the .env's PostgreSQL, nor the developer's var/.
    assert (tmp_path / "factcheck.sqlite3").exists()
    site = Site(base)

    # The login page, then the demo reviewer's project list.
    _, login_page = site.page("/accounts/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
    assert csrf, login_page[:500]
    url, projects_page = site.page(
        "/accounts/login/",
        {
            "username": "reviewer",
            "password": "reviewer-demo-pass",
            "csrfmiddlewaretoken": csrf.group(1),
        },
    )
    assert urllib.parse.urlparse(url).path == "/"
    assert "Demo desk" in projects_page

    # The API with a token: the demo project, one of its articles, and its page in the workspace.
    reviewer = site.token("reviewer", "reviewer-demo-pass")
    (project,) = [
        p for p in site.api("GET", "projects/", token=reviewer) if p["name"] == "Demo desk"
    ]
    documents = site.api("GET", f"projects/{project['id']}/documents/", token=reviewer)["results"]
    document = site.api("GET", f"documents/{documents[0]['id']}/", token=reviewer)
    _, document_page = site.page(f"/documents/{document['id']}/")
    assert document["title"] in document_page

    # A span made through the API, approved by the demo moderator, is in the JSONL export.
    text = document["text"]
    end = text.index(" ", 20)
    span = site.api(
        "POST",
        f"documents/{document['id']}/spans/",
        {"label": "CLAIM", "start": 0, "end": end, "text": text[:end]},
        token=reviewer,
    )
    moderator = site.token("moderator", "moderator-demo-pass")
    reviewed = site.api(
        "POST", f"spans/{span['id']}/review/", {"status": "approved"}, token=moderator
    )
    assert reviewed["review_status"] == "approved"
    export = site.api("GET", f"projects/{project['id']}/export/?format=jsonl", token=reviewer)
    lines = [json.loads(line) for line in export.splitlines()]
    exported = {s["id"]: s for line in lines for s in line["spans"]}
    assert exported[span["id"]]["text"] == text[:end]
    assert exported[span["id"]]["label"] == "CLAIM"

    # The story job ran in-process after the seeds' import: the two reports form one story,
    # listed on the project page, its page showing both articles.
    (story,) = site.api("GET", f"projects/{project['id']}/stories/", token=reviewer)["results"]
    assert story["document_count"] == 2
    _, project_page = site.page(f"/projects/{project['id']}/")
    assert f'href="/stories/{story["id"]}/"' in project_page
    _, story_page = site.page(f"/stories/{story['id']}/")
    for listed in documents:
        assert f'href="/documents/{listed["id"]}/"' in story_page

    # The comparison ran in-process when the second report joined the story: the Rita Katz
    # quote with its differing words, and the comparison page shows both reports.
    quotes = site.api("GET", f"stories/{story['id']}/matches/?kind=quote", token=reviewer)
    differing = [[(d["a"], d["b"]) for d in m["details"]["differences"]] for m in quotes["results"]]
    assert [("jihadists", "militants"), ("Isil", "IS")] in differing
    _, compare_page = site.page(f"/stories/{story['id']}/compare/")
    assert "compare-data" in compare_page

    # A JSONL import is a job here too: with tasks in-process it ran after the upload's commit,
    # before the answer, which is its result (201), and its upload is gone.
    request = urllib.request.Request(
        f"{base}/api/v1/projects/{project['id']}/documents/import/?keep_good_lines=true",
        method="POST",
        data=b'{"text": "Turnout was 61%.", "label": [[0, 15, "CLAIM"]]}\n{"text": ""}\n',
        headers={"Content-Type": "application/x-ndjson", "Authorization": f"Token {reviewer}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201
        job = json.loads(response.read())
        assert job["status"] == "done" and job["result"]["spans_created"] == 1
        assert response.headers["Location"] == job["url"]
    job = site.api("GET", job["url"].removeprefix("/api/v1/"), token=reviewer)
    assert (job["status"], job["documents_written"], job["spans_written"]) == ("done", 1, 1)
    assert [e["line"] for e in job["errors"]] == [2]
    assert not any((tmp_path / "uploads").iterdir())
