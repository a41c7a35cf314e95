"""Independent validity checker of a plan against its scenario (SPEC §6 rules 1-5, objective).

Written without the solver's data structures, so that it can catch the solver's mistakes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from muster.planning.result import REASONS, Move, Plan
from muster.planning.scenario import Returnee, Route, Scenario, ineligibility

ELIGIBLE_REASONS = frozenset({"route_closed", "no_replacement", "capacity", "not_ready"})


def check_plan(scenario: Scenario, plan: Plan) -> list[str]:
    """Every violation of the SPEC §6 rules, objective and explanations; empty when valid."""
    problems: list[str] = []
    _check_people(scenario, plan.moves, problems)
    _check_routes(scenario, plan.moves, problems)
    _check_quarantine(scenario, plan.moves, problems)
    _check_workplaces(scenario, plan.moves, problems)
    _check_unscheduled(scenario, plan, problems)
    _check_numbers(scenario, plan, problems)
    return problems


def objective_of(scenario: Scenario, moves: Iterable[Move]) -> int:
    """The SPEC §6 objective recomputed from moves."""
    priority = {r.id: r.priority for r in scenario.returnees}
    total = 0
    for move in moves:
        remaining = scenario.horizon_days - scenario.day(move.date)
        if move.direction == "home":
            if move.person in priority:  # unknown people are reported by check_plan
                total += scenario.priority_weights[priority[move.person]] * remaining
        else:
            total += scenario.vacancy_weight * remaining
    return total


def _route_open(scenario: Scenario, route: Route, day: int) -> bool:
    last = scenario.horizon_days - 1
    if route.open_until is not None:
        last = min(last, scenario.day(route.open_until))
    return max(0, scenario.day(route.open_from)) <= day <= last


def _check_people(s: Scenario, moves: tuple[Move, ...], problems: list[str]) -> None:
    """Rules 1 and 2: who may move, once, in which direction, when and where."""
    returnees = {r.id: r for r in s.returnees}
    replacements = {r.id: r for r in s.replacements}
    workplaces = {w.id: w for w in s.workplaces}
    for person, count in Counter(m.person for m in moves).items():
        if count > 1:
            problems.append(f"rule 1: {person} moves {count} times")
    for m in moves:
        day = s.day(m.date)
        if not 0 <= day < s.horizon_days:
            problems.append(f"{m.person}: move on {m.date} outside the horizon")
        wp = workplaces.get(m.workplace)
        if wp is None:
            problems.append(f"{m.person}: unknown workplace {m.workplace}")
            continue
        if m.person in returnees:
            _check_returnee_move(returnees[m.person], m, problems)
        elif m.person in replacements:
            rep = replacements[m.person]
            if m.direction != "out":
                problems.append(f"rule 1: replacement {m.person} moves {m.direction}")
            if wp.host not in rep.hosts or wp.trade not in rep.trades:
                problems.append(f"rule 2: {m.person} cannot serve {wp.id} ({wp.host}/{wp.trade})")
            if m.date < rep.ready:
                problems.append(f"rule 2: {m.person} moves before ready {rep.ready}")
        else:
            problems.append(f"{m.person}: unknown person")


def _check_returnee_move(ret: Returnee, m: Move, problems: list[str]) -> None:
    if m.direction != "home":
        problems.append(f"rule 1: returnee {m.person} moves {m.direction}")
    reason = ineligibility(ret)
    if reason is not None:
        problems.append(f"rule 2: {m.person} moves despite {reason}")
    if m.date < ret.ready:
        problems.append(f"rule 2: {m.person} moves before ready {ret.ready}")
    if m.workplace != ret.workplace:
        problems.append(f"{m.person}: moves from {m.workplace}, works at {ret.workplace}")


def _check_routes(s: Scenario, moves: tuple[Move, ...], problems: list[str]) -> None:
    """Rule 3: open route of the workplace's host, seats per route, day and direction."""
    routes = {r.id: r for r in s.routes}
    host_of = {w.id: w.host for w in s.workplaces}
    load: Counter[tuple[str, str, int]] = Counter()
    for m in moves:
        route = routes.get(m.route)
        day = s.day(m.date)
        if route is None:
            problems.append(f"rule 3: {m.person} uses unknown route {m.route}")
            continue
        if route.host != host_of.get(m.workplace):
            problems.append(f"rule 3: {m.person} uses route {m.route} of another host")
        if not _route_open(s, route, day):
            problems.append(f"rule 3: {m.person} uses route {m.route} closed on {m.date}")
        load[(m.route, m.direction, day)] += 1
    for (route_id, direction, day), count in load.items():
        r = routes[route_id]
        seats = r.seats_home if direction == "home" else r.seats_out
        if count > seats:
            problems.append(f"rule 3: route {route_id} carries {count} {direction} on day {day}")


