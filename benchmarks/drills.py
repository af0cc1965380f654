"""Drills: what a hostile or unlucky day does to a running site, and whether anything is lost.

    # Start everything here (a scratch PostgreSQL database, our own Redis on a free port,
    # gunicorn with 2 workers, a Celery worker with the beat sweep) and run every drill:
    .venv/bin/python benchmarks/drills.py --start

    # Against a server already running (bad input and login guessing; with --database-url,
    # the killed database connections and the database checks too):
    .venv/bin/python benchmarks/drills.py --url http://127.0.0.1:8000 \
        --username drill --password '...' [--database-url postgres://...]

The drills, and what passing means:
- bad input: deeply nested JSON, NUL characters, huge bodies, non-numeric ids. Each must answer
  400 JSON naming the field (413 JSON for a body over the limit, 404 JSON for an id in the
  path), never a 500, and the server must still answer afterwards.
- login guessing: the 11th failed login within a minute gets 429 with Retry-After, on the API
  token endpoint, the site login and the admin login, per account and per address; the right
  password is refused too until then.
- faults (--start only, except the database one): the Redis broker stopped and started
  (imports still succeed, their suggestion runs wait and then run), the Celery worker killed
  mid-run (every run finishes, nothing is suggested twice), database connections killed with
  pg_terminate_backend (every write the API acknowledged is in the database, and the site
  recovers).
- nothing lost: every document and span the API acknowledged is in the database, every
  suggestion run is done, and no suggestion is duplicated.

It prints a table of checks tried, passed and failed per drill, then each failed check with what
was expected and what came back. The login drills lock the accounts and addresses they use for
a minute; against a server that does not trust X-Forwarded-For (LOGIN_TRUSTED_PROXIES) they wait
out each lock before the next drill.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import psycopg
from _common import PYTHON, ROOT, django_env, free_port, fresh_database

SENTENCE = (
    "Police said at least 253 people were killed in the attacks on Sunday. "
    "“This was pure propaganda,” said Rita Katz, a director of the group. "
    "Officials claimed the province had fallen, which critics called a shameful lie. "
)


SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "pi", "nu", "ze", "gar", "bo", "ti")


def article(seed: int, sentences: int = 40) -> str:
    """An article of its own words: unlike any other drill article, so no story joins them and
    no comparison job competes with the suggestion runs the drills watch."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))

    lines = []
    for i in range(sentences):
        words = " ".join(word() for _ in range(12))
        if i % 3 == 0:
            lines.append(f"“{words.capitalize()},” said {word().capitalize()}.")
        else:
            lines.append(f"Officials said {rng.randint(2, 900)} {words}.")
    return " ".join(lines)


# --- talking to the server ---------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no answer (connection dropped)
    headers: dict[str, str]
    body: bytes
    error: str = ""

    @property
    def is_json(self) -> bool:
        return self.headers.get("content-type", "").startswith("application/json")

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def brief(self) -> str:
        if self.status == 0:
            return f"no answer ({self.error})"
        kind = "JSON" if self.is_json else self.headers.get("content-type", "?").split(";")[0]
        text = self.body[:160].decode("utf-8", "replace").replace("\n", " ")
        return f"{self.status} {kind} {text}"


