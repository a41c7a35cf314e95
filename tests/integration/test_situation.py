"""The situation board per host country against SQLite and PostgreSQL: two hosts (XA under
M1, YO under M2), two calls of HQ, held persons listed without their id, a welfare entry,
a consulate's own call, routes and a saved plan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from muster.bootstrap import Muster
from muster.domain.errors import NotFound
from muster.domain.situation import RouteState
from muster.domain.users import OPERATOR
from muster.services.lists import submit_nothing
from muster.services.registry import set_hold
from muster.services.rotation import add_route, set_host, set_quarantine
from muster.services.situation import Situation, hosts_overview, situation
from muster.store.tables import AuditEventRow, PlanRow
from tests.integration.matrix_world import (
    LIST_HEADER,
    accept,
    add_roles,
    issue,
    load_tree_and_people,
    open_muster,
    submit,
    user,
)

CATEGORIES = ("illness", "work_injury", "stranded_trip", "stalled_business", "whereabouts_unknown")
KANG = ",Kang,Seong-mi,,1987-06-06,F,M5678901,stranded_trip,,yes,yes,\n"  # P5, held, no id
JO = ",Jo,Kwang Su,조광수,1988-04-04,M,,whereabouts_unknown,2021-07-10,unknown,unknown,\n"
CHOE = ",Choe,Eun-hui,,1992-05-05,F,M4567890,stranded_trip,,yes,yes,\n"  # P4, held, no id
FIRST = {
    "W1": "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,fever\n"
    + KANG + JO,
    "W2": "P2,Ri,Yong Hui,리영희,1990-11-02,F,M2345678,stalled_business,,yes,yes,\n",
    "W3": "P3,Pak,Myong Nam,박명남,1979-01-30,M,M3456789,stranded_trip,,yes,yes,\n",
    "W4": "P8,Yun,Chol,윤철,1984-09-09,M,M8901234,illness,,no,yes,\n" + CHOE,
}  # fmt: skip
SECOND = {
    "W1": FIRST["W1"] + "P6,Jon,Myong Chol,전명철,1983-02-02,M,M6789012,work_injury,,no,yes,\n",
    "W2": FIRST["W2"],
    "W4": FIRST["W4"],
}


@pytest.fixture
def board(db_url: str, tmp_path: Path) -> Iterator[Muster]:
    """The two-mission world with two calls of HQ accepted at every workplace, then a call
    of C1 to its own subtree; rotation data for both hosts and a saved plan."""
    app = open_muster(db_url, tmp_path)
    load_tree_and_people(app)
    add_roles(app)
    for person in ("P4", "P5"):
        with app.uow() as uow:
            set_hold(uow, OPERATOR, person, True, "asked for protection", app.clock())
    first = issue(app, categories=CATEGORIES, title="June call")
    for unit, rows in FIRST.items():
        submit(app, first, unit, LIST_HEADER + rows)
        accept(app, first, unit)
    app.clock.advance(days=30)  # type: ignore[attr-defined]
    second = issue(app, categories=CATEGORIES, title="July call")
    for unit, rows in SECOND.items():
        submit(app, second, unit, LIST_HEADER + rows)
        accept(app, second, unit)
    with app.uow() as uow:
        submit_nothing(uow, OPERATOR, call_id=second, unit_code="W3", now=app.clock())
    accept(app, second, "W3")
    app.clock.advance(days=1)  # type: ignore[attr-defined]
    issue(app, by="C1", categories=("illness",), title="North call")
    _rotation(app)
    yield app
    app.engine.dispose()


def _rotation(app: Muster) -> None:
    with app.uow() as uow:
        set_host(uow, OPERATOR, "XA", "paired", "may stay until further notice")
    with app.uow() as uow:
        set_host(uow, OPERATOR, "YO", "free", None)
    routes = (
        ("xa-bridge", "XA", "bridge", date(2021, 9, 1), None, 120, 100),
        ("yo-rail", "YO", "rail", None, None, 0, 0),
    )
    for route, host, mode, first, last, home, out in routes:
        with app.uow() as uow:
            add_route(uow, OPERATOR, route_id=route, host=host, mode=mode, open_from=first,
                      open_until=last, seats_home=home, seats_out=out)  # fmt: skip
    with app.uow() as uow:
        set_quarantine(uow, OPERATOR, 10, 2)
    moves = [("W1", "2021-09-02"), ("W1", "2021-09-02"), ("W4", "2021-09-03")]
    plan = {
        "status": "optimal", "objective": 3, "bound": 3, "unscheduled": [],
        "moves": [{"person": f"X{i}", "direction": "home", "route": "r", "date": day,
                   "workplace": w} for i, (w, day) in enumerate(moves)]
        + [{"person": "R1", "direction": "out", "route": "r", "date": "2021-09-02",
            "workplace": "W1"}],
    }  # fmt: skip
    scenario = {"start": "2021-08-31", "horizon_days": 5, "quarantine": {"beds": 10, "days": 2}}
    with app.uow() as uow:
        uow.rotation.add_plan(
            PlanRow(call_id=None, created_at=app.clock(), created_by="operator",
                    status="optimal", objective=3, bound=3, scenario=scenario, plan=plan)
        )  # fmt: skip
        uow.commit()


def board_of(app: Muster, who: str, host: str = "XA", **kw: object) -> Situation:
    with app.uow() as uow:
        return situation(
            uow,
            user(app, who),
            app.catalogue,
            host=host,
            now=app.clock(),
            **kw,  # type: ignore[arg-type]
        )


def headlines(found: Situation) -> dict[str, tuple[int | None, int | None]]:
    return {c.key: (c.now, c.before) for c in found.headlines}


def test_a_mission_sees_its_host_without_held_persons_or_welfare(board: Muster) -> None:
    found = board_of(board, "mission")
    assert (found.rotation, found.stay_policy) == ("paired", "may stay until further notice")
    assert found.call is not None and found.call.title == "July call"
    assert found.previous_call is not None and found.previous_call.title == "June call"
    assert found.deployed.people == 4  # P1, P6, P2, P3 (P5 is held)
    assert found.held is None
    assert found.lists is not None and found.expected == 3
    assert found.lists.health == {"illness": 1, "work_injury": 1}
    assert found.lists.stranded == {"stranded_trip": 0, "stalled_business": 1}  # Kang hidden
    assert found.lists.welfare == {} and not found.welfare_visible
    assert found.lists.stalled_workplaces == 1 and found.lists.workplaces_reported == 3
    assert headlines(found) == {
        "sick_and_injured": (2, 1),
        "stranded": (1, 2),  # June: Pak (stranded_trip) and Ri (stalled)
        "stalled_workplaces": (1, 1),
    }


def test_protection_counts_the_held_person_and_welfare_shows_the_welfare_entry(
    board: Muster,
) -> None:
    officer = board_of(board, "m_officer")
    assert officer.deployed.people == 5 and officer.held == 1
    assert officer.lists is not None and officer.lists.stranded["stranded_trip"] == 1
    assert headlines(officer)["stranded"] == (2, 3)
    assert officer.lists.welfare == {}
    welfare = board_of(board, "welfare")
    assert welfare.welfare_visible and welfare.deployed.people == 4
    assert welfare.lists is not None and welfare.lists.welfare == {"whereabouts_unknown": 1}
    assert headlines(welfare)["welfare"] == (1, 1)
    assert welfare.lists.stranded["stranded_trip"] == 0


def test_a_consulate_sees_only_its_own_part_and_its_own_call(board: Muster) -> None:
    with board.uow() as uow:
        hosts = hosts_overview(uow, user(board, "consul"), board.catalogue, now=board.clock())
    assert [h.host for h in hosts] == ["XA"]
    found = board_of(board, "consul")
    assert found.deployed.workplaces == 2 and found.deployed.people == 3  # W1, W2; no P5
    # C1's own call covers every workplace C1 sees: it is the latest call of its board.
    assert found.call is not None and found.call.title == "North call"
    assert found.lists is not None and found.lists.workplaces_reported == 0
    assert found.previous_call is not None and found.previous_call.title == "July call"
    with pytest.raises(NotFound):
        board_of(board, "consul", host="YO")
    # The mission's board ignores C1's call: it covers only part of the host.
    assert board_of(board, "mission").call.title == "July call"  # type: ignore[union-attr]


def test_a_chosen_call_and_the_call_before_it(board: Muster) -> None:
    found = board_of(board, "mission", call_id=1)
    assert found.call is not None and found.call.title == "June call"
    assert found.previous_call is None
    assert headlines(found)["sick_and_injured"] == (1, None)
    with pytest.raises(NotFound):  # the other mission's host
        board_of(board, "mission", host="YO")
    c3_call = issue(board, by="C3", categories=("illness",), title="East call")
    with pytest.raises(NotFound):  # a call the mission may not see
        board_of(board, "mission", call_id=c3_call)


def test_a_call_to_part_of_the_host_is_compared_on_that_part(board: Muster) -> None:
    found = board_of(board, "mission", call_id=3)  # C1's call: W1 and W2
    assert found.call is not None and found.call.title == "North call" and found.expected == 2
    assert found.previous_call is not None and found.previous_call.title == "July call"
    assert found.previous is not None and found.previous.workplaces_reported == 2  # not W3
    assert {c.key: (c.now, c.before) for c in found.categories} == {"illness": (0, 1)}


def test_headquarters_sees_every_host(board: Muster) -> None:
    with board.uow() as uow:
        hosts = hosts_overview(uow, user(board, "hq_planner"), board.catalogue, now=board.clock())
    assert [h.host for h in hosts] == ["XA", "YO"]
    yonder = hosts[1]
    assert yonder.rotation == "free" and yonder.stay_policy is None
    assert yonder.deployed.people == 3  # P7, P8, P9 (P4 is held)
    assert yonder.lists is not None and yonder.lists.health == {"illness": 1, "work_injury": 0}
    assert yonder.lists.stranded["stranded_trip"] == 0  # Choe is held
    assert yonder.permit_names == ()  # the overview names nobody


def test_permits_expiring_with_names_for_the_viewer_only(board: Muster) -> None:
    found = board_of(board, "mission", on=date(2022, 4, 15))
    assert found.permits.expired == 1  # P3's permit ended on 2021-04-10
    assert found.permits.within == {30: 3, 60: 4, 90: 4}  # P3, P1, P6; then P2
    assert [p.person_id for p in found.permit_names] == ["P3", "P1", "P6", "P2"]
    assert found.permit_names[1].name_native == "김철수" and found.permit_names[1].days_left == 16
    officer = board_of(board, "m_officer", on=date(2022, 4, 15))
    assert "P5" in {p.person_id for p in officer.permit_names}
    assert officer.permits.within[30] == 4
    with board.uow() as uow:
        reads = uow.session.execute(
            select(AuditEventRow.actor, AuditEventRow.entity_id).where(
                AuditEventRow.action == "read_situation"
            )
        ).all()
    assert [tuple(r) for r in reads] == [("mission", "XA"), ("m_officer", "XA")]


def test_the_names_are_the_soonest_first_up_to_a_limit(
    board: Muster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("muster.services.situation.NAMES_SHOWN", 2)
    found = board_of(board, "mission", on=date(2022, 4, 15))
    assert [p.person_id for p in found.permit_names] == ["P3", "P1"]
    assert found.permits.within[90] == 4  # the counts count everyone


def test_routes_over_time_and_beds_of_the_latest_plan(board: Muster) -> None:
    found = board_of(board, "mission", on=date(2021, 8, 20))
    (bridge,) = found.routes
    assert bridge.state is RouteState.CLOSED and bridge.opens_on == date(2021, 9, 1)
    assert [(s.state, s.days) for s in bridge.stretches] == [
        (RouteState.CLOSED, 12), (RouteState.OPEN, 78),
    ]  # fmt: skip
    assert bridge.seats_home == 78 * 120
    assert found.beds is not None and found.beds.capacity == 10 and found.beds.days == 2
    assert found.beds.host == (0, 0, 2, 2, 0)
    assert found.beds.everyone == (0, 0, 2, 2, 0)  # W4's homecoming is another mission's
    hq = board_of(board, "hq_planner", host="YO", on=date(2021, 8, 20))
    assert [r.state for r in hq.routes] == [RouteState.SEVERED]
    assert hq.beds is not None and hq.beds.host == (0, 0, 0, 1, 1)
    assert hq.beds.everyone == (0, 0, 2, 3, 1)


def test_without_a_call_or_a_plan_the_board_still_shows_people_and_routes(
    db_url: str, tmp_path: Path
) -> None:
    app = open_muster(db_url, tmp_path)
    try:
        load_tree_and_people(app)
        add_roles(app)
        found = board_of(app, "mission")
        assert found.call is None and found.lists is None and found.headlines == ()
        assert found.beds is None and found.routes == () and found.rotation is None
        assert found.deployed.people == 5
    finally:
        app.engine.dispose()
