"""Use cases of the audit log browser: read it by who, what, unit and time; export it as CSV.

Only administrators read the log, and only within their subtree. An event has no unit of its
own; it is placed by what it is about:

- a list (`submission`: "call/unit", or "call/unit/version" for a read of it), a unit, a
  template or roster: that unit;
- a user (sign-ins, passwords, disabling): the user's unit;
- a person: the workplaces the person is deployed at;
- a received file or a consolidation: the unit it was received or run for;
- anything else (organisation-wide rotation data, plans, searches, reads of this log) and
  anything the above leaves without a unit (a people file, say): the acting user's unit.

An event of no unit at all (a failed sign-in under an unknown name, the local operator's
organisation-wide work) is shown only to administrators at headquarters. Events that would
reveal a protection hold (holds placed and lifted, rulings on matches, and reads or searches
that concern a held person) are shown only to an administrator who also holds `protection`,
and so are the states of events that count what may include a held person
(`COUNTING_ENTITIES`). Reading the log and exporting it are themselves audited.

A page is counted and read by the database (indexes on action and actor with the id, the
placement above in SQL: `store.audit.placed_in`); only the page's events are read whole.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from muster.domain.access import require_permission, require_scope, sees_held, units_in_scope
from muster.domain.units import UnitTree
from muster.domain.users import Permission, User
from muster.reports.cells import write_csv
from muster.store.audit import AuditEvent, AuditHead, HoldSigns, Wanted, Within
from muster.store.uow import UnitOfWork

PAGE_SIZE = 50
HOLD_ACTIONS = frozenset({"hold", "release", "hold_match_confirm", "hold_match_clear"})
PERSON_READS = frozenset({"read_person", "search_people"})
# The states of these events count entries, rows or persons that may include held ones
# (a list as its writer sent it, a forward, a consolidation, a plan, a received file): they
# are withheld from an administrator without `protection`, so that no count gives one away.
COUNTING_ENTITIES = frozenset({"submission", "consolidation", "plan", "received_file", "match"})
COUNTING_ACTIONS = frozenset({"read_template", "read_roster"})
CSV_HEADER = ("at", "actor", "action", "entity", "entity_id", "units", "before", "after")


@dataclass(frozen=True)
class AuditFilter:
    """What to look for: who acted, what they did, below which unit, from and until when."""

    actor: str = ""
    action: str = ""
    unit: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def as_json(self) -> dict[str, str | None]:
        """The filter as recorded in the audit event of the read."""
        return {
            "actor": self.actor or None,
            "action": self.action or None,
            "unit": self.unit or None,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


@dataclass(frozen=True)
class PlacedEvent:
    """An audit event with the units it concerns."""

    event: AuditEvent
    units: tuple[str, ...]
    withheld: bool = False  # its states were left out (see COUNTING_ENTITIES)


@dataclass(frozen=True)
class AuditPage:
    """One page of matching events, newest first, and how many match in all."""

    events: list[PlacedEvent]
    total: int
    page: int
    pages: int
    actions: list[str]


Placed = tuple[int, tuple[str, ...]]  # an event's id and its units


def audit_log(
    uow: UnitOfWork, actor: User, wanted: AuditFilter, now: datetime, *, page: int = 1
) -> AuditPage:
    """One page of the audit events the administrator may read (the read is audited).

    The database counts the events of the filter the administrator may read and reads the
    one page through its indexes (`store.audit.placed_in` places events in a subtree as
    `_units` does); only the page's events are read whole and placed here.
    """
    tree = _require_admin(uow, actor, wanted)
    where = _where(uow, actor, tree, wanted)
    total = uow.audit.count(where)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    heads = uow.audit.search(where, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    shown = _events(uow, actor, _place(uow, heads))
    uow.audit.record(
        actor.name, "read_audit", "audit", "log", None,
        {"filter": wanted.as_json(), "page": page, "events": len(shown)},
    )  # fmt: skip
    uow.commit()
    actions = [a for a in uow.audit.actions() if sees_held(actor) or a not in HOLD_ACTIONS]
    return AuditPage(shown, total, page, pages, actions)


def audit_csv(uow: UnitOfWork, actor: User, wanted: AuditFilter, now: datetime) -> bytes:
    """Every event the administrator may read that the filter finds, as formula-safe CSV."""
    every = _events(uow, actor, _visible(uow, actor, wanted))
    uow.audit.record(
        actor.name, "export_audit", "audit", "log", None,
        {"filter": wanted.as_json(), "events": len(every)},
    )  # fmt: skip
    uow.commit()
    rows = [
        (
            p.event.at,
            p.event.actor,
            p.event.action,
            p.event.entity,
            p.event.entity_id,
            " ".join(p.units),
            _json(p.event.before),
            _json(p.event.after),
        )
        for p in every
    ]
    return write_csv(CSV_HEADER, rows)


def _events(uow: UnitOfWork, actor: User, placed: list[Placed]) -> list[PlacedEvent]:
    """The whole events of some placed ids, with their states where the actor may read them."""
    events = uow.audit.by_ids([event_id for event_id, _units in placed])
    found = []
    for event, (_id, units) in zip(events, placed, strict=True):
        counting = event.entity in COUNTING_ENTITIES or event.action in COUNTING_ACTIONS
        if counting and not sees_held(actor):
            found.append(PlacedEvent(replace(event, before=None, after=None), units, True))
        else:
            found.append(PlacedEvent(event, units))
    return found


def _json(value: object) -> str:
    """A before/after state as compact JSON (empty when there is none)."""
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _visible(uow: UnitOfWork, actor: User, wanted: AuditFilter) -> list[Placed]:
    """Every event of the filter that the actor may read, newest first, each with its units."""
    tree = _require_admin(uow, actor, wanted)
    return _place(uow, uow.audit.search(_where(uow, actor, tree, wanted)))


def _require_admin(uow: UnitOfWork, actor: User, wanted: AuditFilter) -> UnitTree:
    """Refuse unless the actor administers, and the filter's unit is in their subtree."""
    require_permission(actor, Permission.ADMIN)
    tree = uow.units.tree()
    if wanted.unit:
        require_scope(actor, tree, wanted.unit)
    return tree


