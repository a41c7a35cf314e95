"""Use cases of the registry of people: search by any spelling, a person's page, current holds.

A search reads a name through the same linkage normaliser that matches list entries to held
persons (`services.protection.identity`): Hangul, hanja and every romanisation of a name
share its phonetic keys, so "Kim Chol Su", "Gim Cheol-su", "김철수" and "金哲洙" find the
same person. A passport number or a person_id finds them, too. Everything stays within the
viewer's subtree, and a person under a protection hold exists only for a viewer with
`protection` (no count, no page, no trace). Reading a person's page is audited.

Each person's name keys and cleaned passport are stored with them (worked out when the
registry is imported, or at the next search for anyone whose keys are missing or older than
`NAME_KEYS`), so a search looks up only the people who share a key with the query, through
indexes, instead of reading the whole registry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from muster.domain.access import (
    entry_as_seen,
    in_scope,
    require_permission,
    require_visible_person,
    sees_held,
    units_in_scope,
)
from muster.domain.categories import Catalogue
from muster.domain.errors import NotFound
from muster.domain.people import Deployment, Person
from muster.domain.protection import (
    Identity,
    MatchKind,
    Ruling,
    clean_passport,
    match_held,
    matches,
)
from muster.domain.submissions import Entry
from muster.domain.users import Permission, User
from muster.services.protection import hidden_rows, identity, identity_of
from muster.store.people import NameKeys
from muster.store.uow import UnitOfWork

SEARCH_LIMIT = 100
# The version of the stored search keys: raise it when the normaliser changes the keys it
# gives, and every person's keys are worked out again at the next search.
NAME_KEYS = 1
CERTAIN = (MatchKind.PERSON_ID, MatchKind.PASSPORT, MatchKind.NAME_AND_BIRTH)


@dataclass(frozen=True)
class Found:
    """A person a search found, where they are deployed, and whether they are held (only
    ever True for a viewer with `protection`)."""

    person: Person
    workplaces: tuple[str, ...]
    held: bool


def query_identity(query: str) -> Identity:
    """What a search text may be: a person_id, a passport number, or a name in any script."""
    text = query.strip()
    keys = identity(None, None, None, text, None, None)
    return Identity(
        person_id=text,
        passport=clean_passport(text),
        birth=None,
        family_key=keys.family_key,
        given_key=keys.given_key,
        given_hangul=keys.given_hangul,
    )


def finds(query: Identity, person: Identity) -> bool:
    """True when a search identity finds a person's identity.

    A whole name (family and given) finds whoever it could name, through the same rule that
    matches a list entry to a held person (no birth date given: any birth agrees). A lone
    word finds a person whose family or given name it is.
    """
    if match_held(query, person) is not None:
        return True
    if query.has_name:
        return False
    word = query.family_key or query.given_key
    return word is not None and word in (person.family_key, person.given_key)


def _identity(person: Person) -> Identity:
    """A registry person's identity, its name keys worked out once per process and name."""
    keys = _name_keys(person.family_name, person.given_name, person.name_native)
    passport = clean_passport(person.passport_no)
    return replace(keys, person_id=person.person_id, passport=passport, birth=person.date_of_birth)


@lru_cache(maxsize=1 << 18)
def _name_keys(family: str, given: str, native: str | None) -> Identity:
    """The name keys of a registry name (the normaliser is cached per field, not per name)."""
    return identity(None, family, given, native, None, None)


def search_keys(people: Iterable[Person]) -> NameKeys:
    """The stored search keys of people: their identities (name keys and cleaned passport)."""
    return {p.person_id: _identity(p) for p in people}, NAME_KEYS


def search_people(
    uow: UnitOfWork, actor: User, query: str, now: datetime, *, limit: int = SEARCH_LIMIT
) -> list[Found]:
    """Registered persons of the actor's subtree whom the query names (audited)."""
    text = query.strip()
    if not text:
        return []
    stale = uow.people.stale_name_keys(NAME_KEYS)
    if stale:
        uow.people.set_name_keys(search_keys(stale))
    wanted = query_identity(text)
    family, given = wanted.family_key, wanted.given_key
    name = (family, given) if family and given else None  # a whole name: both keys
    word = None if name else (family or given)  # a lone word: either key
    scope = units_in_scope(actor, uow.units.tree())
    held = uow.holds.held()
    show_held = sees_held(actor)
    places: dict[str, list[str]] = defaultdict(list)
    people: dict[str, Person] = {}
    for person, keys, workplace in uow.people.search_candidates(text, wanted.passport, name, word):
        if workplace not in scope or (person.person_id in held and not show_held):
            continue
        if person.person_id in people or finds(wanted, keys):
            people[person.person_id] = person
            places[person.person_id].append(workplace)
    found = [Found(p, tuple(places[pid]), pid in held) for pid, p in sorted(people.items())[:limit]]
    uow.audit.record(
        actor.name, "search_people", "person", "search", None,
        {"query": text, "found": [f.person.person_id for f in found]},
    )  # fmt: skip
    uow.commit()
    return found


