"""Builders for the intake test corpus: every file is generated in memory by the tests."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

LIST_HEADER = [
    *("person_id", "family_name", "given_name", "name_native", "date_of_birth", "sex"),
    *("passport_no", "category", "since", "fit_to_travel", "wants_to_return", "note"),
]
CATEGORIES = ("illness", "work_injury", "stranded_trip", "stalled_business", "contract_ended")


def entry(**values: str) -> list[str]:
    """A list row with sensible defaults, overridden by keyword."""
    row = {
        "person_id": "P0001",
        "family_name": "Kim",
        "given_name": "Chol Su",
        "name_native": "김철수",
        "date_of_birth": "1985-01-02",
        "sex": "M",
        "passport_no": "745512345",
        "category": "illness",
        "since": "2021-07-01",
        "fit_to_travel": "yes",
        "wants_to_return": "yes",
        "note": "",
    }
    row.update(values)
    return [row[name] for name in LIST_HEADER]


def csv_text(rows: Iterable[Sequence[str]], header: Sequence[str] = LIST_HEADER) -> str:
    """RFC 4180 CSV text (CRLF line ends, minimal quoting)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def list_csv(rows: Iterable[Sequence[str]], encoding: str = "utf-8") -> bytes:
    """A list as CSV bytes in the given encoding."""
    return csv_text(rows).encode(encoding)


def xlsx_book(
    sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]],
    *,
    date_1904: bool = False,
    active: int = 0,
    date_cells: bool = True,
) -> bytes:
    """A workbook made by xlsxwriter; date and datetime objects become date-formatted cells.

    A value ("=FORMULA", cached) is written as a formula with that cached result.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "date_1904": date_1904})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    moment_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for index, (name, rows) in enumerate(sheets):
        sheet = book.add_worksheet(name)
        if index == active:
            sheet.activate()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                formats = (date_format, moment_format) if date_cells else (None, None)
                _write(sheet, r, c, value, *formats)
    book.close()
    return buffer.getvalue()


def _write(
    sheet: Any, r: int, c: int, value: Any, date_format: Any, moment_format: Any = None
) -> None:
    import datetime as dt

    if isinstance(value, tuple):
        formula, cached = value
        sheet.write_formula(r, c, formula, None, cached)
    elif isinstance(value, dt.datetime):  # a date-time cell, shown with its time
        sheet.write_datetime(r, c, value, moment_format)
    elif isinstance(value, dt.date):
        sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_format)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value)
    elif value is None or value == "":
        return
    else:
        sheet.write_string(r, c, value)


_OOXML = "http://schemas.openxmlformats.org"
_MAIN = f"{_OOXML}/spreadsheetml/2006/main"
_REL = f"{_OOXML}/officeDocument/2006/relationships"
_PACKAGE_RELS = f"{_OOXML}/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def raw_xlsx(
    sheet_rows: str,
    *,
    shared: Sequence[str] = (),
    date_1904: bool = False,
    styles: str | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal hand-written workbook: `sheet_rows` is the XML inside <sheetData>."""
    workbook = (
        f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<workbookPr date1904="{int(date_1904)}"/>'
        '<sheets><sheet name="list" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    rels = (
        f'<?xml version="1.0"?><Relationships xmlns="{_PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    strings = "".join(f"<si><t>{text}</t></si>" for text in shared)
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES.encode(),
        "_rels/.rels": _ROOT_RELS.encode(),
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": rels.encode(),
        "xl/sharedStrings.xml": f'<sst xmlns="{_MAIN}">{strings}</sst>'.encode(),
        "xl/styles.xml": (styles or f'<styleSheet xmlns="{_MAIN}"/>').encode(),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_MAIN}"><sheetData>{sheet_rows}</sheetData></worksheet>'
        ).encode(),
    }
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def inline_row(number: int, values: Sequence[str]) -> str:
    """A <row> of inline-string cells."""
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(values)
        if value != ""
    )
    return f'<row r="{number}">{cells}</row>'
