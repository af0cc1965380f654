"""Settings come from the environment: local mode when `make run` asks for it, the real stack
when told, DEBUG off unless asked for, and a loud stop when production is missing its secret."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Only the settings module: loading the apps as well would cost each probe a second.
PROBE = (
    "from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, s.LOCAL_MODE)"
)
OUR_VARIABLES = (
    "FACTCHECK_LOCAL",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "DEBUG",
    "CELERY_TASK_ALWAYS_EAGER",
    "SQLITE_PATH",
)


def _settings_with(tmp_path, dotenv: str | None = None, **env):
    """The settings as a process started with `env` sees them. They load from a copy of the
    settings package in tmp_path, so the .env they look for beside it is `dotenv` (or none),
    never a developer's own."""
    site = tmp_path / "site"
    shutil.copytree(
        ROOT / "factcheck", site / "factcheck", ignore=shutil.ignore_patterns("__pycache__")
    )
    if dotenv is not None:
        (site / ".env").write_text(dotenv)
    clean = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES}
    clean |= {
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "PYTHONPATH": str(ROOT),  # the app itself; the settings package comes from `site`
    }
    clean |= env
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=site,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_local_mode_runs_on_sqlite_with_tasks_in_process_and_debug(tmp_path):
    result = _settings_with(tmp_path, FACTCHECK_LOCAL="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True", "True"]


def test_with_nothing_set_debug_is_off_so_start_up_stops_for_the_secret_key(tmp_path):
    result = _settings_with(tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "make run" in result.stderr


def test_a_container_with_only_a_secret_key_and_a_database_url_runs_without_debug(tmp_path):
    result = _settings_with(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/factcheck",
        SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "True", "False"]


def test_a_secret_key_alone_serves_sqlite_without_debug_and_outside_local_mode(tmp_path):
    result = _settings_with(tmp_path, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "False", "True", "False"]


def test_debug_is_on_when_asked_for_even_without_a_secret_key(tmp_path):
    result = _settings_with(tmp_path, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True", "False"]


def test_local_mode_refuses_a_database_url(tmp_path):
    result = _settings_with(
        tmp_path, FACTCHECK_LOCAL="true", DATABASE_URL="postgres://postgres@127.0.0.1:5432/x"
    )
    assert result.returncode != 0
    assert "FACTCHECK_LOCAL=true is the embedded site on SQLite" in result.stderr


PRODUCTION_LIKE_DOTENV = (
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/factcheck\n"
    "REDIS_URL=redis://127.0.0.1:6379/0\n"
    "SECRET_KEY=\n"
    "DEBUG=false\n"
)


def test_local_mode_does_not_read_dot_env(tmp_path):
    result = _settings_with(tmp_path, dotenv=PRODUCTION_LIKE_DOTENV, FACTCHECK_LOCAL="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True", "True"]


def test_outside_local_mode_dot_env_is_read_and_the_environment_wins_over_it(tmp_path):
    result = _settings_with(tmp_path, dotenv=PRODUCTION_LIKE_DOTENV, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "False", "False"]


def test_database_and_redis_urls_select_postgresql_and_a_real_broker(tmp_path):
    result = _settings_with(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/factcheck",
        REDIS_URL="redis://127.0.0.1:6379/0",
        SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "False", "False"]


def test_without_debug_a_missing_secret_key_stops_start_up_with_a_clear_message(tmp_path):
    result = _settings_with(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/factcheck")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_non_postgresql_database_url_is_refused(tmp_path):
    result = _settings_with(tmp_path, DATABASE_URL="mysql://root@127.0.0.1/x", SECRET_KEY="k")
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_a_malformed_boolean_fails_loudly_instead_of_guessing(tmp_path):
    result = _settings_with(tmp_path, DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


def test_a_worker_niceness_outside_0_to_19_stops_start_up(tmp_path):
    result = _settings_with(tmp_path, SECRET_KEY="k", BULK_WORKER_NICENESS="25")
    assert result.returncode != 0
    assert "BULK_WORKER_NICENESS='25' is not a niceness from 0 to 19" in result.stderr


def test_a_bulk_worker_process_cap_that_is_not_a_count_stops_start_up(tmp_path):
    result = _settings_with(tmp_path, SECRET_KEY="k", BULK_WORKER_MAX_PROCESSES="two")
    assert result.returncode != 0
    assert "BULK_WORKER_MAX_PROCESSES='two' is not a whole number (0 or more)" in result.stderr