class Server:
    def __init__(self, base: str, *, forwarded: bool) -> None:
        self.base = base.rstrip("/")
        parts = urlsplit(self.base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.forwarded = forwarded  # the server trusts one proxy: we can speak for many clients
        self.token = ""

    def call(
        self,
        method: str,
        path: str,
        body: bytes | str | dict | list | None = None,
        *,
        headers: dict[str, str] | None = None,
        token: str | None = None,
        address: str = "",
        timeout: float = 60,
    ) -> Answer:
        sent = dict(headers or {})
        if isinstance(body, dict | list):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        if body is not None:
            sent.setdefault("Content-Type", "application/json")
        token = self.token if token is None else token
        if token:
            sent["Authorization"] = f"Token {token}"
        if address and self.forwarded:
            sent["X-Forwarded-For"] = address
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        error = ""
        try:
            conn.request(method, path, body=body, headers=sent)
        except (ConnectionRefusedError, TimeoutError, socket.gaierror) as exc:
            conn.close()
            return Answer(0, {}, b"", repr(exc))
        except OSError as exc:  # the server may answer and close while we are still sending
            error = repr(exc)
        try:
            response = conn.getresponse()
            data = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        except (OSError, AttributeError, http.client.HTTPException) as exc:
            return Answer(0, {}, b"", error or repr(exc))
        finally:
            conn.close()

    def form(self, path: str, fields: dict[str, str], *, address: str = "") -> Answer:
        """A browser's login: GET the form for the CSRF cookie and token, POST it back."""
        page = self.call("GET", path, token="", address=address)
        cookie = ""
        for name, value in page.headers.items():
            if name == "set-cookie" and "csrftoken=" in value:
                cookie = value.split(";")[0]
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        fields = fields | {"csrfmiddlewaretoken": match.group(1).decode() if match else ""}
        return self.call(
            "POST",
            path,
            urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"{self.base}{path}",
            },
            token="",
            address=address,
        )


# --- the report ----------------------------------------------------------------------------------


@dataclass
class Report:
    rows: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)

    def check(self, drill: str, name: str, ok: bool, got: str = "") -> bool:
        self.rows[drill]["tried"] += 1
        self.rows[drill]["passed" if ok else "failed"] += 1
        mark = "pass" if ok else "FAIL"
        print(f"  [{mark}] {drill}: {name}" + ("" if ok else f"  <- {got}"), flush=True)
        if not ok:
            self.failures.append((drill, name, got))
        return ok

    def skip(self, drill: str, name: str, why: str) -> None:
        self.rows[drill]["skipped"] += 1
        self.skipped.append((drill, name, why))

    def print(self) -> None:
        width = max(len(d) for d in self.rows) if self.rows else 10
        print()
        print(f"{'drill':<{width}}  {'tried':>5}  {'passed':>6}  {'failed':>6}  {'skipped':>7}")
        print("-" * (width + 32))
        total: Counter = Counter()
        for drill, counts in self.rows.items():
            total.update(counts)
            print(
                f"{drill:<{width}}  {counts['tried']:>5}  {counts['passed']:>6}  "
                f"{counts['failed']:>6}  {counts['skipped']:>7}"
            )
        print("-" * (width + 32))
        print(
            f"{'total':<{width}}  {total['tried']:>5}  {total['passed']:>6}  "
            f"{total['failed']:>6}  {total['skipped']:>7}"
        )
        if self.failures:
            print("\nFailed:")
            for drill, name, got in self.failures:
                print(f"  {drill}: {name}\n      got {got}")
        if self.skipped:
            print("\nSkipped:")
            for drill, name, why in self.skipped:
                print(f"  {drill}: {name} ({why})")


# --- what the drills share --------------------------------------------------------------------


@dataclass
class Ledger:
    """What the API acknowledged: checked against the database at the end."""

    documents: dict[int, str] = field(default_factory=dict)  # id -> text
    spans: set[int] = field(default_factory=set)


def import_document(server: Server, project: int, ledger: Ledger, text: str, title: str) -> Answer:
    answer = server.call(
        "POST", f"/api/v1/projects/{project}/documents/", {"title": title, "text": text}
    )
    if answer.status == 201 and answer.is_json:
        ledger.documents[answer.json()["id"]] = text
    return answer


def names_field(answer: Answer, name: str) -> bool:
    body = answer.json()
    return isinstance(body, dict) and name in body


def still_answers(server: Server) -> Answer:
    return server.call("GET", "/api/v1/projects/")


# --- bad input ------------------------------------------------------------------------------------


