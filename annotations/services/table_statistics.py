"""Keeping PostgreSQL's planner right about the tables a long bulk write grows.

The planner picks each plan from what the statistics say of a table's size and values, and a
PL/pgSQL function keeps a plan for as long as its connection lives. An import, and a backup's
restore, write all their rows in one transaction, which autovacuum never sees until the commit.
So an import of 150,000 short articles into a young database ran every statement of its last
batch with the plans of its first: the span checks' trigger (migration 0017) scanned the whole
document table for each batch, and the runs' hand-over after the commit walked every queued run
through the status index, believing there were a few hundred. Each batch cost more than the one
before.

GrowingTables analyzes the tables those statements read, inside the writer's transaction, each
time the writer has added as many documents as the planner knew of (10,000, 20,000, 40,000, ...
by default from MIN_NEW_DOCUMENTS): a handful of ANALYZEs for any size of import, none below
MIN_NEW_DOCUMENTS; and once more before the commit if it has added MIN_NEW_DOCUMENTS since
(finish): five for 150,000 articles. ANALYZE counts the transaction's own uncommitted rows, and
it invalidates the plans kept on those tables, so the next statement is planned again. Its new
statistics are part of the transaction: a refused import leaves the old ones.

Whole tables, every column, the spans included although no statement of the import reads them.
An ANALYZE resets a table's count of changes, so autovacuum no longer analyzes it after the
commit: whatever it leaves out stays as it was before the import. Measured on the shared bench's
1,000-article import, the export after it: with only the columns the import reads analyzed, the
documents' `project_id` had no statistics, and with the spans left out they were still believed
101; either way the export's document query chose a nested loop over the 100,000 spans (2.5-2.8
s instead of milliseconds). Each ANALYZE samples at most 30,000 rows of a table: the five took
about 0.9 s after that import here (the spans 340 ms of it), and that import took 13.5-18.1 s
with an ANALYZE at its end against 11.3-11.7 s without (alternating runs): below
MIN_NEW_DOCUMENTS the ANALYZE costs more than the plans it mends, a scan of 10,000 documents
being about a millisecond.

SKIP_LOCKED: ANALYZE keeps a lock on its table until the transaction ends, and a second import
writing at the same time must not wait for the first one's commit; it skips the tables the first
holds and runs with the statistics the first will commit. Autovacuum does not vacuum or analyze
those tables while the import runs either.
"""

from __future__ import annotations

from django.db import connection, models

from annotations.models import DeskClaim, Document, DocumentSearch, Span, SuggestionRun

MIN_NEW_DOCUMENTS = 10_000
# The tables an import writes (annotations.imports.copy_writer, services.search_index,
# services.suggestions), analyzed whole: see the module's docstring. Not the history: nothing
# the import runs reads it, no read joins it to these, and autovacuum analyzes it after the
# commit as before.
ANALYZED = (Document, DocumentSearch, SuggestionRun, DeskClaim, Span)


def _analyze_statement() -> str:
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in ANALYZED)
    return f"ANALYZE (SKIP_LOCKED) {tables}"


def planned_rows(model: type[models.Model]) -> float:
    """The rows the planner believes the model's table holds (PostgreSQL; -1: never analyzed,
    when it guesses from the table's pages)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        return cursor.fetchone()[0]


class GrowingTables:
    """Told how many documents the writer added, analyzes ANALYZED whenever those added since
    the last time reach what the planner knew of then (and at least MIN_NEW_DOCUMENTS).
    Nothing on SQLite. `analyzed` counts the ANALYZEs run."""

    def __init__(self, *, at_least: int | None = None) -> None:
        self.at_least = MIN_NEW_DOCUMENTS if at_least is None else at_least
        self.enabled = connection.vendor == "postgresql"
        self.added = self.analyzed = 0
        # What the planner knew of the documents: read once the writer added at_least (an
        # import of a few lines asks nothing).
        self.known: float | None = None

    def grew(self, documents: int) -> None:
        if not self.enabled:
            return
        self.added += documents
        if self.added < self.at_least:
            return
        if self.known is None:
            self.known = max(planned_rows(Document), 0)
        if self.added >= self.known:
            self._analyze()

    def finish(self) -> None:
        """Before the commit: analyze once more if the writer added MIN_NEW_DOCUMENTS since the
        last time, however large the tables already were. The work after the commit (the runs'
        hand-over, the worker's first lookups) then finds the new rows in the statistics: in a
        database of a million runs, all done, an import's 150,000 queued ones are otherwise
        believed a handful."""
        if self.enabled and self.added >= self.at_least:
            self._analyze()

    def _analyze(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(_analyze_statement())
        self.known = (self.known or 0) + self.added
        self.added = 0
        self.analyzed += 1
