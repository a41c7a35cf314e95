"""`muster plan SCENARIO.json`: output, files and exit codes 0/1/2.

One test per exit code runs the installed `muster` as a real process; the other cases use
Typer's runner in-process (starting the whole CLI is slow on a loaded 2-core machine).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from muster.cli import app
from muster.planning import check_plan, load_scenario, plan_from_json

SCENARIO: dict[str, Any] = {
    "start": "2021-08-01",
    "horizon_days": 30,
    "priority_weights": {"1": 8, "2": 4, "3": 2},
    "vacancy_weight": 1,
    "quarantine": {"beds": 2, "days": 14},
    "hosts": [{"id": "CN", "rotation": "paired"}, {"id": "RU", "rotation": "free"}],
    "routes": [
        {"id": "bridge", "host": "CN", "open_from": "2021-08-10", "open_until": None,
         "seats_home": 1, "seats_out": 1},
        {"id": "rail", "host": "RU", "open_from": "2021-08-01", "open_until": "2021-08-20",
         "seats_home": 1, "seats_out": 1},
    ],
    "workplaces": [
        {"id": "W1", "host": "CN", "trade": "sewing", "slots": 2, "occupied": 2},
        {"id": "W2", "host": "RU", "trade": "cooking", "slots": 3, "occupied": 2},
    ],
    "returnees": [
        {"id": "P1", "workplace": "W1", "priority": 1, "ready": "2021-08-01", "consent": True},
        {"id": "P2", "workplace": "W1", "priority": 2, "ready": "2021-08-01", "consent": True},
        {"id": "P3", "workplace": "W2", "priority": 3, "ready": "2021-08-03", "consent": True},
        {"id": "P4", "workplace": "W2", "priority": 1, "ready": "2021-08-01", "consent": True,
         "protection_hold": True},
    ],
    "replacements": [
        {"id": "R1", "trades": ["sewing"], "hosts": ["CN"], "ready": "2021-08-05"},
        {"id": "R2", "trades": ["cooking"], "hosts": ["RU", "CN"], "ready": "2021-08-01"},
    ],
}  # fmt: skip


def muster() -> list[str]:
    """The installed `muster` console script of this environment."""
    script = Path(sys.executable).with_name("muster")
    found = str(script) if script.exists() else shutil.which("muster")
    if found is None:
        pytest.skip("muster console script not installed")
    return [found]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*muster(), *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(SCENARIO), encoding="utf-8")
    return path


def test_plan_to_stdout_is_valid_json_and_passes_the_checker(scenario_file: Path) -> None:
    done = run("plan", str(scenario_file), "--time-limit", "20")
    assert done.returncode == 0, done.stderr
    result = plan_from_json(json.loads(done.stdout))
    assert check_plan(load_scenario(scenario_file), result) == []
    assert result.status == "optimal"
    assert "P4" not in {m.person for m in result.moves}
    assert {u.person: u.reason for u in result.unscheduled}["P4"] == "protection_hold"
    assert "plan optimal" in done.stderr


def in_process(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_plan_to_file(scenario_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    done = in_process("plan", str(scenario_file), "--out", str(out))
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"status", "objective", "bound", "moves", "unscheduled"}
    assert {m["direction"] for m in data["moves"]} == {"home", "out"}


def test_a_closed_route_and_a_crowded_workplace_are_planned_with_warnings(tmp_path: Path) -> None:
    data = json.loads(json.dumps(SCENARIO))
    data["routes"][1]["open_until"] = "2021-07-20"  # before open_from: rail has no open day
    data["workplaces"][1]["occupied"] = 0  # W2 lists P3 and P4 anyway
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = in_process("plan", str(path))
    assert done.exit_code == 0, done.stderr
    output = json.loads(done.stdout)
    assert output["warnings"] == [
        "workplaces[1].occupied: 0 is less than the 2 returnees listed at 'W2'; "
        "planned with occupied = 0 as given"
    ]
    result = plan_from_json(output)
    assert check_plan(load_scenario(path), result) == []
    assert {u.person: u.reason for u in result.unscheduled}["P3"] == "route_closed"


def test_bad_scenario_is_rejected_with_the_field_named(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(SCENARIO))
    bad["returnees"][2]["workplace"] = "W9"
    bad["routes"][0]["seats_home"] = -1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    done = run("plan", str(path))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "returnees[2].workplace: unknown workplace 'W9'" in done.stderr
    assert "routes[0].seats_home: must not be negative" in done.stderr


def test_unreadable_json_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"start": ', encoding="utf-8")
    done = in_process("plan", str(path))
    assert done.exit_code == 1
    assert "invalid JSON" in done.stderr
    assert in_process("plan", str(tmp_path / "missing.json")).exit_code == 1


def test_usage_errors_exit_2(scenario_file: Path) -> None:
    done = run("plan")
    assert done.returncode == 2
    assert "give SCENARIO.json, or --from-db --call ID" in done.stderr
    assert in_process("plan", str(scenario_file), "--time-limit", "soon").exit_code == 2
    assert in_process("plan", str(scenario_file), "--time-limit", "0").exit_code == 2
    assert in_process("plan", str(scenario_file), "--bogus").exit_code == 2
