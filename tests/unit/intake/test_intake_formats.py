"""Field rules of units, people, replacements, link input and lists (SPEC §5)."""

from __future__ import annotations

from datetime import date

import pytest

from muster.intake import (
    IntakeRejected,
    LinkInputRecord,
    ReplacementRecord,
    RowError,
    UnitRecord,
    read_link_input,
    read_list,
    read_people,
    read_replacements,
    read_units,
)
from tests.unit.intake.corpus import CATEGORIES, LIST_HEADER, entry, list_csv

UNITS = """code,name,kind,parent_code,host_country,region,workplace_type,slots
HQ,Head office,headquarters,,,,,
M1,Embassy,Mission,HQ,CN,,,
W1,Sewing 1,workplace,M1,CN,Dandong,factory,40
"""


def _errors(call: object) -> list[tuple[int, str, str]]:
    with pytest.raises(IntakeRejected) as caught:
        call()  # type: ignore[operator]
    return [(e.row, e.column, e.value) for e in caught.value.errors]


def test_units_with_trade_defaulting_to_workplace_type() -> None:
    units = read_units(UNITS.encode(), "units.csv")
    assert units[2] == UnitRecord(
        "W1", "Sewing 1", "workplace", "M1", "CN", "Dandong", "factory", 40, "factory", 4
    )
    assert units[1].kind == "mission" and units[1].slots is None and units[1].trade is None


def test_units_optional_trade_column() -> None:
    text = UNITS.replace("slots\n", "slots,trade\n").replace(",\n", ",,\n")
    text = text.replace("factory,40\n", "factory,40,sewing\n")
    assert read_units(text.encode(), "units.csv")[2].trade == "sewing"


def test_unit_rules_all_reported() -> None:
    text = UNITS + (
        "W2,Kitchen,workplace,M1,CN,,,\n"
        "W3,Site,workplace,M1,CN,,mine,-4\n"
        "C1,Consulate,consulate,M1,CN,,factory,10\n"
        "W1,Again,depot,M1,CN,,,\n"
        ",,workplace,M1,CN,,other,1\n"
    )
    errors = _errors(lambda: read_units(text.encode(), "units.csv"))
    assert errors == [
        (5, "workplace_type", ""),
        (5, "slots", ""),
        (6, "workplace_type", "mine"),
        (6, "slots", "-4"),
        (7, "workplace_type", "factory"),
        (7, "slots", "10"),
        (8, "code", "W1"),
        (8, "kind", "depot"),
        (9, "code", ""),
        (9, "name", ""),
    ]


def test_duplicate_code_names_the_first_row() -> None:
    text = UNITS + "W1,Again,workplace,M1,CN,,other,1\n"
    with pytest.raises(IntakeRejected) as caught:
        read_units(text.encode(), "units.csv")
    assert caught.value.errors == [RowError(5, "code", "W1", "a code not already used on row 4")]


PEOPLE_HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "workplace_code,role,purpose,arrived,permit_expires\n"
)
PEOPLE = (
    PEOPLE_HEADER
    + """P1,Kim,Chol Su,김철수,1985-01-02,M,745512345,W1,worker,work,2019-03-01,2022-03-01
P2,Ri,Yong Hui,,1990-12-31,,,W1,business_rep,short_trip,,
"""
)


def test_people() -> None:
    first, second = read_people(PEOPLE.encode(), "people.csv")
    assert first.date_of_birth == date(1985, 1, 2) and first.permit_expires == date(2022, 3, 1)
    assert (second.sex, second.passport_no, second.arrived, second.role) == (
        None,
        None,
        None,
        "business_rep",
    )


def test_people_rules() -> None:
    text = PEOPLE + "P1,,X,,1985-02-30,m,,,boss,holiday,yesterday,\n"
    assert _errors(lambda: read_people(text.encode(), "people.csv")) == [
        (4, "person_id", "P1"),
        (4, "family_name", ""),
        (4, "date_of_birth", "1985-02-30"),
        (4, "workplace_code", ""),
        (4, "role", "boss"),
        (4, "purpose", "holiday"),
        (4, "arrived", "yesterday"),
    ]


