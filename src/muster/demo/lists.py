"""The rows workplaces put on their lists: spelled their own way, sometimes unlinked or shared."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from muster.demo.model import PersonSpec, Situation, World
from muster.demo.names import other_spelling

LINKED_SHARE = 0.92  # rows that carry the registry person_id
VARIANT_SHARE = 0.15  # rows spelled differently from the registry
PASSPORT_SHARE = 0.95
SHARED_PEOPLE = 20  # people listed by two workplaces, at scale 1


@dataclass(frozen=True)
class ListRow:
    """One row of a list file (SPEC §5 list columns)."""

    person_id: str | None
    family_name: str
    given_name: str
    name_native: str | None
    date_of_birth: date | None
    sex: str | None
    passport_no: str | None
    category: str
    since: date | None
    fit_to_travel: str
    wants_to_return: str
    note: str | None


def workplace_rows(rng: random.Random, world: World) -> dict[str, list[ListRow]]:
    """Each workplace's complete list: a row for every situation of its people."""
    people = {p.person_id: p for p in world.people}
    rows: dict[str, list[ListRow]] = {w.code: [] for w in world.workplaces()}
    for situation in world.situations:
        person = people[situation.person_id]
        rows[person.workplace_code].append(_row(rng, person, situation))
    return rows


def _row(rng: random.Random, person: PersonSpec, situation: Situation) -> ListRow:
    """How a workplace clerk writes one person down."""
    spelling = (person.family_name, person.given_name)
    if rng.random() < VARIANT_SHARE:
        spelling = other_spelling(rng, person.name, spelling)
    return ListRow(
        person_id=person.person_id if rng.random() < LINKED_SHARE else None,
        family_name=spelling[0],
        given_name=spelling[1],
        name_native=person.name_native,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        passport_no=person.passport_no if rng.random() < PASSPORT_SHARE else None,
        category=situation.category,
        since=situation.since,
        fit_to_travel=situation.fit_to_travel,
        wants_to_return=situation.wants_to_return,
        note=situation.note,
    )


def flawed(rng: random.Random, rows: list[ListRow]) -> list[ListRow]:
    """A first version a reviewer returns: blanks in up to three rows and one person left out."""
    out = list(rows)
    for index in rng.sample(range(len(out)), min(3, len(out))):
        out[index] = replace(out[index], passport_no=None, since=None)
    if len(out) >= 2:
        out.pop(rng.randrange(len(out)))
    return out


def shared_rows(
    rng: random.Random,
    world: World,
    rows: Mapping[str, list[ListRow]],
    submitting: set[str],
) -> set[str]:
    """Put some people on a second workplace's list too (lent to a nearby site); their ids."""
    parent = {u.code: u.parent_code for u in world.units}
    people = {p.person_id: p for p in world.people}
    candidates = [
        (code, r) for code in sorted(submitting) for r in rows[code] if r.person_id is not None
    ]
    chosen = rng.sample(
        candidates, min(len(candidates), max(2, round(SHARED_PEOPLE * world.scale)))
    )
    shared: set[str] = set()
    for home, row in chosen:
        others = sorted(c for c in submitting if c != home and parent[c] == parent[home])
        others = others or sorted(c for c in submitting if c != home)
        if not others or row.person_id is None:
            continue
        person = people[row.person_id]
        family, given = other_spelling(rng, person.name, (row.family_name, row.given_name))
        rows[rng.choice(others)].append(
            replace(row, family_name=family, given_name=given,
                    person_id=row.person_id if rng.random() < 0.5 else None,
                    note=f"lent to this site; usually at {home}")
        )  # fmt: skip
        shared.add(row.person_id)
    return shared
