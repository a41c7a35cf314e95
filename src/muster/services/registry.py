"""Use cases for the organisation tree, the registry of people, users and protection holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime

from muster.domain.access import (
    in_scope,
    require_permission,
    require_scope,
    require_visible_person,
)
from muster.domain.errors import DomainError, NotFound, NotPermitted, OutOfScope
from muster.domain.people import Deployment, Person, Purpose, Role, Sex
from muster.domain.units import Unit, UnitKind, UnitTree, WorkplaceType, validate_tree
from muster.domain.users import Permission, User
from muster.intake import IntakeRejected, PersonRecord, RowError, UnitRecord
from muster.services.people import search_keys
from muster.services.protection import scan_for
from muster.store.uow import UnitOfWork

KIND_ORDER = [UnitKind.HEADQUARTERS, UnitKind.MISSION, UnitKind.CONSULATE, UnitKind.WORKPLACE]


def unit_from_record(record: UnitRecord) -> Unit:
    """Domain unit from a validated units.csv row."""
    return Unit(
        code=record.code,
        name=record.name,
        kind=UnitKind(record.kind),
        parent_code=record.parent_code,
        host_country=record.host_country,
        region=record.region,
        workplace_type=WorkplaceType(record.workplace_type) if record.workplace_type else None,
        slots=record.slots,
        trade=record.trade,
    )


def import_units(uow: UnitOfWork, actor: User, records: Sequence[UnitRecord]) -> int:
    """Create or update units, all or nothing; returns how many were written."""
    require_permission(actor, Permission.ADMIN)
    units = [unit_from_record(r) for r in records]
    existing = uow.units.tree()
    problems = validate_tree(units, existing)
    if problems:
        raise DomainError("the units file was not imported:\n  " + "\n  ".join(problems))
    _require_units_in_scope(actor, existing, units)
    for unit in sorted(units, key=lambda u: KIND_ORDER.index(u.kind)):
        before = uow.units.save(unit)
        uow.units.flush()
        uow.audit.record(
            actor.name, "import_unit", "unit", unit.code, _asdict(before), _asdict(unit)
        )
    uow.commit()
    return len(units)


def _require_units_in_scope(actor: User, tree: UnitTree, units: Sequence[Unit]) -> None:
    """A user may only add or change units below their own unit: both where a unit is now
    and where the file puts it (a workplace moved under another mission's consulate would
    hand its lists to that mission)."""
    if actor.is_operator:
        return
    for unit in units:
        places = [unit.parent_code] + ([unit.code] if unit.code in tree else [])
        outside = any(p is None or not in_scope(actor, tree, p) for p in places)
        if outside or unit.code == actor.unit_code:
            raise OutOfScope(f"unit {unit.code!r} is outside the subtree of {actor.unit_code!r}")


def _asdict(value: object) -> dict[str, object] | None:
    """Dataclass as a dict for the audit log (None stays None)."""
    if value is None or not is_dataclass(value) or isinstance(value, type):
        return None
    return asdict(value)


def import_people(
    uow: UnitOfWork, actor: User, records: Sequence[PersonRecord], now: datetime | None = None
) -> int:
    """Create or update people and their deployments, all or nothing.

    Every person must be deployed within the actor's subtree both before (if known) and
    after. A held person whose identity changed is matched again against every list.
    """
    require_permission(actor, Permission.ADMIN)
    tree = uow.units.tree()
    errors = [e for r in records if (e := _workplace_error(actor, tree, r))]
    errors += _current_place_errors(uow, actor, tree, records)
    if errors:
        raise IntakeRejected(sorted(errors, key=lambda e: e.row))
    pairs = [_person_from_record(record) for record in records]
    before = uow.people.save_many(pairs, search_keys(p for p, _ in pairs))
    changed = [p.person_id for p, _ in pairs if before.get(p.person_id) not in (None, p)]
    held_changed = uow.holds.held() & set(changed)
    if held_changed:
        uow.session.flush()
        scan_for(uow, held_changed, now or datetime.now(UTC))
    uow.audit.record_many(
        actor.name,
        "import_person",
        "person",
        [
            (
                person.person_id,
                _asdict(before.get(person.person_id)),
                {**(_asdict(person) or {}), "workplace_code": deployment.workplace_code},
            )
            for person, deployment in pairs
        ],
    )
    uow.commit()
    return len(records)


def _current_place_errors(
    uow: UnitOfWork, actor: User, tree: UnitTree, records: Sequence[PersonRecord]
) -> list[RowError]:
    """Rows that would change a person deployed outside the actor's subtree."""
    if actor.is_operator:
        return []
    rows = {r.person_id: r.row for r in records}
    outside = {
        pid
        for pid, workplace in uow.people.workplaces_of_many(set(rows))
        if not in_scope(actor, tree, workplace)
    }
    return [
        RowError(rows[pid], "person_id", pid, f"a person deployed within {actor.unit_code!r}")
        for pid in sorted(outside)
    ]


