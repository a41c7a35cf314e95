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
    ) -> list[AuditEvent]:
        """Audit events, newest first, by who, what, and when (from `since`, before `until`)."""
        query = select(AuditEventRow).order_by(AuditEventRow.id.desc())
        if actor:
            query = query.where(AuditEventRow.actor == actor)
        if action:
            query = query.where(AuditEventRow.action == action)
        if since is not None:
            query = query.where(AuditEventRow.at >= since)
        if until is not None:
            query = query.where(AuditEventRow.at < until)
        return [_event(r) for r in self._session.scalars(query.execution_options(yield_per=5000))]

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
