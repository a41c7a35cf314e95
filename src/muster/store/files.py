"""Repository of received files: every receipt, and what became of each file (append-only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from muster.store.tables import FileOutcomeRow, ReceivedFileRow

INCOMPLETE = "incomplete"  # a receipt without an outcome: its processing was interrupted


@dataclass(frozen=True)
class ReceivedFile:
    """What we know about a received file; the bytes are in the archive under `sha256`.

    `outcome` is the latest recorded outcome, or `incomplete` while none is recorded.
    """

    id: int | None
    sha256: str
    size: int
    filename: str
    purpose: str
    received_at: datetime
    sender: str
    call_id: int | None
    unit_code: str | None
    outcome: str = INCOMPLETE
    reasons: Sequence[dict[str, object]] | None = None


class ReceivedFileRepository:
    """Append-only record of receipts and outcomes."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def receive(self, received: ReceivedFile) -> int:
        """Record a receipt (no outcome yet); returns its id."""
        row = ReceivedFileRow(
            sha256=received.sha256,
            size=received.size,
            filename=received.filename[:300],
            purpose=received.purpose,
            received_at=received.received_at,
            sender=received.sender,
            call_id=received.call_id,
            unit_code=received.unit_code,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def record_outcome(
        self,
        file_id: int,
        outcome: str,
        at: datetime,
        reasons: Sequence[dict[str, object]] | None = None,
    ) -> None:
        """Append what became of a received file."""
        self._session.execute(
            insert(FileOutcomeRow),
            [
                {
                    "received_file_id": file_id,
                    "outcome": outcome,
                    "reasons": list(reasons) if reasons is not None else None,
                    "at": at,
                }
            ],
        )

    def for_unit(self, call_id: int, unit_code: str) -> list[ReceivedFile]:
        """Files received for one unit and call, oldest first."""
        rows = self._session.scalars(
            select(ReceivedFileRow)
            .where(ReceivedFileRow.call_id == call_id, ReceivedFileRow.unit_code == unit_code)
            .order_by(ReceivedFileRow.id)
        ).all()
        return self._with_outcomes([_from_row(r) for r in rows])

    def get(self, file_id: int) -> ReceivedFile | None:
        """One received file by id."""
        row = self._session.get(ReceivedFileRow, file_id)
        return self._with_outcomes([_from_row(row)])[0] if row else None

    def every(self) -> list[ReceivedFile]:
        """Every receipt, oldest first (for checking the archive against the record)."""
        rows = self._session.scalars(select(ReceivedFileRow).order_by(ReceivedFileRow.id)).all()
        return self._with_outcomes([_from_row(r) for r in rows])

    def _with_outcomes(self, files: list[ReceivedFile]) -> list[ReceivedFile]:
        """The files with their latest outcome filled in."""
        latest: dict[int, tuple[str, list[dict[str, object]] | None]] = {}
        ids = [f.id for f in files if f.id is not None]
        for start in range(0, len(ids), 1000):
            for file_id, outcome, reasons in self._session.execute(
                select(
                    FileOutcomeRow.received_file_id, FileOutcomeRow.outcome, FileOutcomeRow.reasons
                )
                .where(FileOutcomeRow.received_file_id.in_(ids[start : start + 1000]))
                .order_by(FileOutcomeRow.id)
            ):
                latest[file_id] = (outcome, reasons)
        return [
            replace(f, outcome=latest[f.id][0], reasons=latest[f.id][1]) if f.id in latest else f
            for f in files
        ]


def _from_row(row: ReceivedFileRow) -> ReceivedFile:
    """Dataclass from a row (outcome filled in by the repository)."""
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
    )
