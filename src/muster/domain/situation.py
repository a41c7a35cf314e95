"""The situation of a host country (SPEC §1): the figures its board shows.

Pure functions over what the service has read and already narrowed to what the viewer may
see (deployments in their subtree without held persons, entries as they may see them): people
deployed, sick and injured, stranded by category, business stalled, permits expiring, routes
open, closed or severed over time with their seats, quarantine beds in use over a plan's
horizon, and the change since the previous call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from muster.domain.categories import Catalogue, Mark
from muster.domain.people import Deployment, permit_expiring
from muster.domain.submissions import Entry

# The category of SPEC §4 for a workplace whose business cannot operate.
STALLED_BUSINESS = "stalled_business"
PERMIT_HORIZONS = (30, 60, 90)  # days ahead the board counts expiring permits for


# -- people deployed ------------------------------------------------------------------------


@dataclass(frozen=True)
class Deployed:
    """People deployed at a host's workplaces, and the places there are."""

    people: int
    workplaces: int
    slots: int
    by_role: Mapping[str, int]
    by_purpose: Mapping[str, int]


def deployed(deployments: Iterable[Deployment], slots: Mapping[str, int]) -> Deployed:
    """People deployed at the workplaces of `slots` (workplace code -> places)."""
    here = [d for d in deployments if d.workplace_code in slots]
    return Deployed(
        people=len(here),
        workplaces=len(slots),
        slots=sum(slots.values()),
        by_role=dict(Counter(d.role.value for d in here)),
        by_purpose=dict(Counter(d.purpose.value for d in here)),
    )


# -- what the lists of a call report ----------------------------------------------------------


@dataclass(frozen=True)
class ListFigures:
    """What the accepted lists of one call report about a host, by category.

    `health` holds the categories of sections marked medical (sick and injured), `welfare`
    those of sections marked welfare, `stranded` every other category. `asked` are the
    categories the call asked for: a figure of a category not asked is unknown, not zero.
    """

    health: Mapping[str, int]
    stranded: Mapping[str, int]
    welfare: Mapping[str, int]
    stalled_workplaces: int
    workplaces_reported: int
    asked: tuple[str, ...]

    @property
    def sick_and_injured(self) -> int:
        """Entries of the health section."""
        return sum(self.health.values())

    @property
    def stranded_total(self) -> int:
        """Entries stranded or without work, every category together."""
        return sum(self.stranded.values())

    @property
    def welfare_total(self) -> int:
        """Entries of the welfare section (whereabouts unknown)."""
        return sum(self.welfare.values())

    def count(self, category: str) -> int:
        """Entries of one category."""
        for part in (self.health, self.stranded, self.welfare):
            if category in part:
                return part[category]
        return 0


def list_figures(
    entries: Mapping[str, Sequence[Entry]], catalogue: Catalogue, asked: Sequence[str]
) -> ListFigures:
    """Figures from the entries of each workplace's accepted list (as the viewer sees them).

    Every asked category gets a figure (zero when nobody is reported in it); a workplace is
    stalled when its list reports anyone in the stalled-business category.
    """
    counts = Counter(e.category for found in entries.values() for e in found)
    parts: dict[Mark | None, dict[str, int]] = {Mark.MEDICAL: {}, Mark.WELFARE: {}, None: {}}
    for code in catalogue.codes():
        if code in asked or counts[code]:
            mark = catalogue.section_of(code).mark
            parts[mark if mark in parts else None][code] = counts[code]
    stalled = sum(1 for found in entries.values() if any(_stalled(e) for e in found))
    return ListFigures(
        health=parts[Mark.MEDICAL],
        stranded=parts[None],
        welfare=parts[Mark.WELFARE],
        stalled_workplaces=stalled,
        workplaces_reported=len(entries),
        asked=tuple(asked),
    )


def _stalled(entry: Entry) -> bool:
    """True when the entry reports that the business cannot operate."""
    return entry.category == STALLED_BUSINESS


# -- the change since the previous call --------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One figure now and at the previous call (None: not known then)."""

    key: str
    now: int | None
    before: int | None

    @property
    def delta(self) -> int | None:
        """How much the figure grew (negative: fell); None without both figures."""
        if self.now is None or self.before is None:
            return None
        return self.now - self.before

    @property
    def direction(self) -> str:
        """up, down, same, or unknown (nothing to compare)."""
        delta = self.delta
        if delta is None:
            return "unknown"
        return "up" if delta > 0 else "down" if delta < 0 else "same"


HEADLINES = ("sick_and_injured", "stranded", "stalled_workplaces", "welfare")


def trend(
    now: ListFigures, before: ListFigures | None, *, welfare: bool = True
) -> tuple[list[Change], list[Change]]:
    """Headline changes and changes per category, against the previous call's figures.

    A category the previous call did not ask for has no earlier figure; `welfare` False
    leaves the welfare headline out (the viewer may not see that section).
    """
    headlines = [
        Change(key, _headline(now, key), _headline(before, key) if before else None)
        for key in HEADLINES
        if welfare or key != "welfare"
    ]
    codes = [*now.health, *now.stranded, *(now.welfare if welfare else {})]
    categories = [Change(code, now.count(code), _category_before(before, code)) for code in codes]
    return headlines, categories