def drill_bad_input(server: Server, report: Report, project: int, ledger: Ledger) -> None:
    d = "bad input"
    documents = f"/api/v1/projects/{project}/documents/"
    base = import_document(server, project, ledger, SENTENCE, "Bad-input drill article")
    report.check(d, "an ordinary article is accepted (201)", base.status == 201, base.brief())
    document = base.json()["id"] if base.status == 201 else 0

    nested = '{"title": "nested", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    for path, what in ((documents, "an import"), ("/api/v1/auth/token/", "the token endpoint")):
        answer = server.call("POST", path, nested, token=None if "projects" in path else "")
        report.check(
            d,
            f"JSON nested 100,000 deep to {what}: 400 JSON",
            answer.status == 400 and answer.is_json,
            answer.brief(),
        )

    answer = server.call("POST", documents, {"title": "a\u0000b", "text": "Some text."})
    report.check(
        d,
        "a NUL in a document's title: 400 JSON naming title",
        answer.status == 400 and names_field(answer, "title"),
        answer.brief(),
    )
    answer = server.call(
        "POST",
        f"/api/v1/documents/{document}/spans/",
        {"label": "CLAIM", "start": 0, "end": 6, "text": "Police", "note": "x\u0000y"},
    )
    report.check(
        d,
        "a NUL in a span's note: 400 JSON naming note",
        answer.status == 400 and names_field(answer, "note"),
        answer.brief(),
    )
    answer = server.call(
        "POST", "/api/v1/auth/token/", {"username": "a\u0000b", "password": "x"}, token=""
    )
    report.check(
        d,
        "a NUL in a login's username: 400 JSON naming username",
        answer.status == 400 and names_field(answer, "username"),
        answer.brief(),
    )
    answer = server.call("GET", f"/api/v1/projects/{project}/desk-claims/?q=%00")
    report.check(
        d,
        "a NUL in a search: no 500",
        answer.status in (200, 400) and answer.is_json,
        answer.brief(),
    )

    huge = b'{"title": "huge", "text": "' + b"a" * (60 * 1024 * 1024) + b'"}'
    for path, what in ((documents, "an import"), ("/api/v1/auth/token/", "the token endpoint")):
        answer = server.call("POST", path, huge, token=None if "projects" in path else "")
        report.check(
            d,
            f"a 60 MB body to {what}: 413 JSON",
            answer.status == 413 and answer.is_json,
            answer.brief(),
        )

    for path in ("/api/v1/documents/abc/", "/api/v1/spans/1e3/", f"/api/v1/documents/{'9' * 30}/"):
        answer = server.call("GET", path)
        report.check(
            d,
            f"a non-numeric or absurd id in the path ({path}): 404 JSON",
            answer.status == 404 and answer.is_json,
            answer.brief(),
        )
    answer = server.call("GET", f"/api/v1/projects/{project}/spans/?document=abc")
    report.check(
        d,
        "a non-numeric id in a filter (?document=abc): 400 JSON naming document",
        answer.status == 400 and names_field(answer, "document"),
        answer.brief(),
    )
    span = server.call(
        "POST",
        f"/api/v1/documents/{document}/spans/",
        {"label": "CLAIM", "start": 0, "end": 6, "text": "Police"},
    )
    if span.status == 201:
        ledger.spans.add(span.json()["id"])
        answer = server.call(
            "PUT", f"/api/v1/spans/{span.json()['id']}/desk-claim/", {"desk_claim": "abc"}
        )
        report.check(
            d,
            'a non-numeric id in a body ({"desk_claim": "abc"}): 400 JSON naming desk_claim',
            answer.status == 400 and names_field(answer, "desk_claim"),
            answer.brief(),
        )
    answer = still_answers(server)
    report.check(d, "the server still answers afterwards", answer.status == 200, answer.brief())


# --- login guessing -------------------------------------------------------------------------------


