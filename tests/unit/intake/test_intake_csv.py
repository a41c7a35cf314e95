"""CSV structure: RFC 4180 quoting, ragged rows, headers, normalisation, limits, all errors."""

from __future__ import annotations

import unicodedata

import pytest

from muster.intake import IntakeRejected, Limits, RowError, read_list
from tests.unit.intake.corpus import CATEGORIES, LIST_HEADER, csv_text, entry, list_csv


def _rejected(data: bytes, limits: Limits | None = None) -> list[RowError]:
    with pytest.raises(IntakeRejected) as caught:
        read_list(data, "list.csv", CATEGORIES, limits or Limits())
    return caught.value.errors


def test_rfc4180_quoting_commas_quotes_and_newlines_inside_fields() -> None:
    note = 'said "I want to go home",\nthen left\r\nfor the clinic'
    rows = [entry(note=note), entry(person_id="P0002", family_name="O'Brien, Jr")]
    parsed = read_list(list_csv(rows), "list.csv", CATEGORIES)
    assert parsed.frame.get_column("note").to_list() == [note, None]
    assert parsed.records()[1].family_name == "O'Brien, Jr"
    assert parsed.frame.get_column("row").to_list() == [2, 3]


def test_row_numbers_count_records_not_physical_lines() -> None:
    rows = [entry(note="one\ntwo\nthree"), entry(person_id="P0002", date_of_birth="1985-13-01")]
    (error,) = _rejected(list_csv(rows))
    assert (error.row, error.column, error.value) == (3, "date_of_birth", "1985-13-01")


def test_every_error_in_one_pass_with_row_column_value_expected() -> None:
    rows = [
        entry(),
        entry(person_id="P2", date_of_birth="1985-13-01", sex="X"),
        entry(person_id="P3", category="detention", fit_to_travel="maybe"),
        entry(person_id="", family_name="", name_native="", since="01/07/2021"),
    ]
    errors = _rejected(list_csv(rows))
    assert [(e.row, e.column, e.value) for e in errors] == [
        (3, "date_of_birth", "1985-13-01"),
        (3, "sex", "X"),
        (4, "category", "detention"),
        (4, "fit_to_travel", "maybe"),
        (5, "family_name", ""),
        (5, "since", "01/07/2021"),
    ]
    assert errors[0].expected == "a date YYYY-MM-DD"
    assert errors[2].expected == "one of " + ", ".join(CATEGORIES)
    assert (
        str(errors[0]) == "row 3, column date_of_birth: '1985-13-01' — expected a date YYYY-MM-DD"
    )


def test_rejection_is_machine_readable() -> None:
    with pytest.raises(IntakeRejected) as caught:
        read_list(list_csv([entry(sex="X")]), "list.csv", CATEGORIES)
    assert caught.value.to_json() == [
        {
            "row": 2,
            "column": "sex",
            "value": "X",
            "expected": "one of M, F",
            "message": "row 2, column sex: 'X' — expected one of M, F",
        }
    ]


@pytest.mark.parametrize(
    ("line", "found"), [("P9,Kim,Su", "3 fields"), (",".join(["x"] * 14), "14 fields")]
)
def test_ragged_rows_are_refused_with_the_row_named(line: str, found: str) -> None:
    text = (
        csv_text([entry(), entry(person_id="P2")])
        + line
        + "\r\n"
        + csv_text([entry(person_id="P4")]).split("\r\n", 1)[1]
    )
    errors = _rejected(text.encode())
    assert [(e.row, e.value, e.expected) for e in errors] == [
        (4, found, "12 fields, as in the header row")
    ]


def test_every_ragged_row_is_named() -> None:
    text = (
        csv_text([entry()])
        + "a,b\r\n"
        + csv_text([entry(person_id="P3")]).split("\r\n", 1)[1]
        + "c\r\n"
    )
    assert [e.row for e in _rejected(text.encode())] == [3, 5]


def test_unclosed_quote_is_refused_with_its_row() -> None:
    text = csv_text([entry()]) + 'P2,"Kim,Su,x\r\n'
    (error,) = _rejected(text.encode())
    assert error.row == 3 and "quot" in error.expected


def test_text_after_a_closing_quote_is_refused() -> None:
    text = csv_text([entry()]) + csv_text([entry(person_id="P2")]).split("\r\n", 1)[1].replace(
        "P2", '"P2"x'
    )
    (error,) = _rejected(text.encode())
    assert error.row == 3


