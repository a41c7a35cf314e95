"""Formula-injection-safe cells for every CSV and XLSX file Muster writes.

A spreadsheet program opening a CSV file treats text beginning with =, +, -, @, tab or
carriage return as a formula: in CSV such text gets a leading apostrophe, which intake
removes again when the file comes back. An XLSX cell says its own type, so text is written
as a string cell (xlsxwriter's write_string), never as a formula, and keeps its text
exactly: '+82 10 1234 5678' is shown as written, without an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

Cell = str | int | float | bool | date | datetime | None
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def safe_cell(value: Cell) -> Cell:
    """Neutralise a CSV string a spreadsheet would run as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(safe_cell(value))


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """CSV (RFC 4180, CRLF) in UTF-8 with BOM so Excel shows Hangul; every cell made safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_text(name) for name in header])
    writer.writerows([_text(value) for value in row] for row in rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def write_xlsx_row(
    sheet: Worksheet, row: int, values: Sequence[Cell], formats: Mapping[str, Any] | None = None
) -> None:
    """Write one row with explicit cell types: text is a string cell as written, not a formula."""
    formats = formats or {}
    for column, value in enumerate(values):
        if value is None:
            sheet.write_blank(row, column, None, formats.get("blank"))
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value)
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value)
        elif isinstance(value, date | datetime):
            sheet.write_string(row, column, value.isoformat(), formats.get("text"))
        else:
            sheet.write_string(row, column, str(value), formats.get("text"))


def write_xlsx(sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Cell]]]]) -> bytes:
    """A workbook with one sheet per (name -> header, rows), header in bold; text as strings."""
    import xlsxwriter  # on use: `muster status` needs only the CSV half of this module

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    bold = workbook.add_format({"bold": True})
    for name, (header, rows) in sheets.items():
        sheet = workbook.add_worksheet(name)
        for column, title in enumerate(header):
            sheet.write_string(0, column, str(title), bold)
        for number, values in enumerate(rows, start=1):
            write_xlsx_row(sheet, number, values)
    workbook.close()
    return buffer.getvalue()
