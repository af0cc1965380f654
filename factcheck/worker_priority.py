"""A Celery worker's CPU priority, set by the app itself whatever command line starts it.

The worker's main process raises its niceness once it knows its queues (Celery's `worker_init`,
before the pool forks: the pool's processes inherit it, and a solo pool runs tasks in the main
process). A worker that consumes the bulk queue, alone or beside the default one (as a plain
`celery -A factcheck worker` does), takes BULK_WORKER_NICENESS; one that consumes only the
default queue takes WORKER_NICENESS. Either is a level, not a step: a worker started under
`nice` at that level or above keeps its own (an unprivileged process can only raise its
niceness, never lower it), so the app and a `nice` on the command line never stack.

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


def raise_niceness(level: int) -> int:
    """Raise this process's niceness to `level` if it is lower; returns the niceness now."""
    current = os.nice(0)
    if level <= current:
        return current
    return os.nice(level - current)


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
    log.info("Worker on %s runs at niceness %s", ", ".join(sorted(queues)), now)
