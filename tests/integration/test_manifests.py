"""Travel manifests name each traveller, as the viewer may see them, and every export is audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.intake import read_replacements
from muster.planning.result import Move, Plan
from muster.services.actors import resolve_user
from muster.services.manifests import manifest_rows
from muster.services.registry import add_user, set_hold
from muster.services.rotation import add_route, import_replacements, set_host, set_quarantine
from muster.services.rotation_plan import SavedPlan, plan_from_db
from muster.store.tables import AuditEventRow
from tests.integration.test_call_loop import HEADER, _issue, _review, _submit

POOL = (
    "replacement_id,family_name,given_name,name_native,date_of_birth,sex,trades,hosts,ready\n"
    "R1,Han,Gwang Il,한광일,1990-01-01,M,factory,XA,2021-08-01\n"
    "R2,O,Mi Sun,오미선,1991-02-02,F,construction,XA,2021-08-03\n"
)
LISTS = {
    "W1": HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,yes,yes,\n",
    # Not in the registry: linkage gives a cluster id, the entry gives the names.
    "W2": HEADER + ",Choe,Yong Ho,최용호,1988-04-04,M,M9999999,stranded_trip,,yes,yes,\n",
    "W3": HEADER + "P3,Pak,Myong Nam,박명남,1979-01-30,M,M3456789,stranded_trip,,yes,yes,\n",
}


def open_route(muster: Muster) -> None:
    """Host XA free, a bridge route open from 2021-08-02 (5 seats each way), 10 beds."""
    with muster.uow() as uow:
        set_host(uow, OPERATOR, "XA", "free", None)
    with muster.uow() as uow:
        add_route(
            uow, OPERATOR, route_id="bridge", host="XA", mode="bridge",
            open_from=date(2021, 8, 2), open_until=None, seats_home=5, seats_out=5,
        )  # fmt: skip
    with muster.uow() as uow:
        set_quarantine(uow, OPERATOR, 10, 14)


@pytest.fixture
def saved(muster: Muster) -> SavedPlan:
    """XA free, one open route, beds for all, two replacements; every list accepted; P3 held."""
    open_route(muster)
    with muster.uow() as uow:
        import_replacements(uow, OPERATOR, read_replacements(POOL.encode(), "pool.csv"))
    call_id = _issue(muster)
    for unit, body in LISTS.items():
        _submit(muster, call_id, unit, body)
        _review(muster, call_id, unit, "mission")
    with muster.uow() as uow:
        set_hold(uow, OPERATOR, "P3", True, "asked for asylum", muster.clock())
    with muster.uow() as uow:
        return plan_from_db(
            uow, resolve_user(uow, "hq"), muster.catalogue, call_id=call_id,
            start=date(2021, 8, 1), horizon_days=30, time_limit=20, now=muster.clock(),
        )  # fmt: skip


Row = tuple[object, ...]


def _rows(muster: Muster, actor: str, plan: SavedPlan, moves: Plan | None = None) -> dict[str, Row]:
    with muster.uow() as uow:
        rows = manifest_rows(
            uow, resolve_user(uow, actor), moves or plan.plan, plan_id=plan.id,
            persons=plan.persons,
        )  # fmt: skip
    return {r.move.person: tuple(r.cells()) for r in rows}


def test_every_traveller_is_named_for_booking(muster: Muster, saved: SavedPlan) -> None:
    rows = _rows(muster, "hq", saved)
    home = next(m for m in saved.plan.moves if m.person == "P1")
    assert rows["P1"] == (
        "home", "P1", "Kim", "Chol Su", "김철수", date(1985, 3, 14), "M1234567",
        "W1", "Sewing factory 1", "bridge", home.date,
    )  # fmt: skip
    unlinked = [row for person, row in rows.items() if person not in ("P1", "R1", "R2")]
    assert [row[2:9] for row in unlinked] == [
        ("Choe", "Yong Ho", "최용호", date(1988, 4, 4), "M9999999", "W2", "Restaurant Pyongyang")
    ]
    assert rows["R2"][:9] == (
        "out", "R2", "O", "Mi Sun", "오미선", date(1991, 2, 2), None, "W3", "Building site",
    )  # fmt: skip
    assert "P3" not in rows  # held: never planned


def test_a_viewer_sees_only_moves_in_their_subtree(muster: Muster, saved: SavedPlan) -> None:
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "plan.c2", "C2", ["plan"])
    assert set(_rows(muster, "plan.c2", saved)) == {"R2"}  # W3 lies under C2; W1, W2 do not


def test_a_held_person_is_named_only_with_protection(muster: Muster, saved: SavedPlan) -> None:
    """Defence in depth: even a plan that moved a held person never names them to others."""
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "planner", "HQ", ["plan"])
    forged = Plan("feasible", 0, 0, (Move("P3", "home", "bridge", date(2021, 8, 2), "W3"),), ())
    assert _rows(muster, "planner", saved, forged) == {}
    assert set(_rows(muster, "hq", saved, forged)) == {"P3"}


def test_every_export_is_audited(muster: Muster, saved: SavedPlan) -> None:
    rows = _rows(muster, "hq", saved)
    with muster.uow() as uow:
        events = uow.session.execute(
            select(AuditEventRow.actor, AuditEventRow.entity_id, AuditEventRow.after).where(
                AuditEventRow.action == "export_manifest"
            )
        ).all()
    assert [tuple(e) for e in events] == [("hq", str(saved.id), {"rows": len(rows)})]
