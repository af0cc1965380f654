"""What the benchmarks share: a scratch PostgreSQL database, a gunicorn on loopback, memory.

Nothing here touches the development or test databases: everything happens in --database
(fc_bench by default), which is dropped and created again at the start of a run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from accounts.keys import key_digest, password_fingerprint  # noqa: E402 (plain hashing, no Django)

PYTHON = sys.executable


def server_url(host: str) -> str:
    return f"postgres://postgres@{host}:5432"


def django_env(database_url: str, *, broker_url: str = "") -> dict[str, str]:
    """The server's environment. Without `broker_url` tasks run in-process (eager): an import
    then also runs every document's suggestions before it answers."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    if broker_url:
        env["REDIS_URL"] = broker_url
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="benchmark-only-secret-key",
        DEBUG="false",
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        CELERY_TASK_ALWAYS_EAGER="false" if broker_url else "true",
        STATIC_ROOT=str(ROOT / "var" / "test-static"),
    )
    return env


def fresh_database(*, host: str, name: str, root: Path = ROOT) -> str:
    """Drop and create the scratch database, migrate it with the checkout at `root`; returns
    its URL."""
    with psycopg.connect(f"{server_url(host)}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{server_url(host)}/{name}"
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=root,
        env=django_env(url),
        check=True,
    )
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(
    database_url: str,
    *,
    args: list[str],
    broker_url: str = "",
    root: Path = ROOT,
    env: dict[str, str] | None = None,
):
    """Serve the site (this checkout, or the one at `root`) on a loopback port, with `env` on top
    of the benchmarks' environment; yields (base_url, master process)."""
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "factcheck.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--timeout",
            "900",
            "--log-level",
            "warning",
            *args,
        ],
        cwd=root,
        env=django_env(database_url, broker_url=broker_url) | (env or {}),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def celery_worker(database_url: str, *, broker_url: str):
    """A Celery worker (one process) on the broker, for jobs such as an import's."""
    process = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "factcheck", "worker", "--pool=solo",
         "--without-mingle", "--without-gossip", "--loglevel=WARNING"],
        cwd=ROOT,
        env=django_env(database_url, broker_url=broker_url),
    )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=60)


def children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the process's name (which may hold spaces)."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used so far."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def minor_faults(pid: int) -> int:
    """The page faults the process has had so far that read nothing from disk (a copy-on-write
    page among them)."""
    return int(_stat(pid)[7])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def insert_api_token(conn: psycopg.Connection, *, user_id: int, key: str) -> None:
    """A live API token with this key for the user, written as the app stores it (hashed)."""
    sql = "SELECT password FROM auth_user WHERE id = %s"
    (password,) = conn.execute(sql, (user_id,)).fetchone()
    conn.execute(
        "INSERT INTO accounts_apitoken (user_id, name, prefix, digest, password_fingerprint,"
        " created_at, expires_at, revoked_reason)"
        " VALUES (%s, 'benchmark', %s, %s, %s, now(), now() + interval '30 days', '')",
        (user_id, key[:8], key_digest(key), password_fingerprint(password)),
    )


def insert_project(conn: psycopg.Connection, *, name: str) -> int:
    """A project as the app stores one (every column the model requires); its id."""
    return conn.execute(
        "INSERT INTO annotations_project (name, description, created_at, publisher_logo,"
        " publisher_name, publisher_url, review_url_template)"
        " VALUES (%s, '', now(), '', '', '', '') RETURNING id",
        (name,),
    ).fetchone()[0]


def insert_member(
    conn: psycopg.Connection,
    *,
    project_id: int,
    username: str,
    role: str = "reviewer",
    token: str = "",
) -> int:
    """An account (no usable password) with this role in the project and, given a key, a live
    API token; its id."""
    user_id = conn.execute(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
        " email, is_staff, is_active, date_joined) VALUES ('!', false, %s, '', '', '', "
        "false, true, now()) RETURNING id",
        (username,),
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO annotations_membership (project_id, user_id, role, created_at) "
        "VALUES (%s, %s, %s, now())",
        (project_id, user_id, role),
    )
    if token:
        insert_api_token(conn, user_id=user_id, key=token)
    return user_id
