"""A small consolidated world for report tests: hostile names, Hangul, every restricted kind."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from muster.domain.calls import Call, Timeliness
from muster.domain.categories import DEFAULT_CATALOGUE
from muster.domain.completeness import UnitStatus
from muster.domain.consolidation import (
    ConsolidatedPerson,
    ConsolidatedReport,
    SourceEntry,
    build_report,
    merge_cluster,
)
from muster.domain.submissions import Entry
from muster.domain.units import Unit, UnitKind, UnitTree, WorkplaceType
from muster.domain.users import Permission, User

CATALOGUE = DEFAULT_CATALOGUE
T0 = datetime(2021, 7, 20, 9, 0, tzinfo=UTC)
DUE = datetime(2021, 7, 24, 18, 0, tzinfo=UTC)
GENERATED = datetime(2021, 7, 26, 8, 30, tzinfo=UTC)

MEDICAL_NOTE = "fractured femur"
OTHER_NOTE = "waiting for the bridge to reopen"
HEALTH_NAME = "김철수"
STRANDED_NAME = "이영희"
HANJA_NAME = "金英男"
WELFARE_NAME = "박민수"
HELD_NAME = "최은정"
HELD_ID = "P0005"
FORMULA = '=HYPERLINK("http://x")'
SCRIPT = "<script>alert(1)</script>"
PHONE = "+82 10 1234 5678"  # legitimate text that starts like a formula
LONG_PASSPORT = "M12345678KOR2031"  # wider than its column: must not be split in a PDF

PLAIN = User("clerk", "M1", frozenset({Permission.REVIEW}))
FULL = User(
    "officer",
    "M1",
    frozenset({Permission.REVIEW, Permission.MEDICAL, Permission.WELFARE, Permission.PROTECTION}),
)


def tree() -> UnitTree:
    """HQ; mission M1; consulate C1; a factory in Dandong, a restaurant in Shenyang."""
    w = UnitKind.WORKPLACE
    return UnitTree(
        [
            Unit("HQ", "Headquarters", UnitKind.HEADQUARTERS),
            Unit("M1", "Embassy", UnitKind.MISSION, "HQ", host_country="CN"),
            Unit("C1", "Consulate", UnitKind.CONSULATE, "M1", host_country="CN"),
            Unit("W012", "Sewing", w, "C1", "CN", "Dandong", WorkplaceType.FACTORY, 40),
            Unit("W031", "Restaurant", w, "C1", "CN", "Shenyang", WorkplaceType.RESTAURANT, 12),
        ]
    )


def call() -> Call:
    """HQ asks the whole tree for every default category."""
    return Call(
        id=7,
        title="July call",
        issued_by="HQ",
        scope="HQ",
        categories=tuple(CATALOGUE.codes()),
        due={kind: DUE for kind in (UnitKind.WORKPLACE, UnitKind.CONSULATE, UnitKind.MISSION)},
        issued_at=T0,
    )


def source(unit: str, version: int, record: str, entry: Entry, hours: int = 0) -> SourceEntry:
    """An accepted entry from one unit's list version."""
    return SourceEntry(record, unit, version, T0 + timedelta(hours=hours), entry)


def entry(category: str, native: str, family: str, given: str, born: date, **more: Any) -> Entry:
    """An entry with names and a birth date; other fields by keyword."""
    return Entry(
        category,
        name_native=native,
        family_name=family,
        given_name=given,
        date_of_birth=born,
        **more,
    )


# fmt: off
def persons() -> list[ConsolidatedPerson]:
    """Six persons: health (reported twice), three stranded, one welfare, one held."""
    health = dict(person_id="P0001", sex="M", passport_no="PS1234567")
    clusters = {
        "c1": [
            source("W012", 1, "r1", entry("illness", HEALTH_NAME, "Kim", "Chol Su",
                                          date(1985, 3, 2), since=date(2021, 7, 1), **health)),
            source("W031", 2, "r2", entry("work_injury", HEALTH_NAME, "KIM", "CHOLSU",
                                          date(1985, 3, 2), since=date(2021, 7, 3),
                                          fit_to_travel="no", wants_to_return="yes",
                                          note=MEDICAL_NOTE, **health), hours=5),
        ],
        "c2": [source("W012", 1, "r3", entry("stranded_trip", STRANDED_NAME, "Ri", "Yong Hui",
                                             date(1990, 1, 15), person_id="P0002", sex="F",
                                             since=date(2021, 6, 20), fit_to_travel="yes",
                                             wants_to_return="yes", note=OTHER_NOTE))],
        "c3": [source("W031", 2, "r4", entry("stalled_business", SCRIPT, FORMULA, "@SUM(1+1)",
                                             date(1979, 11, 30), sex="M", note=PHONE))],
        "c4": [source("W031", 2, "r5", entry("contract_ended", HANJA_NAME, "Kim", "Yong Nam",
                                             date(1970, 5, 5), person_id="P0004",
                                             passport_no=LONG_PASSPORT))],
        "c5": [source("W012", 1, "r6", entry("whereabouts_unknown", WELFARE_NAME, "Pak",
                                             "Min Su", date(1995, 8, 8), person_id="P0003"))],
        "c6": [source("W031", 2, "r7", entry("contract_ended", HELD_NAME, "Choe", "Un Jong",
                                             date(1988, 2, 29), person_id=HELD_ID))],
    }
    marked = {
        cid: [replace(s, held=s.entry.person_id == HELD_ID) for s in srcs]
        for cid, srcs in clusters.items()
    }
    return [merge_cluster(cid, srcs, CATALOGUE) for cid, srcs in marked.items()]
# fmt: on


def statuses() -> list[UnitStatus]:
    """W012 on time, W031 late, the consulate missing."""
    return [
        UnitStatus(
            "C1", "Consulate", "consulate", "M1", "not_submitted", None, Timeliness.MISSING, 0
        ),
        UnitStatus(
            "W012",
            "Sewing",
            "workplace",
            "C1",
            "accepted",
            DUE - timedelta(hours=2),
            Timeliness.ON_TIME,
            3,
        ),
        UnitStatus(
            "W031",
            "Restaurant",
            "workplace",
            "C1",
            "accepted",
            DUE + timedelta(hours=3),
            Timeliness.LATE,
            4,
        ),
    ]


def report_for(viewer: User) -> ConsolidatedReport:
    """The consolidated report of mission M1 as this viewer may see it."""
    return build_report(call(), "M1", tree(), persons(), CATALOGUE, viewer, statuses(), GENERATED)
