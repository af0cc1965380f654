"""A worker lowers its own CPU priority, whatever command line starts it: real `celery worker`
processes, their niceness read from /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from factcheck.celery import app as celery_app
from factcheck.worker_priority import niceness_for, processes_for

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[16])


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _worker(
    *prefix: str, queues: tuple[str, ...] = (), name: str, concurrency: int = 1, **env: str
) -> subprocess.Popen:
    command = [*prefix, sys.executable, "-m", "celery", "-A", "factcheck", "worker",
               "--loglevel=WARNING", f"--concurrency={concurrency}", "--without-mingle",
               "--without-gossip", "--without-heartbeat", "-n", f"{name}@%h"]  # fmt: skip
    if queues:
        command += ["-Q", ",".join(queues)]
    env = {**os.environ, "WORKER_NICENESS": "5", "BULK_WORKER_NICENESS": "19",
           "BULK_WORKER_SCHED_IDLE": "true", "BULK_WORKER_MAX_PROCESSES": "1", **env}  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def _pool(process: subprocess.Popen, name: str, timeout: float = 40.0) -> int:
    """How many pool processes the worker started: counted once it answers a ping, which it
    does only after its pool has started every process it will."""
    deadline = time.monotonic() + timeout
    destination = [f"{name}@{socket.gethostname()}"]
    while time.monotonic() < deadline:
        assert process.poll() is None, "the worker stopped"
        if celery_app.control.ping(destination=destination, timeout=0.5):
            return len(_children(process.pid))
    raise AssertionError(f"the worker {name} did not answer within {timeout:.0f} s")


@contextmanager
def _killed_after(*processes: subprocess.Popen) -> Iterator[None]:
    """Kill the workers when the block ends. Killed, not stopped: a warm shutdown takes
    seconds, and the pool's processes die with their parent (Celery asks the kernel for that)."""
    try:
        yield
    finally:
        for process in processes:
            process.kill()
            process.wait(timeout=30)


def _policies(process: subprocess.Popen) -> set[int]:
    """The scheduling policies of the worker and its pool's processes."""
    return {os.sched_getscheduler(pid) for pid in (process.pid, *_children(process.pid))}


def _settled(process: subprocess.Popen, expected: int, timeout: float = 40.0) -> list[int]:
    """The niceness of the worker and of its pool's process, once the pool has started."""
    deadline = time.monotonic() + timeout
    seen: list[int] = []
    while time.monotonic() < deadline:
        assert process.poll() is None, "the worker stopped"
        children = _children(process.pid)
        seen = [_niceness(process.pid), *(_niceness(pid) for pid in children)]
        if children and all(n == expected for n in seen):
            break
        time.sleep(0.1)
    return seen


def test_a_plain_worker_command_runs_the_bulk_jobs_at_the_lowest_priority_and_nice_never_stacks():
    assert os.nice(0) < 2, "the test run itself must not be niced for this test"
    celery_app.control.purge()  # messages earlier tests left are not for these workers
    # As the shared benchmark starts it: no -Q (both queues), no `nice`.
    plain = _worker(name="plain-priority")
    # The default queue alone, started under `nice -n 2`: the app's level 5, not 2 + 5.
    default_only = _worker("nice", "-n", "2", queues=("celery",), name="default-priority")
    with _killed_after(plain, default_only):
        assert _settled(plain, 19) == [19, 19]
        assert _settled(default_only, 5) == [5, 5]
        # The bulk jobs give way the moment a web process wakes; the default queue's do not.
        assert _policies(plain) == {os.SCHED_IDLE}
        assert _policies(default_only) == {os.SCHED_OTHER}


def test_only_a_worker_that_takes_the_bulk_queue_gets_the_bulk_niceness():
    bulk = settings.BULK_TASK_QUEUE
    assert niceness_for(["celery", bulk], bulk_queue=bulk, bulk=19, default=5) == 19
    assert niceness_for([bulk], bulk_queue=bulk, bulk=19, default=5) == 19
    assert niceness_for(["celery"], bulk_queue=bulk, bulk=19, default=5) == 5


def test_a_worker_that_takes_the_bulk_queue_leaves_cores_to_the_site_whatever_it_asks_for():
    celery_app.control.purge()
    # As the shared benchmark starts it (both queues, --concurrency=2), on a machine whose cap
    # is one job; and a worker of the default queue alone, which keeps what it asks for.
    plain = _worker(name="plain-cap", concurrency=2, BULK_WORKER_MAX_PROCESSES="1")
    default_only = _worker(queues=("celery",), name="default-cap", concurrency=2,
                           BULK_WORKER_MAX_PROCESSES="1")  # fmt: skip
    with _killed_after(plain, default_only):
        assert _pool(default_only, "default-cap") == 2
        assert _pool(plain, "plain-cap") == 1


def test_the_bulk_process_cap_applies_to_bulk_workers_only_and_zero_lifts_it():
    bulk = settings.BULK_TASK_QUEUE
    assert processes_for(["celery", bulk], 4, bulk_queue=bulk, cap=1) == 1
    assert processes_for([bulk], 4, bulk_queue=bulk, cap=3) == 3
    assert processes_for([bulk], 2, bulk_queue=bulk, cap=3) == 2
    assert processes_for(["celery"], 4, bulk_queue=bulk, cap=1) == 4
    assert processes_for(["celery", bulk], 4, bulk_queue=bulk, cap=0) == 4
