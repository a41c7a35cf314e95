"""Dates: a workbook's date-time cell in a date column is its date; permits after arrival."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

import muster.intake.xlsx as xlsx
from muster.intake import IntakeRejected, RowError, read_link_input, read_list, read_people
from tests.unit.intake.corpus import (
    _MAIN,
    CATEGORIES,
    LIST_HEADER,
    entry,
    inline_row,
    raw_xlsx,
    xlsx_book,
)

PEOPLE_HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "workplace_code,role,purpose,arrived,permit_expires"
)
_DATE_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><numFmts count="1">'
    '<numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>'
)


@pytest.fixture(params=["calamine", "stream"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each test once with calamine and once with the stream reader."""
    if request.param == "stream":
        monkeypatch.setattr(xlsx, "read_with_calamine", lambda *_: None)
    yield request.param


@pytest.mark.parametrize("date_1904", [False, True])
def test_datetime_cells_in_date_columns_read_as_their_date(reader: str, date_1904: bool) -> None:
    row: list[object] = list(entry())
    row[4], row[8] = datetime(1985, 1, 2, 23, 59), datetime(2021, 7, 1, 9, 30)
    data = xlsx_book([("list", [LIST_HEADER, row])], date_1904=date_1904)
    (record,) = read_list(data, "list.xlsx", CATEGORIES).records()
    assert (record.date_of_birth, record.since) == (date(1985, 1, 2), date(2021, 7, 1))


def test_serials_with_a_fraction_styled_or_not_and_iso_date_time_cells(reader: str) -> None:
    cells = (
        '<c r="A2" t="inlineStr"><is><t>P1</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>Kim</t></is></c>'
        '<c r="E2"><v>31049.75</v></c>'  # a plain number: 1985-01-02 18:00
        '<c r="H2" t="inlineStr"><is><t>illness</t></is></c>'
        '<c r="I2" s="1"><v>44378.5</v></c>'  # date-time styled: 2021-07-01 12:00
    )
    data = raw_xlsx(inline_row(1, LIST_HEADER) + f'<row r="2">{cells}</row>', styles=_DATE_STYLES)
    (record,) = read_list(data, "list.xlsx", CATEGORIES).records()
    assert (record.date_of_birth, record.since) == (date(1985, 1, 2), date(2021, 7, 1))
    iso = cells.replace('<c r="I2" s="1"><v>44378.5</v></c>', "").replace(
        '<c r="E2"><v>31049.75</v></c>', '<c r="E2" t="d"><v>1985-01-02T18:30:00</v></c>'
    )
    data = raw_xlsx(inline_row(1, LIST_HEADER) + f'<row r="2">{iso}</row>')
    (record,) = read_list(data, "list.xlsx", CATEGORIES).records()
    assert record.date_of_birth == date(1985, 1, 2)


def test_link_input_takes_the_date_of_a_datetime_cell(reader: str) -> None:
    header = ["record_id", "family_name", "given_name", "name_native", "date_of_birth"]
    header += ["sex", "passport_no"]
    row = ["r1", "Kim", "Su", "김수", datetime(1985, 1, 2, 8, 0), "M", "M123"]
    data = xlsx_book([("in", [header, row])])
    (record,) = read_link_input(data, "in.xlsx")
    assert record.date_of_birth == "1985-01-02"


def test_text_files_keep_strict_iso_dates() -> None:
    row = entry(since="2021-07-01T09:30:00")
    text = ",".join(LIST_HEADER) + "\n" + ",".join(row) + "\n"
    with pytest.raises(IntakeRejected) as caught:
        read_list(text.encode(), "list.csv", CATEGORIES)
    assert [(e.row, e.column, e.value) for e in caught.value.errors] == [
        (2, "since", "2021-07-01T09:30:00")
    ]


def _people(*rows: str) -> bytes:
    return (PEOPLE_HEADER + "\n" + "\n".join(rows) + "\n").encode()


def test_a_permit_expiring_before_arrival_is_refused_by_row() -> None:
    data = _people(
        "P1,Kim,Su,,1985-01-02,M,,W1,worker,work,2019-03-01,2019-03-01",  # same day: fine
        "P2,Ri,Ok,,1990-12-31,F,,W1,worker,work,2019-03-01,2018-12-31",
        "P3,Pak,Mi,,1991-01-01,F,,W1,worker,work,,2018-12-31",  # no arrival: nothing to compare
        "P4,Cho,Un,,1992-02-02,M,,W1,worker,work,2020-05-05,2020-05-04",
    )
    with pytest.raises(IntakeRejected) as caught:
        read_people(data, "people.csv")
    assert caught.value.errors == [
        RowError(3, "permit_expires", "2018-12-31", "a date on or after arrived (2019-03-01)"),
        RowError(5, "permit_expires", "2020-05-04", "a date on or after arrived (2020-05-05)"),
    ]


def test_a_permit_before_arrival_in_a_workbook_is_named_too(reader: str) -> None:
    header = PEOPLE_HEADER.split(",")
    row = ["P1", "Kim", "Su", "", date(1985, 1, 2), "M", "", "W1", "worker", "work"]
    row += [datetime(2021, 3, 1, 10, 0), date(2021, 2, 28)]
    with pytest.raises(IntakeRejected) as caught:
        read_people(xlsx_book([("people", [header, row])]), "people.xlsx")
    assert caught.value.errors == [
        RowError(2, "permit_expires", "2021-02-28", "a date on or after arrived (2021-03-01)")
    ]
