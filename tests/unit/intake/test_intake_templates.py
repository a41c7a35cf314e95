"""List templates: pre-filled roster, drop-downs, bilingual help, and they come back accepted."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl

from muster.intake import IntakeRejected, build_list_template, read_list
from tests.unit.intake.corpus import LIST_HEADER

ROSTER = [
    {
        "person_id": "P0001",
        "family_name": "Kim",
        "given_name": "Chol Su",
        "name_native": "김철수",
        "date_of_birth": "1985-01-02",
        "sex": "M",
        "passport_no": "0745512345",
    },
    {
        "person_id": "P0002",
        "family_name": "Ri",
        "given_name": "Yong Hui",
        "name_native": "리영희",
        "date_of_birth": "1990-12-31",
        "sex": "F",
        "passport_no": "",
    },
    {
        "person_id": "P0003",
        "family_name": "=cmd|' /C calc'!A0",
        "given_name": "",
        "name_native": "",
        "date_of_birth": "",
        "sex": "",
        "passport_no": "",
    },
]
CATEGORIES = [
    ("illness", "Cannot work: illness"),
    ("work_injury", "Cannot work: workplace injury"),
    ("stranded_trip", "Stranded after a short business trip"),
]
CODES = [code for code, _ in CATEGORIES]


def _fill(data: bytes) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for row, (category, since) in enumerate(
        [("illness", "2021-07-01"), ("work_injury", ""), ("illness", "")], start=2
    ):
        sheet.cell(row, 8, category)
        sheet.cell(row, 9, since)
    sheet.cell(2, 11, "Yes")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_template_layout_drop_downs_and_help() -> None:
    data = build_list_template(ROSTER, CATEGORIES, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["list", "help"]
    sheet = book["list"]
    assert [c.value for c in sheet[1]] == LIST_HEADER
    assert sheet.cell(2, 7).value == "0745512345"  # passport kept as text, leading zero intact
    hostile = sheet.cell(4, 2)  # a string cell, never a formula, shown as written
    assert (hostile.value, hostile.data_type) == ("=cmd|' /C calc'!A0", "s")
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert set(validations) == {"H2", "J2", "K2", "F2"}
    assert validations["J2"].formula1 == '"yes,no,unknown"'
    assert validations["H2"].formula1.startswith("help!$A$")
    help_sheet = book["help"]
    text = " ".join(str(c.value) for row in help_sheet.iter_rows() for c in row if c.value)
    assert "Wants to go home" in text and "귀국 희망" in text
    assert all(code in text for code in CODES)
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def test_filled_xlsx_template_is_accepted() -> None:
    parsed = read_list(
        _fill(build_list_template(ROSTER, CATEGORIES, "xlsx")), "template.xlsx", CODES
    )
    first, second, third = parsed.records()
    assert (first.person_id, first.name_native, first.category, first.wants_to_return) == (
        "P0001",
        "김철수",
        "illness",
        "yes",
    )
    assert first.since is not None and first.since.isoformat() == "2021-07-01"
    assert first.passport_no == "0745512345"
    assert (second.sex, second.passport_no, second.fit_to_travel) == ("F", None, "unknown")
    assert third.family_name == "=cmd|' /C calc'!A0"  # read back exactly as written


def test_csv_template_round_trip() -> None:
    data = build_list_template(ROSTER[:2], CATEGORIES, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert header == LIST_HEADER
    assert rows[0][:7] == list(ROSTER[0].values()) and rows[0][7:] == [""] * 5
    rows[0][7], rows[0][10] = "illness", "no"
    rows[1][7] = "work_injury"
    out = io.StringIO(newline="")
    csv.writer(out).writerows([header, *rows])
    parsed = read_list(out.getvalue().encode("cp949"), "template.csv", CODES)
    assert [(r.person_id, r.category, r.wants_to_return) for r in parsed.records()] == [
        ("P0001", "illness", "no"),
        ("P0002", "work_injury", "unknown"),
    ]


def test_untouched_roster_rows_are_skipped_with_a_count_not_refused() -> None:
    """Issue 10: a pre-filled template failed intake on every roster row left untouched."""
    data = build_list_template(ROSTER, CATEGORIES, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("category") + 1, value="illness")
    out = io.BytesIO()
    book.save(out)
    parsed = read_list(out.getvalue(), "w1.xlsx", CODES)
    assert [r.person_id for r in parsed.records()] == ["P0001"]
    assert parsed.skipped == 2
    assert [str(w) for w in parsed.warnings] == ["file: 2 roster rows without a category skipped"]


def test_a_touched_row_without_a_category_is_still_an_error() -> None:
    body = ",".join(LIST_HEADER) + "\nP0001,Kim,Chol Su,,,,,,,yes,yes,\n"
    try:
        read_list(body.encode(), "w1.csv", CODES)
    except IntakeRejected as rejected:
        assert [(e.row, e.column) for e in rejected.errors] == [(2, "category")]
    else:
        raise AssertionError("a row that reports something needs a category")