class Addresses:
    """A fresh client address per drill when the server trusts X-Forwarded-For; otherwise our one
    address, and a wait until its lock from the previous drill has passed."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.count = 0
        self.free_at = 0.0

    def next(self) -> str:
        self.count += 1
        if self.server.forwarded:
            return f"203.0.113.{self.count}"
        wait = self.free_at - time.time()
        if wait > 0:
            print(f"  (waiting {wait:.0f} s for this address's lock to pass)", flush=True)
            time.sleep(wait)
        return ""

    def locked_for(self, answer: Answer) -> None:
        with contextlib.suppress(ValueError):
            self.free_at = max(self.free_at, time.time() + int(answer.headers["retry-after"]) + 1)


def _guessing(
    report: Report,
    drill: str,
    what: str,
    attempt,  # (password) -> Answer
    right_password: str | None,
    addresses: Addresses,
) -> None:
    answers = [attempt(f"wrong-guess-{i}") for i in range(10)]
    refused_early = [a.status for a in answers if a.status not in (200, 400)]
    report.check(
        drill,
        f"{what}: 10 wrong passwords answered as wrong (no 429 yet, no 500)",
        not refused_early,
        f"statuses {Counter(a.status for a in answers)}",
    )
    eleventh = attempt("wrong-guess-11")
    addresses.locked_for(eleventh)
    retry = eleventh.headers.get("retry-after", "")
    report.check(
        drill,
        f"{what}: the 11th gets 429 with Retry-After",
        eleventh.status == 429 and retry.isdigit() and int(retry) > 0,
        eleventh.brief() + f" Retry-After={retry!r}",
    )
    if right_password is not None:
        right = attempt(right_password)
        addresses.locked_for(right)
        report.check(
            drill,
            f"{what}: the right password is refused (429) until then",
            right.status == 429,
            right.brief(),
        )


def drill_logins(server: Server, report: Report, accounts: dict[str, tuple[str, str]]) -> None:
    d = "login guessing"
    addresses = Addresses(server)

    username, password = accounts["api"]
    address = addresses.next()
    _guessing(
        report,
        d,
        "API token endpoint, one account",
        lambda pw: server.call(
            "POST",
            "/api/v1/auth/token/",
            {"username": username, "password": pw},
            token="",
            address=address,
        ),
        password,
        addresses,
    )
    # The 429 is JSON for an API client.
    address = addresses.next()
    answers = [
        server.call(
            "POST",
            "/api/v1/auth/token/",
            {"username": f"ghost-{uuid.uuid4().hex[:8]}", "password": "x"},
            token="",
            address=address,
        )
        for _ in range(11)
    ]
    addresses.locked_for(answers[-1])
    report.check(
        d,
        "API token endpoint, one address trying 11 accounts: the 11th gets 429 JSON",
        [a.status for a in answers[:10]] == [400] * 10
        and answers[-1].status == 429
        and answers[-1].is_json,
        f"statuses {[a.status for a in answers]}; last {answers[-1].brief()}",
    )

    username, password = accounts["site"]
    address = addresses.next()
    _guessing(
        report,
        d,
        "site login",
        lambda pw: server.form(
            "/accounts/login/", {"username": username, "password": pw}, address=address
        ),
        password,
        addresses,
    )
    username, password = accounts["admin"]
    address = addresses.next()
    _guessing(
        report,
        d,
        "admin login",
        lambda pw: server.form(
            "/admin/login/?next=/admin/", {"username": username, "password": pw}, address=address
        ),
        password,
        addresses,
    )


# --- faults -------------------------------------------------------------------------------------


def drill_database_kill(
    server: Server, report: Report, ledger: Ledger, project: int, database_url: str
) -> None:
    d = "fault: db connections killed"
    words = " ".join(f"word{i:03d}" for i in range(300))
    base = import_document(server, project, ledger, words, "Connection-kill drill")
    if not report.check(d, "the drill's article is imported", base.status == 201, base.brief()):
        return
    document = base.json()["id"]
    statuses: list[int] = []
    bad: list[str] = []
    stop = threading.Event()

    def writer() -> None:
        for i in range(300):
            if stop.is_set():
                return
            start = i * 8
            answer = server.call(
                "POST",
                f"/api/v1/documents/{document}/spans/",
                {"label": "OPINION", "start": start, "end": start + 7, "text": f"word{i:03d}"},
            )
            statuses.append(answer.status)
            if answer.status == 201:
                ledger.spans.add(answer.json()["id"])
            elif not (answer.status == 503 and answer.is_json):
                bad.append(answer.brief())

    thread = threading.Thread(target=writer)
    thread.start()
    name = psycopg.conninfo.conninfo_to_dict(database_url)["dbname"]
    killed = 0
    with psycopg.connect(database_url, autocommit=True) as conn:
        for _ in range(5):
            time.sleep(0.4)
            killed += len(
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (name,),
                ).fetchall()
            )
    thread.join(timeout=300)
    stop.set()
    report.check(d, f"connections were killed during the writes ({killed})", killed > 0, "none")
    report.check(
        d,
        "every answer during the kills was 201 or a JSON 503 (never a 500)",
        not bad,
        f"{len(bad)} of {len(statuses)}: {Counter(statuses)}; first {bad[:1]}",
    )
    answer = still_answers(server)
    report.check(d, "the site answers right after", answer.status == 200, answer.brief())


class Processes:
    """Redis, gunicorn and the Celery worker this script starts (and only those)."""

    def __init__(self, database_url: str, redis_port: int, web_port: int) -> None:
        self.database_url = database_url
        self.redis_port = redis_port
        self.web_port = web_port
        self.redis: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.logs = ROOT / "var" / "drills"
        self.logs.mkdir(parents=True, exist_ok=True)

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def env(self) -> dict[str, str]:
        env = django_env(self.database_url, broker_url=self.redis_url)
        env.update(
            LOG_LEVEL="WARNING",
            LOGIN_TRUSTED_PROXIES="1",  # the drills speak for several client addresses
            SUGGESTION_SWEEP_SECONDS="3",
            SUGGESTION_RUN_LOST_AFTER="15",
            CELERY_TASK_TIME_LIMIT="20",
            CELERY_TASK_SOFT_TIME_LIMIT="15",
            COMPARE_WITH_ENCODER="false",
            DB_CONN_MAX_AGE="60",
        )
        return env

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen:
        out = (self.logs / log).open("ab")
        return subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole, alone
        )

    def start_redis(self) -> None:
        self.redis = self._spawn(
            ["redis-server", "--port", str(self.redis_port), "--save", "", "--appendonly", "no"],
            "redis.log",
        )
        for _ in range(100):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.2).close()
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop_redis(self) -> None:
        self._stop(self.redis, signal.SIGTERM)
        self.redis = None

    def start_web(self) -> str:
        config = ["-c", "gunicorn.conf.py"] if (ROOT / "gunicorn.conf.py").exists() else []
        self.web = self._spawn(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "factcheck.wsgi",
                *config,
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "2",
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            "gunicorn.log",
        )
        base = f"http://127.0.0.1:{self.web_port}"
        server = Server(base, forwarded=False)
        for _ in range(300):
            if server.call("GET", "/accounts/login/").status == 200:
                return base
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start; see var/drills/gunicorn.log")

    def start_worker(self) -> None:
        self.worker = self._spawn(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--beat",
                "--schedule",
                str(self.logs / "beat-schedule"),
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
            ],
            "worker.log",
        )

    def kill_worker(self) -> None:
        self._stop(self.worker, signal.SIGKILL)
        self.worker = None

    @staticmethod
    def _stop(process: subprocess.Popen | None, sig: int) -> None:
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        self._stop(self.worker, signal.SIGTERM)
        self._stop(self.web, signal.SIGTERM)
        self._stop(self.redis, signal.SIGTERM)


def _runs(database_url: str, documents: list[int]) -> Counter:
    """The state of each document's newest suggestion run."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT DISTINCT ON (document_id) status FROM annotations_suggestionrun "
            "WHERE document_id = ANY(%s) ORDER BY document_id, id DESC",
            (documents,),
        ).fetchall()
    return Counter(status for (status,) in rows)