def _check_quarantine(s: Scenario, moves: tuple[Move, ...], problems: list[str]) -> None:
    """Rule 4: beds in use never exceed `beds`."""
    arrivals = Counter(s.day(m.date) for m in moves if m.direction == "home")
    in_use = 0
    for day in range(s.horizon_days):
        in_use += arrivals[day] - arrivals[day - s.quarantine.days]
        if in_use > s.quarantine.beds:
            problems.append(f"rule 4: {in_use} quarantine beds in use on day {day}")


def _check_workplaces(s: Scenario, moves: tuple[Move, ...], problems: list[str]) -> None:
    """Rule 5: occupancy never above slots; in paired hosts homes <= outs each day."""
    paired = {h.id for h in s.hosts if h.rotation == "paired"}
    flows: dict[str, Counter[tuple[int, str]]] = defaultdict(Counter)
    for m in moves:
        flows[m.workplace][(s.day(m.date), m.direction)] += 1
    for wp in s.workplaces:
        flow = flows.get(wp.id)
        if flow is None:
            continue
        occupancy = wp.occupied
        for day in sorted({d for d, _ in flow}):
            homes, outs = flow[(day, "home")], flow[(day, "out")]
            occupancy += outs - homes
            if occupancy > wp.slots:
                problems.append(f"rule 5: {wp.id} holds {occupancy} > {wp.slots} on day {day}")
            if wp.host in paired and homes > outs:
                problems.append(f"rule 5: {wp.id} sends {homes} home but {outs} out on day {day}")


def _check_unscheduled(s: Scenario, plan: Plan, problems: list[str]) -> None:
    """Everyone not moved is explained exactly once, with the right kind of reason."""
    moved = {m.person for m in plan.moves}
    listed = Counter(u.person for u in plan.unscheduled)
    returnees = {r.id: r for r in s.returnees}
    people = [r.id for r in s.returnees] + [r.id for r in s.replacements]
    for person in people:
        expected = 0 if person in moved else 1
        if listed[person] != expected:
            problems.append(f"{person}: listed {listed[person]} times as unscheduled")
    for u in plan.unscheduled:
        if u.reason not in REASONS:
            problems.append(f"{u.person}: unknown reason {u.reason}")
            continue
        ret = returnees.get(u.person)
        wanted = ineligibility(ret) if ret is not None else None
        if wanted is not None and u.reason != wanted:
            problems.append(f"{u.person}: reason {u.reason}, expected {wanted}")
        if wanted is None and u.reason not in ELIGIBLE_REASONS:
            problems.append(f"{u.person}: eligible person given reason {u.reason}")


def _check_numbers(s: Scenario, plan: Plan, problems: list[str]) -> None:
    """Objective recomputed from moves; bound >= objective; `optimal` only at the bound."""
    objective = objective_of(s, plan.moves)
    if objective != plan.objective:
        problems.append(f"objective {plan.objective} but moves give {objective}")
    if plan.bound < plan.objective:
        problems.append(f"bound {plan.bound} below objective {plan.objective}")
    if plan.status == "optimal" and plan.objective != plan.bound:
        problems.append(f"status optimal but objective {plan.objective} != bound {plan.bound}")
