"""The rotation planning scenario (SPEC §6): hosts, routes, workplaces, returnees, replacements.

Plain frozen dataclasses with no I/O, so that a file (`load_scenario`) or the database
layer can build one and hand it to `plan()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

Rotation = Literal["paired", "free"]

DEFAULT_PRIORITY_WEIGHTS: Mapping[int, int] = {1: 8, 2: 4, 3: 2, 4: 1}


class ScenarioError(ValueError):
    """A scenario that cannot be planned; each error names its field, e.g. `routes[0].host`."""

    def __init__(self, errors: list[str]) -> None:
        self.errors: tuple[str, ...] = tuple(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True, slots=True)
class Host:
    """A host country and its host policy."""

    id: str
    rotation: Rotation
    stay: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """A way home and back for one host; `open_until` is the last open day (None: horizon)."""

    id: str
    host: str
    open_from: date
    open_until: date | None
    seats_home: int
    seats_out: int


@dataclass(frozen=True, slots=True)
class Workplace:
    """A workplace as the planner sees it: host, the trade its places need, slots and occupancy."""

    id: str
    host: str
    trade: str
    slots: int
    occupied: int


@dataclass(frozen=True, slots=True)
class Returnee:
    """A person abroad who may go home (only with consent, no protection hold, fit to travel)."""

    id: str
    workplace: str
    priority: int
    ready: date
    consent: bool
    protection_hold: bool = False
    fit_to_travel: bool = True


@dataclass(frozen=True, slots=True)
class Replacement:
    """A trained candidate waiting at home to be sent out."""

    id: str
    trades: tuple[str, ...]
    hosts: tuple[str, ...]
    ready: date


@dataclass(frozen=True, slots=True)
class Quarantine:
    """Quarantine at home: each person arriving holds a bed for `days` days."""

    beds: int
    days: int


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything the planner needs; day t = `start` + t, for t in 0 .. horizon_days - 1."""

    start: date
    horizon_days: int
    quarantine: Quarantine
    hosts: tuple[Host, ...] = ()
    routes: tuple[Route, ...] = ()
    workplaces: tuple[Workplace, ...] = ()
    returnees: tuple[Returnee, ...] = ()
    replacements: tuple[Replacement, ...] = ()
    priority_weights: Mapping[int, int] = field(
        default_factory=lambda: dict(DEFAULT_PRIORITY_WEIGHTS)
    )
    vacancy_weight: int = 1

    def day(self, when: date) -> int:
        """Day index of a date (may be negative or past the horizon)."""
        return (when - self.start).days

    def date_of(self, day: int) -> date:
        """Date of a day index."""
        return self.start + timedelta(days=day)

    @property
    def last_date(self) -> date:
        """The last day of the horizon."""
        return self.date_of(self.horizon_days - 1)


IneligibleReason = Literal["protection_hold", "no_consent", "not_fit"]


def ineligibility(returnee: Returnee) -> IneligibleReason | None:
    """Why a returnee may not be scheduled at all (protection first), or None if eligible."""
    if returnee.protection_hold:
        return "protection_hold"
    if not returnee.consent:
        return "no_consent"
    if not returnee.fit_to_travel:
        return "not_fit"
    return None
