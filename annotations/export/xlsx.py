"""XLSX, one span a row, the CSV export's columns and rows (annotations.export.csvfile).

Every text is written as a text cell and every number as a number: a spreadsheet never reads a
text as a formula, a number, a date or a boolean (`true` stays the rating `true`), so no cell
needs neutralising and each holds exactly what is stored. One limit is Excel's own: a cell holds
at most 32,767 characters, and a longer text (a span's text, a note) is cut there.

Written with XlsxWriter in its constant-memory mode (each row goes to a temporary file as it
is written); an XLSX file is a zip whose directory comes last, so the bytes are sent once the
workbook is closed, read back from a temporary file in chunks.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

import xlsxwriter

from annotations.export import csvfile
from annotations.export.rows import ExportContext, Group, offset_unit_text

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSION = "xlsx"
READ_BYTES = 64 * 1024


def render(groups: Iterable[Group], context: ExportContext) -> Iterator[bytes]:
    with tempfile.TemporaryFile() as output:
        workbook = xlsxwriter.Workbook(
            output,
            {
                "constant_memory": True,
                # Written as typed below; these keep XlsxWriter from reading strings itself.
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        workbook.set_properties(
            {
                "title": f"{context.project_name}: spans",
                "comments": offset_unit_text(context.offset_unit),
            }
        )
        sheet = workbook.add_worksheet("spans")
        sheet.write_row(0, 0, csvfile.COLUMNS)
        row = 1
        for group in groups:
            for cells in csvfile.rows(group, context):
                _write(sheet, row, cells)
                row += 1
        workbook.close()
        output.seek(0)
        while block := output.read(READ_BYTES):
            yield block


def _write(sheet: Any, row: int, cells: list[Any]) -> None:
    for column, value in enumerate(cells):
        if value is None or value == "":
            continue
        if type(value) is int:
            sheet.write_number(row, column, value)
        else:
            sheet.write_string(row, column, str(value))
