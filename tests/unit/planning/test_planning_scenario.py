"""Scenario files: a valid one loads; bad ones give errors naming the field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from planning_helpers import example

from muster.planning import ScenarioError, load_scenario, parse_scenario
from muster.planning.validate import scenario_warnings


def errors_of(data: Any) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    return list(caught.value.errors)


def test_spec_example_loads_with_day_indices() -> None:
    scenario = parse_scenario(example())
    assert scenario.horizon_days == 60
    assert scenario.priority_weights == {1: 8, 2: 4, 3: 2, 4: 1}
    assert scenario.routes[0].open_until is None
    assert scenario.day(scenario.routes[0].open_from) == 9
    assert scenario.replacements[0].trades == ("sewing",)
    assert scenario.last_date == date(2021, 9, 29)


def test_load_from_path_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(example()), encoding="utf-8")
    assert load_scenario(path) == load_scenario(path.read_bytes())
    assert load_scenario(str(path)).returnees[0].id == "P0001"


def test_optional_fields_have_safe_defaults() -> None:
    data = example()
    del data["priority_weights"], data["vacancy_weight"]
    del data["returnees"][0]["protection_hold"], data["returnees"][0]["fit_to_travel"]
    scenario = parse_scenario(data)
    assert scenario.vacancy_weight == 1
    assert scenario.priority_weights[1] == 8
    assert scenario.returnees[0].protection_hold is False


def test_unknown_workplace_names_the_field() -> None:
    data = example()
    data["returnees"] = data["returnees"] * 13
    for i, r in enumerate(data["returnees"]):
        data["returnees"][i] = {**r, "id": f"P{i}"}
    data["returnees"][12]["workplace"] = "W9"
    assert "returnees[12].workplace: unknown workplace 'W9'" in errors_of(data)


def test_negative_seats_named() -> None:
    data = example()
    data["routes"][0]["seats_home"] = -5
    assert errors_of(data) == ["routes[0].seats_home: must not be negative, got -5"]


def test_dates_before_start_are_accepted() -> None:
    """A route open already, a person ready already: SPEC-valid, never refused."""
    data = example()
    data["returnees"][0]["ready"] = "2021-07-01"
    data["routes"][0]["open_from"] = "2020-01-01"
    scenario = parse_scenario(data)
    assert scenario.day(scenario.returnees[0].ready) == -31


def test_dates_after_the_horizon_are_accepted() -> None:
    data = example()
    data["returnees"][0]["ready"] = "2022-01-01"
    data["routes"][0]["open_from"] = "2022-01-01"
    assert parse_scenario(data).returnees[0].ready == date(2022, 1, 1)


def test_route_closing_before_opening_is_a_closed_route_not_an_error() -> None:
    data = example()
    data["routes"][0]["open_until"] = "2021-08-05"
    assert parse_scenario(data).routes[0].open_until == date(2021, 8, 5)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("horizon_days",), "60", "horizon_days: expected an integer, got a string"),
        (("horizon_days",), 0, "horizon_days: must be 1 .. 3660, got 0"),
        (("start",), "01/08/2021", 'start: expected a date YYYY-MM-DD, got "01/08/2021"'),
        (("quarantine", "beds"), 1.5, "quarantine.beds: expected an integer, got float"),
        (("hosts", 0, "rotation"), "capped", "hosts[0].rotation: expected 'paired' or 'free'"),
        (("routes", 0, "host"), "XX", "routes[0].host: unknown host 'XX'"),
        (("workplaces", 0, "occupied"), 41, "workplaces[0].occupied: 41 exceeds slots 40"),
        (("returnees", 0, "priority"), 7, "returnees[0].priority: 7 has no priority weight"),
        (("returnees", 0, "consent"), "yes", "returnees[0].consent: expected true or false"),
        (("replacements", 0, "trades"), "sewing", "replacements[0].trades: expected a list"),
        (("replacements", 0, "id"), "P0001", "replacements[0].id: duplicate person 'P0001'"),
    ],
)
def test_field_errors(path: tuple[Any, ...], value: object, expected: str) -> None:
    data = example()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    errors = errors_of(data)
    assert any(e.startswith(expected) for e in errors), errors


def test_missing_and_unknown_fields() -> None:
    data = example()
    del data["returnees"][0]["consent"]
    data["routes"][0]["open_untill"] = None
    errors = errors_of(data)
    assert "returnees[0].consent: required" in errors
    assert "routes[0].open_untill: unknown field" in errors


def test_more_returnees_than_occupied_places_is_a_warning_not_an_error() -> None:
    data = example()
    data["workplaces"][0]["occupied"] = 0
    assert scenario_warnings(parse_scenario(data)) == [
        "workplaces[0].occupied: 0 is less than the 1 returnees listed at 'W001'; "
        "planned with occupied = 0 as given"
    ]
    assert scenario_warnings(parse_scenario(example())) == []


def test_every_error_is_listed() -> None:
    data = example()
    data["routes"][0]["seats_out"] = -1
    data["workplaces"][0]["slots"] = -1
    data["returnees"][0]["workplace"] = "nowhere"
    assert len(errors_of(data)) >= 3


def test_bad_json_and_wrong_top_level() -> None:
    with pytest.raises(ScenarioError, match=r"invalid JSON at line 1 column 2"):
        load_scenario(b"{start: 1}")
    with pytest.raises(ScenarioError, match=r"scenario: expected an object, got a list"):
        load_scenario(b"[]")
    with pytest.raises(ScenarioError, match=r"cannot read scenario file"):
        load_scenario("/nonexistent/scenario.json")
