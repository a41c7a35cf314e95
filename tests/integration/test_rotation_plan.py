"""Planning from the database: host policies, routes, replacements and a call's persons."""

from __future__ import annotations

from datetime import date

import pytest

from muster.bootstrap import Muster
from muster.domain.errors import DomainError, NotPermitted
from muster.domain.users import OPERATOR
from muster.intake import read_replacements
from muster.planning import check_plan
from muster.services.actors import resolve_user
from muster.services.registry import add_user, set_hold
from muster.services.rotation import (
    add_route,
    import_replacements,
    set_host,
    set_quarantine,
    set_route_window,
)
from muster.services.rotation_plan import plan_from_db
from tests.integration.test_call_loop import HEADER, _issue, _review, _submit

REPLACEMENTS = (
    "replacement_id,family_name,given_name,name_native,date_of_birth,sex,trades,hosts,ready\n"
    "R1,Han,Gwang Il,한광일,1990-01-01,M,factory;restaurant,XA,2021-08-01\n"
    "R2,O,Mi Sun,오미선,1991-02-02,F,construction,XA,2021-08-03\n"
)
W1 = HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,yes,yes,\n"
W2 = HEADER + "P2,Ri,Yong Hui,리영희,1990-11-02,F,M2345678,stranded_trip,,yes,no,\n"
W3 = HEADER + "P3,Pak,Myong Nam,박명남,1979-01-30,M,M3456789,stranded_trip,,yes,yes,\n"


@pytest.fixture
def rotation_world(muster: Muster) -> int:
    """XA is free, one route, 10 beds, two replacements; W1..W3 accepted; P3 held."""
    with muster.uow() as uow:
        set_host(uow, OPERATOR, "XA", "free", "may stay until permits expire")
    with muster.uow() as uow:
        add_route(
            uow,
            OPERATOR,
            route_id="bridge",
            host="XA",
            mode="bridge",
            open_from=date(2021, 8, 2),
            open_until=None,
            seats_home=5,
            seats_out=5,
        )
    with muster.uow() as uow:
        set_quarantine(uow, OPERATOR, 10, 14)
    with muster.uow() as uow:
        import_replacements(uow, OPERATOR, read_replacements(REPLACEMENTS.encode(), "r.csv"))
    call_id = _issue(muster)
    for unit, body in (("W1", W1), ("W2", W2), ("W3", W3)):
        _submit(muster, call_id, unit, body)
        _review(muster, call_id, unit, "mission")
    with muster.uow() as uow:
        set_hold(uow, OPERATOR, "P3", True, "asked for asylum", muster.clock())
    return call_id


def test_plan_from_db_is_valid_voluntary_and_saved(muster: Muster, rotation_world: int) -> None:
    with muster.uow() as uow:
        saved = plan_from_db(
            uow,
            resolve_user(uow, "hq"),
            muster.catalogue,
            call_id=rotation_world,
            start=date(2021, 8, 1),
            horizon_days=30,
            time_limit=20,
            now=muster.clock(),
        )
    assert check_plan(saved.scenario, saved.plan) == []
    homes = {m.person for m in saved.plan.moves if m.direction == "home"}
    outs = {m.person for m in saved.plan.moves if m.direction == "out"}
    assert homes == {"P1"}
    assert outs == {"R1", "R2"}
    reasons = {u.person: u.reason for u in saved.plan.unscheduled}
    assert reasons["P2"] == "no_consent"
    assert reasons["P3"] == "protection_hold"  # hq holds the protection permission
    with muster.uow() as uow:
        row = uow.rotation.plan(saved.id)
        assert row is not None and row.created_by == "hq" and row.status == saved.plan.status


def test_without_protection_a_held_person_is_not_even_named(
    muster: Muster, rotation_world: int
) -> None:
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "planner", "HQ", ["plan", "review"])
    with muster.uow() as uow:
        saved = plan_from_db(
            uow,
            resolve_user(uow, "planner"),
            muster.catalogue,
            call_id=rotation_world,
            start=date(2021, 8, 1),
            horizon_days=30,
            time_limit=20,
            now=muster.clock(),
        )
    named = {m.person for m in saved.plan.moves} | {u.person for u in saved.plan.unscheduled}
    assert "P3" not in named


def test_closed_route_explains_and_rules_are_enforced(muster: Muster, rotation_world: int) -> None:
    with muster.uow() as uow:
        set_route_window(uow, OPERATOR, "bridge", None, None)
    with muster.uow() as uow:
        saved = plan_from_db(
            uow,
            OPERATOR,
            muster.catalogue,
            call_id=rotation_world,
            start=date(2021, 8, 1),
            horizon_days=30,
            time_limit=20,
            now=muster.clock(),
        )
    assert saved.plan.moves == ()
    assert {u.person: u.reason for u in saved.plan.unscheduled}["P1"] == "route_closed"
    with muster.uow() as uow, pytest.raises(NotPermitted):
        set_host(uow, resolve_user(uow, "north"), "XA", "paired", None)
    with muster.uow() as uow, pytest.raises(DomainError, match="expected paired or free"):
        set_host(uow, OPERATOR, "XA", "capped", None)
    with muster.uow() as uow, pytest.raises(DomainError, match="negative"):
        add_route(
            uow,
            OPERATOR,
            route_id="rail",
            host="XA",
            mode="rail",
            open_from=None,
            open_until=None,
            seats_home=-1,
            seats_out=0,
        )
