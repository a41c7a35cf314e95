"""Repository of units (the organisation tree) and users."""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Collection
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.orm import Session

from muster.domain.units import Unit, UnitKind, UnitTree, WorkplaceType
from muster.domain.users import Permission, User
from muster.store.tables import RevisionRow, UnitRow, UserRow

KINDS = {k.value: k for k in UnitKind}
_UNITS_TOKEN = select(RevisionRow.token).where(RevisionRow.name == "units")
_NEW_UNITS_TOKEN = (
    update(RevisionRow).where(RevisionRow.name == "units").values(token=bindparam("token"))
)
TYPES = {t.value: t for t in WorkplaceType}


UNIT_COLUMNS = (
    UnitRow.code, UnitRow.name, UnitRow.kind, UnitRow.parent_code, UnitRow.host_country,
    UnitRow.region, UnitRow.workplace_type, UnitRow.slots, UnitRow.trade,
)  # fmt: skip


def unit_from_values(
    code: str, name: str, kind: str, parent: str | None, host: str | None,
    region: str | None, wtype: str | None, slots: int | None, trade: str | None,
) -> Unit:  # fmt: skip
    """Domain unit from the values of UNIT_COLUMNS (enum lookups by dict: 10,000 at a time)."""
    workplace_type = TYPES[wtype] if wtype else None
    return Unit(code, name, KINDS[kind], parent, host, region, workplace_type, slots, trade)


def unit_from_row(row: UnitRow) -> Unit:
    """Domain unit from its table row."""
    return unit_from_values(*(getattr(row, c.key) for c in UNIT_COLUMNS))


def unit_values(unit: Unit) -> dict[str, Any]:
    """Column values of a domain unit."""
    values = asdict(unit)
    values["kind"] = unit.kind.value
    values["workplace_type"] = unit.workplace_type.value if unit.workplace_type else None
    return values


class _TreeCache:
    """The last tree each database gave this process, with the revision token read before it.

    A tree is immutable, so threads share it. Whoever changes a unit writes a new token in
    the same transaction (`UnitRepository.save`); the token is read before the units, so a
    kept tree is never older than its token says.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: weakref.WeakKeyDictionary[Engine, tuple[str, UnitTree]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, engine: Engine, token: str | None) -> UnitTree | None:
        with self._lock:
            kept = self._kept.get(engine)
        return kept[1] if kept is not None and token is not None and kept[0] == token else None

    def keep(self, engine: Engine, token: str | None, tree: UnitTree) -> None:
        if token is not None:
            with self._lock:
                self._kept[engine] = (token, tree)


TREES = _TreeCache()


class UnitRepository:
    """Loads the tree once per unit of work (and once per change in a process) and saves
    units."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._tree: UnitTree | None = None
        self._changed_in: object = None  # the transaction that wrote a new token

    def tree(self) -> UnitTree:
        """The whole organisation tree."""
        if self._tree is None:
            conn = self._session.connection()
            token = conn.execute(_UNITS_TOKEN).scalar()
            if self._changed_in is self._session.get_transaction():
                token = None  # this transaction's own changes: not for other requests
            self._tree = TREES.get(conn.engine, token)
            if self._tree is None:
                # fetchall, not row-by-row iteration: one driver call for the 10,000 units
                rows = conn.execute(select(*UNIT_COLUMNS)).all()
                self._tree = UnitTree([unit_from_values(*row) for row in rows])
                TREES.keep(conn.engine, token, self._tree)
        return self._tree

    def save(self, unit: Unit) -> Unit | None:
        """Insert or update a unit; returns the previous version, if any."""
        self._new_token()
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

    def _new_token(self) -> None:
        """A new revision token for the tree, once per transaction that changes a unit."""
        transaction = self._session.get_transaction()
        if transaction is None or transaction is not self._changed_in:
            self._session.execute(_NEW_UNITS_TOKEN, {"token": uuid.uuid4().hex})
            self._changed_in = self._session.get_transaction()

    def flush(self) -> None:
        """Send pending inserts (parents first) so children can refer to them."""
        self._session.flush()


class UserRepository:
    """Users and their permissions. A disabled user is, to everything that acts, no user."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, name: str) -> User | None:
        """The active user with this name, or None (unknown, or disabled: a disabled user
        signs in nowhere, and their sessions and tokens find no user behind them)."""
        row = self._session.get(UserRow, name)
        if row is None or row.disabled_at is not None:
            return None
        return user_from_row(row)

    def get_any(self, name: str) -> tuple[User, datetime | None] | None:
        """The user with this name, active or not, and when they were disabled (or None)."""
        row = self._session.get(UserRow, name)
        return (user_from_row(row), row.disabled_at) if row is not None else None

    def in_units(self, unit_codes: Collection[str]) -> list[tuple[User, datetime | None]]:
        """Every user of these units (disabled ones too), by name, with when disabled."""
        rows = self._session.scalars(select(UserRow).order_by(UserRow.name)).all()
        wanted = set(unit_codes)
        return [(user_from_row(r), r.disabled_at) for r in rows if r.unit_code in wanted]

    def units_of(self) -> dict[str, str]:
        """Every user's unit, by user name."""
        return {
            name: unit
            for name, unit in self._session.execute(select(UserRow.name, UserRow.unit_code))
        }

    def set_disabled(self, name: str, at: datetime | None) -> None:
        """Disable a user from `at`, or enable them again (None)."""
        row = self._session.get(UserRow, name)
        assert row is not None
        row.disabled_at = at

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


def user_from_row(row: UserRow) -> User:
    """Domain user from its row."""
    permissions = frozenset(Permission(p) for p in row.permissions.split(",") if p)
    return User(name=row.name, unit_code=row.unit_code, permissions=permissions)
