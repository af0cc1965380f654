"""The production configuration as it is shipped: `manage.py check --deploy` clean with a
production environment, and gunicorn started from gunicorn.conf.py (as the Dockerfile and
docker-compose.yml start it) answering the boundary's refusals as JSON."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from annotations.domain import bounds

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "n7Gq-2vLx9pR4tZk8wYb3mHs6cJd1fUe5aQo0iVr_TgNyXlKpWzE",
    "ALLOWED_HOSTS": "desk.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://desk.example.org",
    "SECURE_COOKIES": "true",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


# Set by the test run itself (conftest.py, for browser tests), never in a deployment.
NOT_IN_PRODUCTION = {"FACTCHECK_LOCAL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _environment(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION.keys() | NOT_IN_PRODUCTION}
    env.update(PRODUCTION)
    env.update(overrides)
    return {k: v for k, v in env.items() if v != ""}


def _check_deploy(**overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_settings():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_a_production_environment_left_out():
    # The check is real: leaving out HSTS and HTTPS is reported.
    result = _check_deploy(SECURE_HSTS_SECONDS="", SECURE_COOKIES="false")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_the_proxy_header_and_hsts_come_from_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.DATA_UPLOAD_MAX_MEMORY_SIZE)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_environment(SECURE_PROXY_SSL_HEADER="X-Forwarded-Scheme: https"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "('HTTP_X_FORWARDED_SCHEME',",
        "'https')",
        "True",
        "31536000",
        str(bounds.MAX_BODY_BYTES),
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _gunicorn(**overrides: str):
    """gunicorn from gunicorn.conf.py on a loopback port, one worker; yields its base URL and
    master process."""
    port = _free_port()
    env = _environment(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_LOG_LEVEL="warning",
        GUNICORN_ACCESS_LOG="/dev/null",
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS.
        SECURE_COOKIES="false",
        **overrides,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--no-control-socket",
            "factcheck.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _login_page(base) is None:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _login_page(base: str) -> int | None:
    """The login page's status, or None when nothing answers."""
    try:
        with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _workers(master: subprocess.Popen) -> set[int]:
    """The pids of the master's worker processes (its children, from /proc)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # it ended meanwhile
            # "pid (name) state ppid ...": the name may hold spaces, the fields after it do not.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master.pid:
                pids.add(int(entry.name))
    return pids


@pytest.fixture(scope="module")
def served():
    with _gunicorn() as (base, _):
        yield base


def _post(url: str, body: bytes) -> tuple[int, str, dict]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers["Content-Type"], json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], json.loads(exc.read())


def test_gunicorn_from_its_config_answers_a_nested_body_with_a_json_400(served):
    status, content_type, body = _post(f"{served}/api/v1/auth/token/", b"[" * 5000 + b"]" * 5000)
    assert (status, content_type) == (400, "application/json")
    assert "nested deeper than 64 levels" in body["non_field_errors"][0]


def test_gunicorn_from_its_config_answers_a_body_over_the_limit_with_a_json_413(served):
    status, content_type, body = _post(
        f"{served}/api/v1/auth/token/", b'{"username": "' + b"x" * bounds.MAX_BODY_BYTES + b'"}'
    )
    assert (status, content_type) == (413, "application/json")
    assert body["limit_bytes"] == bounds.MAX_BODY_BYTES


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the workers from /proc")
def test_a_worker_that_outgrew_its_memory_limit_is_replaced_after_its_answer():
    # A limit every worker is over: each answer is given, then its worker makes way for a
    # fresh one; the site keeps answering. Under the default limit the same worker serves on.
    with _gunicorn(GUNICORN_MAX_WORKER_MB="1") as (base, master):
        first = _workers(master)
        assert len(first) == 1
        assert _login_page(base) == 200
        deadline = time.monotonic() + 60
        while not (_workers(master) - first) and time.monotonic() < deadline:
            time.sleep(0.1)
        replaced = _workers(master) - first
        assert replaced, "the worker over its limit was not replaced"
        assert _login_page(base) == 200
    with _gunicorn() as (base, master):
        first = _workers(master)
        for _ in range(20):
            assert _login_page(base) == 200
        assert _workers(master) == first