def test_nul_byte_is_refused_with_row_and_column() -> None:
    data = list_csv([entry(), entry(person_id="P2", note="a\x00b")])
    (error,) = _rejected(data)
    assert (error.row, error.column) == (3, "note")
    assert "control characters" in error.expected
    assert "\\x00" in str(error)


def test_blank_lines_are_skipped_but_rows_keep_spreadsheet_numbers() -> None:
    text = (
        csv_text([entry()])
        + "\r\n,,,,,,,,,,,\r\n"
        + csv_text([entry(person_id="P2")]).split("\r\n", 1)[1]
    )
    parsed = read_list(("\r\n" + text).encode(), "list.csv", CATEGORIES)
    assert parsed.frame.get_column("row").to_list() == [3, 6]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_and_tab_separated_files(separator: str) -> None:
    text = separator.join(LIST_HEADER) + "\n" + separator.join(entry(note="a, b")) + "\n"
    assert read_list(text.encode(), "list.csv", CATEGORIES).records()[0].note == "a, b"


def test_header_matched_ignoring_case_space_and_bom() -> None:
    header = [f"  {name.upper()} " for name in LIST_HEADER]
    data = "\ufeff".encode() + csv_text([entry()], header).encode()
    assert len(read_list(data, "list.csv", CATEGORIES)) == 1


def test_unknown_missing_and_duplicate_columns_are_named_on_row_1() -> None:
    header = [*LIST_HEADER[:-2], "loyalty", "family_name"]  # drops wants_to_return and note
    values = [*entry()[:-2], "high", "Kim"]
    errors = _rejected(csv_text([values], header).encode())
    assert [(e.row, e.column, e.value) for e in errors] == [
        (1, "loyalty", "loyalty"),
        (1, "family_name", "family_name"),
        (1, "wants_to_return", ""),
        (1, "note", ""),
    ]
    assert errors[0].expected.startswith("one of the columns person_id, family_name")
    assert errors[2].expected == "a column named wants_to_return"


def test_text_is_nfc_normalised_and_trimmed() -> None:
    nfd = unicodedata.normalize("NFD", "김철수")
    assert len(nfd) > 3
    parsed = read_list(
        list_csv([entry(name_native=f"  {nfd}\u3000", family_name=" Kim ")]), "l.csv", CATEGORIES
    )
    record = parsed.records()[0]
    assert (record.name_native, record.family_name) == ("김철수", "Kim")


def test_answers_case_insensitive_and_blank_means_unknown() -> None:
    rows = [
        entry(fit_to_travel="YES", wants_to_return=""),
        entry(person_id="P2", category="Illness", sex="f"),
    ]
    first, second = read_list(list_csv(rows), "l.csv", CATEGORIES).records()
    assert (first.fit_to_travel, first.wants_to_return) == ("yes", "unknown")
    assert (second.category, second.sex) == ("illness", "F")


def test_100_kb_cell_is_refused_with_row_and_column() -> None:
    errors = _rejected(list_csv([entry(), entry(person_id="P2", note="가" * 100_000)]))
    (error,) = errors
    assert (error.row, error.column) == (3, "note")
    assert error.expected == "at most 32767 characters in a cell"
    assert len(error.value) < 200  # the value is shortened for display


def test_upload_size_limit() -> None:
    errors = _rejected(list_csv([entry()] * 50), Limits(max_upload_bytes=1000))
    assert errors[0].row == 0 and "at most" in errors[0].expected


def test_row_limit() -> None:
    errors = _rejected(list_csv([entry(person_id=f"P{i}") for i in range(11)]), Limits(max_rows=10))
    assert errors == [RowError(0, "", "11 data rows", "at most 10 rows")]


def test_error_count_is_capped_with_a_summary() -> None:
    rows = [entry(person_id=f"P{i}", sex="X") for i in range(30)]
    errors = _rejected(list_csv(rows), Limits(max_errors=5))
    assert [e.row for e in errors[:5]] == [2, 3, 4, 5, 6]
    assert errors[5] == RowError(0, "", "25 more errors not listed", "the errors above fixed first")


def test_empty_list_with_only_a_header_is_accepted() -> None:
    assert len(read_list(list_csv([]), "list.csv", CATEGORIES)) == 0


def test_classic_mac_line_ends() -> None:
    text = csv_text([entry(), entry(person_id="P2")]).replace("\r\n", "\r")
    assert len(read_list(text.encode(), "list.csv", CATEGORIES)) == 2