def _wait_for_runs(database_url: str, documents: list[int], seconds: float) -> Counter:
    until = time.time() + seconds
    while True:
        states = _runs(database_url, documents)
        if states.get("done", 0) == len(documents) or time.time() > until:
            return states
        time.sleep(1)


def drill_redis_stopped(
    server: Server,
    report: Report,
    ledger: Ledger,
    project: int,
    procs: Processes,
    accounts: dict[str, tuple[str, str]],
) -> None:
    d = "fault: redis stopped"
    procs.stop_redis()
    documents = []
    for i in range(3):
        answer = import_document(server, project, ledger, article(100 + i), f"Broker-down {i}")
        report.check(
            d,
            f"an import while Redis is down succeeds ({i + 1} of 3)",
            answer.status == 201,
            answer.brief(),
        )
        if answer.status == 201:
            documents.append(answer.json()["id"])
    states = _runs(procs.database_url, documents)
    report.check(
        d,
        "their suggestion runs wait, queued",
        states.get("queued", 0) == len(documents),
        f"{dict(states)}",
    )
    username, password = accounts["spare"]
    answer = server.call(
        "POST", "/api/v1/auth/token/", {"username": username, "password": password}, token=""
    )
    report.check(
        d, "a login still works (counted in the process)", answer.status == 200, answer.brief()
    )
    answer = server.call(
        "POST", "/api/v1/auth/token/", {"username": username, "password": "wrong"}, token=""
    )
    report.check(
        d, "a wrong password is still a 400, not a 500", answer.status == 400, answer.brief()
    )
    procs.start_redis()
    states = _wait_for_runs(procs.database_url, documents, 120)
    report.check(
        d,
        "once Redis is back every waiting run is done (within 2 minutes)",
        states.get("done", 0) == len(documents),
        f"{dict(states)}",
    )


