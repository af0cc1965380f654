"""Work a request hands on that its client need not wait for: run after the answer is sent.

A new document's jobs go to the broker after its commit; publishing them (three messages and
the run's "handed over" stamp) was 5-9 ms of the create, and of the reviewer's wait. Inside a
request, `after_response(job)` keeps the job until Django's request_finished, which the WSGI
server sends when it has written the whole answer (the response's close()): the same thread
then runs it, before it takes the next request. Outside a request (a worker, a command, a
test calling a service) the job runs at once.

The jobs run after Django's own receiver closed an obsolete database connection: one they
open again stays open until the next request's start closes it (with CONN_MAX_AGE=0, a
connection is then held between two requests instead of none).

If the process dies in between (killed, out of memory), the job is lost, as a message is when
the broker is down: the rows it was for are already committed and the sweeps hand them over
(services.suggestion_runs_sweep: a run still queued and never handed over after 10 s;
story_proposals_sweep, claim_checks_sweep), so nothing waits for ever. Celery beat runs them
every SUGGESTION_SWEEP_SECONDS.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started

log = logging.getLogger(__name__)
_pending = threading.local()


def after_response(job: Callable[[], Any]) -> None:
    """Run `job` once the current request's answer is sent, or now outside a request."""
    jobs: list[Callable[[], Any]] | None = getattr(_pending, "jobs", None)
    if jobs is None:
        job()
    else:
        jobs.append(job)


def _request_started(**_: Any) -> None:
    _pending.jobs = []


def _request_finished(**_: Any) -> None:
    jobs: list[Callable[[], Any]] | None = getattr(_pending, "jobs", None)
    _pending.jobs = None
    for job in jobs or ():
        try:
            job()
        except Exception:  # the answer is gone; the sweeps retry what did not go out
            log.exception("A job after the response failed")


def pending_jobs() -> list[Callable[[], Any]]:
    """The current request's jobs still to run (the tests drop them, as a dying process)."""
    return getattr(_pending, "jobs", None) or []


request_started.connect(_request_started, dispatch_uid="factcheck.after_response.started")
request_finished.connect(_request_finished, dispatch_uid="factcheck.after_response.finished")
