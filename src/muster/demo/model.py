"""The demo world's data: plain dataclasses mirroring the SPEC §5 files and §3 glossary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from muster.demo.names import KoreanName


@dataclass(frozen=True)
class HostPolicy:
    """SPEC §3 host policy: paired (capped places) or free rotation, and the stay policy."""

    host: str
    name: str
    rotation: str
    stay: str
    situation: str


@dataclass(frozen=True)
class Route:
    """SPEC §3 route: a way home and back for one host, with open dates and seats per day."""

    id: str
    host: str
    mode: str
    open_from: date | None
    open_until: date | None
    seats_home: int
    seats_out: int
    note: str

    @property
    def closed(self) -> bool:
        """A route with no open day is closed."""
        return self.open_from is None or self.seats_home + self.seats_out == 0


@dataclass(frozen=True)
class UnitSpec:
    """One row of units.csv (SPEC §5)."""

    code: str
    name: str
    kind: str
    parent_code: str | None = None
    host_country: str | None = None
    region: str | None = None
    workplace_type: str | None = None
    slots: int | None = None
    trade: str | None = None


@dataclass(frozen=True)
class PersonSpec:
    """One row of people.csv (SPEC §5), with the name kept whole for variant spellings."""

    person_id: str
    family_name: str
    given_name: str
    name_native: str
    date_of_birth: date
    sex: str
    passport_no: str
    workplace_code: str
    role: str
    purpose: str
    arrived: date
    permit_expires: date
    name: KoreanName = field(compare=False, repr=False)


@dataclass(frozen=True)
class Situation:
    """What a workplace should report about a person (an entry's truth, before any mistakes)."""

    person_id: str
    category: str
    since: date
    fit_to_travel: str
    wants_to_return: str
    note: str | None = None


@dataclass(frozen=True)
class Replacement:
    """SPEC §3 replacement: a trained candidate waiting to be dispatched."""

    replacement_id: str
    family_name: str
    given_name: str
    name_native: str
    date_of_birth: date
    sex: str
    trades: tuple[str, ...]
    hosts: tuple[str, ...]
    ready: date


@dataclass(frozen=True)
class World:
    """The whole generated demo world."""

    seed: int
    scale: float
    today: date
    policies: tuple[HostPolicy, ...]
    routes: tuple[Route, ...]
    quarantine_beds: int
    quarantine_days: int
    units: tuple[UnitSpec, ...]
    people: tuple[PersonSpec, ...]
    situations: tuple[Situation, ...]
    replacements: tuple[Replacement, ...]
    stalled_workplaces: frozenset[str]

    def workplaces(self) -> list[UnitSpec]:
        """Units of kind workplace, in generation (and code) order."""
        return [u for u in self.units if u.kind == "workplace"]

    def units_of_kind(self, kind: str) -> list[UnitSpec]:
        """Units of one kind, in generation order."""
        return [u for u in self.units if u.kind == kind]