def _where(uow: UnitOfWork, actor: User, tree: UnitTree, wanted: AuditFilter) -> Wanted:
    """The events of the filter the actor may read: less those that would reveal a hold
    (without `protection`), placed in their subtree (or the subtree of the filter's unit),
    or anywhere for an administrator of headquarters reading the whole log."""
    when = Wanted(wanted.actor, wanted.action, wanted.since, wanted.until)
    hidden = set() if sees_held(actor) else _hold_revealing(uow, when)
    root = tree.headquarters()
    at_root = actor.is_operator or (root is not None and actor.unit_code == root.code)
    if at_root and not wanted.unit:
        return replace(when, hidden=hidden)
    units = {u.code for u in tree.subtree(wanted.unit)} if wanted.unit else None
    units = units if units is not None else units_in_scope(actor, tree)
    lists = {i: list_unit(i) for i in uow.audit.entity_ids("submission")}
    placed = [i for i, unit in lists.items() if unit]
    within = Within(units, [i for i in placed if lists[i] in units], placed)
    return replace(when, hidden=hidden, within=within)


def _hold_revealing(uow: UnitOfWork, wanted: Wanted) -> set[int]:
    """The ids of the filter's events that reveal something about a protection hold."""
    held = uow.holds.held() | {h[0] for h in uow.holds.history()}
    signs = HoldSigns(HOLD_ACTIONS, "hold_match", "read_person", held, "search_people")
    events = uow.audit.about_holds(signs, wanted)
    searches = uow.audit.afters([e.id for e in events if e.action == "search_people"])

    def reveals(e: AuditHead) -> bool:
        if e.action in HOLD_ACTIONS or e.entity == "hold_match":
            return True
        if e.action not in PERSON_READS:
            return False
        found = (searches.get(e.id) or {}).get("found") or []
        return e.entity_id in held or bool(held.intersection(found))

    return {e.id for e in events if reveals(e)}


def _place(uow: UnitOfWork, events: list[AuditHead]) -> list[Placed]:
    """Each event's id with the units it concerns (see the module's docstring)."""
    user_units = uow.users.units_of()
    ids: dict[str, set[str]] = {"person": set(), "received_file": set(), "consolidation": set()}
    for e in events:
        if e.entity in ids:
            ids[e.entity].add(e.entity_id)
    people: dict[str, list[str]] = {}
    for pid, workplace in uow.people.workplaces_of_many(ids["person"]):
        people.setdefault(pid, []).append(workplace)
    records = {
        kind: uow.audit.units_of_records(kind, ids[kind])
        for kind in ("received_file", "consolidation")
    }
    placed = []
    for e in events:
        units = _units(e, user_units, people, records)
        if not units and e.actor in user_units:
            units = [user_units[e.actor]]
        placed.append((e.id, tuple(units)))
    return placed


def _units(
    e: AuditHead,
    users: dict[str, str],
    people: dict[str, list[str]],
    records: dict[str, dict[str, str | None]],
) -> Collection[str]:
    """The units an event is about, by its entity (empty: placed by its actor)."""
    if e.entity == "unit":
        return [e.entity_id]
    if e.entity == "submission":
        unit = list_unit(e.entity_id)
        return [unit] if unit else []
    if e.entity == "user":
        return [users[e.entity_id]] if e.entity_id in users else []
    if e.entity == "person":
        return people.get(e.entity_id, [])
    if e.entity in records:
        unit = records[e.entity].get(e.entity_id)
        return [unit] if unit else []
    return []


def list_unit(entity_id: str) -> str | None:
    """The unit of a list as the log names it: "call/unit", or "call/unit/version" (and
    "call/unit/1..2") for a read."""
    parts = entity_id.split("/")
    return parts[1] if len(parts) > 1 and parts[1] else None