REPLACEMENTS = (
    ("replacement_id,family_name,given_name,name_native,date_of_birth,sex,trades,hosts,ready\n")
    + """R1,Pak,Mi Ok,박미옥,1995-04-04,F,sewing; cooking;,CN;RU,2021-08-05
"""
)


def test_replacements_split_lists() -> None:
    (record,) = read_replacements(REPLACEMENTS.encode(), "replacements.csv")
    assert record == ReplacementRecord(
        "R1",
        "Pak",
        "Mi Ok",
        "박미옥",
        date(1995, 4, 4),
        "F",
        ("sewing", "cooking"),
        ("CN", "RU"),
        date(2021, 8, 5),
        2,
    )


def test_replacement_rules() -> None:
    text = REPLACEMENTS + "R2,Pak,Su,,,,;,CN,\n"
    assert _errors(lambda: read_replacements(text.encode(), "r.csv")) == [
        (3, "trades", ";"),
        (3, "ready", ""),
    ]


def test_link_input() -> None:
    text = "record_id,family_name,given_name,name_native,date_of_birth,sex,passport_no\n"
    text += "A1,Kim,,김,,,\nA2,,,,1985-01-02,F,X1\n"
    first, second = read_link_input(text.encode(), "link.csv")
    assert first == LinkInputRecord("A1", "Kim", None, "김", None, None, None, 2)
    assert second.date_of_birth == "1985-01-02"  # text: linkage keeps impossible dates too
    duplicated = text + "A1,Ri,,,,,\n"
    assert _errors(lambda: read_link_input(duplicated.encode(), "link.csv")) == [
        (4, "record_id", "A1")
    ]


def test_list_categories_come_from_the_call() -> None:
    data = list_csv([entry(category="stranded_trip")])
    assert read_list(data, "l.csv", ["stranded_trip"]).records()[0].category == "stranded_trip"
    assert _errors(lambda: read_list(data, "l.csv", ["illness"])) == [
        (2, "category", "stranded_trip")
    ]


def test_list_person_id_is_optional_but_someone_must_be_named() -> None:
    rows = [
        entry(person_id="", family_name="", name_native="김철수"),
        entry(person_id="", family_name="", name_native=""),
    ]
    assert _errors(lambda: read_list(list_csv(rows), "l.csv", CATEGORIES)) == [
        (3, "family_name", "")
    ]


def test_duplicates_in_a_list_are_warnings_not_errors() -> None:
    rows = [
        entry(),
        entry(person_id="P2", passport_no="X1", family_name="Ri", name_native="리영"),
        entry(person_id="", passport_no="745 512 345", family_name="Pak", name_native="박"),
        entry(
            person_id="",
            passport_no="",
            family_name="RI",
            given_name="chol su",
            name_native="",
            date_of_birth="1985-01-02",
        ),
        entry(
            person_id="",
            passport_no="",
            family_name="",
            name_native="리영",
            date_of_birth="1985-01-02",
        ),
        entry(person_id="P2", passport_no="", family_name="Other", name_native=""),
    ]
    parsed = read_list(list_csv(rows), "l.csv", CATEGORIES)
    assert len(parsed) == 6
    assert [(w.row, w.column, w.message) for w in parsed.warnings] == [
        (4, "passport_no", "may be the same person as row 2"),
        (5, "family_name", "may be the same person as row 3"),
        (6, "name_native", "may be the same person as row 3"),
        (7, "person_id", "may be the same person as row 3"),
    ]


def test_family_and_given_name_with_birth_date_flag_duplicates() -> None:
    rows = [
        entry(person_id="", passport_no=""),
        entry(
            person_id="", passport_no="", family_name="KIM", given_name="chol  su", name_native=""
        ),
    ]
    (warning,) = read_list(list_csv(rows), "l.csv", CATEGORIES).warnings
    assert (warning.row, warning.column) == (3, "family_name")


def test_parsed_list_frame_is_typed() -> None:
    parsed = read_list(list_csv([entry()]), "l.csv", CATEGORIES)
    assert parsed.frame.columns == [*LIST_HEADER, "row"]
    assert str(parsed.frame.schema["date_of_birth"]) == "Date"
    assert parsed.frame.get_column("row").to_list() == [2]
