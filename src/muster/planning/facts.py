"""Derived facts of a scenario in day indices: seats per host and day, places, compatibility.

A *place type* gathers the workplaces of one host and trade. Planning at that level is
exact: returnees of a place type differ only by priority and ready day, any replacement
that can serve one of its workplaces can serve all, and outs can be spread over the
workplaces' vacancies afterwards (see `assign.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from muster.planning.scenario import Scenario, ineligibility

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PlaceType:
    """The workplaces of one host and trade, planned together."""

    index: int
    host: int
    trade: str
    paired: bool
    workplaces: tuple[int, ...]
    vacancy: int


class Facts:
    """Index-based view of a scenario shared by the solver, greedy, assignment and explanations."""

    def __init__(self, scenario: Scenario) -> None:
        s = scenario
        self.scenario = s
        self.days = s.horizon_days
        self.host_ids = [h.id for h in s.hosts]
        self.host_index = {h: i for i, h in enumerate(self.host_ids)}
        self.paired = [h.rotation == "paired" for h in s.hosts]
        self._routes()
        self._places()
        self._people()

    def _routes(self) -> None:
        s, days = self.scenario, self.days
        n_hosts = len(self.host_ids)
        self.route_host = [self.host_index[r.host] for r in s.routes]
        self.route_open = np.zeros((len(s.routes), days), dtype=np.bool_)
        self.routes_of_host: list[list[int]] = [[] for _ in range(n_hosts)]
        for i, route in enumerate(s.routes):
            first = max(0, s.day(route.open_from))
            last = days - 1 if route.open_until is None else min(days - 1, s.day(route.open_until))
            if first <= last:
                self.route_open[i, first : last + 1] = True
            self.routes_of_host[self.route_host[i]].append(i)
        seats_home = np.array([r.seats_home for r in s.routes], dtype=np.int64)
        seats_out = np.array([r.seats_out for r in s.routes], dtype=np.int64)
        self.route_seats_home: IntArray = self.route_open * seats_home[:, None]
        self.route_seats_out: IntArray = self.route_open * seats_out[:, None]
        self.home_cap: IntArray = np.zeros((n_hosts, days), dtype=np.int64)
        self.out_cap: IntArray = np.zeros((n_hosts, days), dtype=np.int64)
        for i, host in enumerate(self.route_host):
            self.home_cap[host] += self.route_seats_home[i]
            self.out_cap[host] += self.route_seats_out[i]

    def _places(self) -> None:
        s = self.scenario
        self.workplace_index = {w.id: i for i, w in enumerate(s.workplaces)}
        self.wp_host = np.array([self.host_index[w.host] for w in s.workplaces], dtype=np.int64)
        self.wp_slots = np.array([w.slots for w in s.workplaces], dtype=np.int64)
        self.wp_occupied = np.array([w.occupied for w in s.workplaces], dtype=np.int64)
        members: dict[tuple[int, str], list[int]] = {}
        for i, w in enumerate(s.workplaces):
            members.setdefault((self.host_index[w.host], w.trade), []).append(i)
        self.types: list[PlaceType] = []
        self.type_of_key: dict[tuple[int, str], int] = {}
        self.wp_type = np.zeros(len(s.workplaces), dtype=np.int64)
        for key, wps in members.items():
            index = len(self.types)
            vacancy = int(sum(self.wp_slots[w] - self.wp_occupied[w] for w in wps))
            self.types.append(
                PlaceType(index, key[0], key[1], self.paired[key[0]], tuple(wps), vacancy)
            )
            self.type_of_key[key] = index
            self.wp_type[wps] = index

    def _people(self) -> None:
        s = self.scenario
        self.ret_wp = np.array([self.workplace_index[r.workplace] for r in s.returnees], np.int64)
        # Ready before the start is ready on day 0: no index is ever negative.
        self.ret_ready = np.array([max(0, s.day(r.ready)) for r in s.returnees], dtype=np.int64)
        self.ret_weight = np.array([s.priority_weights[r.priority] for r in s.returnees], np.int64)
        self.ret_eligible = np.array([ineligibility(r) is None for r in s.returnees], np.bool_)
        self.rep_ready = np.array([max(0, s.day(r.ready)) for r in s.replacements], dtype=np.int64)
        self.rep_types: list[tuple[int, ...]] = []
        for rep in s.replacements:
            served = (
                self.type_of_key.get((self.host_index[h], t))
                for h in rep.hosts
                if h in self.host_index
                for t in rep.trades
            )
            self.rep_types.append(tuple(sorted({t for t in served if t is not None})))

    def ret_type(self, returnee: int) -> int:
        """Place type of a returnee's workplace."""
        return int(self.wp_type[self.ret_wp[returnee]])

    def open_days(self, place_type: int, direction: str) -> BoolArray:
        """Days on which the place type's host has seats (home; out; paired home needs both)."""
        host = self.types[place_type].host
        home: BoolArray = self.home_cap[host] > 0
        out: BoolArray = self.out_cap[host] > 0
        if direction == "out":
            return out
        return home & out if self.paired[host] else home

    def weight_remaining(self, weight: int, day: int) -> int:
        """Objective earned by one move of this weight on this day."""
        return weight * (self.days - day)
