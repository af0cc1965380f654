"""A query written with the ORM, compiled to SQL once per process and run again with new values.

The clicks' lookups (an API token, the document a span goes on) are a millisecond of Python in
Django's query compiler for a tenth of that in PostgreSQL. Compiling once keeps the queryset the
one definition of what is read and who may see it (its selector), and pays only the execution.

The queryset is built with sentinels in place of the values; the positions where the compiled
parameters hold a sentinel are where each call's values go. A value the ORM would change before
binding (a model instance, a string made into a pattern) cannot be a sentinel, and compiling
says so instead of running something else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Values no query holds as constants: whole numbers near the top of a 32-bit integer (within
# it: the ORM compiles a lookup on an integer column with a value beyond the column's range
# to an empty result instead of SQL), text with control characters.
_INT_SENTINEL = 2_147_483_000
_STR_SENTINEL = "\x1fprecompiled-{}\x1f"
# The SQL, its parameters as compiled, and for each the index of the value it takes (or None).
Compiled = tuple[str, tuple[Any, ...], tuple[int | None, ...]]


_made: list[Precompiled] = []  # every query made, for compile_all


def compile_all(using: str = "default") -> None:
    """Compile every query made so far (a served process at start: factcheck.warm_up)."""
    for query in _made:
        query.compile(using)


class Precompiled:
    """`build(*values)` gives a `values_list` queryset; `rows(*values)` runs its SQL and gives
    the rows as the database driver reads them, without the ORM's converters: on PostgreSQL,
    read columns that need none (numbers, text, times; not JSON).

    `kinds` are the types of the values (int or str), which decide the sentinels."""

    def __init__(self, build: Callable[..., QuerySet], *, kinds: Sequence[type]) -> None:
        self._build, self._kinds = build, tuple(kinds)
        self._compiled: dict[str, Compiled] = {}
        self._lock = threading.Lock()
        _made.append(self)

    def _sentinels(self) -> tuple[Any, ...]:
        return tuple(
            _INT_SENTINEL + i if kind is int else _STR_SENTINEL.format(i)
            for i, kind in enumerate(self._kinds)
        )

    def compile(
        self, using: str = "default"
    ) -> tuple[str, tuple[Any, ...], tuple[int | None, ...]]:
        """The SQL, its parameters as compiled, and for each the value it takes (or None)."""
        compiled = self._compiled.get(using)
        if compiled is not None:
            return compiled
        with self._lock:
            sentinels = self._sentinels()
            sql, params = self._build(*sentinels).query.get_compiler(using).as_sql()
            slots = tuple(sentinels.index(p) if p in sentinels else None for p in params)
            missing = set(range(len(sentinels))) - set(slots)
            if missing:
                raise TypeError(f"Values {sorted(missing)} were changed by the ORM; not bindable.")
            compiled = (sql, tuple(params), slots)
            self._compiled[using] = compiled
        return compiled

    def sql(self, *values: Any, using: str = "default") -> tuple[str, list[Any]]:
        """The compiled SQL and its parameters with these values bound: to run it inside a
        larger statement (PostgreSQL)."""
        sql, params, slots = self.compile(using)
        bound = [p if slot is None else values[slot] for p, slot in zip(params, slots, strict=True)]
        return sql, bound

    def rows(self, *values: Any, using: str = "default") -> list[tuple[Any, ...]]:
        if connections[using].vendor != "postgresql":
            # Elsewhere (SQLite, the local mode) the driver gives times as text, which the
            # ORM's converters read: the queryset itself, compiled each time.
            return list(self._build(*values))
        sql, bound = self.sql(*values, using=using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, bound)
            return cursor.fetchall()