def drill_worker_killed(
    server: Server, report: Report, ledger: Ledger, project: int, procs: Processes
) -> None:
    d = "fault: worker killed"
    documents = []
    for i in range(12):
        answer = import_document(server, project, ledger, article(200 + i, 150), f"Kill {i}")
        if answer.status == 201:
            documents.append(answer.json()["id"])
    report.check(d, "12 articles imported", len(documents) == 12, f"{len(documents)}")
    until = time.time() + 60
    while time.time() < until and _runs(procs.database_url, documents).get("running", 0) == 0:
        time.sleep(0.05)
    running = _runs(procs.database_url, documents).get("running", 0)
    procs.kill_worker()
    report.check(d, "the worker was killed with a run under way", running > 0, f"{running} running")
    time.sleep(1)
    procs.start_worker()
    states = _wait_for_runs(procs.database_url, documents, 180)
    report.check(
        d,
        "after a new worker starts every run is done (within 3 minutes)",
        states.get("done", 0) == len(documents),
        f"{dict(states)}",
    )


def verify_nothing_lost(report: Report, ledger: Ledger, database_url: str) -> None:
    d = "nothing lost (database)"
    with psycopg.connect(database_url) as conn:
        rows = dict(
            conn.execute(
                "SELECT id, text FROM annotations_document WHERE id = ANY(%s)",
                (list(ledger.documents),),
            ).fetchall()
        )
        spans = {
            i
            for (i,) in conn.execute(
                "SELECT id FROM annotations_span WHERE id = ANY(%s)", (list(ledger.spans),)
            ).fetchall()
        }
        duplicates = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM annotations_suggestion "
            'GROUP BY document_id, suggester, suggester_version, label, start, "end" '
            "HAVING count(*) > 1) d"
        ).fetchone()[0]
        runs = _runs(database_url, list(ledger.documents))
    missing = [i for i in ledger.documents if i not in rows]
    changed = [i for i, text in ledger.documents.items() if i in rows and rows[i] != text]
    report.check(
        d,
        f"every acknowledged document is there with its text ({len(ledger.documents)})",
        not missing and not changed,
        f"missing {missing[:5]}, changed {changed[:5]}",
    )
    report.check(
        d,
        f"every acknowledged span is there ({len(ledger.spans)})",
        spans == ledger.spans,
        f"missing {sorted(ledger.spans - spans)[:5]}",
    )
    report.check(d, "no suggestion made twice", duplicates == 0, f"{duplicates} duplicated")
    report.check(
        d,
        "every document's newest suggestion run is done",
        runs.get("done", 0) == len(ledger.documents),
        f"{dict(runs)}",
    )


