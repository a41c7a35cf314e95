"""One record per data row of each file format; `row` is the spreadsheet row number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """A row of units.csv: one node of the organisation tree."""

    code: str
    name: str
    kind: str
    parent_code: str | None
    host_country: str | None
    region: str | None
    workplace_type: str | None
    slots: int | None
    trade: str | None
    row: int


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A row of people.csv: a person in the registry and their deployment."""

    person_id: str
    family_name: str
    given_name: str
    name_native: str | None
    date_of_birth: date
    sex: str | None
    passport_no: str | None
    workplace_code: str
    role: str
    purpose: str
    arrived: date | None
    permit_expires: date | None
    row: int


@dataclass(frozen=True, slots=True)
class ListRecord:
    """A row of a submitted list: one entry."""

    person_id: str | None
    family_name: str | None
    given_name: str | None
    name_native: str | None
    date_of_birth: date | None
    sex: str | None
    passport_no: str | None
    category: str
    since: date | None
    fit_to_travel: str
    wants_to_return: str
    note: str | None
    row: int


@dataclass(frozen=True, slots=True)
class ReplacementRecord:
    """A row of replacements.csv: a candidate in the pool."""

    replacement_id: str
    family_name: str
    given_name: str
    name_native: str | None
    date_of_birth: date | None
    sex: str | None
    trades: tuple[str, ...]
    hosts: tuple[str, ...]
    ready: date
    row: int


@dataclass(frozen=True, slots=True)
class LinkInputRecord:
    """A row of a link input file: one person record to cluster.

    `date_of_birth` is text shaped YYYY-MM-DD, possibly no real day (1985-25-03): linkage
    uses such slips as evidence (see the `date_text` column kind).
    """

    record_id: str
    family_name: str | None
    given_name: str | None
    name_native: str | None
    date_of_birth: str | None
    sex: str | None
    passport_no: str | None
    row: int
