"""Property tests on the shapes the field generator (bench/planning_field.py) produces.

Routes as a timetable: several routes per host, one-day windows (a charter on some
weekdays), a route closed for a while and reopening (two entries), cancelled flights
(zero seats), home-only and out-only routes in capped hosts, windows closed before the
start or inverted; ids that differ only by case or a trailing space, a visa for a host
spelled in lower case, workplaces with no places, people ready after the horizon. Every
plan must be valid, explained with reasons the independent oracle of
bench/planning_both.py allows, and on tiny ones optimal by brute force over days (the
route of each move is any open route of the host with a seat left that day).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from random import Random
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from planning_helpers import assert_valid, base, bench_module, build, day, valid_moves

from muster.planning import (
    Move,
    Scenario,
    greedy_plan,
    objective_of,
    plan,
)
from muster.planning.result import Direction
from muster.planning.scenario import ineligibility

both = bench_module("planning_both")
TRADES = ("cooking", "sewing")


def timetable(rng: Random, tiny: bool) -> dict[str, Any]:
    """A random scenario whose routes look like a field timetable."""
    days = rng.randint(2, 4 if tiny else 10)
    data = base(days, beds=rng.choice([0, 1, 2, 3, 50]), quarantine_days=rng.randint(0, 3))
    data["priority_weights"] = {"1": rng.randint(1, 9), "2": rng.randint(0, 4)}
    data["vacancy_weight"] = rng.randint(0, 2)
    hosts = ["H1", "H2"][: rng.randint(1, 2)]
    data["hosts"] = [{"id": h, "rotation": rng.choice(["paired", "free"])} for h in hosts]
    for h in hosts:
        for k in range(rng.randint(1, 2 if tiny else 4)):
            _timetable_route(rng, data, f"{h}-{k}", h, days)
    for w in range(rng.randint(1, 2 if tiny else 3)):
        slots = rng.choice([0, 1, 2, 3])
        wid = ["W", "w", "W "][w]  # ids that differ by case or a trailing space
        occupied = max(0, slots - rng.choice([0, 0, 1]))
        data["workplaces"].append(
            {"id": wid, "host": rng.choice(hosts), "trade": rng.choice(TRADES),
             "slots": slots, "occupied": occupied}
        )  # fmt: skip
    ready = [-3, 0, 0, 1, days - 1, days + 2]
    for i in range(rng.randint(1, 3 if tiny else 6)):
        flag = rng.randint(0, 9)
        data["returnees"].append(
            {"id": ["P", "p", "P "][i % 3] + str(i // 3),
             "workplace": rng.choice(data["workplaces"])["id"], "priority": rng.randint(1, 2),
             "ready": day(rng.choice(ready)), "consent": flag != 5,
             "protection_hold": flag == 6, "fit_to_travel": flag != 7}
        )  # fmt: skip
    for j in range(rng.randint(0, 2 if tiny else 4)):
        visa = rng.sample(hosts, rng.randint(1, len(hosts)))
        if rng.random() < 0.15:
            visa = [h.lower() for h in visa]  # spelled as a field officer typed it
        data["replacements"].append(
            {"id": ["R", "r", "R "][j % 3] + str(j // 3),
             "trades": rng.sample(TRADES, rng.randint(1, 2)), "hosts": visa,
             "ready": day(rng.choice(ready))}
        )  # fmt: skip
    return data


def _timetable_route(rng: Random, data: dict[str, Any], id_: str, host: str, days: int) -> None:
    shape = rng.choice(["charter", "charter", "window", "reopened", "closed", "inverted"])
    first = rng.randint(0, days - 1)
    last: int | None = first  # a one-day charter
    if shape == "window":
        last = rng.choice([None, rng.randint(first, days + 1)])
    elif shape == "reopened":
        last = None
        gap = rng.randint(1, days)
        _route(data, f"{id_}-before", host, -5, first, rng)
        first = min(first + gap, days + 1)
    elif shape == "closed":
        first, last = -9, -2
    elif shape == "inverted":
        first, last = first + 2, first
    event(f"route: {shape}")
    _route(data, id_, host, first, last, rng)


def _route(
    data: dict[str, Any], id_: str, host: str, first: int, last: int | None, rng: Random
) -> None:
    home, out = rng.choice([0, 1, 1, 2]), rng.choice([0, 1, 1, 2])
    data["routes"].append(
        {"id": id_, "host": host, "open_from": day(first),
         "open_until": None if last is None else day(last), "seats_home": home, "seats_out": out}
    )  # fmt: skip


def timetables(tiny: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    return st.randoms(use_true_random=False).map(lambda rng: timetable(rng, tiny))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timetables())
def test_timetable_plans_are_valid_and_every_reason_is_allowed(data: dict[str, Any]) -> None:
    s = build(data)
    result = plan(s, time_limit=10)
    assert_valid(s, result)
    assert both.reason_problems(s, result) == []
    greedy = greedy_plan(s)
    assert_valid(s, greedy)
    assert both.reason_problems(s, greedy) == []
    assert greedy.objective <= result.objective <= result.bound
    for reason in {u.reason for u in result.unscheduled}:
        event(f"reason: {reason}")


def brute_force(s: Scenario) -> int:
    """The best objective over every valid plan; routes filled per host and day."""
    wp_host = {w.id: w.host for w in s.workplaces}
    options: list[list[tuple[str, str, str, int] | None]] = []
    for r in s.returnees:
        options.append([None])
        if ineligibility(r) is None:
            options[-1] += [(r.id, "home", r.workplace, t) for t in range(s.horizon_days)]
    for rep in s.replacements:
        options.append([None])
        for w in s.workplaces:
            if w.host in rep.hosts and w.trade in rep.trades:
                options[-1] += [(rep.id, "out", w.id, t) for t in range(s.horizon_days)]
    best = 0
    for combo in itertools.product(*options):
        chosen = [c for c in combo if c is not None]
        moves = _with_routes(s, chosen, wp_host)
        if moves is None:
            continue
        value = objective_of(s, moves)
        if value > best and valid_moves(s, moves, value):
            best = value
    return best


def _with_routes(
    s: Scenario, chosen: list[tuple[str, str, str, int]], wp_host: dict[str, str]
) -> tuple[Move, ...] | None:
    """Give each move an open route of its host with a seat left that day, or None."""
    used: dict[tuple[str, str, int], int] = defaultdict(int)
    moves = []
    for person, direction, wp, t in chosen:
        for r in s.routes:
            seats = r.seats_home if direction == "home" else r.seats_out
            last = s.horizon_days - 1 if r.open_until is None else s.day(r.open_until)
            key = (r.id, direction, t)
            if r.host == wp_host[wp] and s.day(r.open_from) <= t <= last and used[key] < seats:
                used[key] += 1
                way: Direction = "home" if direction == "home" else "out"
                moves.append(Move(person, way, r.id, s.date_of(t), wp))
                break
        else:
            return None
    return tuple(moves)


def _small_enough(data: dict[str, Any]) -> bool:
    return len(data["returnees"]) + len(data["replacements"]) <= 4


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timetables(tiny=True).filter(_small_enough))
def test_tiny_timetables_are_proved_optimal_by_brute_force(data: dict[str, Any]) -> None:
    s = build(data)
    result = plan(s, time_limit=10)
    assert result.status == "optimal"
    assert result.objective == result.bound == brute_force(s)
