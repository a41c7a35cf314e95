"""Semantic checks of a scenario: references and ranges, each error naming its field.

Every SPEC §6-valid scenario is accepted. Dates may lie before `start` (a route already
open, a person ready already) or after the horizon (a route opening later is closed
within the horizon, a person ready later is `not_ready`); a route with no open day
(`open_until` before `open_from`) is closed. Inconsistent but usable input, such as a
workplace listing more returnees than it has `occupied`, gives warnings, not errors.
"""

from __future__ import annotations

from collections import Counter

from muster.planning.scenario import Scenario, ScenarioError

MAX_HORIZON_DAYS = 3660
MAX_ERRORS = 50


def ensure_valid(scenario: Scenario) -> None:
    """Raise ScenarioError listing every problem of the scenario (up to MAX_ERRORS)."""
    errors = scenario_errors(scenario)
    if errors:
        if len(errors) > MAX_ERRORS:
            errors = [*errors[:MAX_ERRORS], f"... and {len(errors) - MAX_ERRORS} more errors"]
        raise ScenarioError(errors)


def scenario_errors(scenario: Scenario) -> list[str]:
    """Every semantic problem of the scenario, as `field: message` strings."""
    errors: list[str] = []
    _check_globals(scenario, errors)
    _check_hosts(scenario, errors)
    _check_routes(scenario, errors)
    _check_workplaces(scenario, errors)
    _check_people(scenario, errors)
    return errors


def _not_negative(value: int, name: str, errors: list[str]) -> None:
    if value < 0:
        errors.append(f"{name}: must not be negative, got {value}")


def scenario_warnings(scenario: Scenario) -> list[str]:
    """Inconsistent but usable input, as `field: message` texts for the plan's `warnings`."""
    returnees_at = Counter(r.workplace for r in scenario.returnees)
    return [
        f"workplaces[{i}].occupied: {wp.occupied} is less than the {returnees_at[wp.id]} "
        f"returnees listed at '{wp.id}'; planned with occupied = {wp.occupied} as given"
        for i, wp in enumerate(scenario.workplaces)
        if returnees_at[wp.id] > wp.occupied >= 0
    ]


def _check_globals(s: Scenario, errors: list[str]) -> None:
    if not 1 <= s.horizon_days <= MAX_HORIZON_DAYS:
        errors.append(f"horizon_days: must be 1 .. {MAX_HORIZON_DAYS}, got {s.horizon_days}")
    for priority, weight in s.priority_weights.items():
        _not_negative(weight, f"priority_weights.{priority}", errors)
    _not_negative(s.vacancy_weight, "vacancy_weight", errors)
    _not_negative(s.quarantine.beds, "quarantine.beds", errors)
    _not_negative(s.quarantine.days, "quarantine.days", errors)


def _duplicates(ids: list[str]) -> set[str]:
    return {key for key, count in Counter(ids).items() if count > 1}


def _check_hosts(s: Scenario, errors: list[str]) -> None:
    dups = _duplicates([h.id for h in s.hosts])
    for i, host in enumerate(s.hosts):
        if not host.id:
            errors.append(f"hosts[{i}].id: must not be empty")
        if host.id in dups:
            errors.append(f"hosts[{i}].id: duplicate host '{host.id}'")
        if host.rotation not in ("paired", "free"):
            errors.append(
                f"hosts[{i}].rotation: expected 'paired' or 'free', got {host.rotation!r}"
            )


def _check_routes(s: Scenario, errors: list[str]) -> None:
    hosts = {h.id for h in s.hosts}
    dups = _duplicates([r.id for r in s.routes])
    for i, route in enumerate(s.routes):
        name = f"routes[{i}]"
        if route.id in dups:
            errors.append(f"{name}.id: duplicate route '{route.id}'")
        if route.host not in hosts:
            errors.append(f"{name}.host: unknown host '{route.host}'")
        _not_negative(route.seats_home, f"{name}.seats_home", errors)
        _not_negative(route.seats_out, f"{name}.seats_out", errors)


def _check_workplaces(s: Scenario, errors: list[str]) -> None:
    hosts = {h.id for h in s.hosts}
    dups = _duplicates([w.id for w in s.workplaces])
    for i, wp in enumerate(s.workplaces):
        name = f"workplaces[{i}]"
        if wp.id in dups:
            errors.append(f"{name}.id: duplicate workplace '{wp.id}'")
        if wp.host not in hosts:
            errors.append(f"{name}.host: unknown host '{wp.host}'")
        if not wp.trade:
            errors.append(f"{name}.trade: must not be empty")
        _not_negative(wp.slots, f"{name}.slots", errors)
        _not_negative(wp.occupied, f"{name}.occupied", errors)
        if wp.occupied > wp.slots >= 0:
            errors.append(f"{name}.occupied: {wp.occupied} exceeds slots {wp.slots}")


def _check_people(s: Scenario, errors: list[str]) -> None:
    workplaces = {w.id for w in s.workplaces}
    dups = _duplicates([r.id for r in s.returnees] + [r.id for r in s.replacements])
    for i, ret in enumerate(s.returnees):
        name = f"returnees[{i}]"
        if not ret.id or ret.id in dups:
            errors.append(f"{name}.id: {'duplicate person' if ret.id else 'empty'} '{ret.id}'")
        if ret.workplace not in workplaces:
            errors.append(f"{name}.workplace: unknown workplace '{ret.workplace}'")
        if ret.priority not in s.priority_weights:
            known = ", ".join(str(p) for p in sorted(s.priority_weights))
            errors.append(
                f"{name}.priority: {ret.priority} has no priority weight (known: {known})"
            )
    for i, rep in enumerate(s.replacements):
        name = f"replacements[{i}]"
        if not rep.id or rep.id in dups:
            errors.append(f"{name}.id: {'duplicate person' if rep.id else 'empty'} '{rep.id}'")
        if not rep.trades or not all(rep.trades):
            errors.append(f"{name}.trades: expected a non-empty list of trades")
        if not rep.hosts or not all(rep.hosts):
            errors.append(f"{name}.hosts: expected a non-empty list of hosts")
