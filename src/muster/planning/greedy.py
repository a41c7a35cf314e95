"""The priority-first greedy: the baseline the planner is measured against, and its last pass.

Returnees in order of priority weight (then ready day) each take the earliest day with a
home seat, a quarantine bed and, in a paired host, the earliest-ready free replacement for
the workplace; then the remaining replacements fill vacancies, earliest day first.
"""

from __future__ import annotations

import numpy as np

from muster.planning.explain import explain
from muster.planning.facts import Facts
from muster.planning.ledger import Ledger
from muster.planning.result import Plan
from muster.planning.scenario import Scenario


def greedy_plan(scenario: Scenario | Facts) -> Plan:
    """The priority-first greedy plan of a scenario, explained, with a simple proven bound."""
    facts = scenario if isinstance(scenario, Facts) else Facts(scenario)
    ledger = Ledger(facts)
    fill(ledger)
    return finish(ledger, simple_bound(facts))


def finish(ledger: Ledger, bound: int) -> Plan:
    """Wrap a ledger into a plan; `optimal` only when its objective reaches the bound."""
    objective = ledger.objective()
    bound = max(bound, objective)
    return Plan(
        status="optimal" if objective == bound else "feasible",
        objective=objective,
        bound=bound,
        moves=tuple(ledger.moves()),
        unscheduled=tuple(explain(ledger)),
    )


def fill(ledger: Ledger) -> None:
    """Add every move that still fits: returnees by priority, then replacements by ready day."""
    queue = _ReplacementQueue(ledger)
    _fill_returnees(ledger, queue)
    _fill_replacements(ledger)


class _ReplacementQueue:
    """Unmoved replacements per place type, earliest ready first."""

    def __init__(self, ledger: Ledger) -> None:
        f = ledger.facts
        self.ledger = ledger
        by_type: list[list[int]] = [[] for _ in f.types]
        for j in np.argsort(f.rep_ready, kind="stable"):
            if int(j) not in ledger.out and f.rep_ready[j] < f.days:
                for place in f.rep_types[j]:
                    by_type[place].append(int(j))
        self.by_type = by_type
        self.pos = [0] * len(by_type)

    def first(self, place_type: int) -> int | None:
        """The earliest-ready unmoved replacement for a place type."""
        members, pos = self.by_type[place_type], self.pos[place_type]
        while pos < len(members) and members[pos] in self.ledger.out:
            pos += 1
        self.pos[place_type] = pos
        return members[pos] if pos < len(members) else None


def _fill_returnees(ledger: Ledger, queue: _ReplacementQueue) -> None:
    f = ledger.facts
    order = sorted(
        (i for i in range(len(f.ret_ready)) if f.ret_eligible[i] and i not in ledger.home),
        key=lambda i: (-f.ret_weight[i], f.ret_ready[i], i),
    )
    days = np.arange(f.days)
    quarantine_ok = ledger.quarantine_ok()
    for i in order:
        ready, place = int(f.ret_ready[i]), f.ret_type(i)
        host = f.types[place].host
        ok = (ledger.home_left[host] > 0) & quarantine_ok & (days >= ready)
        partner = None
        if f.paired[host]:
            partner = queue.first(place)
            if partner is None:
                continue
            ok &= (ledger.out_left[host] > 0) & (days >= f.rep_ready[partner])
        if not ok.any():
            continue
        day = int(np.argmax(ok))
        ledger.add_home(i, day)
        if partner is not None:
            ledger.add_out(partner, int(f.ret_wp[i]), day)
        quarantine_ok = ledger.quarantine_ok()


def _fill_replacements(ledger: Ledger) -> None:
    f = ledger.facts
    order = sorted(
        (j for j in range(len(f.rep_ready)) if j not in ledger.out and f.rep_ready[j] < f.days),
        key=lambda j: (f.rep_ready[j], j),
    )
    for j in order:
        best: tuple[int, int, int] | None = None
        for place in f.rep_types[j]:
            found = _earliest_place(ledger, place, int(f.rep_ready[j]))
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        if best is not None:
            ledger.add_out(j, best[1], best[0])


def _earliest_place(ledger: Ledger, place_type: int, ready: int) -> tuple[int, int, int] | None:
    """(day, workplace, place type) of the earliest out seat into a vacancy, if any."""
    f = ledger.facts
    host = f.types[place_type].host
    seats = ledger.out_left[host, ready:] > 0
    if not seats.any():
        return None
    room = ledger.headroom(place_type)[:, ready:] > 0
    ok = seats & room.any(axis=0)
    if not ok.any():
        return None
    day = int(np.argmax(ok))
    workplace = f.types[place_type].workplaces[int(np.argmax(room[:, day]))]
    return ready + day, workplace, place_type


def simple_bound(facts: Facts) -> int:
    """A proven upper bound: everyone eligible moves on their first open day after ready."""
    f = facts
    total = 0
    first_open = {}
    for place in range(len(f.types)):
        for direction in ("home", "out"):
            open_days = np.flatnonzero(f.open_days(place, direction))
            first_open[(place, direction)] = open_days
    for i in np.flatnonzero(f.ret_eligible):
        days = first_open[(f.ret_type(int(i)), "home")]
        later = days[days >= f.ret_ready[i]]
        if len(later):
            total += f.weight_remaining(int(f.ret_weight[i]), int(later[0]))
    for j, places in enumerate(f.rep_types):
        starts = [d[d >= f.rep_ready[j]] for d in (first_open[(p, "out")] for p in places)]
        firsts = [int(d[0]) for d in starts if len(d)]
        if firsts:
            total += f.weight_remaining(f.scenario.vacancy_weight, min(firsts))
    return int(total)
