"""The XLSX report: sheets per section, a summary with right counts, no formula can run."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from muster.domain.categories import Section
from muster.domain.consolidation import ReportSection
from muster.reports.tables import COMPLETENESS_COLUMNS, PERSON_COLUMNS
from muster.reports.xlsx import column_width, report_xlsx, sheet_names
from tests.unit.reports.conftest import rendered
from tests.unit.reports.world import (
    CATALOGUE,
    FORMULA,
    FULL,
    HEALTH_NAME,
    MEDICAL_NOTE,
    PHONE,
    SCRIPT,
    report_for,
)


def book(viewer: str) -> openpyxl.Workbook:
    """The viewer's workbook, opened with openpyxl."""
    return openpyxl.load_workbook(io.BytesIO(rendered(viewer, "xlsx")))


def records(sheet: Worksheet) -> list[dict[str, Any]]:
    """The sheet's data rows as dicts keyed by the header row."""
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def summary_blocks(sheet: Worksheet) -> dict[str, dict[str, int]]:
    """The summary's count tables: title -> {label: count}."""
    blocks: dict[str, dict[str, int]] = {}
    current: dict[str, int] | None = None
    for label, value, *_ in sheet.iter_rows(values_only=True):
        if label and value is None:
            current = blocks.setdefault(str(label), {})
        elif current is not None and isinstance(value, int):
            current[str(label)] = value
        elif label is None and value is None:
            current = None
    return blocks


def test_sheets_are_summary_then_one_per_section_shown_then_completeness() -> None:
    assert book("plain").sheetnames == ["Summary", "health", "stranded", "Completeness"]
    assert book("full").sheetnames == [
        "Summary", "health", "stranded", "welfare", "protection", "Completeness",
    ]  # fmt: skip


def test_section_sheet_has_the_columns_a_frozen_header_and_a_filter() -> None:
    sheet = book("full")["stranded"]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert header == PERSON_COLUMNS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:N4"
    assert sheet.column_dimensions["N"].width > 8


def test_a_merged_person_row_shows_labels_dates_notes_and_sources() -> None:
    (person,) = records(book("full")["health"])
    assert person["person_id"] == "P0001"
    assert person["name_native"] == HEALTH_NAME
    assert person["category"] == "Cannot work: illness"
    assert person["date_of_birth"] == datetime(1985, 3, 2)
    assert person["since"] == datetime(2021, 7, 1)
    assert person["notes"] == MEDICAL_NOTE
    assert person["sources"] == "W012 v1; W031 v2"
    assert person["workplace"] == "W012"
    assert (person["fit_to_travel"], person["wants_to_return"]) == ("no", "yes")


def test_formula_injection_payloads_are_string_cells_kept_as_written() -> None:
    sheet = book("plain")["stranded"]
    hostile = next(r for r in records(sheet) if r["name_native"] == SCRIPT)
    assert hostile["family_name"] == FORMULA
    assert hostile["given_name"] == "@SUM(1+1)"
    assert hostile["notes"] == PHONE  # no apostrophe shown in legitimate text
    texts = {c.value: c.data_type for row in sheet.iter_rows() for c in row if c.value}
    assert texts[FORMULA] == texts[PHONE] == texts["@SUM(1+1)"] == "s"
    for worksheet in book("plain").worksheets:
        for row in worksheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_no_sheet_xml_holds_a_formula() -> None:
    with zipfile.ZipFile(io.BytesIO(rendered("plain", "xlsx"))) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name)


def test_summary_counts_are_right_for_each_viewer() -> None:
    plain = summary_blocks(book("plain")["Summary"])
    assert plain["Completeness (units)"] == {"On time": 1, "Late": 1, "Missing": 1}
    assert plain["Persons by section"] == {
        "Unable to work: health": 1,
        "Stranded or without work": 3,
    }
    assert plain["Persons by category"] == {
        "Contract ended, awaiting return": 1,
        "Business cannot operate (closure, no orders)": 1,
        "Stranded after a short business trip": 1,
        "Cannot work: illness": 1,
    }
    assert plain["Persons by region"] == {"Dandong": 2, "Shenyang": 2}
    assert plain["Persons by workplace type"] == {"factory": 2, "restaurant": 2}
    assert plain["Section sheets"] == {"health": 1, "stranded": 3}
    full = summary_blocks(book("full")["Summary"])
    assert full["Persons by section"]["Protection"] == 1
    assert full["Persons by region"] == {"Dandong": 3, "Shenyang": 3}


def test_summary_headline_names_call_unit_time_and_viewer() -> None:
    rows = {r[0]: r[1] for r in book("plain")["Summary"].iter_rows(values_only=True) if r[0]}
    assert rows["Call"] == "July call (#7)"
    assert rows["Unit"] == "M1"
    assert rows["Generated at"] == "2021-07-26 08:30 UTC"
    assert rows["Viewer"] == "clerk"
    assert (rows["Persons"], rows["Entries merged"]) == (4, 5)
    assert rows["Medical notes"] == "withheld (no medical permission)"


def test_summary_has_native_excel_charts() -> None:
    with zipfile.ZipFile(io.BytesIO(rendered("plain", "xlsx"))) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        assert b"Summary" in archive.read(charts[0])


def test_completeness_sheet_lists_every_expected_unit() -> None:
    sheet = book("plain")["Completeness"]
    assert next(sheet.iter_rows(max_row=1, values_only=True)) == COMPLETENESS_COLUMNS
    rows = {r["unit"]: r for r in records(sheet)}
    assert rows["C1"]["timeliness"] == "missing"
    assert rows["C1"]["submitted_at"] is None
    assert rows["W031"]["submitted_at"] == datetime(2021, 7, 24, 21, 0)
    assert (rows["W031"]["timeliness"], rows["W031"]["entries"]) == ("late", 4)


def test_the_same_report_gives_the_same_bytes() -> None:
    report = report_for(FULL)
    assert report_xlsx(report, CATALOGUE) == report_xlsx(report, CATALOGUE)


def test_sheet_names_are_valid_and_distinct() -> None:
    report = report_for(FULL)
    odd = [Section("a/b:c?", "Odd"), Section("summary", "Clash"), Section("x" * 40, "Long")]
    report = replace(report, sections=tuple(ReportSection(s, ()) for s in odd))
    assert sheet_names(report) == ["a_b_c_", "summary_2", "x" * 28]


@pytest.mark.parametrize(
    ("values", "width"),
    [
        ([], 8.0),
        (["abc"], 8.0),
        (["김철수김철수"], 14.0),
        ([date(2021, 1, 1)], 12.0),
        (["x" * 99], 60.0),
    ],
)
def test_column_widths_fit_content_within_bounds(values: list[Any], width: float) -> None:
    assert column_width(values) == width
