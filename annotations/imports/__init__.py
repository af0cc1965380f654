"""Bulk import of labeled documents from JSON Lines, one document a line: a pipeline beside
annotations/export/, read -> check -> write.

- files (files.py): a file as lines: JSON Lines as they come; a Label Studio export (one JSON
  array) a task a line; a W3C AnnotationCollection, page or annotation list a document a line,
  each document found among the project's by the annotations' target.
- read (lines.py): the line's JSON, text, document fields and offset unit; its spans through
  the reader of its format, one module a format: doccano.py (`label`/`labels`/`entities`, and
  doccano's edits over our leftover `spans`), jsonl.py (this app's export: `spans` and `meta`),
  w3c.py (W3C annotations under `annotations`), labelstudio.py (a Label Studio task or JSON_MIN
  record, made a line of this app's layout). A new format is a reader.
- check (check.py): the rules span_create applies (annotations.domain.span), after carrying the
  offsets from the line's unit to code points and through the text's normalisation, and no
  label and range twice on one line.
- write: orm_writer.py (the embedded SQLite) and copy_writer.py (PostgreSQL's COPY), each
  writing a span's own values and its history as annotations.domain.span defines them.

Reading and checking are pure (no Django); the service annotations.services.imports runs the
pipeline line by line or in batches, and decides what is kept.
"""

from __future__ import annotations

from annotations.domain.offsets import CODEPOINT
from annotations.imports.check import CheckedLine, check_line
from annotations.imports.given import GivenSpan, LineRefused
from annotations.imports.lines import MAX_LINE_BYTES, GivenLine, iter_lines, read_line


def parse_line(raw: bytes | str, *, offset_unit: str = CODEPOINT) -> CheckedLine:
    """One line read and checked, ready to be written; LineRefused says why it is not.
    `offset_unit`: what the file's offsets count, unless a line says otherwise."""
    return check_line(read_line(raw, offset_unit=offset_unit))


__all__ = [
    "MAX_LINE_BYTES",
    "CheckedLine",
    "GivenLine",
    "GivenSpan",
    "LineRefused",
    "check_line",
    "iter_lines",
    "parse_line",
    "read_line",
]
