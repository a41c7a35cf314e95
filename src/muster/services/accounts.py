"""Use cases for signing in: passwords (argon2), server-side sessions, throttling, language.

A session is a random token in the browser's cookie; the database keeps only its SHA-256,
so a copy of the database signs nobody in. Every sign-in, failure and sign-out is audited.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from muster.domain.access import require_permission, require_scope
from muster.domain.errors import DomainError, NotPermitted
from muster.domain.users import Permission, User
from muster.store.accounts import AccountRepository, WebSessionRow
from muster.store.uow import UnitOfWork

SESSION_LIFETIME = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5  # then the account is locked for the rest of the window
ADDRESS_FAILURES = 20  # then the address is locked (guessing across many accounts)
MIN_PASSWORD = 10
LANGUAGES = ("en", "ko")

_hasher = PasswordHasher()
# Each argon2 run takes 64 MiB and a core for tens of milliseconds: a burst of sign-ins (a
# morning, or someone hammering the form) queues here instead of taking the memory at once.
_HASHING = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


class SignInRefused(DomainError):
    """Sign-in refused; the message never tells whether the user exists."""


@dataclass(frozen=True)
class Viewer:
    """A signed-in user as the web sees them: who, the session and its CSRF token."""

    user: User
    session_id: int
    csrf_token: str
    language: str | None


def accounts(uow: UnitOfWork) -> AccountRepository:
    """The account repository on the unit of work's session."""
    return AccountRepository(uow.session)


def hash_password(password: str) -> str:
    """An argon2id hash of a password that is long enough."""
    if len(password) < MIN_PASSWORD:
        raise DomainError(f"a password needs at least {MIN_PASSWORD} characters")
    with _HASHING:
        return _hasher.hash(password)


def set_password(
    uow: UnitOfWork, actor: User, user_name: str, password: str, now: datetime
) -> None:
    """Set a user's password: the user themselves, or an admin whose subtree holds the user.

    Every session of the user ends (a changed password signs everyone out).
    """
    found = uow.users.get_any(user_name)  # a disabled user's password may be reset, too
    if found is None:
        raise NotPermitted(f"unknown user {user_name!r}")
    user = found[0]
    if actor.name != user_name or actor.is_operator:
        require_permission(actor, Permission.ADMIN)
        require_scope(actor, uow.units.tree(), user.unit_code or "")
    repo = accounts(uow)
    repo.save_account(user_name, now, password_hash=hash_password(password))
    repo.end_sessions_of(user_name)
    uow.audit.record(actor.name, "set_password", "user", user_name)
    uow.commit()


def sign_in(
    uow: UnitOfWork, user_name: str, password: str, address: str, now: datetime
) -> tuple[str, Viewer]:
    """Check a password (throttled per account and address); a new session and its token."""
    repo = accounts(uow)
    _refuse_when_locked(uow, repo, user_name, address, now)
    user = uow.users.get(user_name)
    account = repo.account(user_name) if user else None
    stored = account.password_hash if account and account.password_hash else None
    if user is None or not _verify(stored, password):
        repo.add_attempt(now, user_name, address, False)
        uow.audit.record(user_name, "login_failed", "user", user_name, None, {"address": address})
        uow.commit()
        raise SignInRefused("wrong user name or password")
    repo.add_attempt(now, user_name, address, True)
    token = secrets.token_urlsafe(32)
    row = WebSessionRow(
        token_sha256=_sha(token),
        user_name=user_name,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
        address=address[:64],
    )
    repo.add_session(row)
    uow.audit.record(user_name, "login", "user", user_name, None, {"address": address})
    uow.commit()
    return token, Viewer(user, row.id, row.csrf_token, account.language if account else None)


def password_matches(uow: UnitOfWork, user_name: str, password: str) -> bool:
    """True when the password is the user's current one."""
    account = accounts(uow).account(user_name)
    return _verify(account.password_hash if account else None, password)


@cache
def _dummy_hash() -> str:
    """Checked when the user does not exist, so that a refusal takes as long either way."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(stored: str | None, password: str) -> bool:
    """True when the password matches; a missing hash is checked against a dummy."""
    checked = stored or _dummy_hash()
    try:
        with _HASHING:
            return _hasher.verify(checked, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _refuse_when_locked(
    uow: UnitOfWork, repo: AccountRepository, user_name: str, address: str, now: datetime
) -> None:
    """Refuse (and audit) while the account or the address has failed too often."""
    since = now - THROTTLE_WINDOW
    by_account = repo.failures_since(since, user_name=user_name)
    by_address = repo.failures_since(since, address=address)
    if by_account < ACCOUNT_FAILURES and by_address < ADDRESS_FAILURES:
        return
    minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
    uow.audit.record(user_name, "login_locked", "user", user_name, None, {"address": address})
    uow.commit()
    raise SignInRefused(f"too many failed sign-ins: try again in {minutes} minutes")


def session_viewer(uow: UnitOfWork, token: str, now: datetime) -> Viewer | None:
    """The signed-in viewer of a session token, or None when unknown or expired, or when
    its user was disabled (`users.get` finds no disabled user)."""
    repo = accounts(uow)
    found = repo.session_by_token(_sha(token))
    if found is None or found.expires_at <= now:
        return None
    user = uow.users.get(found.user_name)
    if user is None:
        return None
    account = repo.account(user.name)
    return Viewer(user, found.id, found.csrf_token, account.language if account else None)


def sign_out(uow: UnitOfWork, viewer: Viewer, everywhere: bool = False) -> None:
    """End this session, or every session of the user."""
    repo = accounts(uow)
    if everywhere:
        count = repo.end_sessions_of(viewer.user.name)
    else:
        repo.end_session(viewer.session_id)
        count = 1
    action = "sign_out_everywhere" if everywhere else "sign_out"
    uow.audit.record(viewer.user.name, action, "user", viewer.user.name, None, {"sessions": count})
    uow.commit()


def set_language(uow: UnitOfWork, actor: User, language: str, now: datetime) -> None:
    """The language a user reads the web in (one of LANGUAGES)."""
    if language not in LANGUAGES:
        raise DomainError(f"language {language!r}: expected one of {', '.join(LANGUAGES)}")
    accounts(uow).save_account(actor.name, now, language=language)
    uow.audit.record(actor.name, "set_language", "user", actor.name, None, {"language": language})
    uow.commit()


def set_email(uow: UnitOfWork, actor: User, user_name: str, email: str, now: datetime) -> None:
    """The address notices are e-mailed to (the user themselves or an admin over them)."""
    if actor.name != user_name:
        require_permission(actor, Permission.ADMIN)
        user = uow.users.get(user_name)
        require_scope(actor, uow.units.tree(), (user.unit_code if user else None) or "")
    if email and "@" not in email:
        raise DomainError(f"{email!r} is not an e-mail address")
    accounts(uow).save_account(user_name, now, email=email or None)
    uow.audit.record(actor.name, "set_email", "user", user_name, None, {"email": email})
    uow.commit()


def _sha(token: str) -> str:
    """The SHA-256 of a session token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()
