"""The planner on hand-made scenarios: the SPEC example, the rules, and where greedy is poor."""

from __future__ import annotations

import dataclasses

import pytest
from planning_helpers import (
    assert_valid,
    base,
    build,
    example,
    host,
    moved,
    reasons,
    replacement,
    returnee,
    route,
    workplace,
)

from muster.planning import Scenario, ScenarioError, greedy_plan, plan


def test_spec_example_is_optimal() -> None:
    s = build(example())
    result = plan(s, time_limit=10)
    assert_valid(s, result)
    # P0001 and R0001 travel together on the first open day (day 9): (8 + 1) * (60 - 9).
    assert moved(result) == {"P0001": ("W001", 9), "R0001": ("W001", 9)}
    assert (result.status, result.objective, result.bound) == ("optimal", 459, 459)
    assert result.unscheduled == ()


def test_empty_scenario_gives_an_empty_optimal_plan() -> None:
    s = build(base(5))
    result = plan(s, time_limit=5)
    assert (result.status, result.objective, result.bound, result.moves) == ("optimal", 0, 0, ())


def test_free_host_sends_replacements_only_into_vacancies() -> None:
    data = base(10)
    host(data, "RU", "free")
    route(data, "rail", "RU", seats=5)
    workplace(data, "W", "RU", "cooking", slots=3, occupied=2)
    returnee(data, "P", "W", priority=1, ready=4)
    for k in range(3):
        replacement(data, f"R{k}", ["cooking"], ["RU"])
    s = build(data)
    result = plan(s, time_limit=5)
    assert_valid(s, result)
    days = sorted(t for p, (_, t) in moved(result).items() if p.startswith("R"))
    # One vacancy from day 0, a second one only once P has gone home on day 4.
    assert days == [0, 4]
    assert result.status == "optimal"


def test_paired_host_never_sends_anyone_home_without_a_replacement() -> None:
    data = base(10)
    host(data, "CN", "paired")
    route(data, "bridge", "CN", seats=5)
    workplace(data, "W", "CN", "sewing", slots=2, occupied=2)
    returnee(data, "P1", "W")
    returnee(data, "P2", "W")
    replacement(data, "R1", ["sewing"], ["CN"], ready=3)
    s = build(data)
    result = plan(s, time_limit=5)
    assert_valid(s, result)
    assert moved(result) == {"P1": ("W", 3), "R1": ("W", 3)}


def beats_greedy(s: Scenario) -> tuple[int, int]:
    result = plan(s, time_limit=10)
    greedy = greedy_plan(s)
    assert_valid(s, result)
    assert_valid(s, greedy)
    assert result.status == "optimal"
    return result.objective, greedy.objective


def test_scarce_replacements_with_specific_trades() -> None:
    """Greedy gives the only two-trade replacement to the first returnee and strands the next."""
    data = base(20)
    host(data, "CN", "paired")
    route(data, "bridge", "CN", seats=5)
    workplace(data, "SEW", "CN", "sewing", 1, 1)
    workplace(data, "COOK", "CN", "cooking", 1, 1)
    returnee(data, "P-sew", "SEW")
    returnee(data, "P-cook", "COOK")
    replacement(data, "R-both", ["sewing", "cooking"], ["CN"], ready=0)
    replacement(data, "R-sew", ["sewing"], ["CN"], ready=5)
    planner, greedy = beats_greedy(build(data))
    assert greedy == (8 + 1) * 20
    assert planner == (8 + 1) * 20 + (8 + 1) * 15


def test_tight_quarantine() -> None:
    """One bed for two days: greedy lets a late-ready urgent case split the beds badly."""
    data = base(6, beds=1, quarantine_days=2)
    host(data, "RU", "free")
    route(data, "rail", "RU", seats=3)
    workplace(data, "W", "RU", "x", 3, 3)
    returnee(data, "urgent", "W", priority=1, ready=1)
    returnee(data, "L1", "W", priority=2)
    returnee(data, "L2", "W", priority=2)
    planner, greedy = beats_greedy(build(data))
    assert greedy == 8 * 5 + 4 * 3 + 4 * 1  # urgent day 1, L1 day 3, L2 day 5
    assert planner == 4 * 6 + 8 * 4 + 4 * 2  # L1 day 0, urgent day 2, L2 day 4


