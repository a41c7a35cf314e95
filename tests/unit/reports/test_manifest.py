"""Travel manifests: a sheet per route and day, Excel-safe names, formula-safe cells."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import openpyxl

from muster.planning.result import Move, Plan
from muster.reports.manifest import manifest_xlsx, rows_of, sheet_name


def test_sheet_names_are_safe_short_and_unique() -> None:
    taken: set[str] = set()
    first = sheet_name("rail/north:[a]" + "x" * 40, "2021-08-03", taken)
    second = sheet_name("rail/north:[a]" + "x" * 40, "2021-08-03", taken)
    assert len(first) <= 31 and len(second) <= 31
    assert not set("[]:*?/\\") & set(first)
    assert first != second and second.endswith("(2)")


def test_one_sheet_per_route_and_day_with_a_summary() -> None:
    moves = (
        Move("P1", "home", "bridge", date(2021, 8, 3), "W1"),
        Move("R1", "out", "bridge", date(2021, 8, 3), "W1"),
        Move("=cmd|' /C calc'!A0", "home", "rail", date(2021, 8, 4), "W2"),
    )
    rows = rows_of(Plan("optimal", 10, 10, moves, ()))
    book = openpyxl.load_workbook(BytesIO(manifest_xlsx(rows)))
    assert book.sheetnames == ["Summary", "2021-08-03 bridge", "2021-08-04 rail"]
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[1] == ("bridge", "2021-08-03", 1, 1, "2021-08-03 bridge")
    rail = list(book["2021-08-04 rail"].iter_rows(values_only=True))
    assert rail[1][1] == "=cmd|' /C calc'!A0"  # a string cell, exactly as written
    assert book["2021-08-04 rail"].cell(2, 2).data_type == "s"
    assert all(cell.data_type != "f" for row in book["2021-08-04 rail"].iter_rows() for cell in row)
