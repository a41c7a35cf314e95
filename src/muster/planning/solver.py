"""Solve the aggregated model with HiGHS: an integer solution and a proven bound."""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import highspy
import numpy as np

from muster.planning.facts import FloatArray
from muster.planning.model import LpData


@dataclass(frozen=True, slots=True)
class Solved:
    """Integer column values (None if HiGHS found none in time) and the proven bound."""

    values: FloatArray | None
    bound: int | None
    proven_optimal: bool


def solve(lp: LpData, time_limit: float, threads: int = 2) -> Solved:
    """Maximise the model within `time_limit` seconds; the bound is floored (integer objective)."""
    if not lp.cost:
        return Solved(values=np.zeros(0), bound=0, proven_optimal=True)
    highs = _quiet_highs()
    for name, value in (
        ("output_flag", False),
        ("time_limit", max(0.1, time_limit)),
        ("threads", threads),
        ("mip_rel_gap", 0.0),
        # The objective is an integer at integer points: a gap below 1 proves optimality.
        ("mip_abs_gap", 0.999),
    ):
        highs.setOptionValue(name, value)
    highs.passModel(_highs_lp(lp))
    highs.run()
    info = highs.getInfo()
    values = None
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        values = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    bound = _floor(info.mip_dual_bound)
    status = highs.getModelStatus()
    return Solved(values, bound, status == highspy.HighsModelStatus.kOptimal)


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
    integer, continuous = highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous
    model.integrality_ = [integer if flag else continuous for flag in lp.integer]
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
