"""The append-only audit log: every write records who, what, when, before and after."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from muster.store.tables import AuditEventRow, ConsolidationRow, ReceivedFileRow


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
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[AuditHead]:
        """What events are (no before and after states), newest first, by who, what, and
        when (from `since`, before `until`): a browser reads the states of one page only."""
        row = AuditEventRow
        query = select(row.id, row.at, row.actor, row.action, row.entity, row.entity_id)
        if actor:
            query = query.where(row.actor == actor)
        if action:
            query = query.where(row.action == action)
        if since is not None:
            query = query.where(row.at >= since)
        if until is not None:
            query = query.where(row.at < until)
        result = self._session.execute(query.order_by(row.id.desc()))
        return [AuditHead(*values) for values in result]

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


def _event(row: AuditEventRow) -> AuditEvent:
    """An audit event from its row."""
    return AuditEvent(
        row.at, row.actor, row.action, row.entity, row.entity_id, row.before, row.after, row.id
    )


@dataclass(frozen=True)
class AuditHead:
    """What an audit event is about, without its states."""

    id: int
    at: datetime
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
