"""Repository of received files: every upload's metadata, accepted or rejected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from muster.store.tables import ReceivedFileRow


@dataclass(frozen=True)
class ReceivedFile:
    """What we know about a received file; the bytes are in the archive under `sha256`."""

    id: int | None
    sha256: str
    size: int
    filename: str
    purpose: str
    received_at: datetime
    sender: str
    call_id: int | None
    unit_code: str | None
    outcome: str
    reasons: Sequence[dict[str, object]] | None = None


class ReceivedFileRepository:
    """Append-only record of received files."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, received: ReceivedFile) -> int:
        """Record a received file; returns its id."""
        row = ReceivedFileRow(
            sha256=received.sha256,
            size=received.size,
            filename=received.filename[:300],
            purpose=received.purpose,
            received_at=received.received_at,
            sender=received.sender,
            call_id=received.call_id,
            unit_code=received.unit_code,
            outcome=received.outcome,
            reasons=list(received.reasons) if received.reasons is not None else None,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def for_unit(self, call_id: int, unit_code: str) -> list[ReceivedFile]:
        """Files received for one unit and call, oldest first."""
        rows = self._session.scalars(
            select(ReceivedFileRow)
            .where(ReceivedFileRow.call_id == call_id, ReceivedFileRow.unit_code == unit_code)
            .order_by(ReceivedFileRow.id)
        )
        return [_from_row(r) for r in rows]

    def get(self, file_id: int) -> ReceivedFile | None:
        """One received file by id."""
        row = self._session.get(ReceivedFileRow, file_id)
        return _from_row(row) if row else None


def _from_row(row: ReceivedFileRow) -> ReceivedFile:
    """Dataclass from a row."""
    return ReceivedFile(
        row.id,
        row.sha256,
        row.size,
        row.filename,
        row.purpose,
        row.received_at,
        row.sender,
        row.call_id,
        row.unit_code,
        row.outcome,
        row.reasons,
    )
