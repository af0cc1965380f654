"""Work a request hands on that its client need not wait for: run after the answer is sent.

A new document's jobs go to the broker after its commit; publishing them (the messages and
the run's "handed over" stamp) was 5-9 ms of the create, and of the reviewer's wait. Inside a
request, `after_response(job)` keeps the job until Django's request_finished, which the WSGI
server sends when it has written the whole answer (the response's close()). Outside a request
(a worker, a command, a test calling a service) the job runs at once.

Who runs the kept jobs. In a process served through factcheck.wsgi (gunicorn, runserver: it
calls `run_in_background()`), a thread of the process's own, in the order they came: gunicorn's
threaded worker gives a kept-alive connection back to its poller only once the request's thread
returns, so jobs run on that thread held the client's next request on that connection (a
document create over HTTP waited for the previous create's search words and publishing: +4.6
ms of 9.9 in benchmarks/doc_create_http.py). If MAX_WAITING batches already wait for that
thread (it fell behind), the request's own thread runs its jobs, as before: the requests slow
down instead of the queue growing. Elsewhere (Django's test client and its live server) the
request's thread runs them before it takes the next request.

The jobs run after Django's own receiver closed an obsolete database connection; the thread
opens its own connection and treats each batch as a request does (close_old_connections
before and after, so CONN_MAX_AGE and the health checks hold).

If the process dies in between (killed, out of memory), the job is lost, as a message is when
the broker is down: the rows it was for are already committed and the sweeps hand them over
(services.suggestion_runs_sweep: a run still queued and never handed over after 10 s;
story_proposals_sweep, claim_checks_sweep), so nothing waits for ever. Celery beat runs them
every SUGGESTION_SWEEP_SECONDS. A process that exits normally (a gunicorn worker restarted or
stopped) first runs what is waiting, for up to EXIT_WAIT_SECONDS.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections

log = logging.getLogger(__name__)
_pending = threading.local()

Jobs = list[Callable[[], Any]]
MAX_WAITING = 64
EXIT_WAIT_SECONDS = 5.0


def after_response(job: Callable[[], Any]) -> None:
    """Run `job` once the current request's answer is sent, or now outside a request."""
    jobs: list[Callable[[], Any]] | None = getattr(_pending, "jobs", None)
    if jobs is None:
        job()
    else:
        jobs.append(job)


def _request_started(**_: Any) -> None:
    _pending.jobs = []


def _run(jobs: Jobs) -> None:
    for job in jobs:
        try:
            job()
        except Exception:  # the answer is gone; the sweeps retry what did not go out
            log.exception("A job after the response failed")


def _request_finished(**_: Any) -> None:
    jobs: Jobs | None = getattr(_pending, "jobs", None)
    _pending.jobs = None
    if not jobs:
        return
    runner = _background.runner()
    if runner is None or not runner.take(jobs):
        _run(jobs)


class _Runner:
    """The process's after-answer thread: runs the batches handed to it, one at a time."""

    def __init__(self) -> None:
        self.batches: queue.Queue[Jobs | None] = queue.Queue(maxsize=MAX_WAITING)
        self.thread = threading.Thread(target=self._loop, name="after-answer", daemon=True)
        self.thread.start()

    def take(self, jobs: Jobs) -> bool:
        """Queue the batch; False when MAX_WAITING batches already wait."""
        try:
            self.batches.put_nowait(jobs)
        except queue.Full:
            return False
        return True

    def _loop(self) -> None:
        while (jobs := self.batches.get()) is not None:
            close_old_connections()
            try:
                _run(jobs)
            finally:
                close_old_connections()
                self.batches.task_done()
        self.batches.task_done()
        connections.close_all()  # this thread's own connections

    def stop(self, timeout: float) -> None:
        """Run what is waiting (for up to `timeout` seconds), then end the thread."""
        try:
            self.batches.put(None, timeout=timeout)
        except queue.Full:
            return
        self.thread.join(timeout)


class _Background:
    """Whether this process hands its jobs to a thread, and that thread (started on first use
    in each process: a server that forks its workers after loading the app, as gunicorn's
    preload does, must not fork a thread)."""

    def __init__(self) -> None:
        self.enabled = False
        self.lock = threading.Lock()
        self.current: _Runner | None = None
        self.pid = 0

    def runner(self) -> _Runner | None:
        if not self.enabled:
            return None
        with self.lock:
            if self.current is None or self.pid != os.getpid():
                self.current, self.pid = _Runner(), os.getpid()
            return self.current

    def stop(self, timeout: float = EXIT_WAIT_SECONDS) -> None:
        with self.lock:
            current, self.current = self.current, None
        if current is not None and self.pid == os.getpid():
            current.stop(timeout)


_background = _Background()
atexit.register(_background.stop)


def run_in_background(enabled: bool = True) -> None:
    """Hand each request's kept jobs to this process's after-answer thread (True), or run them
    on the request's own thread before it takes the next request (False, the default)."""
    if not enabled:
        _background.stop()
    _background.enabled = enabled


def wait_for_background(timeout: float = 10.0) -> bool:
    """Wait until the after-answer thread has run everything handed to it (the tests); True
    if it has within `timeout` seconds."""
    current, deadline = _background.current, time.monotonic() + timeout
    while current is not None and current.batches.unfinished_tasks:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def pending_jobs() -> list[Callable[[], Any]]:
    """The current request's jobs still to run (the tests drop them, as a dying process)."""
    return getattr(_pending, "jobs", None) or []


request_started.connect(_request_started, dispatch_uid="factcheck.after_response.started")
request_finished.connect(_request_finished, dispatch_uid="factcheck.after_response.finished")
