"""Repository of rotation planning data: hosts, routes, quarantine, replacements, plans."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from muster.store.tables import HostRow, PlanRow, QuarantineRow, ReplacementRow, RouteRow


class RotationRepository:
    """Host policies, routes, quarantine capacity, the replacement pool and saved plans."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def hosts(self) -> list[HostRow]:
        """Every host policy."""
        return list(self._session.scalars(select(HostRow).order_by(HostRow.id)))

    def host(self, host_id: str) -> HostRow | None:
        """One host policy."""
        return self._session.get(HostRow, host_id)

    def save_host(
        self, host_id: str, rotation: str, stay_policy: str | None
    ) -> dict[str, Any] | None:
        """Insert or update a host policy; returns the previous values."""
        row = self._session.get(HostRow, host_id)
        before = _values(row, ("rotation", "stay_policy")) if row else None
        if row is None:
            self._session.add(HostRow(id=host_id, rotation=rotation, stay_policy=stay_policy))
        else:
            row.rotation, row.stay_policy = rotation, stay_policy
        return before

    def routes(self) -> list[RouteRow]:
        """Every route."""
        return list(self._session.scalars(select(RouteRow).order_by(RouteRow.id)))

    def route(self, route_id: str) -> RouteRow | None:
        """One route."""
        return self._session.get(RouteRow, route_id)

    def add_route(self, row: RouteRow) -> None:
        """Insert a route."""
        self._session.add(row)

    def set_route_dates(
        self, row: RouteRow, open_from: date | None, open_until: date | None
    ) -> None:
        """Change a route's open window."""
        row.open_from, row.open_until = open_from, open_until

    def set_route_seats(self, row: RouteRow, seats_home: int, seats_out: int) -> None:
        """Change a route's seats per day each way."""
        row.seats_home, row.seats_out = seats_home, seats_out

    def quarantine(self) -> QuarantineRow | None:
        """Quarantine capacity, if set."""
        return self._session.get(QuarantineRow, 1)

    def set_quarantine(self, beds: int, days: int) -> dict[str, Any] | None:
        """Set quarantine capacity; returns the previous values."""
        row = self._session.get(QuarantineRow, 1)
        before = _values(row, ("beds", "days")) if row else None
        if row is None:
            self._session.add(QuarantineRow(id=1, beds=beds, days=days))
        else:
            row.beds, row.days = beds, days
        return before

    def replacements(self) -> list[ReplacementRow]:
        """The whole replacement pool."""
        return list(
            self._session.scalars(select(ReplacementRow).order_by(ReplacementRow.replacement_id))
        )

    def save_replacement(self, row: ReplacementRow) -> None:
        """Insert or replace a replacement."""
        self._session.merge(row)

    def add_plan(self, row: PlanRow) -> int:
        """Save a plan version; returns its id."""
        self._session.add(row)
        self._session.flush()
        return row.id

    def plan(self, plan_id: int) -> PlanRow | None:
        """One saved plan."""
        return self._session.get(PlanRow, plan_id)

    def plans(self, call_id: int | None = None) -> list[PlanRow]:
        """Saved plans, newest first (optionally for one call)."""
        query = select(PlanRow).order_by(PlanRow.id.desc())
        if call_id is not None:
            query = query.where(PlanRow.call_id == call_id)
        return list(self._session.scalars(query))


def _values(row: object, names: tuple[str, ...]) -> dict[str, Any]:
    """Selected attribute values of a row, for the audit log."""
    return {n: getattr(row, n) for n in names}
