"""Fetch the next batch of rows while the caller works on this one.

A streamed export spends its time in two places that need not wait for each other: PostgreSQL
producing the next rows (and the driver receiving them, with Python's lock released), and the
format turning the current ones into bytes. Fetching in a thread of its own lets the two overlap.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

_DONE = object()


class ReadAhead:
    """Iterate over `fetch(size)` results until one is empty, each fetched while the previous
    one is being used (at most `depth` waiting). `fetch` runs in a thread of its own, so it
    must be safe to call there: a psycopg cursor created and executed by the caller is.

    `stop()` must be called before whatever `fetch` reads from is closed: it waits for the
    thread to finish its fetch and end. An error in `fetch` is raised to the caller."""

    def __init__(self, fetch: Callable[[int], list[Any]], size: int, depth: int = 1) -> None:
        self._fetch, self._size = fetch, size
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="export-read-ahead", daemon=True)
        self._started = False

    def _put(self, item: Any) -> bool:
        while not self._stopping.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                rows = self._fetch(self._size)
                if not rows:
                    break
                if not self._put(rows):
                    return
        except BaseException as exc:  # raised again in the caller's thread
            self._put(exc)
            return
        self._put(_DONE)

    def __iter__(self) -> Iterator[list[Any]]:
        if not self._started:
            self._started = True
            self._thread.start()
        while True:
            item = self._queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        self._stopping.set()
        if self._started:
            self._thread.join()
