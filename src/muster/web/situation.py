"""The situation board's charts: geometry of the inline SVGs (routes over time, beds in use,
bars by category, permits by horizon). Presentation only: the figures come from
`services.situation`, as the viewer may see them; every chart has its numbers in a table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from muster.domain.situation import PERMIT_HORIZONS, Permits, RouteStatus, Stretch
from muster.services.situation import Beds

CHART_WIDTH = 720  # viewBox units; the SVG scales to its box
LABEL_WIDTH = 170  # left margin of the route timeline, for the route's name
ROW_HEIGHT = 30
BEDS_HEIGHT = 180
BAR_HEIGHT = 22


@dataclass(frozen=True)
class Tick:
    """A labelled day on a chart's time axis."""

    x: float
    day: date


@dataclass(frozen=True)
class Segment:
    """A stretch of a route drawn on the timeline."""

    stretch: Stretch
    x: float
    width: float


@dataclass(frozen=True)
class RouteRow:
    """One route's row on the timeline: its segments and where it opens, if it does."""

    status: RouteStatus
    y: float
    segments: tuple[Segment, ...]
    opening_x: float | None


@dataclass(frozen=True)
class Timeline:
    """The routes of a host over the board's days."""

    rows: tuple[RouteRow, ...]
    ticks: tuple[Tick, ...]
    height: float


def _day_width(days: int) -> float:
    """Width of one day on the timeline."""
    return (CHART_WIDTH - LABEL_WIDTH) / max(days, 1)


def timeline(routes: Sequence[RouteStatus], start: date, days: int) -> Timeline:
    """Rows of coloured stretches (open, closed, severed), month ticks and opening marks."""
    step = _day_width(days)

    def x_of(day: date) -> float:
        return LABEL_WIDTH + (day - start).days * step

    rows = tuple(
        RouteRow(
            status=r,
            y=20 + i * ROW_HEIGHT,
            segments=tuple(Segment(s, x_of(s.first), s.days * step) for s in r.stretches),
            opening_x=x_of(r.opens_on) if r.opens_on and (r.opens_on - start).days < days else None,
        )
        for i, r in enumerate(routes)
    )
    ticks = tuple(Tick(x_of(d), d) for d in month_starts(start, days))
    return Timeline(rows, ticks, 20 + len(rows) * ROW_HEIGHT + 8)


def month_starts(start: date, days: int) -> list[date]:
    """The first day of every month within the window (the window's first day too)."""
    found = [start]
    day = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    while (day - start).days < days:
        found.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return found


@dataclass(frozen=True)
class BedsChart:
    """Beds in use day by day: the host's as bars, everyone's as a line, capacity as a rule."""

    bars: tuple[tuple[float, float, float, int], ...]  # x, y, height, beds of the host
    line: str  # polyline points of everyone's beds
    capacity_y: float
    ticks: tuple[Tick, ...]
    bar_width: float
    top: int  # the value at the top of the chart
    days: tuple[tuple[date, int, int], ...]  # day, host's beds, everyone's beds (the table)
    peak: tuple[float, float, int]  # x, y and value of everyone's most beds in use


def beds_chart(beds: Beds) -> BedsChart:
    """The chart of a plan's beds in use against the capacity."""
    count = len(beds.host)
    top = max([beds.capacity, *beds.everyone, 1])
    step = CHART_WIDTH / max(count, 1)

    def y_of(value: int) -> float:
        return BEDS_HEIGHT - BEDS_HEIGHT * value / top

    bars = tuple((i * step, y_of(n), BEDS_HEIGHT - y_of(n), n) for i, n in enumerate(beds.host))
    line = " ".join(f"{i * step + step / 2:.1f},{y_of(n):.1f}" for i, n in enumerate(beds.everyone))
    dates = [beds.start + timedelta(days=i) for i in range(count)]
    ticks = tuple(Tick(i * step, d) for i, d in enumerate(dates) if i % 7 == 0)
    days = tuple(zip(dates, beds.host, beds.everyone, strict=True))
    most = max(range(count), key=lambda i: beds.everyone[i], default=0)
    value = beds.everyone[most] if count else 0
    peak = (most * step + step / 2, y_of(value), value)
    return BedsChart(bars, line, y_of(beds.capacity), ticks, max(step - 1, 1), top, days, peak)


@dataclass(frozen=True)
class Bar:
    """One horizontal bar of a chart by category (or by horizon)."""

    key: str
    value: int
    width: float
    y: float


def bars(values: Iterable[tuple[str, int]], width: float = 170) -> tuple[Bar, ...]:
    """Bars proportional to their values, one under the other."""
    found = list(values)
    top = max([n for _, n in found] + [1])
    return tuple(
        Bar(key, n, width * n / top, i * (BAR_HEIGHT + 6)) for i, (key, n) in enumerate(found)
    )


def permit_bars(permits: Permits) -> tuple[Bar, ...]:
    """Permits by horizon: ended, then ending within 30, 31 to 60 and 61 to 90 days."""
    within = [permits.within[h] for h in PERMIT_HORIZONS]
    parts = [("expired", permits.expired), ("within_30", within[0] - permits.expired)]
    parts += [("within_60", within[1] - within[0]), ("within_90", within[2] - within[1])]
    return bars(parts)
