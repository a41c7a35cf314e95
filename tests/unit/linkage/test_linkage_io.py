"""SPEC §5 link input/output files: every error named by row, column, value and form."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from muster.linkage.io import (
    LinkInputError,
    parse_link_input,
    read_link_input,
    write_link_output,
)

HEADER = "record_id,family_name,given_name,name_native,date_of_birth,sex,passport_no"


def _errors(text: str) -> list[str]:
    with pytest.raises(LinkInputError) as caught:
        parse_link_input(text)
    return [str(e) for e in caught.value.errors]


def test_reads_records_with_case_insensitive_headers_in_any_order() -> None:
    text = "Sex,RECORD_ID,family_name,given_name,name_native,date_of_birth,passport_no\n"
    text += "M,r1,Kim,Chol Su,김철수,1985-03-12,G1\n"
    frame = parse_link_input(text)
    assert frame.row(0, named=True) == {
        "record_id": "r1",
        "family_name": "Kim",
        "given_name": "Chol Su",
        "name_native": "김철수",
        "date_of_birth": "1985-03-12",
        "sex": "M",
        "passport_no": "G1",
    }


def test_missing_and_unknown_columns_are_named() -> None:
    errors = _errors("record_id,family_name,given_name,name_native,date_of_birth,sex,pass\n")
    assert any("column pass: unknown column" in e for e in errors)
    assert any("column passport_no: missing column" in e for e in errors)


def test_every_row_error_is_listed_with_spreadsheet_row_numbers() -> None:
    text = f"{HEADER}\nr1,Kim,,,12/03/1985,X,\nr1,Lee,,,,,\n,Pak,,,,,\nr4,Kim\n"
    errors = _errors(text)
    assert errors == [
        "row 2, column date_of_birth: value '12/03/1985': expected YYYY-MM-DD",
        "row 2, column sex: value 'X': expected M, F or empty",
        "row 3, column record_id: value 'r1': repeats row 2",
        "row 4, column record_id: a record_id is required",
        "row 5: has 2 cells; the header has 7",
    ]


def test_swapped_day_and_month_is_accepted_for_matching() -> None:
    frame = parse_link_input(f"{HEADER}\nr1,Kim,,,1985-25-03,,\n")
    assert frame["date_of_birth"].to_list() == ["1985-25-03"]


def test_header_is_required() -> None:
    assert _errors("") == ["row 1: a header row is required"]


def test_utf8_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(("\ufeff" + f"{HEADER}\nr1,,,김철수,,,\n").encode())
    assert read_link_input(path)["name_native"].to_list() == ["김철수"]


def test_other_encodings_are_rejected_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(f"{HEADER}\nr1,,,김철수,,,\n".encode("cp949"))
    with pytest.raises(LinkInputError, match="not UTF-8"):
        read_link_input(path)


def test_output_has_record_id_and_cluster_id(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_link_output(pl.DataFrame({"record_id": ["r1", "r2"], "cluster_id": ["r1", "r1"]}), path)
    assert path.read_text() == "record_id,cluster_id\nr1,r1\nr2,r1\n"
