"""Everyone not moved gets the binding reason; protection-held people never move."""

from __future__ import annotations

from typing import Any

from planning_helpers import (
    assert_valid,
    base,
    build,
    details,
    host,
    moved,
    reasons,
    replacement,
    returnee,
    route,
    workplace,
)

from muster.planning import Plan, Scenario, plan


def planned(data: dict[str, Any]) -> tuple[Scenario, Plan]:
    s = build(data)
    result = plan(s, time_limit=5)
    assert_valid(s, result)
    return s, result


def free_world(days: int = 10, seats: int = 5) -> dict[str, Any]:
    data = base(days)
    host(data, "RU", "free")
    route(data, "rail", "RU", seats=seats, first=2, last=7)
    workplace(data, "W", "RU", "cooking", 10, 10)
    return data


def test_ineligible_people_get_their_own_reason_and_never_move() -> None:
    data = free_world()
    returnee(data, "held", "W", protection_hold=True, consent=False)
    returnee(data, "unwilling", "W", consent=False)
    returnee(data, "unfit", "W", fit_to_travel=False)
    returnee(data, "ok", "W")
    _, result = planned(data)
    assert set(moved(result)) == {"ok"}
    assert reasons(result) == {
        "held": "protection_hold",
        "unwilling": "no_consent",
        "unfit": "not_fit",
    }
    assert details(result)["held"] == ""


def test_route_closed_when_the_host_has_no_open_route() -> None:
    data = free_world()
    host(data, "KW", "free")
    route(data, "kw-air", "KW", seats=3, first=40)  # opens after the horizon
    workplace(data, "K", "KW", "welding", 2, 2)
    returnee(data, "stuck", "K")
    _, result = planned(data)
    assert reasons(result) == {"stuck": "route_closed"}
    assert "host KW" in details(result)["stuck"]


def test_not_ready_after_the_horizon_or_the_last_open_day() -> None:
    data = free_world(days=10)
    returnee(data, "late", "W", ready=12)
    returnee(data, "after-close", "W", ready=8)
    _, result = planned(data)
    assert reasons(result) == {"late": "not_ready", "after-close": "not_ready"}
    assert "after the horizon" in details(result)["late"]
    assert "2021-08-08" in details(result)["after-close"]  # the rail's last open day


def test_no_replacement_in_a_paired_host() -> None:
    data = base(10)
    host(data, "CN", "paired")
    route(data, "bridge", "CN", seats=5)
    workplace(data, "S", "CN", "sewing", 2, 2)
    workplace(data, "C", "CN", "cooking", 1, 1)
    returnee(data, "sewer1", "S")
    returnee(data, "sewer2", "S", priority=2)
    returnee(data, "cook", "C")
    replacement(data, "R", ["sewing"], ["CN"])
    _, result = planned(data)
    assert moved(result) == {"sewer1": ("S", 0), "R": ("S", 0)}
    assert reasons(result) == {"sewer2": "no_replacement", "cook": "no_replacement"}
    assert "trade 'cooking' for host 'CN'" in details(result)["cook"]
    assert "all 1 replacements with trade 'sewing'" in details(result)["sewer2"]


def test_capacity_names_the_full_route_and_days() -> None:
    data = free_world(days=10, seats=1)  # rail open days 2..7, one seat a day
    for k in range(8):
        returnee(data, f"P{k}", "W", priority=1 if k < 6 else 3)
    _, result = planned(data)
    assert len(moved(result)) == 6
    assert reasons(result) == {"P6": "capacity", "P7": "capacity"}
    assert details(result)["P6"] == "home seats full (route rail) 2021-08-03..2021-08-08"


def test_capacity_names_full_quarantine() -> None:
    data = free_world(days=10)
    data["quarantine"] = {"beds": 1, "days": 20}
    returnee(data, "first", "W")
    returnee(data, "second", "W", priority=2)
    _, result = planned(data)
    assert set(moved(result)) == {"first"}
    assert reasons(result) == {"second": "capacity"}
    assert details(result)["second"].startswith("quarantine beds full")


def test_replacements_without_vacancy_or_workplace() -> None:
    data = free_world()
    replacement(data, "no-room", ["cooking"], ["RU"])
    replacement(data, "no-trade", ["nursing"], ["RU"])
    _, result = planned(data)
    assert reasons(result) == {"no-room": "capacity", "no-trade": "capacity"}
    assert "no vacancy for trade 'cooking' in RU" in details(result)["no-room"]
    assert "no workplace of trade nursing" in details(result)["no-trade"]


def test_a_trade_no_workplace_has_is_not_capacity() -> None:
    """Seats and places to spare: a replacement of another trade (or host) has nowhere to go."""
    data = free_world(days=10, seats=50)
    workplace(data, "empty", "RU", "cooking", 10, 0)
    replacement(data, "nurse", ["nursing"], ["RU"])
    replacement(data, "elsewhere", ["sewing"], ["ZZ"])
    _, result = planned(data)
    # SPEC §6 has no reason for "no place of this trade": the reason stays in SPEC's
    # vocabulary, and the detail names the trade, never a full route or workplace.
    assert reasons(result) == {"nurse": "capacity", "elsewhere": "capacity"}
    assert details(result)["elsewhere"] == "no workplace of trade sewing in host ZZ"
    assert details(result)["nurse"] == "no workplace of trade nursing in host RU"


def test_every_eligible_person_not_moved_is_blocked_on_every_day() -> None:
    """After the planner, nobody left is movable: no detail says a day was simply unused."""
    data = free_world(days=12, seats=2)
    data["quarantine"] = {"beds": 3, "days": 4}
    for k in range(10):
        returnee(data, f"P{k}", "W", priority=1 + k % 3, ready=k % 5)
    _, result = planned(data)
    assert result.unscheduled
    for u in result.unscheduled:
        assert u.reason == "capacity"
        assert "time limit" not in (u.detail or "")
