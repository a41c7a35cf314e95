"""Property tests on random small scenarios, and brute force on tiny ones to confirm `optimal`."""

from __future__ import annotations

import itertools
from random import Random
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from planning_helpers import assert_valid, base, build, day, valid_moves

from muster.planning import (
    Move,
    Plan,
    Scenario,
    greedy_plan,
    objective_of,
    plan,
)
from muster.planning.scenario import ineligibility

TRADES = ("sewing", "cooking")


def scenarios(tiny: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Random small scenarios; `tiny` keeps them small enough for brute force."""
    return st.randoms(use_true_random=False).map(lambda rng: random_scenario(rng, tiny))


def random_scenario(rng: Random, tiny: bool) -> dict[str, Any]:
    """One random small scenario in the SPEC §6 JSON form."""
    days = rng.randint(2, 4 if tiny else 8)
    data = base(days, beds=rng.choice([0, 1, 1, 2, 3, 9]), quarantine_days=rng.randint(0, 3))
    data["priority_weights"] = {"1": rng.randint(0, 9), "2": rng.randint(0, 5)}
    data["vacancy_weight"] = rng.randint(0, 3)
    hosts = ["H1", "H2"][: rng.randint(1, 2)]
    data["hosts"] = [{"id": h, "rotation": rng.choice(["paired", "free"])} for h in hosts]
    rich = rng.random() < 0.5  # routes mostly open, people mostly ready: many moves
    for r in range(rng.randint(1, 2 if tiny else 3)):
        first = rng.choice([0, 0, 1, -2] if rich else [0, 1, -3, rng.randint(0, days)])
        # Some routes have no open day at all (last before first, or before the start).
        last = rng.choice(
            [None, None, days - 1] if rich else [None, rng.randint(first - 2, days + 1)]
        )
        data["routes"].append(
            {
                "id": f"r{r}",
                "host": hosts[r] if r < len(hosts) else rng.choice(hosts),
                "open_from": day(first),
                "open_until": None if last is None else day(last),
                "seats_home": rng.choice([1, 2] if rich else [0, 1, 1, 2]),
                "seats_out": rng.choice([1, 2] if rich else [0, 1, 1, 2]),
            }
        )
    _people(rng, data, hosts, days, tiny, [0, 0, 1, -4, days // 2] + ([] if rich else [days]))
    return data


def _people(
    rng: Random, data: dict[str, Any], hosts: list[str], days: int, tiny: bool, ready: list[int]
) -> None:
    for w in range(rng.randint(1, 2 if tiny else 3)):
        slots = rng.randint(1, 4)
        data["workplaces"].append(
            {
                "id": f"W{w}",
                "host": rng.choice(hosts),
                "trade": rng.choice(TRADES),
                "slots": slots,
                "occupied": slots - rng.choice([0, 0, 1, slots]),
            }
        )
    for i in range(rng.randint(1, 3 if tiny else 6)):
        room = [w for w in data["workplaces"] if w["occupied"] > _at(data, w["id"])]
        if rng.random() < 0.1:  # now and then more returnees than `occupied`: a warning
            room = data["workplaces"]
        if not room:
            break
        flag = rng.randint(0, 11)  # 5, 6, 7: one kind of ineligibility each
        data["returnees"].append(
            {
                "id": f"P{i}",
                "workplace": rng.choice(room)["id"],
                "priority": rng.randint(1, 2),
                "ready": day(rng.choice(ready)),
                "consent": flag != 5,
                "protection_hold": flag == 6,
                "fit_to_travel": flag != 7,
            }
        )
    for j in range(rng.randint(0, 2 if tiny else 4)):
        data["replacements"].append(
            {
                "id": f"R{j}",
                "trades": rng.sample(TRADES, rng.randint(1, 2)),
                "hosts": rng.sample(hosts, rng.randint(1, len(hosts))),
                "ready": day(rng.choice(ready)),
            }
        )


def _at(data: dict[str, Any], wp: str) -> int:
    return sum(1 for r in data["returnees"] if r["workplace"] == wp)


FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(scenarios())
def test_every_plan_is_valid_and_explained(data: dict[str, Any]) -> None:
    s = build(data)
    result = plan(s, time_limit=10)
    assert_valid(s, result)
    assert result.objective == objective_of(s, result.moves)
    assert result.objective <= result.bound
    assert result.status in ("optimal", "feasible")
    event(f"moves home: {sum(m.direction == 'home' for m in result.moves)}")
    event(f"moves out: {sum(m.direction == 'out' for m in result.moves)}")
    for reason in {u.reason for u in result.unscheduled}:
        event(f"reason: {reason}")
    held = {r.id for r in s.returnees if r.protection_hold}
    assert not held & {m.person for m in result.moves}
    _check_reasons(s, result)
    crowded = {r.workplace for r in s.returnees}
    crowded = {w.id for w in s.workplaces if w.id in crowded and _listed(s, w.id) > w.occupied}
    assert len(result.warnings) == len(crowded)
    assert all(f"listed at '{w}'" in " ".join(result.warnings) for w in crowded)
    if crowded:
        event("warning: more returnees than occupied")
    if any(r.open_until is not None and r.open_until < r.open_from for r in s.routes):
        event("a route with no open day")


def _listed(s: Scenario, workplace: str) -> int:
    return sum(1 for r in s.returnees if r.workplace == workplace)


def _open_days(s: Scenario, host_id: str, paired: bool) -> set[int]:
    """Days with home seats (and out seats in a paired host), computed from the routes."""

    def days(direction: str) -> set[int]:
        found: set[int] = set()
        for r in s.routes:
            seats = r.seats_home if direction == "home" else r.seats_out
            if r.host == host_id and seats > 0:
                last = s.horizon_days - 1 if r.open_until is None else s.day(r.open_until)
                first = max(0, s.day(r.open_from))
                found |= set(range(first, min(last, s.horizon_days - 1) + 1))
        return found

    return days("home") & days("out") if paired else days("home")


def _check_reasons(s: Scenario, result: Plan) -> None:
    """Reasons agree with the scenario; no eligible person was simply left out."""
    by_person = {u.person: u for u in result.unscheduled}
    hosts = {h.id: h.rotation == "paired" for h in s.hosts}
    wps = {w.id: w for w in s.workplaces}
    for r in s.returnees:
        u = by_person.get(r.id)
        if u is None:
            continue
        assert u.reason == (ineligibility(r) or u.reason)
        host_id = wps[r.workplace].host
        open_days = _open_days(s, host_id, hosts[host_id])
        if u.reason == "route_closed":
            assert not open_days
        if u.reason == "not_ready":
            assert s.day(r.ready) > max(open_days, default=-1)
        if u.reason in ("capacity", "no_replacement"):
            assert any(d >= s.day(r.ready) for d in open_days)
    for u in result.unscheduled:
        assert "time limit" not in (u.detail or ""), u


@FAST
@given(scenarios())
def test_greedy_is_valid_and_never_better_than_the_planner(data: dict[str, Any]) -> None:
    s = build(data)
    greedy = greedy_plan(s)
    assert_valid(s, greedy)
    assert greedy.objective <= plan(s, time_limit=10).objective


def brute_force_optimum(s: Scenario) -> int:
    """The best objective over every valid plan (one route per host in these scenarios)."""
    route_of = {r.host: r.id for r in s.routes}
    wp_host = {w.id: w.host for w in s.workplaces}
    options: list[list[Move | None]] = []
    for r in s.returnees:
        options.append([None])
        if ineligibility(r) is None and wp_host[r.workplace] in route_of:
            route = route_of[wp_host[r.workplace]]
            options[-1] += [Move(r.id, "home", route, s.date_of(t), r.workplace) for t in _days(s)]
    for rep in s.replacements:
        options.append([None])
        for w in s.workplaces:
            if w.host in rep.hosts and w.trade in rep.trades and w.host in route_of:
                route = route_of[w.host]
                options[-1] += [Move(rep.id, "out", route, s.date_of(t), w.id) for t in _days(s)]
    best = 0
    for combo in itertools.product(*options):
        moves = tuple(m for m in combo if m is not None)
        value = objective_of(s, moves)
        if value > best and valid_moves(s, moves, value):
            best = value
    return best


def _days(s: Scenario) -> range:
    return range(s.horizon_days)


def one_route_per_host(data: dict[str, Any]) -> bool:
    hosts = [r["host"] for r in data["routes"]]
    return len(hosts) == len(set(hosts))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(tiny=True).filter(one_route_per_host))
def test_tiny_scenarios_are_proved_optimal_by_brute_force(data: dict[str, Any]) -> None:
    s = build(data)
    result = plan(s, time_limit=10)
    assert result.status == "optimal"
    assert result.objective == result.bound == brute_force_optimum(s)
