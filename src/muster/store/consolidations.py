"""Repository of consolidation runs (with their linkage model) and reviewers' match decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from muster.store.tables import ConsolidationRow, MatchDecisionRow


class ConsolidationRepository:
    """Consolidation runs and the decisions that are reapplied on every run."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: ConsolidationRow) -> int:
        """Save a consolidation run; returns its id."""
        self._session.add(row)
        self._session.flush()
        return row.id

    def latest(self, call_id: int, unit_code: str) -> ConsolidationRow | None:
        """The newest consolidation of a call for a unit."""
        return self._session.scalar(
            select(ConsolidationRow)
            .where(ConsolidationRow.call_id == call_id, ConsolidationRow.unit_code == unit_code)
            .order_by(ConsolidationRow.id.desc())
            .limit(1)
        )

    def decisions(self, call_id: int) -> list[tuple[str, str, bool]]:
        """Every decision for a call, oldest first (a later one overrides an earlier one)."""
        rows = self._session.execute(
            select(
                MatchDecisionRow.record_id_l, MatchDecisionRow.record_id_r, MatchDecisionRow.same
            )
            .where(MatchDecisionRow.call_id == call_id)
            .order_by(MatchDecisionRow.id)
        )
        latest: dict[tuple[str, str], bool] = {}
        for left, right, same in rows:
            latest[tuple(sorted((left, right)))] = same  # type: ignore[index]
        return [(a, b, same) for (a, b), same in latest.items()]

    def rulings(self, call_id: int) -> dict[tuple[str, str], tuple[bool, str, datetime]]:
        """The latest decision on each pair of a call (pair sorted): same, by whom, when."""
        rows = self._session.execute(
            select(
                MatchDecisionRow.record_id_l, MatchDecisionRow.record_id_r,
                MatchDecisionRow.same, MatchDecisionRow.by_user, MatchDecisionRow.at,
            )
            .where(MatchDecisionRow.call_id == call_id)
            .order_by(MatchDecisionRow.id)
        )  # fmt: skip
        found: dict[tuple[str, str], tuple[bool, str, datetime]] = {}
        for left, right, same, by, at in rows:
            found[(min(left, right), max(left, right))] = (same, by, at)
        return found

    def decide(
        self, call_id: int, left: str, right: str, same: bool, by: str, at: datetime
    ) -> None:
        """Record a reviewer's decision on a pair."""
        self._session.add(
            MatchDecisionRow(
                call_id=call_id, record_id_l=left, record_id_r=right, same=same, at=at, by_user=by
            )
        )


def review_pair(row: dict[str, Any]) -> tuple[str, str, float]:
    """A stored grey-zone pair as (left, right, probability)."""
    return str(row["record_id_l"]), str(row["record_id_r"]), float(row["match_probability"])
