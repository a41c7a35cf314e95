"""The validity checker catches every broken SPEC §6 rule."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from planning_helpers import base, build, host, replacement, returnee, route, workplace

from muster.planning import Move, Plan, Scenario, Unscheduled, check_plan, objective_of

D0 = date(2021, 8, 1)


def scenario() -> Scenario:
    data = base(5, beds=1, quarantine_days=2)
    host(data, "CN", "paired")
    host(data, "RU", "free")
    route(data, "bridge", "CN", seats=1, first=1, last=3)
    route(data, "rail", "RU", seats=1)
    workplace(data, "W1", "CN", "sewing", 2, 2)
    workplace(data, "W2", "RU", "cooking", 1, 1)
    returnee(data, "P1", "W1")
    returnee(data, "P2", "W2", priority=2)
    returnee(data, "P3", "W1", protection_hold=True)
    replacement(data, "R1", ["sewing"], ["CN"])
    replacement(data, "R2", ["cooking"], ["RU"])
    return build(data)


def on(day: int) -> date:
    return date(2021, 8, 1 + day)


GOOD = (
    Move("P1", "home", "bridge", on(1), "W1"),
    Move("R1", "out", "bridge", on(1), "W1"),
    Move("P2", "home", "rail", on(3), "W2"),
    Move("R2", "out", "rail", on(3), "W2"),
)


def plan_of(s: Scenario, moves: tuple[Move, ...], **changes: object) -> Plan:
    moved = {m.person for m in moves}
    unscheduled = tuple(
        Unscheduled(p, "protection_hold" if p == "P3" else "capacity")
        for p in ("P1", "P2", "P3", "R1", "R2")
        if p not in moved
    )
    objective = objective_of(s, moves)
    plan = Plan("optimal", objective, objective, moves, unscheduled)
    return dataclasses.replace(plan, **changes)  # type: ignore[arg-type]


def test_good_plan_passes_and_objective_is_recomputed() -> None:
    s = scenario()
    assert check_plan(s, plan_of(s, GOOD)) == []
    assert objective_of(s, GOOD) == 8 * 4 + 1 * 4 + 4 * 2 + 1 * 2


def test_empty_plan_is_valid() -> None:
    s = scenario()
    assert check_plan(s, plan_of(s, ())) == []


def swap(index: int, **changes: object) -> tuple[Move, ...]:
    moves = list(GOOD)
    moves[index] = dataclasses.replace(moves[index], **changes)  # type: ignore[arg-type]
    return tuple(moves)


@pytest.mark.parametrize(
    ("moves", "expected"),
    [
        ((*GOOD, GOOD[0]), "rule 1: P1 moves 2 times"),
        (swap(1, direction="home"), "rule 1: replacement R1 moves home"),
        ((*GOOD, Move("P3", "home", "bridge", on(2), "W1")), "rule 2: P3 moves despite"),
        (swap(3, workplace="W1", route="bridge"), "rule 2: R2 cannot serve W1"),
        (swap(0, date=on(0), route="bridge"), "rule 3: P1 uses route bridge closed"),
        (swap(0, route="rail"), "rule 3: P1 uses route rail of another host"),
        (swap(2, date=on(1)), "rule 4: 2 quarantine beds in use on day 1"),
        ((*GOOD[2:], Move("P1", "home", "bridge", on(2), "W1")), "rule 5: W1 sends 1 home"),
        ((*GOOD[:2], GOOD[3]), "rule 5: W2 holds 2 > 1 on day 3"),
        (swap(0, date=on(9)), "outside the horizon"),
    ],
)
def test_broken_rules_are_reported(moves: tuple[Move, ...], expected: str) -> None:
    s = scenario()
    problems = check_plan(s, plan_of(s, moves))
    assert any(p.startswith(expected) or expected in p for p in problems), problems


def test_seats_per_route_and_day() -> None:
    data = base(3)
    host(data, "RU", "free")
    route(data, "rail", "RU", seats=1)
    workplace(data, "W", "RU", "x", 2, 2)
    returnee(data, "A", "W")
    returnee(data, "B", "W")
    s = build(data)
    moves = (Move("A", "home", "rail", on(0), "W"), Move("B", "home", "rail", on(0), "W"))
    assert "rule 3: route rail carries 2 home on day 0" in check_plan(s, plan_of_two(s, moves))


def plan_of_two(s: Scenario, moves: tuple[Move, ...]) -> Plan:
    objective = objective_of(s, moves)
    return Plan("feasible", objective, objective, moves, ())


def test_numbers_and_explanations_are_checked() -> None:
    s = scenario()
    good = plan_of(s, GOOD[:2])
    assert any("objective" in p for p in check_plan(s, dataclasses.replace(good, objective=1)))
    assert any("bound" in p for p in check_plan(s, dataclasses.replace(good, bound=0)))
    wrong = dataclasses.replace(good, unscheduled=(Unscheduled("P3", "capacity"),))
    problems = check_plan(s, wrong)
    assert "P3: reason capacity, expected protection_hold" in problems
    assert "P2: listed 0 times as unscheduled" in problems
    status = dataclasses.replace(good, bound=good.objective + 1)
    assert any(p.startswith("status optimal") for p in check_plan(s, status))