@dataclass(frozen=True)
class Mention:
    """A list that named the person: which call and unit, which version and row, and the
    entry as the viewer may see it (medical notes redacted without `medical`)."""

    call_id: int
    call_title: str
    unit_code: str
    version: int
    entry: Entry
    section: str


@dataclass(frozen=True)
class PersonPage:
    """A person as the viewer may know them: identity, deployments, lists that named them."""

    person: Person
    deployments: tuple[Deployment, ...]
    held: bool
    mentions: tuple[Mention, ...]


def person_page(
    uow: UnitOfWork, actor: User, catalogue: Catalogue, person_id: str, now: datetime
) -> PersonPage:
    """One person of the actor's subtree, with the lists that named them (audited read).

    A list names the person by person_id, passport, or name in any script with their birth
    date (the certain matches of the protection matcher). Only lists of the actor's subtree
    count, each entry as the actor may see it: welfare entries need `welfare`, medical notes
    `medical`, and an entry that names or may name someone held needs `protection`.
    """
    person = uow.people.get(person_id)
    if person is None:
        raise NotFound(f"no person {person_id!r} in your unit's registry")
    tree = uow.units.tree()
    require_visible_person(actor, tree, uow.people.workplaces_of(person_id))
    held = person_id in uow.holds.held()
    if held and not sees_held(actor):
        raise NotFound(f"no person {person_id!r} in your unit's registry")
    mentions = _mentions(uow, actor, catalogue, person)
    uow.audit.record(actor.name, "read_person", "person", person_id, None, {"lists": len(mentions)})
    uow.commit()
    deployments = tuple(uow.people.deployments_of(person_id))
    return PersonPage(person, deployments, held, tuple(mentions))


def _mentions(uow: UnitOfWork, actor: User, catalogue: Catalogue, person: Person) -> list[Mention]:
    """The entries of lists in the actor's subtree that name the person: certainly (by id,
    passport, or name and birth date), or as a protection officer confirmed."""
    target = identity_of(person)
    years = {person.date_of_birth.year} if person.date_of_birth else None
    named: set[tuple[int, int]] = {
        (version_id, entry.row)
        for version_id, entry in uow.submissions.match_candidates(
            [person.person_id], [target.passport] if target.passport else [], years
        )
        if any(kind in CERTAIN for _pid, kind in matches(identity_of(entry), [target]))
    }
    for match in uow.holds.matched([person.person_id]):
        if match.ruling == Ruling.CONFIRM.value:
            named.add((match.version_id, match.row))
    hidden = hidden_rows(uow, actor, {vid for vid, _row in named})
    tree = uow.units.tree()
    titles: dict[int, str] = {}
    found: list[Mention] = []
    for version_id, row in sorted(named):
        call_id, unit_code, number, entry = uow.submissions.entry_at(version_id, row)
        if not in_scope(actor, tree, unit_code):
            continue
        seen = entry_as_seen(entry, catalogue, actor, row in hidden.get(version_id, ()))
        if seen is None:
            continue
        if call_id not in titles:
            titles[call_id] = uow.calls.get(call_id).title
        section = catalogue.section_of(seen.category).code
        found.append(Mention(call_id, titles[call_id], unit_code, number, seen, section))
    return sorted(found, key=lambda m: (m.call_id, m.unit_code, m.version, m.entry.row))


@dataclass(frozen=True)
class Hold:
    """A person under a protection hold now: since when, why, by whom."""

    person: Person
    reason: str | None
    at: datetime
    by: str


def current_holds(uow: UnitOfWork, actor: User) -> list[Hold]:
    """Everyone under a protection hold now in the actor's subtree (needs `protection`)."""
    require_permission(actor, Permission.PROTECTION)
    tree = uow.units.tree()
    held = uow.holds.held()
    latest: dict[str, tuple[str | None, datetime, str]] = {}
    for person_id, action, reason, at, by in uow.holds.history():
        if action == "hold":
            latest[person_id] = (reason, at, by)
    visible = {
        pid
        for pid, workplace in uow.people.workplaces_of_many(held)
        if in_scope(actor, tree, workplace)
    }
    return [
        Hold(person, *latest[person.person_id])
        for person in uow.people.get_many(held & visible)
        if person.person_id in latest
    ]
