"""Repository of units (the organisation tree) and users."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from muster.domain.units import Unit, UnitKind, UnitTree, WorkplaceType
from muster.domain.users import Permission, User
from muster.store.tables import UnitRow, UserRow

KINDS = {k.value: k for k in UnitKind}
TYPES = {t.value: t for t in WorkplaceType}


def unit_from_row(row: UnitRow) -> Unit:
    """Domain unit from its table row."""
    return Unit(
        code=row.code,
        name=row.name,
        kind=UnitKind(row.kind),
        parent_code=row.parent_code,
        host_country=row.host_country,
        region=row.region,
        workplace_type=WorkplaceType(row.workplace_type) if row.workplace_type else None,
        slots=row.slots,
        trade=row.trade,
    )


def unit_values(unit: Unit) -> dict[str, Any]:
    """Column values of a domain unit."""
    values = asdict(unit)
    values["kind"] = unit.kind.value
    values["workplace_type"] = unit.workplace_type.value if unit.workplace_type else None
    return values


class UnitRepository:
    """Loads the tree once per unit of work and saves units."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._tree: UnitTree | None = None

    def tree(self) -> UnitTree:
        """The whole organisation tree."""
        if self._tree is None:
            u = UnitRow
            rows = self._session.connection().execute(
                select(
                    u.code,
                    u.name,
                    u.kind,
                    u.parent_code,
                    u.host_country,
                    u.region,
                    u.workplace_type,
                    u.slots,
                    u.trade,
                )
            )
            self._tree = UnitTree(
                Unit(
                    code,
                    name,
                    UnitKind(kind),
                    parent,
                    host,
                    region,
                    WorkplaceType(wtype) if wtype else None,
                    slots,
                    trade,
                )
                for code, name, kind, parent, host, region, wtype, slots, trade in rows
            )
        return self._tree

    def save(self, unit: Unit) -> Unit | None:
        """Insert or update a unit; returns the previous version, if any."""
        existing = self._session.get(UnitRow, unit.code)
        before = unit_from_row(existing) if existing else None
        values = unit_values(unit)
        if existing is None:
            self._session.add(UnitRow(**values))
        else:
            for key, value in values.items():
                setattr(existing, key, value)
        self._tree = None
        return before

    def flush(self) -> None:
        """Send pending inserts (parents first) so children can refer to them."""
        self._session.flush()


class UserRepository:
    """Users and their permissions."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, name: str) -> User | None:
        """The user with this name, or None."""
        row = self._session.get(UserRow, name)
        if row is None:
            return None
        permissions = frozenset(Permission(p) for p in row.permissions.split(",") if p)
        return User(name=row.name, unit_code=row.unit_code, permissions=permissions)

    def add(self, user: User) -> None:
        """Create a user."""
        assert user.unit_code is not None
        self._session.add(
            UserRow(
                name=user.name,
                unit_code=user.unit_code,
                permissions=",".join(sorted(p.value for p in user.permissions)),
                created_at=datetime.now(UTC),
            )
        )
