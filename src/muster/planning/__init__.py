"""Rotation planning (SPEC §6): scenario, planner, validity checker, explanations, greedy.

The database layer builds a `Scenario` and calls `plan(scenario, time_limit)`.
"""

from __future__ import annotations

from muster.planning.api import plan
from muster.planning.check import check_plan, objective_of
from muster.planning.facts import Facts
from muster.planning.greedy import greedy_plan
from muster.planning.parse import load_scenario, parse_scenario
from muster.planning.result import Move, Plan, Unscheduled, plan_from_json
from muster.planning.scenario import (
    Host,
    Quarantine,
    Replacement,
    Returnee,
    Route,
    Scenario,
    ScenarioError,
    Workplace,
)

__all__ = [
    "Facts",
    "Host",
    "Move",
    "Plan",
    "Quarantine",
    "Replacement",
    "Returnee",
    "Route",
    "Scenario",
    "ScenarioError",
    "Unscheduled",
    "Workplace",
    "check_plan",
    "greedy_plan",
    "load_scenario",
    "objective_of",
    "parse_scenario",
    "plan",
    "plan_from_json",
]
