"""The append-only audit log: every write records who, what, when, before and after."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, func, insert, or_, select
from sqlalchemy.orm import Session

from muster.store.tables import (
    AuditEventRow,
    ConsolidationRow,
    DeploymentRow,
    ReceivedFileRow,
    UserRow,
)


def jsonable(value: Any) -> Any:
    """Dates, enums, tuples and sets made JSON-friendly for the audit record."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value


class AuditLog:
    """Writes audit events into the caller's transaction (so they commit or roll back together)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def record_many(
        self,
        actor: str,
        action: str,
        entity: str,
        changes: Sequence[tuple[str, Mapping[str, Any] | None, Mapping[str, Any] | None]],
    ) -> None:
        """Add one audit event per (entity_id, before, after) in a single bulk insert."""
        if not changes:
            return
        at = datetime.now(UTC)
        self._session.execute(
            insert(AuditEventRow),
            [
                {
                    "at": at,
                    "actor": actor,
                    "action": action,
                    "entity": entity,
                    "entity_id": entity_id,
                    "before": jsonable(before) if before is not None else None,
                    "after": jsonable(after) if after is not None else None,
                }
                for entity_id, before, after in changes
            ],
        )

    def record(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None:
        """Add one audit event to the current transaction."""
        self._session.add(
            AuditEventRow(
                at=datetime.now(UTC),
                actor=actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                before=jsonable(before) if before is not None else None,
                after=jsonable(after) if after is not None else None,
            )
        )

    def events(self, actions: Collection[str] | None = None) -> list[AuditEvent]:
        """Audit events, oldest first (only some actions when given)."""
        query = select(AuditEventRow).order_by(AuditEventRow.id)
        if actions is not None:
            query = query.where(AuditEventRow.action.in_(list(actions)))
        return [_event(r) for r in self._session.scalars(query)]

    def search(
        self, wanted: Wanted | None = None, *, offset: int = 0, limit: int | None = None
    ) -> list[AuditHead]:
        """What the wanted events are (no time, no before and after states), newest first; or
        one page of them, read through the indexes: a browser reads the states of one page
        only."""
        row = AuditEventRow
        query = select(row.id, row.actor, row.action, row.entity, row.entity_id)
        query = query.where(*_where(wanted or Wanted())).order_by(row.id.desc())
        if offset or limit is not None:
            query = query.offset(offset).limit(limit)
        return [AuditHead(*values) for values in self._session.connection().execute(query).all()]

    def count(self, wanted: Wanted) -> int:
        """How many events `search` finds (counted by the database)."""
        query = select(func.count(AuditEventRow.id)).where(*_where(wanted))
        return int(self._session.scalar(query) or 0)

    def about_holds(self, holds: HoldSigns, wanted: Wanted) -> list[AuditHead]:
        """The wanted events that may reveal a protection hold (see `HoldSigns`)."""
        row = AuditEventRow
        about = or_(
            row.action.in_(sorted(holds.actions)),
            row.entity == holds.entity,
            and_(row.action == holds.read, row.entity_id.in_(sorted(holds.people))),
            row.action == holds.search,
        )
        query = select(row.id, row.actor, row.action, row.entity, row.entity_id).where(about)
        query = query.where(*_where(wanted))
        return [AuditHead(*values) for values in self._session.connection().execute(query).all()]

    def entity_ids(self, entity: str) -> list[str]:
        """Every id the log names of one kind of entity (once each)."""
        query = select(AuditEventRow.entity_id).where(AuditEventRow.entity == entity).distinct()
        return list(self._session.scalars(query))

    def afters(self, ids: Collection[int]) -> dict[int, Mapping[str, Any] | None]:
        """The after-state of some events, by id."""
        found: dict[int, Mapping[str, Any] | None] = {}
        wanted = sorted(ids)
        for start in range(0, len(wanted), 1000):
            query = select(AuditEventRow.id, AuditEventRow.after).where(
                AuditEventRow.id.in_(wanted[start : start + 1000])
            )
            found.update({i: after for i, after in self._session.execute(query)})
        return found

    def by_ids(self, ids: Sequence[int]) -> list[AuditEvent]:
        """Whole events, in the order of `ids`."""
        found: dict[int, AuditEvent] = {}
        wanted = list(ids)
        for start in range(0, len(wanted), 1000):
            query = select(AuditEventRow).where(AuditEventRow.id.in_(wanted[start : start + 1000]))
            found.update({r.id: _event(r) for r in self._session.scalars(query)})
        return [found[i] for i in wanted]

    def actions(self) -> list[str]:
        """Every action the log holds, alphabetically."""
        query = select(AuditEventRow.action).distinct().order_by(AuditEventRow.action)
        return list(self._session.scalars(query))

    def units_of_records(self, entity: str, ids: Collection[str]) -> dict[str, str | None]:
        """The unit a received file or a consolidation (by id, as the log names it) is for."""
        table: type[ReceivedFileRow] | type[ConsolidationRow] = (
            ReceivedFileRow if entity == "received_file" else ConsolidationRow
        )
        numbers = sorted({int(i) for i in ids if i.isdigit()})
        found: dict[str, str | None] = {}
        for start in range(0, len(numbers), 1000):
            chunk = numbers[start : start + 1000]
            query = select(table.id, table.unit_code).where(table.id.in_(chunk))
            found.update({str(i): unit for i, unit in self._session.execute(query)})
        return found


def _where(wanted: Wanted) -> list[ColumnElement[bool]]:
    """The conditions of the wanted events."""
    row = AuditEventRow
    found: list[ColumnElement[bool]] = []
    if wanted.actor:
        found.append(row.actor == wanted.actor)
    if wanted.action:
        found.append(row.action == wanted.action)
    if wanted.since is not None:
        found.append(row.at >= wanted.since)
    if wanted.until is not None:
        found.append(row.at < wanted.until)
    if wanted.hidden:
        found.append(row.id.not_in(sorted(wanted.hidden)))
    if wanted.within is not None:
        found.append(placed_in(wanted.within))
    return found


@dataclass(frozen=True)
class Within:
    """Where events are wanted: some units; the lists (`submission` ids) of those units, and
    every list that has a unit (worked out by the caller, who reads a list's unit from its
    id)."""

    units: Collection[str]
    lists: Collection[str]
    placed_lists: Collection[str]


def placed_in(within: Within) -> ColumnElement[bool]:
    """True for an event placed in one of the units, by what it is about (the rules of
    services.audit, in SQL): a unit in itself; a list in its unit; a user in the user's
    unit; a person at the workplaces they are deployed at; a received file or a
    consolidation in the unit it is for; and an event that the above leaves without a unit,
    in the unit of the user who acted."""
    row, codes = AuditEventRow, sorted(within.units)
    user = select(UserRow.name).where(UserRow.name == row.entity_id)
    person = select(DeploymentRow.id).where(DeploymentRow.person_id == row.entity_id)
    files = select(cast(ReceivedFileRow.id, String)).where(ReceivedFileRow.unit_code.isnot(None))
    runs = select(cast(ConsolidationRow.id, String)).where(ConsolidationRow.unit_code.isnot(None))
    has_unit = or_(
        row.entity == "unit",
        and_(row.entity == "submission", row.entity_id.in_(sorted(within.placed_lists))),
        and_(row.entity == "user", user.exists()),
        and_(row.entity == "person", person.exists()),
        and_(row.entity == "received_file", row.entity_id.in_(files)),
        and_(row.entity == "consolidation", row.entity_id.in_(runs)),
    )
    by_actor = select(UserRow.name).where(UserRow.unit_code.in_(codes))
    return or_(
        and_(row.entity == "unit", row.entity_id.in_(codes)),
        and_(row.entity == "submission", row.entity_id.in_(sorted(within.lists))),
        and_(row.entity == "user", user.where(UserRow.unit_code.in_(codes)).exists()),
        and_(
            row.entity == "person",
            person.where(DeploymentRow.workplace_code.in_(codes)).exists(),
        ),
        and_(
            row.entity == "received_file",
            row.entity_id.in_(files.where(ReceivedFileRow.unit_code.in_(codes))),
        ),
        and_(
            row.entity == "consolidation",
            row.entity_id.in_(runs.where(ConsolidationRow.unit_code.in_(codes))),
        ),
        and_(~has_unit, row.actor.in_(by_actor)),
    )


def _event(row: AuditEventRow) -> AuditEvent:
    """An audit event from its row."""
    return AuditEvent(
        row.at, row.actor, row.action, row.entity, row.entity_id, row.before, row.after, row.id
    )


@dataclass(frozen=True)
class Wanted:
    """Which events: by who, what and when (from `since`, before `until`), less the `hidden`
    ids, placed `within` some units (see `placed_in`; None: wherever they are)."""

    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    hidden: Collection[int] = ()
    within: Within | None = None


@dataclass(frozen=True)
class HoldSigns:
    """What marks an event that may reveal a protection hold: one of `actions`, one about
    `entity`, a `read` of one of `people`, or a `search` (its result says whom it found)."""

    actions: Collection[str]
    entity: str
    read: str
    people: Collection[str]
    search: str


@dataclass(frozen=True)
class AuditHead:
    """What an audit event is about, without its time and states."""

    id: int
    actor: str
    action: str
    entity: str
    entity_id: str


@dataclass(frozen=True)
class AuditEvent:
    """One audit event as read back."""

    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    id: int | None = None
