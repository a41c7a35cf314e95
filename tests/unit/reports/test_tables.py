"""What every format shows of a person and of the report, read from the report alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

import muster.reports
from muster.reports import write_report
from muster.reports.tables import (
    Value,
    category_label,
    headline,
    person_row,
    since,
    sources_text,
)
from tests.unit.reports.world import (
    CATALOGUE,
    FULL,
    HEALTH_NAME,
    PLAIN,
    report_for,
)


def health_person(viewer: str) -> list[Value]:
    """The health section's only person, as a row."""
    report = report_for(PLAIN if viewer == "plain" else FULL)
    (person,) = report.sections[0].persons
    return person_row(person, CATALOGUE)


def test_a_person_row_follows_the_column_order() -> None:
    row = health_person("full")
    assert row[:8] == [
        "P0001", HEALTH_NAME, "Kim", "Chol Su", date(1985, 3, 2), "M", "PS1234567",
        "Cannot work: illness",
    ]  # fmt: skip
    # Two equally full sources, equally urgent categories: the first record id and the first
    # category code decide (never the order the lists arrived in).
    assert row[8:] == ["W012", "no", "yes", date(2021, 7, 1), "fractured femur", "W012 v1; W031 v2"]


def test_without_medical_the_note_cell_is_empty() -> None:
    assert health_person("plain")[12] is None


def test_sources_name_each_unit_version_once_and_since_follows_the_category() -> None:
    report = report_for(FULL)
    person = report.sections[0].persons[0]
    doubled = replace(person, sources=person.sources * 2)
    assert sources_text(doubled) == "W012 v1; W031 v2"
    assert since(person) == date(2021, 7, 1)


def test_unknown_category_codes_fall_back_to_the_code() -> None:
    assert category_label(CATALOGUE, "illness") == "Cannot work: illness"
    assert category_label(CATALOGUE, "retired_code") == "retired_code"


def test_headline_says_whether_medical_notes_are_shown() -> None:
    assert str(dict(headline(report_for(PLAIN)))["Medical notes"]).startswith("withheld")
    assert dict(headline(report_for(FULL)))["Medical notes"] == "shown"


def test_write_report_gives_file_bytes_per_format() -> None:
    report = report_for(PLAIN)
    assert write_report(report, CATALOGUE, "xlsx").startswith(b"PK")
    assert write_report(report, CATALOGUE, "html").startswith(b"<!DOCTYPE html>")
    with pytest.raises(ValueError, match="unknown report format 'docx'"):
        write_report(report, CATALOGUE, "docx")  # type: ignore[arg-type]


def test_writers_are_exported_from_the_package() -> None:
    assert muster.reports.report_xlsx.__module__ == "muster.reports.xlsx"
    assert muster.reports.report_pdf.__module__ == "muster.reports.pdf"
    assert muster.reports.report_html.__module__ == "muster.reports.html"
    with pytest.raises(AttributeError):
        _ = muster.reports.no_such_writer
