"""Small in-memory worlds for domain tests."""

from __future__ import annotations

from datetime import UTC, datetime

from muster.domain.calls import Call
from muster.domain.units import Unit, UnitKind, UnitTree, WorkplaceType

T0 = datetime(2021, 7, 20, 9, 0, tzinfo=UTC)
DUE = datetime(2021, 7, 24, 18, 0, tzinfo=UTC)


def small_units() -> list[Unit]:
    """HQ; mission M1 with consulates C1 and C2; workplaces W1, W2 under C1, W3 under C2."""
    w = UnitKind.WORKPLACE
    return [
        Unit("HQ", "Headquarters", UnitKind.HEADQUARTERS),
        Unit("M1", "Embassy", UnitKind.MISSION, "HQ", host_country="CN"),
        Unit("C1", "Consulate A", UnitKind.CONSULATE, "M1", host_country="CN"),
        Unit("C2", "Consulate B", UnitKind.CONSULATE, "M1", host_country="CN"),
        Unit("W1", "Sewing 1", w, "C1", "CN", "Dandong", WorkplaceType.FACTORY, 40),
        Unit("W2", "Restaurant", w, "C1", "CN", "Dandong", WorkplaceType.RESTAURANT, 12),
        Unit("W3", "Site", w, "C2", "CN", "Shenyang", WorkplaceType.CONSTRUCTION, 80),
    ]


def small_tree() -> UnitTree:
    """The small world as a tree."""
    return UnitTree(small_units())


def small_call(due: datetime = DUE) -> Call:
    """HQ asks the whole tree for illness and stranded trips."""
    return Call(
        id=1,
        title="July call",
        issued_by="HQ",
        scope="HQ",
        categories=("illness", "stranded_trip"),
        due={UnitKind.WORKPLACE: due, UnitKind.CONSULATE: due, UnitKind.MISSION: due},
        issued_at=T0,
    )
