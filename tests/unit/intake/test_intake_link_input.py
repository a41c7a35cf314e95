"""SPEC §5 link input read by intake (`muster link`): CSV in any encoding, XLSX, every error."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from muster.intake import IntakeRejected, Limits, read_link_frame, read_list
from tests.unit.intake.corpus import CATEGORIES, entry, list_csv, xlsx_book

COLUMNS = ["record_id", "family_name", "given_name", "name_native", "date_of_birth", "sex"]
COLUMNS += ["passport_no"]
HEADER = ",".join(COLUMNS)


def _read(data: bytes | str, filename: str = "records.csv") -> pl.DataFrame:
    raw = data.encode() if isinstance(data, str) else data
    return read_link_frame(raw, filename)


def _errors(data: bytes | str, filename: str = "records.csv") -> list[str]:
    with pytest.raises(IntakeRejected) as caught:
        _read(data, filename)
    return [str(error) for error in caught.value.errors]


def test_reads_records_with_case_insensitive_headers_in_any_order() -> None:
    text = "Sex,RECORD_ID,family_name,Given_Name,name_native,date_of_birth,passport_no\n"
    text += "m,r1,Kim,Chol Su,김철수,1985-03-12,G1\nF,r2,,,,,\n"
    frame = _read(text)
    assert frame.columns == [*COLUMNS, "row"]
    assert all(frame.schema[name] == pl.String for name in COLUMNS)
    assert frame.row(0, named=True) == {
        "record_id": "r1",
        "family_name": "Kim",
        "given_name": "Chol Su",
        "name_native": "김철수",
        "date_of_birth": "1985-03-12",
        "sex": "M",
        "passport_no": "G1",
        "row": 2,
    }
    empty = dict.fromkeys(COLUMNS[1:])
    assert frame.row(1, named=True) == {**empty, "record_id": "r2", "sex": "F", "row": 3}


def test_missing_and_unknown_columns_are_named() -> None:
    errors = _errors("record_id,family_name,given_name,name_native,date_of_birth,sex,pass\n")
    assert any(
        e.startswith("row 1, column pass: 'pass' — expected one of the columns") for e in errors
    )
    assert "row 1, column passport_no: expected a column named passport_no" in errors


def test_every_row_error_is_listed_with_spreadsheet_row_numbers() -> None:
    text = f"{HEADER}\nr1,Kim,,,12/03/1985,X,\nr1,Lee,,,,,\n,Pak,,,,,\nr5,Ri,,,1979-13-08,,\n"
    assert _errors(text) == [
        "row 2, column date_of_birth: '12/03/1985' — expected a date YYYY-MM-DD",
        "row 2, column sex: 'X' — expected one of M, F",
        "row 3, column record_id: 'r1' — expected a record_id not already used on row 2",
        "row 4, column record_id: expected a value (record_id is required)",
    ]


def test_ragged_rows_are_all_listed_by_row() -> None:
    text = f"{HEADER}\nr1,Kim,,,,,\nr2,Kim\nr3,Lee,,,,,\nr4,Pak,,,,,,,\n"
    assert _errors(text) == [
        "row 3: '2 fields' — expected 7 fields, as in the header row",
        "row 5: '9 fields' — expected 7 fields, as in the header row",
    ]


@pytest.mark.parametrize("written", ["1985-25-03", "1979-13-08", "1985-02-30", "1958-07-00"])
def test_impossible_but_well_shaped_birth_dates_are_kept_for_matching(written: str) -> None:
    frame = _read(f"{HEADER}\nr1,Kim,,,{written},,\n")
    assert frame["date_of_birth"].to_list() == [written]


@pytest.mark.parametrize(
    ("written", "kept"),
    [("1972", "1972-00-00"), ("1972-03", "1972-03-00"), ("19720314", "1972-03-14")],
)
def test_a_year_alone_a_month_or_the_basic_iso_form_are_read_as_what_they_know(
    written: str, kept: str
) -> None:
    frame = _read(f"{HEADER}\nr1,Kim,,,{written},,\n")
    assert frame["date_of_birth"].to_list() == [kept]


def test_a_year_alone_counts_as_a_known_year_not_a_date_in_linkage() -> None:
    from muster.linkage.features import build_features

    frame = _read(f"{HEADER}\nr1,Kim,Su,,1972,,\nr2,Kim,Su,,1972-03,,\nr3,Kim,Su,,19720314,,\n")
    features = build_features(frame)
    assert features["birth_year"].to_list() == ["1972", "1972", "1972"]
    assert features["dob"].to_list() == [None, None, "1972-03-14"]


@pytest.mark.parametrize("written", ["12/03/1985", "1985-3-12", "1985031", "１９８５-０３-１２"])
def test_birth_dates_of_another_shape_are_refused_by_row_and_column(written: str) -> None:
    assert _errors(f"{HEADER}\nr1,Kim,,,1985-03-12,,\nr2,Kim,,,{written},,\n") == [
        f"row 3, column date_of_birth: '{written}' — expected a date YYYY-MM-DD"
    ]


def test_submitted_lists_keep_strict_dates() -> None:
    with pytest.raises(IntakeRejected) as caught:
        read_list(list_csv([entry(date_of_birth="1985-25-03")]), "list.csv", CATEGORIES)
    assert [(e.row, e.column, e.value) for e in caught.value.errors] == [
        (2, "date_of_birth", "1985-25-03")
    ]


def test_header_is_required() -> None:
    assert _errors("") == [
        "file: 'an empty file' — expected a CSV file or an XLSX workbook with a header row"
    ]
    assert _errors("\n\n") == [
        "file: 'an empty file' — expected a CSV file or an XLSX workbook with a header row"
    ]


def test_utf8_with_bom_is_read() -> None:
    frame = _read(("\ufeff" + f"{HEADER}\nr1,,,김철수,,,\n").encode())
    assert frame["name_native"].to_list() == ["김철수"]


def test_cp949_csv_with_hangul_and_hanja_is_read() -> None:
    text = f"{HEADER}\r\nr1,김,철수,김철수,1985-03-12,M,\r\nr2,,,金哲洙,1985-25-03,,\r\n"
    text += "r3,리,영희,리영희,1990-07-21,F,G1\r\n"
    frame = _read(text.encode("cp949"))
    assert frame["name_native"].to_list() == ["김철수", "金哲洙", "리영희"]
    assert frame["family_name"].to_list() == ["김", None, "리"]
    assert frame["date_of_birth"].to_list() == ["1985-03-12", "1985-25-03", "1990-07-21"]


def test_cp949_csv_errors_name_row_and_column() -> None:
    text = f"{HEADER}\r\nr1,김,철수,김철수,12/03/1985,M,\r\n"
    assert _errors(text.encode("cp949")) == [
        "row 2, column date_of_birth: '12/03/1985' — expected a date YYYY-MM-DD"
    ]


def test_xlsx_first_sheet_with_date_cells_hangul_and_hanja_is_read() -> None:
    rows = [
        [c.upper() for c in COLUMNS],
        ["r1", "김", "철수", "김철수", date(1985, 3, 12), "M", "G12345678"],
        ["r2", "", "", "金哲洙", "1985-25-03", "m", ""],  # impossible date typed as text
        ["r3", "Ri", "Yong Hui", "리영희", 33075, "F", ""],  # a bare Excel serial
        [4, "Kim", "", "", "", "", 745512345],  # numbers as typed, not 4.0
    ]
    frame = _read(xlsx_book([("records", rows), ("notes", [["x"]])]), "records.xlsx")
    assert frame["record_id"].to_list() == ["r1", "r2", "r3", "4"]
    assert frame["name_native"].to_list() == ["김철수", "金哲洙", "리영희", None]
    assert frame["date_of_birth"].to_list() == ["1985-03-12", "1985-25-03", "1990-07-21", None]
    assert frame["sex"].to_list() == ["M", "M", "F", None]
    assert frame["passport_no"].to_list() == ["G12345678", None, None, "745512345"]
    assert frame["row"].to_list() == [2, 3, 4, 5]


def test_xlsx_errors_name_row_and_column() -> None:
    rows = [COLUMNS, ["r1", "Kim", "", "", "12/03/1985", "", ""], ["r1", "Lee"]]
    assert _errors(xlsx_book([("records", rows)]), "records.xlsx") == [
        "row 2, column date_of_birth: '12/03/1985' — expected a date YYYY-MM-DD",
        "row 3, column record_id: 'r1' — expected a record_id not already used on row 2",
    ]


def test_files_over_the_size_limit_are_refused() -> None:
    text = f"{HEADER}\nr1,Kim,,,,,\n".encode()
    with pytest.raises(IntakeRejected) as caught:
        read_link_frame(text, "records.csv", Limits(max_upload_bytes=10))
    assert caught.value.errors[0].row == 0
