"""Tables and repository for signing in: password hashes, web sessions, login attempts, notices.

None of these is append-only: a password changes, a session ends, a notice is read. What
must not be lost about them (every login, failure and sign-out) is in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from muster.store.tables import Base
from muster.store.types import UTCDateTime


class UserAccountRow(Base):
    """A user's sign-in details: argon2 password hash, language, e-mail for notices."""

    __tablename__ = "user_accounts"
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name"), primary_key=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(8))
    email: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebSessionRow(Base):
    """A signed-in browser: the SHA-256 of its cookie token (never the token itself)."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    address: Mapped[str | None] = mapped_column(String(64))


class LoginAttemptRow(Base):
    """One sign-in attempt, for throttling per account and per address."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    user_name: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool]


class NoticeRow(Base):
    """A notice in a user's inbox; `key` makes each notice arrive once."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("user_name", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    call_id: Mapped[int | None] = mapped_column(Integer)
    unit_code: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class WebSession:
    """A live session as services see it."""

    id: int
    user_name: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class Notice:
    """One notice as read back."""

    id: int
    kind: str
    call_id: int | None
    unit_code: str | None
    detail: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class AccountRepository:
    """Reads and writes the sign-in tables within the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def account(self, user_name: str) -> UserAccountRow | None:
        """The account row of a user, or None when no password or language was ever set."""
        return self._session.get(UserAccountRow, user_name)

    def names_with_email(self) -> list[str]:
        """The users whose account has an e-mail address, by name."""
        query = (
            select(UserAccountRow.user_name)
            .where(UserAccountRow.email.is_not(None), UserAccountRow.email != "")
            .order_by(UserAccountRow.user_name)
        )
        return list(self._session.scalars(query))

    def save_account(self, user_name: str, now: datetime, **values: str | None) -> None:
        """Create or change a user's account row (password_hash, language, email)."""
        row = self.account(user_name)
        if row is None:
            row = UserAccountRow(user_name=user_name, updated_at=now)
            self._session.add(row)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now

    def add_session(self, row: WebSessionRow) -> None:
        """Store a new session (flushed, so that its id is known)."""
        self._session.add(row)
        self._session.flush()

    def session_by_token(self, token_sha256: str) -> WebSession | None:
        """The session whose token hashes to this value, or None."""
        row = self._session.scalars(
            select(WebSessionRow).where(WebSessionRow.token_sha256 == token_sha256)
        ).first()
        if row is None:
            return None
        return WebSession(row.id, row.user_name, row.csrf_token, row.expires_at)

    def end_session(self, session_id: int) -> None:
        """Forget one session."""
        self._session.execute(delete(WebSessionRow).where(WebSessionRow.id == session_id))

    def end_sessions_of(self, user_name: str) -> int:
        """Forget every session of a user; returns how many there were."""
        result = self._session.execute(
            delete(WebSessionRow).where(WebSessionRow.user_name == user_name)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def add_attempt(self, at: datetime, user_name: str, address: str, success: bool) -> None:
        """Record one sign-in attempt."""
        self._session.add(
            LoginAttemptRow(at=at, user_name=user_name, address=address, success=success)
        )

    def failures_since(self, since: datetime, *, user_name: str = "", address: str = "") -> int:
        """Failed attempts since a time for an account or an address (after its last success)."""
        query = select(func.count()).select_from(LoginAttemptRow).where(LoginAttemptRow.at >= since)
        if user_name:
            query = query.where(LoginAttemptRow.user_name == user_name)
            last_ok = self._last_success(user_name)
            if last_ok is not None:
                query = query.where(LoginAttemptRow.at > last_ok)
        if address:
            query = query.where(LoginAttemptRow.address == address)
        return int(self._session.scalar(query.where(LoginAttemptRow.success.is_(False))) or 0)

    def _last_success(self, user_name: str) -> datetime | None:
        """When the account last signed in."""
        return self._session.scalar(
            select(func.max(LoginAttemptRow.at)).where(
                LoginAttemptRow.user_name == user_name, LoginAttemptRow.success.is_(True)
            )
        )

    def add_notice(self, user_name: str, key: str, kind: str, **values: Any) -> bool:
        """Add a notice unless the user already has one with this key; True when added."""
        exists = self._session.scalar(
            select(NoticeRow.id).where(NoticeRow.user_name == user_name, NoticeRow.key == key)
        )
        if exists is not None:
            return False
        self._session.add(NoticeRow(user_name=user_name, key=key, kind=kind, **values))
        return True

    def notices(self, user_name: str, limit: int = 200) -> list[Notice]:
        """A user's notices, newest first."""
        rows: Sequence[NoticeRow] = self._session.scalars(
            select(NoticeRow)
            .where(NoticeRow.user_name == user_name)
            .order_by(NoticeRow.created_at.desc(), NoticeRow.id.desc())
            .limit(limit)
        ).all()
        return [
            Notice(r.id, r.kind, r.call_id, r.unit_code, r.detail, r.created_at, r.read_at)
            for r in rows
        ]

    def unsent_notices(self, user_name: str) -> list[NoticeRow]:
        """Notices not yet e-mailed."""
        return list(
            self._session.scalars(
                select(NoticeRow).where(
                    NoticeRow.user_name == user_name, NoticeRow.emailed_at.is_(None)
                )
            )
        )

    def mark_read(self, user_name: str, now: datetime) -> None:
        """Mark every notice of a user read."""
        for row in self._session.scalars(
            select(NoticeRow).where(NoticeRow.user_name == user_name, NoticeRow.read_at.is_(None))
        ):
            row.read_at = now
