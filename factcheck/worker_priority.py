"""A Celery worker's CPU priority, set by the app itself whatever command line starts it.

The worker's main process raises its niceness once it knows its queues (Celery's `worker_init`,
before the pool forks: the pool's processes inherit it, and a solo pool runs tasks in the main
process). A worker that consumes the bulk queue, alone or beside the default one (as a plain
`celery -A factcheck worker` does), takes BULK_WORKER_NICENESS; one that consumes only the
default queue takes WORKER_NICENESS. Either is a level, not a step: a worker started under
`nice` at that level or above keeps its own (an unprivileged process can only raise its
niceness, never lower it), so the app and a `nice` on the command line never stack.

A worker that takes the bulk queue also moves to Linux's SCHED_IDLE scheduling policy when
BULK_WORKER_SCHED_IDLE is on (the default). Niceness 19 only shrinks a process's share of the
CPU: a web process or its PostgreSQL backend that wakes while a nice-19 job runs on the core can
still wait for the job's slice to end (a few milliseconds, several times a request). A SCHED_IDLE
process gives way the moment any other wakes, and otherwise runs as a nice-19 one does
(benchmarks/doc_create_http.py: with the worker running the new documents' suggestions, a
document create over HTTP took about what it takes with no worker at all). Like the niceness it
is one way: an unprivileged process cannot leave SCHED_IDLE.

Such a worker also runs at most BULK_WORKER_MAX_PROCESSES jobs at once, whatever its
--concurrency asks: by default one fewer than the machine's cores, so one core is always the web
processes' and their database backends'. SCHED_IDLE gives a web process the CPU when it wakes,
but two jobs on two cores still slowed every click: their own database backends run at normal
priority, and the jobs share the cores' caches (on the shared bench, a span create took 13.5 ms
at p50 with two jobs running, 8.9 with one, 8.0 with no worker). A worker on a machine of its
own sets it to 0.

Only the command-line worker (`celery worker`) does this: a worker a test starts inside its
own process would otherwise lower the priority of the whole test run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

log = logging.getLogger(__name__)


def niceness_for(queues: Iterable[str], *, bulk_queue: str, bulk: int, default: int) -> int:
    """The niceness a worker consuming `queues` runs at: the bulk queue's if it takes that
    queue at all (its processes then run a bulk import's jobs), else the default one's."""
    return bulk if bulk_queue in set(queues) else default


def processes_for(queues: Iterable[str], requested: int, *, bulk_queue: str, cap: int) -> int:
    """How many pool processes a worker consuming `queues` runs when `requested` were asked
    for: at most `cap` if it takes the bulk queue (0: no cap)."""
    if cap and bulk_queue in set(queues):
        return min(requested, cap)
    return requested


def raise_niceness(level: int) -> int:
    """Raise this process's niceness to `level` if it is lower; returns the niceness now."""
    current = os.nice(0)
    if level <= current:
        return current
    return os.nice(level - current)


def enter_idle_policy() -> bool:
    """Move this process to SCHED_IDLE (its children inherit it); False where there is none."""
    if not hasattr(os, "SCHED_IDLE"):
        return False
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except OSError as exc:  # a kernel or sandbox that refuses it: the niceness still holds
        log.warning("The worker could not move to SCHED_IDLE: %s", exc)
        return False
    return True


def on_worker_init(sender=None, **_) -> None:
    """Celery's `worker_init` receiver (connected in factcheck.celery)."""
    from celery.apps.worker import Worker
    from django.conf import settings

    if not isinstance(sender, Worker):
        return
    queues = list(sender.app.amqp.queues.consume_from)
    level = niceness_for(
        queues,
        bulk_queue=settings.BULK_TASK_QUEUE,
        bulk=settings.BULK_WORKER_NICENESS,
        default=settings.WORKER_NICENESS,
    )
    now = raise_niceness(level)
    idle = settings.BULK_TASK_QUEUE in queues and settings.BULK_WORKER_SCHED_IDLE
    idle = idle and enter_idle_policy()
    log.info(
        "Worker on %s runs at niceness %s%s",
        ", ".join(sorted(queues)),
        now,
        " under SCHED_IDLE" if idle else "",
    )
    # An int by now, unless "auto" (Celery sizes that pool after this signal: left as it is).
    # WorkController sets it in setup_instance; its stubs do not declare it.
    asked = getattr(sender, "concurrency", None)
    if isinstance(asked, int):
        processes = processes_for(
            queues,
            asked,
            bulk_queue=settings.BULK_TASK_QUEUE,
            cap=settings.BULK_WORKER_MAX_PROCESSES,
        )
        if processes < asked:
            log.warning(
                "Worker on %s starts %s of the %s processes asked for: "
                "BULK_WORKER_MAX_PROCESSES=%s leaves the other cores to the web processes",
                ", ".join(sorted(queues)),
                processes,
                asked,
                settings.BULK_WORKER_MAX_PROCESSES,
            )
            sender.concurrency = processes  # type: ignore[attr-defined]
