"""`plan()`: the rotation planner's entry point (SPEC §6), free of files, database and CLI."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

from muster.planning.assign import materialize
from muster.planning.check import check_plan
from muster.planning.facts import Facts
from muster.planning.greedy import fill, finish, greedy_plan, simple_bound
from muster.planning.ledger import Ledger
from muster.planning.model import build_model
from muster.planning.result import Plan, Status
from muster.planning.scenario import Scenario
from muster.planning.solver import solve
from muster.planning.validate import ensure_valid, scenario_warnings

Progress = Callable[[str], None]
log = logging.getLogger(__name__)


def plan(scenario: Scenario, time_limit: float = 60.0, progress: Progress | None = None) -> Plan:
    """A valid rotation plan within about `time_limit` seconds, explained, with a proven bound.

    Raises ScenarioError for an invalid scenario. Never returns `infeasible`: the empty
    plan is always valid, so the worst case is a `feasible` plan that moves nobody.
    Inconsistent but usable input is planned as given and named in the plan's `warnings`.
    """
    started = time.monotonic()
    say = progress or (lambda _: None)
    ensure_valid(scenario)
    facts = Facts(scenario)
    say("building the model")
    model = build_model(facts)
    elapsed = time.monotonic() - started
    size = f"{len(model.lp.cost)} variables, {len(model.lp.row_lower)} rows"
    solved = solve(model.lp, _solver_budget(time_limit, elapsed), lambda m: say(f"{m}: {size}"))
    bounds = [b for b in (solved.bound, simple_bound(facts)) if b is not None]
    ledger = Ledger(facts)
    if solved.values is not None:
        say("assigning people, workplaces and routes")
        materialize(ledger, model, solved.values)
    say("filling what is left and explaining")
    fill(ledger)
    result = finish(ledger, min(bounds))
    # Greedy is the fallback when HiGHS found nothing, and a safety net if time allows.
    spare = time.monotonic() - started < 0.8 * time_limit
    if solved.values is None or (result.status != "optimal" and spare):
        result = _better_of(result, facts, min(bounds))
    problems = check_plan(scenario, result)
    if problems:  # a bug: never hand out an invalid plan
        log.error("planner produced an invalid plan, using greedy: %s", problems[:5])
        result = _better_of(None, facts, min(bounds))
    return replace(result, warnings=tuple(scenario_warnings(scenario)))


def _solver_budget(time_limit: float, elapsed: float) -> float:
    """Seconds left for HiGHS, keeping a share for assignment, explanations and checks."""
    reserve = min(10.0, 0.25 * time_limit)
    return max(0.5, time_limit - elapsed - reserve)


def _better_of(result: Plan | None, facts: Facts, bound: int) -> Plan:
    """The better of a plan and the greedy plan (both with the best proven bound)."""
    greedy = greedy_plan(facts)
    greedy = finish_with_bound(greedy, bound)
    if result is None or greedy.objective > result.objective:
        return greedy
    return result


def finish_with_bound(plan_: Plan, bound: int) -> Plan:
    """The same plan with a tighter proven bound (status recomputed)."""
    bound = max(min(bound, plan_.bound), plan_.objective)
    status: Status = "optimal" if plan_.objective == bound else "feasible"
    return replace(plan_, status=status, bound=bound)