# --- running -------------------------------------------------------------------------------------


def manage(env: dict[str, str], *args: str, stdin: str = "") -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        input=stdin,
        text=True,
        capture_output=True,
    )


def setup_server(server: Server, report: Report, username: str, password: str) -> int:
    answer = server.call(
        "POST", "/api/v1/auth/token/", {"username": username, "password": password}, token=""
    )
    if answer.status != 200:
        raise SystemExit(f"Cannot log in as {username}: {answer.brief()}")
    server.token = answer.json()["token"]
    projects = server.call("GET", "/api/v1/projects/").json()
    if not projects:
        raise SystemExit(f"{username} belongs to no project: the drills need one to import into.")
    return projects[0]["id"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--start", action="store_true", help="start a scratch stack and run every drill"
    )
    parser.add_argument("--url", help="a running server")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument(
        "--database-url", help="the running server's database (for the database drills)"
    )
    parser.add_argument("--db-host", default="127.0.0.1", help="with --start: the PostgreSQL host")
    parser.add_argument("--db-name", default="fc_drills", help="with --start: the scratch database")
    parser.add_argument(
        "--forwarded", action="store_true", help="the server trusts X-Forwarded-For"
    )
    parser.add_argument(
        "--skip", action="append", default=[], choices=["bad-input", "logins", "faults"]
    )
    args = parser.parse_args()
    if not args.start and not (args.url and args.username and args.password):
        parser.error("give --start, or --url with --username and --password")

    report = Report()
    ledger = Ledger()
    procs = None
    try:
        if args.start:
            database_url = fresh_database(host=args.db_host, name=args.db_name)
            procs = Processes(database_url, free_port(), free_port())
            procs.start_redis()
            env = procs.env()
            password = f"drill-{uuid.uuid4().hex}"
            accounts = {}
            for role in ("drill", "api", "site", "admin", "spare"):
                manage(
                    env,
                    "add_member",
                    f"drill-{role}",
                    "Drill desk",
                    "--role",
                    "moderator",
                    "--password",
                    password,
                    "--create-project",
                )
                accounts[role] = (f"drill-{role}", password)
            base = procs.start_web()
            procs.start_worker()
            server = Server(base, forwarded=True)
            username = "drill-drill"
        else:
            database_url = args.database_url or ""
            server = Server(args.url, forwarded=args.forwarded)
            username, password = args.username, args.password
            # The given account for the token endpoint; unknown names elsewhere, which count
            # the same and leave the real account alone after its own drill.
            accounts = {
                "api": (username, password),
                "site": (f"drill-site-{uuid.uuid4().hex[:8]}", None),
                "admin": (f"drill-admin-{uuid.uuid4().hex[:8]}", None),
            }
        project = setup_server(server, report, username, password)
        print(f"Drilling {server.base} (project {project})", flush=True)

        if "bad-input" not in args.skip:
            drill_bad_input(server, report, project, ledger)
        if "faults" not in args.skip:
            if database_url:
                drill_database_kill(server, report, ledger, project, database_url)
            else:
                report.skip(
                    "fault: db connections killed", "all", "needs --database-url or --start"
                )
            if procs is not None:
                drill_redis_stopped(server, report, ledger, project, procs, accounts)
                drill_worker_killed(server, report, ledger, project, procs)
            else:
                report.skip(
                    "fault: redis stopped", "all", "needs --start (the drill stops its own Redis)"
                )
                report.skip(
                    "fault: worker killed", "all", "needs --start (the drill kills its own worker)"
                )
        if "logins" not in args.skip:
            drill_logins(server, report, accounts)
        if database_url:
            verify_nothing_lost(report, ledger, database_url)
        else:
            report.skip("nothing lost (database)", "all", "needs --database-url or --start")
    finally:
        if procs is not None:
            procs.stop_all()
    report.print()
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