def test_routes_opening_late() -> None:
    """The urgent case's route opens late; greedy spends the flexible replacement on it."""
    data = base(20)
    host(data, "CN", "paired")
    host(data, "VN", "paired")
    route(data, "cn-bridge", "CN", seats=2)
    route(data, "vn-air", "VN", seats=2, first=6)
    workplace(data, "CN1", "CN", "welding", 1, 1)
    workplace(data, "VN1", "VN", "welding", 1, 1)
    returnee(data, "urgent-VN", "VN1", priority=1)
    returnee(data, "P-CN", "CN1", priority=2)
    replacement(data, "R-any", ["welding"], ["VN", "CN"])
    replacement(data, "R-VN", ["welding"], ["VN"])
    planner, greedy = beats_greedy(build(data))
    assert greedy == (8 + 1) * 14
    assert planner == (8 + 1) * 14 + (4 + 1) * 20


def test_time_limit_is_respected_and_result_still_valid() -> None:
    data = base(30, beds=5, quarantine_days=3)
    host(data, "RU", "free")
    route(data, "rail", "RU", seats=2)
    for w in range(20):
        workplace(data, f"W{w}", "RU", "x", 3, 2)
        returnee(data, f"P{w}", f"W{w}", priority=1 + w % 3, ready=w % 7)
        replacement(data, f"R{w}", ["x"], ["RU"], ready=w % 5)
    s = build(data)
    result = plan(s, time_limit=1)
    assert_valid(s, result)
    assert result.objective >= greedy_plan(s).objective


def test_plan_validates_scenarios_built_in_code() -> None:
    s = build(example())
    bad = dataclasses.replace(s, routes=(dataclasses.replace(s.routes[0], seats_out=-1),))
    with pytest.raises(ScenarioError, match=r"routes\[0\]\.seats_out: must not be negative"):
        plan(bad)


def test_a_route_with_no_open_day_is_closed_not_refused() -> None:
    data = base(10)
    host(data, "CN", "free")
    route(data, "bridge", "CN", seats=5, first=6, last=3)  # open_until before open_from
    workplace(data, "W", "CN", "sewing", slots=3, occupied=2)
    returnee(data, "P", "W")
    replacement(data, "R", ["sewing"], ["CN"])
    s = build(data)
    result = plan(s, time_limit=5)
    assert_valid(s, result)
    assert result.moves == () and result.warnings == ()
    assert reasons(result) == {"P": "route_closed", "R": "route_closed"}
    assert result.status == "optimal"


def test_a_closed_route_beside_an_open_one_of_the_same_host() -> None:
    data = base(10)
    host(data, "CN", "free")
    route(data, "bridge", "CN", seats=5, first=4, last=2)
    route(data, "ferry", "CN", seats=5, first=-3, last=None)  # open since before the start
    workplace(data, "W", "CN", "sewing", slots=3, occupied=2)
    returnee(data, "P", "W", ready=-10)
    s = build(data)
    result = plan(s, time_limit=5)
    assert_valid(s, result)
    assert {(m.person, m.route) for m in result.moves} == {("P", "ferry")}
    assert moved(result)["P"] == ("W", 0)


def test_more_returnees_than_occupied_are_planned_with_a_warning() -> None:
    data = base(10)
    host(data, "RU", "free")
    route(data, "rail", "RU", seats=5)
    workplace(data, "W", "RU", "cooking", slots=3, occupied=1)
    for k in range(3):
        returnee(data, f"P{k}", "W")
    s = build(data)
    result = plan(s, time_limit=5)
    assert_valid(s, result)
    assert set(moved(result)) == {"P0", "P1", "P2"}
    assert result.warnings == (
        "workplaces[0].occupied: 1 is less than the 3 returnees listed at 'W'; "
        "planned with occupied = 1 as given",
    )
    shown = result.to_json()
    assert shown["warnings"] == list(result.warnings)
    assert "warnings" not in build_plan_json(example())


def build_plan_json(data: dict[str, object]) -> dict[str, object]:
    """The JSON of the plan of a scenario without warnings."""
    return plan(build(data), time_limit=5).to_json()
