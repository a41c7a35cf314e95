"""Tables and repository for the JSON API: API tokens and idempotency keys.

An API token is kept only as the SHA-256 of its secret, beside a short public prefix that
names it in listings (and finds its row); a token is revoked by stamping it, never deleted.
An idempotency key row is inserted before a submission runs (the unique constraint makes a
concurrent retry wait for it) and holds the answer once there is one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from muster.store.tables import Base
from muster.store.types import UTCDateTime


class ApiTokenRow(Base):
    """An API token: its owner, the unit and permissions it is scoped to, its lifetime."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    owner_name: Mapped[str] = mapped_column(ForeignKey("users.name"), index=True)
    unit_code: Mapped[str] = mapped_column(String(64))
    permissions: Mapped[list[str]] = mapped_column(JSON)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class IdempotencyKeyRow(Base):
    """A request sent with an Idempotency-Key: what it asked, and (once known) its answer.

    `status_code` None: the first request with this key is still being answered.
    """

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (UniqueConstraint("owner_name", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    owner_name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TokenRepository:
    """Reads and writes the API tables within the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: ApiTokenRow) -> int:
        """Store a new token (flushed, so that its id is known)."""
        self._session.add(row)
        self._session.flush()
        return row.id

    def get(self, token_id: int) -> ApiTokenRow | None:
        """A token by id."""
        return self._session.get(ApiTokenRow, token_id)

    def by_prefix(self, prefix: str) -> ApiTokenRow | None:
        """The token whose public prefix this is."""
        return self._session.scalars(
            select(ApiTokenRow).where(ApiTokenRow.prefix == prefix)
        ).first()

    def owned_by(self, names: list[str] | None) -> list[ApiTokenRow]:
        """Tokens of these owners (None: every token), newest first."""
        query = select(ApiTokenRow).order_by(ApiTokenRow.created_at.desc(), ApiTokenRow.id.desc())
        if names is not None:
            query = query.where(ApiTokenRow.owner_name.in_(names))
        return list(self._session.scalars(query))

    def idempotency(self, owner_name: str, key: str) -> IdempotencyKeyRow | None:
        """The row of an idempotency key of an owner."""
        return self._session.scalars(
            select(IdempotencyKeyRow).where(
                IdempotencyKeyRow.owner_name == owner_name, IdempotencyKeyRow.key == key
            )
        ).first()

    def forget_idempotency(self, row_id: int) -> None:
        """Drop a key whose request ended without an answer worth replaying."""
        self._session.execute(delete(IdempotencyKeyRow).where(IdempotencyKeyRow.id == row_id))
