"""The aggregated integer flow model: counts of moves per place type and day, not per person.

Variables (integer): `home[pool, day]` returnees of one place type and priority weight sent
home, `out[place, day]` replacements sent out to a place type, `alloc[cohort, place]`
replacements of one cohort (same place types served, same ready day) given to a place type.
Continuous stock variables keep the model sparse: returnees ready but not yet sent, allocated
replacements not yet sent, vacancy of a place type; `beds[day]` counts arrivals home.

Rows: readiness (stocks never negative), cohort sizes, seats per host and day, quarantine
beds over every window of `days` days, vacancy never negative, and in paired hosts
homes <= outs per place type and day. Aggregation is exact (see `facts.py`, `assign.py`).
Variables exist only on days where the host's routes are open and someone can be ready.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from muster.planning.facts import Facts

INF = float("inf")


@dataclass(slots=True)
class Pool:
    """Eligible returnees of one place type and priority weight, earliest ready first."""

    place: int
    weight: int
    members: list[int]
    readies: list[int]


@dataclass(slots=True)
class Cohort:
    """Replacements that serve the same place types and are ready on the same day."""

    places: tuple[int, ...]
    ready: int
    members: list[int]


@dataclass
class LpData:
    """Columns, rows and coefficient triplets of a maximisation MIP."""

    cost: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)

    def var(self, cost: float, upper: float, integer: bool) -> int:
        """Add a column with lower bound 0; returns its index."""
        self.cost.append(cost)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.cost) - 1

    def row(self, terms: list[tuple[int, float]], lower: float, upper: float) -> None:
        """Add a row lower <= sum(coef * var) <= upper."""
        index = len(self.row_lower)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        for col, val in terms:
            self.rows.append(index)
            self.cols.append(col)
            self.vals.append(val)


@dataclass
class AggregateModel:
    """The MIP and the meaning of its integer columns."""

    pools: list[Pool]
    cohorts: list[Cohort]
    lp: LpData = field(default_factory=LpData)
    home: dict[tuple[int, int], int] = field(default_factory=dict)
    out: dict[tuple[int, int], int] = field(default_factory=dict)
    alloc: dict[tuple[int, int], int] = field(default_factory=dict)


def build_model(facts: Facts) -> AggregateModel:
    """Build the aggregated MIP of a scenario."""
    model = AggregateModel(pools=_pools(facts), cohorts=_cohorts(facts))
    out_days = _out_days(facts, model.cohorts)
    _alloc_columns(facts, model, out_days)
    allocated: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (c, place), col in model.alloc.items():
        allocated[place].append((model.cohorts[c].ready, col))
    for place, days in enumerate(out_days):
        _out_columns(facts, model, place, days, allocated[place])
    for index, pool in enumerate(model.pools):
        _home_columns(facts, model, index, {d for d in out_days[pool.place]})
    _vacancy_rows(facts, model)
    _seat_rows(facts, model)
    _quarantine_rows(facts, model)
    return model


def _pools(f: Facts) -> list[Pool]:
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in np.flatnonzero(f.ret_eligible & (f.ret_ready < f.days)):
        groups[(f.ret_type(int(i)), int(f.ret_weight[i]))].append(int(i))
    pools = []
    for (place, weight), members in sorted(groups.items()):
        members.sort(key=lambda i: (f.ret_ready[i], i))
        pools.append(Pool(place, weight, members, [int(f.ret_ready[i]) for i in members]))
    return pools


def _cohorts(f: Facts) -> list[Cohort]:
    groups: dict[tuple[tuple[int, ...], int], list[int]] = defaultdict(list)
    for j, places in enumerate(f.rep_types):
        if places and f.rep_ready[j] < f.days:
            groups[(places, int(f.rep_ready[j]))].append(j)
    return [Cohort(places, ready, members) for (places, ready), members in sorted(groups.items())]


def _out_days(f: Facts, cohorts: list[Cohort]) -> list[list[int]]:
    """Days with an out variable per place type: out seats open and a replacement ready."""
    first_ready = np.full(len(f.types), f.days, dtype=np.int64)
    for cohort in cohorts:
        for place in cohort.places:
            first_ready[place] = min(first_ready[place], cohort.ready)
    return [
        [int(d) for d in np.flatnonzero(f.open_days(p, "out")) if d >= first_ready[p]]
        for p in range(len(f.types))
    ]


def _alloc_columns(f: Facts, model: AggregateModel, out_days: list[list[int]]) -> None:
    for c, cohort in enumerate(model.cohorts):
        cols = []
        for place in cohort.places:
            if out_days[place] and out_days[place][-1] >= cohort.ready:
                col = model.lp.var(0.0, len(cohort.members), integer=True)
                model.alloc[(c, place)] = col
                cols.append(col)
        if len(cols) > 1:
            model.lp.row([(col, 1.0) for col in cols], 0.0, len(cohort.members))


def _out_columns(
    f: Facts, model: AggregateModel, place: int, days: list[int], allocated: list[tuple[int, int]]
) -> None:
    """Out variables of a place type; outs never exceed the replacements allocated and ready."""
    lp, host = model.lp, f.types[place].host
    arriving: dict[int, list[int]] = defaultdict(list)
    for ready, col in allocated:
        arriving[days[int(np.searchsorted(days, ready))]].append(col)
    segments: list[tuple[list[int], list[tuple[int, float]]]] = []
    for day in days:
        col = lp.var(f.scenario.vacancy_weight * (f.days - day), f.out_cap[host, day], True)
        model.out[(place, day)] = col
        if day in arriving or not segments:
            segments.append(([], [(x, -1.0) for x in arriving[day]]))
        segments[-1][0].append(col)
    _stock_rows(lp, [(cols, supply, 0.0) for cols, supply in segments])


def _home_columns(f: Facts, model: AggregateModel, index: int, out_days: set[int]) -> None:
    """Home variables of a pool; homes never exceed the pool's returnees ready so far."""
    lp, pool = model.lp, model.pools[index]
    ptype = f.types[pool.place]
    open_days = f.open_days(pool.place, "home")
    days = [int(d) for d in np.flatnonzero(open_days) if d >= pool.readies[0]]
    if ptype.paired:
        days = [d for d in days if d in out_days]
    segments: list[tuple[list[int], list[tuple[int, float]], float]] = []
    counted = 0
    for day in days:
        ready_by = int(np.searchsorted(pool.readies, day, side="right"))
        upper = min(ready_by, f.home_cap[ptype.host, day])
        if ptype.paired:
            upper = min(upper, f.out_cap[ptype.host, day])
        col = lp.var(pool.weight * (f.days - day), upper, integer=True)
        model.home[(index, day)] = col
        if ready_by > counted or not segments:
            segments.append(([], [], float(ready_by - counted)))
            counted = ready_by
        segments[-1][0].append(col)
    _stock_rows(lp, segments)


