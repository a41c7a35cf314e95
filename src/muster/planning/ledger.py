"""A plan under construction with named people: seats, beds and occupancy left, day by day."""

from __future__ import annotations

import numpy as np

from muster.planning.facts import BoolArray, Facts, IntArray
from muster.planning.result import Move


class Ledger:
    """Moves of named people and the capacity they use; every `add_*` keeps the plan valid."""

    def __init__(self, facts: Facts) -> None:
        f = facts
        self.facts = f
        self.route_home_left: IntArray = f.route_seats_home.copy()
        self.route_out_left: IntArray = f.route_seats_out.copy()
        self.home_left: IntArray = f.home_cap.copy()
        self.out_left: IntArray = f.out_cap.copy()
        self.beds_used: IntArray = np.zeros(f.days, dtype=np.int64)
        self.occupancy: IntArray = np.repeat(f.wp_occupied[:, None], f.days, axis=1)
        self.home: dict[int, tuple[int, int]] = {}
        self.out: dict[int, tuple[int, int, int]] = {}
        self._headroom: dict[int, tuple[int, IntArray]] = {}
        self._version = np.zeros(len(f.types), dtype=np.int64)

    def quarantine_ok(self) -> BoolArray:
        """Days on which one more arrival home still finds a bed for its whole quarantine."""
        q, days = self.facts.scenario.quarantine, self.facts.days
        if q.days == 0:
            return np.ones(days, dtype=np.bool_)
        full = np.concatenate(([0], np.cumsum(self.beds_used >= q.beds)))
        end = np.minimum(np.arange(days) + q.days, days)
        ok: BoolArray = (full[end] - full[:days]) == 0
        return ok

    def headroom(self, place_type: int) -> IntArray:
        """Per workplace of a place type and day t: places free on every day from t on."""
        version = int(self._version[place_type])
        cached = self._headroom.get(place_type)
        if cached is not None and cached[0] == version:
            return cached[1]
        wps = list(self.facts.types[place_type].workplaces)
        free = self.facts.wp_slots[wps, None] - self.occupancy[wps]
        room: IntArray = np.minimum.accumulate(free[:, ::-1], axis=1)[:, ::-1]
        self._headroom[place_type] = (version, room)
        return room

    def fits_home(self, returnee: int, day: int) -> bool:
        """Whether a home seat and a quarantine bed are free for this returnee on this day."""
        host = int(self.facts.wp_host[self.facts.ret_wp[returnee]])
        return bool(self.home_left[host, day] > 0 and self.quarantine_ok()[day])

    def fits_out(self, workplace: int, day: int) -> bool:
        """Whether an out seat and a place from this day on are free at this workplace."""
        host = int(self.facts.wp_host[workplace])
        room = self.facts.wp_slots[workplace] - self.occupancy[workplace, day:].max()
        return bool(self.out_left[host, day] > 0 and room > 0)

    def add_home(self, returnee: int, day: int) -> None:
        """Send a returnee home on a day (caller checked `fits_home`)."""
        f = self.facts
        wp = int(f.ret_wp[returnee])
        host = int(f.wp_host[wp])
        route = _take_seat(self.route_home_left, f.routes_of_host[host], day)
        self.home_left[host, day] -= 1
        self.beds_used[day : day + f.scenario.quarantine.days] += 1
        self.occupancy[wp, day:] -= 1
        self._version[f.wp_type[wp]] += 1
        self.home[returnee] = (day, route)

    def add_out(self, replacement: int, workplace: int, day: int) -> None:
        """Send a replacement out to a workplace on a day (caller checked `fits_out`)."""
        f = self.facts
        host = int(f.wp_host[workplace])
        route = _take_seat(self.route_out_left, f.routes_of_host[host], day)
        self.out_left[host, day] -= 1
        self.occupancy[workplace, day:] += 1
        self._version[f.wp_type[workplace]] += 1
        self.out[replacement] = (day, route, workplace)

    def objective(self) -> int:
        """The SPEC §6 objective of the moves so far."""
        f = self.facts
        homes = sum(f.weight_remaining(int(f.ret_weight[i]), d) for i, (d, _) in self.home.items())
        outs = sum(f.days - d for d, _, _ in self.out.values())
        return int(homes + f.scenario.vacancy_weight * outs)

    def moves(self) -> list[Move]:
        """The moves with names and dates, ordered by date, direction and person."""
        f, s = self.facts, self.facts.scenario
        moves = [
            Move(
                person=s.returnees[i].id,
                direction="home",
                route=s.routes[route].id,
                date=s.date_of(day),
                workplace=s.workplaces[int(f.ret_wp[i])].id,
            )
            for i, (day, route) in self.home.items()
        ]
        moves += [
            Move(
                person=s.replacements[j].id,
                direction="out",
                route=s.routes[route].id,
                date=s.date_of(day),
                workplace=s.workplaces[wp].id,
            )
            for j, (day, route, wp) in self.out.items()
        ]
        moves.sort(key=lambda m: (m.date, m.direction, m.route, m.person))
        return moves


def _take_seat(left: IntArray, routes: list[int], day: int) -> int:
    """Use a seat on the first route of the host with one free that day."""
    for route in routes:
        if left[route, day] > 0:
            left[route, day] -= 1
            return route
    raise ValueError(f"no seat left on day {day}")  # callers check capacity first
