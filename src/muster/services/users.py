"""Use cases of user administration within an administrator's subtree.

An administrator lists the users of their subtree, creates users (`registry.add_user`:
nobody grants a permission they do not hold), disables and enables them, and resets a
password (a one-time password shown once). A disabled user cannot sign in, and their
sessions end; every lookup of an acting user (`UserRepository.get`) finds nobody behind a
disabled name, so their API tokens stop working, too. Each change is audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from muster.domain.access import require_permission, require_scope, units_in_scope
from muster.domain.errors import DomainError, NotFound
from muster.domain.users import Permission, User
from muster.services.accounts import accounts, password_matches, set_password
from muster.store.uow import UnitOfWork


@dataclass(frozen=True)
class Account:
    """A user as their administrator sees them."""

    user: User
    disabled_at: datetime | None
    has_password: bool


def users_of_subtree(uow: UnitOfWork, actor: User) -> list[Account]:
    """Every user (disabled ones too) of a unit in the administrator's subtree, by name."""
    require_permission(actor, Permission.ADMIN)
    scope = units_in_scope(actor, uow.units.tree())
    repo = accounts(uow)
    found = []
    for user, disabled_at in uow.users.in_units(scope):
        account = repo.account(user.name)
        found.append(Account(user, disabled_at, bool(account and account.password_hash)))
    return found


def _managed(uow: UnitOfWork, actor: User, name: str) -> tuple[User, datetime | None]:
    """A user of the administrator's subtree (another subtree's user: as if absent)."""
    require_permission(actor, Permission.ADMIN)
    found = uow.users.get_any(name)
    if found is None:
        raise NotFound(f"no user {name!r} in your unit's subtree")
    require_scope(actor, uow.units.tree(), found[0].unit_code or "")
    return found


def disable_user(uow: UnitOfWork, actor: User, name: str, now: datetime) -> None:
    """Disable a user: no sign-in, every session ended, tokens no longer find the user."""
    user, disabled_at = _managed(uow, actor, name)
    if user.name == actor.name:
        raise DomainError("you cannot disable yourself")
    if disabled_at is not None:
        raise DomainError(f"user {name!r} is already disabled")
    uow.users.set_disabled(name, now)
    ended = accounts(uow).end_sessions_of(name)
    uow.audit.record(
        actor.name, "disable_user", "user", name, {"disabled_at": None},
        {"disabled_at": now, "sessions_ended": ended},
    )  # fmt: skip
    uow.commit()


def enable_user(uow: UnitOfWork, actor: User, name: str, now: datetime) -> None:
    """Enable a disabled user again."""
    _user, disabled_at = _managed(uow, actor, name)
    if disabled_at is None:
        raise DomainError(f"user {name!r} is not disabled")
    uow.users.set_disabled(name, None)
    uow.audit.record(
        actor.name, "enable_user", "user", name, {"disabled_at": disabled_at}, {"disabled_at": None}
    )
    uow.commit()


def reset_password(
    uow: UnitOfWork, actor: User, name: str, now: datetime, password: str | None = None
) -> str:
    """Give a user of the subtree a new password (a one-time one unless given); returns it.

    Every session of the user ends. The user changes it after signing in (`change_password`,
    or `muster user password` on the command line).
    """
    _managed(uow, actor, name)
    secret = password or secrets.token_urlsafe(12)
    set_password(uow, actor, name, secret, now)
    return secret


def change_password(uow: UnitOfWork, actor: User, current: str, new: str, now: datetime) -> None:
    """The signed-in user changes their own password, knowing the current one."""
    if not password_matches(uow, actor.name, current):
        raise DomainError("the current password is wrong")
    set_password(uow, actor, actor.name, new, now)
