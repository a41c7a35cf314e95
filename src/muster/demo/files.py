"""The demo world written as the files people exchange (SPEC §5): units, people, lists, pool."""

from __future__ import annotations

from collections.abc import Iterable

from muster.demo.lists import ListRow
from muster.demo.model import PersonSpec, Replacement, World
from muster.reports.cells import Cell, write_csv

UNIT_HEADER = ("code", "name", "kind", "parent_code", "host_country", "region", "workplace_type",
               "slots", "trade")  # fmt: skip
PEOPLE_HEADER = ("person_id", "family_name", "given_name", "name_native", "date_of_birth", "sex",
                 "passport_no", "workplace_code", "role", "purpose", "arrived",
                 "permit_expires")  # fmt: skip
LIST_HEADER = ("person_id", "family_name", "given_name", "name_native", "date_of_birth", "sex",
               "passport_no", "category", "since", "fit_to_travel", "wants_to_return",
               "note")  # fmt: skip
REPLACEMENT_HEADER = ("replacement_id", "family_name", "given_name", "name_native",
                      "date_of_birth", "sex", "trades", "hosts", "ready")  # fmt: skip


def units_csv(world: World) -> bytes:
    """units.csv for the whole organisation tree, parents before children."""
    return write_csv(UNIT_HEADER, ([getattr(u, c) for c in UNIT_HEADER] for u in world.units))


def people_csv(people: Iterable[PersonSpec]) -> bytes:
    """people.csv (the registry, one deployment per person)."""
    return write_csv(PEOPLE_HEADER, ([getattr(p, c) for c in PEOPLE_HEADER] for p in people))


def list_csv(rows: Iterable[ListRow]) -> bytes:
    """A workplace's list in the SPEC §5 list format."""
    return write_csv(LIST_HEADER, ([getattr(r, c) for c in LIST_HEADER] for r in rows))


def _names(r: Replacement) -> list[Cell]:
    """The identity columns of a replacement."""
    return [r.replacement_id, r.family_name, r.given_name, r.name_native, r.date_of_birth, r.sex]


def replacements_csv(world: World) -> bytes:
    """replacements.csv: the pool of trained replacements; trades and hosts `;`-separated."""
    return write_csv(
        REPLACEMENT_HEADER,
        ([*_names(r), ";".join(r.trades), ";".join(r.hosts), r.ready] for r in world.replacements),
    )