def _headline(figures: ListFigures, key: str) -> int | None:
    """One headline figure by name; None when the call asked for none of its categories."""
    asked = {
        "sick_and_injured": bool(figures.health),
        "stranded": bool(figures.stranded),
        "stalled_workplaces": STALLED_BUSINESS in figures.asked,
        "welfare": bool(figures.welfare),
    }
    if not asked[key]:
        return None
    return {
        "sick_and_injured": figures.sick_and_injured,
        "stranded": figures.stranded_total,
        "stalled_workplaces": figures.stalled_workplaces,
        "welfare": figures.welfare_total,
    }[key]


def _category_before(before: ListFigures | None, code: str) -> int | None:
    """A category's earlier figure, when the previous call asked for it."""
    if before is None or code not in before.asked:
        return None
    return before.count(code)


# -- permits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Permits:
    """Permits already ended, and those ending within each horizon (ended ones included)."""

    expired: int
    within: Mapping[int, int]


def permits(deployments: Iterable[Deployment], today: date) -> Permits:
    """How many permits have ended and how many end within 30, 60 and 90 days of today."""
    found = list(deployments)
    return Permits(
        expired=sum(1 for d in found if d.permit_expires is not None and d.permit_expires < today),
        within={h: sum(1 for d in found if permit_expiring(d, today, h)) for h in PERMIT_HORIZONS},
    )


def permits_due(
    deployments: Iterable[Deployment], today: date, within_days: int = PERMIT_HORIZONS[-1]
) -> list[Deployment]:
    """Deployments whose permit ends within `within_days` (or has ended), soonest first."""
    due = [d for d in deployments if permit_expiring(d, today, within_days)]
    return sorted(due, key=lambda d: (d.permit_expires or today, d.person_id))


# -- routes ----------------------------------------------------------------------------------


class RouteState(StrEnum):
    """A route on one day: open, closed (it has or had open days), or severed (no way at all)."""

    OPEN = "open"
    CLOSED = "closed"
    SEVERED = "severed"


@dataclass(frozen=True)
class RouteWindow:
    """A route as stored: open from a first day until a last one (None: no end), seats a day."""

    id: str
    host: str
    mode: str
    open_from: date | None
    open_until: date | None
    seats_home: int
    seats_out: int


def route_state(route: RouteWindow, day: date) -> RouteState:
    """The route's state on a day.

    Without an open date the route is severed when it has no seats either (the link is cut,
    no reopening known) and closed otherwise; with one it is open within its window.
    """
    if route.open_from is None:
        return RouteState.SEVERED if route.seats_home == route.seats_out == 0 else RouteState.CLOSED
    if route.open_from <= day and (route.open_until is None or day <= route.open_until):
        return RouteState.OPEN
    return RouteState.CLOSED


@dataclass(frozen=True)
class Stretch:
    """Consecutive days a route stays in one state."""

    state: RouteState
    first: date
    last: date

    @property
    def days(self) -> int:
        """How many days the stretch lasts."""
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class RouteStatus:
    """A route over a window of days: its state on the first, the stretches, and its seats."""

    route: RouteWindow
    state: RouteState
    opens_on: date | None  # the next opening day after the window's first day, if any
    closed_since: date | None  # the day after its last open day, when that has passed
    stretches: tuple[Stretch, ...]
    seats_home: int  # seats home over the open days of the window
    seats_out: int


def route_status(route: RouteWindow, start: date, days: int) -> RouteStatus:
    """The route from `start` over `days` days."""
    stretches: list[Stretch] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        state = route_state(route, day)
        if stretches and stretches[-1].state is state:
            stretches[-1] = Stretch(state, stretches[-1].first, day)
        else:
            stretches.append(Stretch(state, day, day))
    open_days = sum(s.days for s in stretches if s.state is RouteState.OPEN)
    opening = route.open_from if route.open_from is not None and route.open_from > start else None
    ended = route.open_until is not None and route.open_until < start
    return RouteStatus(
        route=route,
        state=route_state(route, start),
        opens_on=opening,
        closed_since=route.open_until + timedelta(days=1) if ended and route.open_until else None,
        stretches=tuple(stretches),
        seats_home=open_days * route.seats_home,
        seats_out=open_days * route.seats_out,
    )


# -- quarantine beds -------------------------------------------------------------------------


def beds_in_use(
    arrivals: Iterable[date], start: date, days: int, quarantine_days: int
) -> list[int]:
    """Beds in use on each of `days` days from `start`: every arrival home holds a bed from its
    day for `quarantine_days` days (the planner's rule 4)."""
    by_day = Counter(arrivals)
    return [
        sum(by_day[start + timedelta(days=t - back)] for back in range(quarantine_days))
        for t in range(days)
    ]