def _workplace_error(actor: User, tree: UnitTree, record: PersonRecord) -> RowError | None:
    """The row error when a person's workplace is unknown, not a workplace, or out of scope."""
    code = record.workplace_code
    if code not in tree or tree.get(code).kind is not UnitKind.WORKPLACE:
        expected = "the code of an existing workplace unit"
    elif not in_scope(actor, tree, code):
        expected = f"a workplace within {actor.unit_code!r}"
    else:
        return None
    return RowError(record.row, "workplace_code", code, expected)


def _person_from_record(record: PersonRecord) -> tuple[Person, Deployment]:
    """Domain person and deployment from a people.csv row."""
    person = Person(
        person_id=record.person_id,
        family_name=record.family_name,
        given_name=record.given_name,
        name_native=record.name_native,
        date_of_birth=record.date_of_birth,
        sex=Sex(record.sex) if record.sex else None,
        passport_no=record.passport_no,
    )
    deployment = Deployment(
        person_id=record.person_id,
        workplace_code=record.workplace_code,
        role=Role(record.role),
        purpose=Purpose(record.purpose),
        arrived=record.arrived,
        permit_expires=record.permit_expires,
    )
    return person, deployment


def add_user(
    uow: UnitOfWork, actor: User, name: str, unit_code: str, permissions: Sequence[str]
) -> User:
    """Create a user in a unit; nobody grants a permission they do not hold themselves."""
    require_permission(actor, Permission.ADMIN)
    tree = uow.units.tree()
    tree.get(unit_code)
    require_scope(actor, tree, unit_code)
    granted = frozenset(_permission(p) for p in permissions)
    missing = [p.value for p in granted if not actor.has(p)]
    if missing:
        raise NotPermitted(f"user {actor.name!r} cannot grant {', '.join(sorted(missing))}")
    if uow.users.get_any(name) is not None:
        raise DomainError(f"user {name!r} already exists")
    user = User(name=name, unit_code=unit_code, permissions=granted)
    uow.users.add(user)
    uow.audit.record(actor.name, "add_user", "user", name, None, _asdict(user))
    uow.commit()
    return user


def _permission(text: str) -> Permission:
    """A permission by name, or a clear error listing the valid ones."""
    try:
        return Permission(text)
    except ValueError:
        valid = ", ".join(p.value for p in Permission)
        raise DomainError(f"unknown permission {text!r}; expected one of {valid}") from None


def set_hold(
    uow: UnitOfWork, actor: User, person_id: str, hold: bool, reason: str | None, at: datetime
) -> None:
    """Place or lift a protection hold (needs `protection`; audited)."""
    require_permission(actor, Permission.PROTECTION)
    if uow.people.get(person_id) is None:
        raise NotFound(f"no person {person_id!r} in the registry")
    require_visible_person(actor, uow.units.tree(), uow.people.workplaces_of(person_id))
    if hold and not (reason and reason.strip()):
        raise DomainError("a protection hold needs a reason")
    held = person_id in uow.holds.held()
    if held == hold:
        raise DomainError(f"person {person_id!r} is {'already' if held else 'not'} under a hold")
    action = "hold" if hold else "release"
    uow.holds.record(person_id, action, reason, actor.name, at)
    uow.session.flush()
    found = scan_for(uow, [person_id], at) if hold else 0
    uow.audit.record(
        actor.name, action, "person", person_id, {"held": held}, {"held": hold, "matches": found}
    )
    uow.commit()


def hold_history(uow: UnitOfWork, actor: User) -> list[tuple[str, str, str | None, datetime, str]]:
    """Every hold and release in the actor's subtree (needs `protection`)."""
    require_permission(actor, Permission.PROTECTION)
    tree = uow.units.tree()
    history = uow.holds.history()
    ids = {h[0] for h in history}
    visible = {
        pid
        for pid, workplace in uow.people.workplaces_of_many(ids)
        if in_scope(actor, tree, workplace)
    }
    return [h for h in history if actor.is_operator or h[0] in visible]