def _stock_rows(
    lp: LpData, segments: list[tuple[list[int], list[tuple[int, float]], float]]
) -> None:
    """Per segment of days with no new arrivals: moves <= stock carried in + arrivals.

    Each segment gets one row `moves + stock - previous stock - supply columns = constant`
    with a continuous stock >= 0; within a segment the supply is constant, so checking
    at its end is enough.
    """
    stock = None
    for cols, supply, constant in segments:
        new_stock = lp.var(0.0, INF, integer=False)
        terms = [(c, 1.0) for c in cols] + [(new_stock, 1.0), *supply]
        if stock is not None:
            terms.append((stock, -1.0))
        lp.row(terms, constant, constant)
        stock = new_stock


def _homes_by_place_day(model: AggregateModel) -> dict[tuple[int, int], list[int]]:
    homes: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (index, day), col in model.home.items():
        homes[(model.pools[index].place, day)].append(col)
    return homes


def _vacancy_rows(f: Facts, model: AggregateModel) -> None:
    """Vacancy of each place type never negative; paired: homes <= outs each day."""
    homes = _homes_by_place_day(model)
    outs: dict[int, dict[int, int]] = defaultdict(dict)
    for (place, day), col in model.out.items():
        outs[place][day] = col
    home_days: dict[int, set[int]] = defaultdict(set)
    for place, day in homes:
        home_days[place].add(day)
    for place, out_cols in outs.items():
        stock = None
        for day in sorted(set(out_cols) | home_days[place]):
            new_stock = model.lp.var(0.0, INF, integer=False)
            terms = [(new_stock, 1.0)] + [(h, -1.0) for h in homes.get((place, day), [])]
            if day in out_cols:
                terms.append((out_cols[day], 1.0))
            if stock is not None:
                terms.append((stock, -1.0))
            rhs = float(f.types[place].vacancy) if stock is None else 0.0
            model.lp.row(terms, rhs, rhs)
            stock = new_stock
            if f.types[place].paired and (place, day) in homes:
                pair = [(h, 1.0) for h in homes[(place, day)]] + [(out_cols[day], -1.0)]
                model.lp.row(pair, -INF, 0.0)


def _seat_rows(f: Facts, model: AggregateModel) -> None:
    """Per host and day: homes within home seats, outs within out seats of open routes."""
    homes: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (place, day), cols in _homes_by_place_day(model).items():
        homes[(f.types[place].host, day)].extend(cols)
    outs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (place, day), col in model.out.items():
        outs[(f.types[place].host, day)].append(col)
    for cap, groups in ((f.home_cap, homes), (f.out_cap, outs)):
        for (host, day), cols in groups.items():
            if len(cols) > 1:
                model.lp.row([(c, 1.0) for c in cols], -INF, float(cap[host, day]))


def _quarantine_rows(f: Facts, model: AggregateModel) -> None:
    """Arrivals home over any `days` consecutive days within the beds."""
    q = f.scenario.quarantine
    if q.days == 0 or q.beds >= sum(len(p.members) for p in model.pools):
        return
    by_day: dict[int, list[int]] = defaultdict(list)
    for (_, day), col in model.home.items():
        by_day[day].append(col)
    beds = {}
    for day, cols in sorted(by_day.items()):
        beds[day] = model.lp.var(0.0, INF, integer=False)
        model.lp.row([(beds[day], 1.0)] + [(c, -1.0) for c in cols], 0.0, 0.0)
    previous: tuple[int, ...] = ()
    for day in range(f.days):
        window = tuple(d for d in range(day - q.days + 1, day + 1) if d in beds)
        if window and window != previous and not set(window) <= set(previous):
            model.lp.row([(beds[d], 1.0) for d in window], -INF, float(q.beds))
        previous = window
