"""Hostile and mislabelled files: garbage, documents, lying extensions, internal failures."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from muster.intake import IntakeRejected, RowError, read_list, read_units
from tests.unit.intake.corpus import CATEGORIES, LIST_HEADER, entry, list_csv, xlsx_book


def _rejected(data: bytes, filename: str = "list.csv") -> list[RowError]:
    with pytest.raises(IntakeRejected) as caught:
        read_list(data, filename, CATEGORIES)
    return caught.value.errors


def test_random_binary_garbage_is_refused_as_a_whole_file() -> None:
    rng = random.Random(5)
    for _ in range(20):
        garbage = bytes(rng.getrandbits(8) for _ in range(4096))
        errors = _rejected(garbage)
        assert errors and errors[0].row in (0, 1)


def test_binary_garbage_says_it_is_not_text() -> None:
    garbage = bytes(range(32)) * 100
    assert _rejected(garbage) == [
        RowError(0, "", "binary data, not text", "a CSV file or an XLSX workbook")
    ]


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"%PDF-1.7\n...", "a PDF document"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "an old Excel 97-2003 (.xls) or password-protected file",
        ),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "a PNG image"),
        (
            b"<html><body><table><tr><td>x</td></tr></table></body></html>",
            "an HTML or XML document",
        ),
        (b"", "an empty file"),
        (b"  \r\n", "an empty file"),
    ],
)
def test_documents_images_and_empty_files_are_refused(data: bytes, found: str) -> None:
    (error,) = _rejected(data, "list.xlsx")
    assert (error.row, error.value) == (0, found)


def test_csv_named_xlsx_is_read_by_content_with_a_warning() -> None:
    parsed = read_list(list_csv([entry()]), "list.xlsx", CATEGORIES)
    assert len(parsed) == 1
    assert parsed.warnings[0].row == 0 and "named .xlsx but holds CSV" in parsed.warnings[0].message


def test_xlsx_named_csv_is_read_by_content() -> None:
    data = xlsx_book([("list", [LIST_HEADER, entry()])])
    parsed = read_list(data, "list.csv", CATEGORIES)
    assert parsed.records()[0].person_id == "P0001"
    assert "holds XLSX content" in parsed.warnings[0].message


def test_pdf_named_csv_is_refused() -> None:
    assert _rejected(b"%PDF-1.4 fake", "list.csv")[0].value == "a PDF document"


def test_sender_file_name_is_never_used_as_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    hostile = "../../../etc/passwd\x00.csv"
    parsed = read_list(list_csv([entry()]), hostile, CATEGORIES)
    assert len(parsed) == 1
    assert os.listdir(tmp_path) == []


def test_an_internal_failure_becomes_a_file_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import muster.intake.readers as readers

    def broken(*_: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(readers, "check_table", broken)
    (error,) = _rejected(list_csv([entry()]))
    assert error.row == 0
    assert error.value == "a file that could not be read (KeyError)"
    assert "Traceback" not in str(error)


def test_every_reader_is_guarded(monkeypatch: pytest.MonkeyPatch) -> None:
    import muster.intake.readers as readers

    def broken(*_: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(readers, "check_table", broken)
    with pytest.raises(IntakeRejected):
        read_units(b"code,name,kind\nHQ,Head,headquarters\n", "units.csv")


def test_nul_bytes_in_a_text_file_name_the_row() -> None:
    data = list_csv([entry(), entry(person_id="P2")]).replace(b"P2", b"P\x002")
    (error,) = _rejected(data)
    assert (error.row, error.column) == (3, "person_id")


def test_internal_failure_is_logged_below_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Python prints unhandled WARNING+ records to stderr: the CLI sender must not see them."""
    import logging

    import muster.intake.readers as readers

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(readers, "check_table", broken)
    with caplog.at_level(logging.DEBUG), pytest.raises(IntakeRejected):
        read_list(list_csv([entry()]), "list.csv", CATEGORIES)
    (record,) = [r for r in caplog.records if r.name == "muster.intake.readers"]
    assert record.levelno < logging.WARNING and record.exc_info is not None
