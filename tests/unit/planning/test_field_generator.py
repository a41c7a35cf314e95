"""The planner on the second, independent scenario generator (bench/planning_field.py).

A small seeded field scenario goes through the SPEC §6 file format, is planned, and the
plan is checked: valid (`check_plan`), at its proven bound within 1%, better than or equal
to greedy, and every person not moved has exactly one reason that the independent oracle
of bench/planning_both.py allows. The field officer's oddities (Hangul ids, ids that differ
by case or a trailing space, a workplace whose returnees all refused, a paired host with
no seat out, a host cut off) are each checked by name.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from planning_helpers import bench_module

from muster.planning import Plan, Scenario, check_plan, greedy_plan, load_scenario, plan
from muster.planning.result import REASONS

field = bench_module("planning_field")
both = bench_module("planning_both")


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Plan, dict[str, Any]]:
    data = field.generate("small", seed=7)
    path = field.write(data, tmp_path_factory.mktemp("field") / "small.json")
    scenario = load_scenario(path)
    return scenario, plan(scenario, time_limit=20), data


def test_the_file_is_spec_json_and_reads_back_whole(
    planned: tuple[Scenario, Plan, dict[str, Any]],
) -> None:
    scenario, _, data = planned
    assert len(scenario.returnees) == len(data["returnees"]) > 1_000
    assert len(scenario.replacements) == len(data["replacements"]) > 600
    assert {"평양식당", "평양 식당", "CN-REST-closed", "cn-rest-closed"} <= {
        w.id for w in scenario.workplaces
    }
    assert {"R000001 ", "r000001"} <= {r.id for r in scenario.replacements}
    # one host holds most of the people; charters are one-day windows
    people = Counter(w.host for w in scenario.workplaces for _ in range(w.occupied))
    assert people.most_common(1)[0][0] == "CN"
    assert people["CN"] > 0.5 * sum(people.values())
    assert sum(r.open_from == r.open_until for r in scenario.routes) > 40


def test_the_plan_is_valid_at_its_bound_and_not_worse_than_greedy(
    planned: tuple[Scenario, Plan, dict[str, Any]],
) -> None:
    scenario, result, _ = planned
    assert check_plan(scenario, result) == []
    assert result.bound > 0
    assert result.objective >= 0.99 * result.bound
    assert result.objective >= greedy_plan(scenario).objective
    assert sum(m.direction == "home" for m in result.moves) > 100


def test_every_person_not_moved_has_one_reason_the_oracle_allows(
    planned: tuple[Scenario, Plan, dict[str, Any]],
) -> None:
    scenario, result, _ = planned
    assert both.reason_problems(scenario, result) == []
    moved = {m.person for m in result.moves}
    listed = Counter(u.person for u in result.unscheduled)
    for person in [r.id for r in scenario.returnees] + [r.id for r in scenario.replacements]:
        assert listed[person] == (0 if person in moved else 1), person
    reasons = Counter(u.reason for u in result.unscheduled)
    # the field scenario produces every reason of SPEC §6
    assert set(reasons) == REASONS


def test_the_field_officers_edge_cases(planned: tuple[Scenario, Plan, dict[str, Any]]) -> None:
    scenario, result, _ = planned
    why = {u.person: u.reason for u in result.unscheduled}
    where = {r.id: r.workplace for r in scenario.returnees}
    host = {w.id: w.host for w in scenario.workplaces}
    # the workplace whose returnees all refused or did not answer: nobody moves
    refused = [p for p, w in where.items() if w == "RU-TRAD-refused"]
    assert refused and all(why[p] == "no_consent" for p in refused)
    # paired host with home seats but no seat out: nobody leaves a capped place
    eligible = {r.id for r in scenario.returnees if r.consent and r.fit_to_travel}
    eligible -= {r.id for r in scenario.returnees if r.protection_hold}
    late = {r.id for r in scenario.returnees if scenario.day(r.ready) >= scenario.horizon_days}
    kw = [p for p in eligible if host[where[p]] == "KW"]
    assert kw and all(why[p] == ("not_ready" if p in late else "route_closed") for p in kw)
    assert why["R-KW-waiting"] == "route_closed"
    # the host cut off: its routes never open
    mm = [p for p in eligible if host[where[p]] == "MM" and p in why]
    assert all(why[p] in ("route_closed", "not_ready") for p in mm)
    assert not any(host[m.workplace] in ("MM", "KW") for m in result.moves)
    # ready after the horizon; a replacement whose only host is spelled 'cn'
    assert why["R-never"] == "not_ready"
    assert why["p000013"] == "not_ready"
    # the stale roster (more returnees than occupied) is planned and warned about
    assert any("LA-REST-stale" in w for w in result.warnings)


def test_the_command_line_plans_the_file(tmp_path: Path) -> None:
    data = field.generate("tiny", seed=3)
    path = field.write(data, tmp_path / "tiny.json")
    scenario = load_scenario(path)
    _seconds, ok, problems = both.run_cli(path, 20.0, scenario)
    assert problems == [] and ok
    written = json.loads(path.with_suffix(".plan.json").read_text(encoding="utf-8"))
    assert written["status"] in ("optimal", "feasible")
    assert written["objective"] >= 0.99 * written["bound"]
