"""The append-only audit log: every write records who, what, when, before and after."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from muster.store.tables import AuditEventRow


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
        return [
            AuditEvent(r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after)
            for r in self._session.scalars(query)
        ]


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
