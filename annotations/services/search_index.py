"""Writing a document's search words (annotations.models.search), which annotations.search reads.

An insert does not write them (migration 0019): computing them over the text was most of the
database's time in a reviewer's document create. Each way in fills them itself:

- one document (document_import): after the answer is sent, inside a request
  (factcheck.after_response), so the article is found by search moments after it is added;
  at once outside one (a command, a worker, a test);
- a bulk import's batch and a backup restore: in their transaction, one statement a batch;
- the document's suggestion run: whatever is still missing (the process died before its
  after-answer work; its run, never handed over, is handed over by the sweep).

A correction of the title, outlet or author rewrites them in the same commit (the trigger).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from annotations.services.common import redoable_write

_FILL = """
INSERT INTO annotations_documentsearch (document_id, vector)
SELECT d.id, document_search_vector(d.title, d.outlet, d.author, d.text)
FROM annotations_document d
WHERE d.id = ANY(%s::bigint[])
  AND NOT EXISTS (SELECT 1 FROM annotations_documentsearch s WHERE s.document_id = d.id)
ON CONFLICT (document_id) DO NOTHING
"""


def document_search_fill(*, document_ids: Sequence[int]) -> int:
    """Write the search words of those documents that have none yet (gone ones are skipped):
    how many were written. Safe to call twice; a correction's trigger keeps the words it wrote
    meanwhile. Nothing on SQLite, whose search reads the texts themselves."""
    if not document_ids or connection.vendor != "postgresql":
        return 0
    # Words a crash forgets are written again by the document's suggestion run.
    with redoable_write(), connection.cursor() as cursor:
        cursor.execute(_FILL, [list(document_ids)])
        return cursor.rowcount
