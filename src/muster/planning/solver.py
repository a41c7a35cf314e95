"""Solve the aggregated model with HiGHS: an integer solution and a proven bound.

Three steps, each within what is left of the time limit:
1. the LP relaxation gives the bound (floored: the objective is an integer);
2. RENS: the MIP with every integer column boxed to the floor and ceiling of its LP value,
   small and quick, gives a solution within a few hundredths of a percent of the bound;
3. the full MIP, started from that solution, closes the rest of the gap when it can.
Step 3 is skipped when step 2 already reaches the bound.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import highspy
import numpy as np

from muster.planning.facts import BoolArray, FloatArray
from muster.planning.model import LpData

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Solved:
    """Integer column values (None if none was found in time) and the proven bound."""

    values: FloatArray | None
    bound: int | None
    proven_optimal: bool


@dataclass(frozen=True, slots=True)
class _Outcome:
    values: FloatArray | None
    objective: int | None
    bound: float


def solve(lp: LpData, time_limit: float, say: Say | None = None) -> Solved:
    """Maximise the model within about `time_limit` seconds."""
    report = say or (lambda _: None)
    if not lp.cost:
        return Solved(values=np.zeros(0), bound=0, proven_optimal=True)
    deadline = time.monotonic() + time_limit
    model, integer = _highs_lp(lp), np.asarray(lp.integer, dtype=np.bool_)
    report("solving the LP relaxation")
    relaxed = _run(model, integer, False, deadline, None)
    bound = _floor(relaxed.bound)
    best = None
    if relaxed.values is not None:
        report("rounding the LP solution (RENS)")
        best = _run(model, integer, True, deadline, relaxed.values)
    if best is None or best.objective is None or best.objective != bound:
        report("closing the gap (MIP)")
        full = _run(model, integer, True, deadline, None, start=best)
        bound = _min_bound(bound, _floor(full.bound))
        if full.objective is not None and (best is None or _better(full, best)):
            best = full
    if best is None or best.values is None or best.objective is None:
        return Solved(values=None, bound=bound, proven_optimal=False)
    return Solved(best.values, bound, best.objective == bound)


def _better(new: _Outcome, old: _Outcome) -> bool:
    return old.objective is None or (new.objective or 0) > old.objective


def _min_bound(a: int | None, b: int | None) -> int | None:
    known = [x for x in (a, b) if x is not None]
    return min(known) if known else None


def _run(
    model: highspy.HighsLp,
    integer: BoolArray,
    mip: bool,
    deadline: float,
    box: FloatArray | None,
    start: _Outcome | None = None,
) -> _Outcome:
    """One HiGHS run: the LP relaxation, or the MIP (boxed around `box` if given)."""
    left = deadline - time.monotonic()
    if left <= 0.05:
        return _Outcome(None, None, math.inf)
    highs = _quiet_highs()
    _options(highs, left)
    lower, upper = np.asarray(model.col_lower_), np.asarray(model.col_upper_)
    kinds = highspy.HighsVarType
    model.integrality_ = [kinds.kInteger if mip and i else kinds.kContinuous for i in integer]
    if box is not None:
        model.col_lower_ = np.where(integer, np.floor(box + 1e-6), lower)
        model.col_upper_ = np.where(integer, np.ceil(box - 1e-6), upper)
    highs.passModel(model)
    model.col_lower_, model.col_upper_ = lower, upper
    if start is not None and start.values is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(start.values)
        solution.value_valid = True
        highs.setSolution(solution)
    highs.run()
    return _outcome(highs, model, mip)


def _outcome(highs: highspy.Highs, model: highspy.HighsLp, mip: bool) -> _Outcome:
    info = highs.getInfo()
    status = highs.getModelStatus()
    feasible = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    if not mip:
        optimal = status == highspy.HighsModelStatus.kOptimal
        values = np.asarray(highs.getSolution().col_value) if optimal else None
        return _Outcome(values, None, info.objective_function_value if optimal else math.inf)
    if not feasible:
        return _Outcome(None, None, info.mip_dual_bound)
    values = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    cost = np.asarray(model.col_cost_)
    objective = round(float(np.dot(cost, np.round(values))))
    return _Outcome(values, objective, info.mip_dual_bound)


def _options(highs: highspy.Highs, time_limit: float) -> None:
    for name, value in (
        ("output_flag", False),
        ("time_limit", time_limit),
        ("mip_rel_gap", 0.0),
        # The objective is an integer at integer points: a gap below 1 proves optimality.
        ("mip_abs_gap", 0.999),
        # HiGHS does not check its time limit while detecting symmetry (after a root
        # restart): on a SPEC-size scenario with strict quarantine (bench/planning_both.py,
        # field-strict) a 11 s limit ran 30 s. The model's symmetry is already folded into
        # its aggregation, so detection buys nothing measurable (bench/RESULTS.md).
        ("mip_detect_symmetry", False),
    ):
        highs.setOptionValue(name, value)


def _floor(value: float) -> int | None:
    """Floor of a bound with a small tolerance for solver noise; None when not finite."""
    if not math.isfinite(value) or abs(value) >= highspy.kHighsInf:
        return None
    return math.floor(value + 1e-6)


def _highs_lp(lp: LpData) -> highspy.HighsLp:
    n_cols, n_rows = len(lp.cost), len(lp.row_lower)
    rows, cols = np.asarray(lp.rows, dtype=np.int32), np.asarray(lp.cols, dtype=np.int32)
    order = np.lexsort((rows, cols))  # column-wise storage, rows ascending in each column
    starts = np.concatenate(([0], np.cumsum(np.bincount(cols, minlength=n_cols))))
    model = highspy.HighsLp()
    model.num_col_ = n_cols
    model.num_row_ = n_rows
    model.sense_ = highspy.ObjSense.kMaximize
    model.col_cost_ = np.asarray(lp.cost, dtype=np.float64)
    model.col_lower_ = np.zeros(n_cols)
    model.col_upper_ = _inf(lp.upper)
    model.row_lower_ = _inf(lp.row_lower)
    model.row_upper_ = _inf(lp.row_upper)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = starts.astype(np.int32)
    model.a_matrix_.index_ = rows[order]
    model.a_matrix_.value_ = np.asarray(lp.vals, dtype=np.float64)[order]
    return model


def _inf(values: list[float]) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    return np.clip(array, -highspy.kHighsInf, highspy.kHighsInf)


@contextlib.contextmanager
def _stdout_silenced() -> Iterator[None]:
    """HiGHS prints a banner on stdout when created; keep stdout for the plan's JSON."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 (embedded use): nothing to protect
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _quiet_highs() -> highspy.Highs:
    with _stdout_silenced():
        return highspy.Highs()  # type: ignore[no-untyped-call]
