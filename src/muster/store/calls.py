"""Repository of calls for lists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from muster.domain.calls import Call
from muster.domain.errors import NotFound
from muster.domain.units import UnitKind
from muster.store.tables import CallRow


def call_from_row(row: CallRow) -> Call:
    """Domain call from its row."""
    return Call(
        id=row.id,
        title=row.title,
        issued_by=row.issued_by,
        scope=row.scope,
        categories=tuple(row.categories),
        due={
            UnitKind.WORKPLACE: row.due_workplace,
            UnitKind.CONSULATE: row.due_consulate,
            UnitKind.MISSION: row.due_mission,
        },
        issued_at=row.issued_at,
        instructions=row.instructions,
        issued_by_user=row.issued_by_user,
    )


class CallRepository:
    """Calls, by id."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, call: Call) -> int:
        """Insert a call and return its id."""
        row = CallRow(
            title=call.title,
            instructions=call.instructions,
            issued_by=call.issued_by,
            scope=call.scope,
            categories=list(call.categories),
            due_workplace=call.due[UnitKind.WORKPLACE],
            due_consulate=call.due[UnitKind.CONSULATE],
            due_mission=call.due[UnitKind.MISSION],
            issued_at=call.issued_at,
            issued_by_user=call.issued_by_user,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def get(self, call_id: int) -> Call:
        """The call with this id, or NotFound."""
        row = self._session.get(CallRow, call_id)
        if row is None:
            raise NotFound(f"no call {call_id}")
        return call_from_row(row)

    def all(self) -> list[Call]:
        """Every call, newest first."""
        rows = self._session.scalars(select(CallRow).order_by(CallRow.id.desc())).all()
        return [call_from_row(r) for r in rows]
