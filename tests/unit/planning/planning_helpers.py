"""Small scenario builders shared by the planning tests (dicts in the SPEC §6 JSON form)."""

from __future__ import annotations

import copy
import importlib.util
import sys
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from muster.planning import Move, Plan, Scenario, Unscheduled, check_plan, parse_scenario
from muster.planning.scenario import ineligibility

EXAMPLE: dict[str, Any] = {
    "start": "2021-08-01",
    "horizon_days": 60,
    "priority_weights": {"1": 8, "2": 4, "3": 2, "4": 1},
    "vacancy_weight": 1,
    "quarantine": {"beds": 400, "days": 14},
    "hosts": [{"id": "CN", "rotation": "paired"}, {"id": "RU", "rotation": "free"}],
    "routes": [
        {
            "id": "bridge",
            "host": "CN",
            "open_from": "2021-08-10",
            "open_until": None,
            "seats_home": 120,
            "seats_out": 120,
        }
    ],
    "workplaces": [{"id": "W001", "host": "CN", "trade": "sewing", "slots": 40, "occupied": 40}],
    "returnees": [
        {
            "id": "P0001",
            "workplace": "W001",
            "priority": 1,
            "ready": "2021-08-01",
            "consent": True,
            "protection_hold": False,
            "fit_to_travel": True,
        }
    ],
    "replacements": [{"id": "R0001", "trades": ["sewing"], "hosts": ["CN"], "ready": "2021-08-05"}],
}


def example() -> dict[str, Any]:
    """A fresh copy of the SPEC §6 example scenario."""
    return copy.deepcopy(EXAMPLE)


def day(t: int) -> str:
    """ISO date of day t (negative: before the start) in scenarios starting 2021-08-01."""
    return (date(2021, 8, 1) + timedelta(days=t)).isoformat()


def base(days: int, beds: int = 100, quarantine_days: int = 0, **weights: int) -> dict[str, Any]:
    """An empty scenario starting 2021-08-01."""
    return {
        "start": "2021-08-01",
        "horizon_days": days,
        "priority_weights": {str(k): v for k, v in (weights or {"1": 8, "2": 4, "3": 2}).items()},
        "vacancy_weight": 1,
        "quarantine": {"beds": beds, "days": quarantine_days},
        "hosts": [],
        "routes": [],
        "workplaces": [],
        "returnees": [],
        "replacements": [],
    }


def host(data: dict[str, Any], id_: str, rotation: str) -> None:
    """Add a host."""
    data["hosts"].append({"id": id_, "rotation": rotation})


def route(
    data: dict[str, Any], id_: str, host_: str, seats: int, first: int = 0, last: int | None = None
) -> None:
    """Add a route open from day `first` to day `last` with `seats` each way."""
    data["routes"].append(
        {
            "id": id_,
            "host": host_,
            "open_from": day(first),
            "open_until": None if last is None else day(last),
            "seats_home": seats,
            "seats_out": seats,
        }
    )


def workplace(
    data: dict[str, Any], id_: str, host_: str, trade: str, slots: int, occupied: int
) -> None:
    """Add a workplace."""
    data["workplaces"].append(
        {"id": id_, "host": host_, "trade": trade, "slots": slots, "occupied": occupied}
    )


def returnee(
    data: dict[str, Any], id_: str, wp: str, priority: int = 1, ready: int = 0, **flags: bool
) -> None:
    """Add a returnee (consenting, no hold, fit unless flags say otherwise)."""
    data["returnees"].append(
        {
            "id": id_,
            "workplace": wp,
            "priority": priority,
            "ready": day(ready),
            "consent": flags.get("consent", True),
            "protection_hold": flags.get("protection_hold", False),
            "fit_to_travel": flags.get("fit_to_travel", True),
        }
    )


def replacement(
    data: dict[str, Any], id_: str, trades: list[str], hosts: list[str], ready: int = 0
) -> None:
    """Add a replacement."""
    data["replacements"].append({"id": id_, "trades": trades, "hosts": hosts, "ready": day(ready)})


def build(data: dict[str, Any]) -> Scenario:
    """Parse and validate a scenario dict."""
    return parse_scenario(data)


def assert_valid(scenario: Scenario, plan: Plan) -> None:
    """The plan passes the independent checker."""
    problems = check_plan(scenario, plan)
    assert problems == [], problems


def moved(plan: Plan) -> dict[str, tuple[str, int]]:
    """person -> (workplace, day index) of every move."""
    return {m.person: (m.workplace, (m.date - date(2021, 8, 1)).days) for m in plan.moves}


def reasons(plan: Plan) -> dict[str, str]:
    """person -> reason of every unscheduled person."""
    return {u.person: u.reason for u in plan.unscheduled}


def details(plan: Plan) -> dict[str, str]:
    """person -> detail of every unscheduled person."""
    return {u.person: u.detail or "" for u in plan.unscheduled}


BENCH = Path(__file__).resolve().parents[3] / "bench"


def bench_module(name: str) -> ModuleType:
    """A module of bench/ (its own imports of sibling modules resolved), loaded once."""
    if name in sys.modules:
        return sys.modules[name]
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def valid_moves(s: Scenario, moves: tuple[Move, ...], value: int) -> bool:
    """Whether moves with this objective form a valid plan (for brute force searches)."""
    moved = {m.person for m in moves}
    unscheduled = tuple(
        Unscheduled(r.id, ineligibility(r) or "capacity") for r in s.returnees if r.id not in moved
    ) + tuple(Unscheduled(r.id, "capacity") for r in s.replacements if r.id not in moved)
    return not check_plan(s, Plan("feasible", value, value, moves, unscheduled))
