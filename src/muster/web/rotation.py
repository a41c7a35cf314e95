"""The shape of a plan's pages: the calendar by day and route, the beds chart, reason words.

Presentation only: the plan comes from `services.rotation_plan.plan_view`, as the viewer may
see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from muster.planning.scenario import Route
from muster.services.rotation_plan import PlannedMove, PlanView
from muster.web.i18n import N_

REASONS: dict[str, str] = {
    "capacity": N_("no seat, bed or place left"),
    "no_replacement": N_("no replacement for the place"),
    "route_closed": N_("no open route"),
    "not_ready": N_("not ready within the horizon"),
    "no_consent": N_("has not asked to return"),
    "protection_hold": N_("under a protection hold"),
    "not_fit": N_("not fit to travel"),
}
CHART_WIDTH = 720
CHART_HEIGHT = 160


@dataclass(frozen=True)
class Cell:
    """One route on one day: who goes home and out, seats used and available."""

    route: Route
    day: date
    homes: list[PlannedMove]
    outs: list[PlannedMove]

    @property
    def open(self) -> bool:
        """True when the route is open that day."""
        r = self.route
        return r.open_from <= self.day and (r.open_until is None or self.day <= r.open_until)

    @property
    def seats_home(self) -> int:
        """Seats home that day (none when closed)."""
        return self.route.seats_home if self.open else 0

    @property
    def seats_out(self) -> int:
        """Seats out that day (none when closed)."""
        return self.route.seats_out if self.open else 0


@dataclass(frozen=True)
class Day:
    """One day of the calendar: a cell per route, and quarantine beds in use."""

    day: date
    cells: list[Cell]
    beds: int

    @property
    def busy(self) -> bool:
        """True when anyone travels that day."""
        return any(c.homes or c.outs for c in self.cells)


def calendar(view: PlanView) -> list[Day]:
    """Every day of the horizon with a cell per route (routes in the plan's order)."""
    moves: dict[tuple[date, str], list[PlannedMove]] = {}
    for m in view.moves:
        moves.setdefault((m.move.date, m.move.route), []).append(m)
    beds = view.beds_in_use()
    days = []
    for t, day in enumerate(view.days):
        cells = []
        for route in view.routes:
            here = sorted(moves.get((day, route.id), []), key=lambda m: m.move.person)
            homes = [m for m in here if m.move.direction == "home"]
            outs = [m for m in here if m.move.direction == "out"]
            cells.append(Cell(route, day, homes, outs))
        days.append(Day(day, cells, beds[t]))
    return days


@dataclass(frozen=True)
class Bar:
    """One day's bar of the beds chart."""

    day: date
    beds: int
    x: float
    y: float
    width: float
    height: float
    over: bool


@dataclass(frozen=True)
class BedsChart:
    """Quarantine beds in use per day against capacity, as SVG geometry."""

    bars: list[Bar]
    capacity: int
    capacity_y: float
    peak: int
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT


def beds_chart(view: PlanView) -> BedsChart:
    """A bar per day, scaled so that capacity and the busiest day both fit."""
    use = view.beds_in_use()
    peak = max(use, default=0)
    top = max(peak, view.beds, 1)
    step = CHART_WIDTH / max(len(use), 1)
    bars = [
        Bar(
            day, n, t * step, CHART_HEIGHT - CHART_HEIGHT * n / top, max(step - 1, 1),
            CHART_HEIGHT * n / top, n > view.beds,
        )
        for t, (day, n) in enumerate(zip(view.days, use, strict=True))
    ]  # fmt: skip
    return BedsChart(bars, view.beds, CHART_HEIGHT - CHART_HEIGHT * view.beds / top, peak)
