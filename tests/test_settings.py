"""Settings come from the environment: local mode with nothing set, the real stack when told,
and a loud stop when production is missing its secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, s.LOCAL_MODE)"
)
OUR_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "DEBUG",
    "CELERY_TASK_ALWAYS_EAGER",
    "SQLITE_PATH",
)


def _settings_with(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k not in OUR_VARIABLES}
    clean |= {
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
    }
    clean |= env
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_with_nothing_set_the_site_runs_on_sqlite_with_tasks_in_process_and_debug(tmp_path):
    result = _settings_with(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True", "True"]


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
