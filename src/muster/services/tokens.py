"""Use cases for API tokens: create (the secret is shown once), list, revoke, authenticate.

A token reads `mst_PREFIX_SECRET`. The database keeps only the SHA-256 of the whole token and
its public PREFIX (to name it in listings and find its row), so a copy of the database
authenticates nobody. A token is scoped to a unit of its owner's subtree and to some of the
owner's permissions; a caller presenting it acts as a `User` with that unit and those
permissions that the owner still holds (a demoted owner's tokens shrink with them; an owner
moved away from the token's unit makes it useless). Every creation, revocation and refused
use is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from muster.domain.access import in_scope, require_permission, require_scope
from muster.domain.errors import DomainError, NotFound
from muster.domain.users import Permission, User
from muster.store.tokens import ApiTokenRow, TokenRepository
from muster.store.uow import UnitOfWork

TOKEN_START = "mst_"
DEFAULT_DAYS = 90
MAX_DAYS = 366
USE_STAMP = timedelta(minutes=1)  # `last_used_at` is written at most once a minute
_DUMMY = hashlib.sha256(b"no such token").hexdigest()


@dataclass(frozen=True)
class ApiToken:
    """A token as listed: never its secret."""

    id: int
    prefix: str
    owner: str
    unit_code: str
    permissions: tuple[str, ...]
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def state(self, now: datetime) -> str:
        """active, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"


def tokens(uow: UnitOfWork) -> TokenRepository:
    """The token repository on the unit of work's session."""
    return TokenRepository(uow.session)


def _listed(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        row.id, row.prefix, row.owner_name, row.unit_code, tuple(row.permissions), row.label,
        row.created_at, row.expires_at, row.revoked_at, row.last_used_at,
    )  # fmt: skip


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    uow: UnitOfWork,
    actor: User,
    *,
    unit_code: str,
    permissions: list[str],
    now: datetime,
    expires_days: int = DEFAULT_DAYS,
    label: str = "",
) -> tuple[ApiToken, str]:
    """A new token of the actor for a unit of their subtree and some of their permissions.

    Returns the token as listed and its secret, which is shown this once and never again.
    """
    if actor.is_operator:
        raise DomainError("an API token belongs to a user: act as one (--as NAME)")
    require_scope(actor, uow.units.tree(), unit_code)
    granted = _permissions(actor, permissions)
    if not 1 <= expires_days <= MAX_DAYS:
        raise DomainError(f"a token expires after 1 to {MAX_DAYS} days, not {expires_days}")
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiTokenRow(
        prefix=prefix, token_sha256=_sha(secret), owner_name=actor.name, unit_code=unit_code,
        permissions=granted, label=label.strip()[:200], created_at=now,
        expires_at=now + timedelta(days=expires_days),
    )  # fmt: skip
    tokens(uow).add(row)
    uow.audit.record(
        actor.name, "create_api_token", "api_token", str(row.id), None,
        {"prefix": prefix, "unit": unit_code, "permissions": granted,
         "expires_at": row.expires_at, "label": row.label},
    )  # fmt: skip
    uow.commit()
    return _listed(row), secret


def _permissions(actor: User, names: list[str]) -> list[str]:
    """The permissions asked for, each a real one the actor holds; at least one."""
    wanted = sorted({n.strip() for n in names if n.strip()})
    if not wanted:
        raise DomainError("name at least one permission for the token")
    known = {p.value for p in Permission}
    for name in wanted:
        if name not in known:
            raise DomainError(f"{name!r} is not a permission: expected one of {sorted(known)}")
        require_permission(actor, Permission(name))
    return wanted


def tokens_of(uow: UnitOfWork, actor: User, *, everyone: bool = False) -> list[ApiToken]:
    """The actor's own tokens; with `everyone` (needs `admin`), those of every user of the
    actor's subtree. Newest first; never a secret."""
    if not everyone:
        return [_listed(r) for r in tokens(uow).owned_by([actor.name])]
    require_permission(actor, Permission.ADMIN)
    tree = uow.units.tree()
    found = tokens(uow).owned_by(None)
    units = {r.owner_name: _unit_of(uow, r.owner_name) for r in found}
    return [
        _listed(r)
        for r in found
        if actor.is_operator or in_scope(actor, tree, units[r.owner_name] or "")
    ]


def _unit_of(uow: UnitOfWork, name: str) -> str | None:
    user = uow.users.get(name)
    return user.unit_code if user else None


def revoke_token(uow: UnitOfWork, actor: User, token_id: int, now: datetime) -> ApiToken:
    """Revoke a token: its owner, or an admin whose subtree holds the owner's unit."""
    row = tokens(uow).get(token_id)
    if row is None or not _may_manage(uow, actor, row):
        raise NotFound(f"no API token {token_id} of yours")
    if row.revoked_at is not None:
        raise DomainError(f"API token {row.prefix} was already revoked")
    row.revoked_at = now
    uow.audit.record(
        actor.name, "revoke_api_token", "api_token", str(row.id), None,
        {"prefix": row.prefix, "owner": row.owner_name},
    )  # fmt: skip
    uow.commit()
    return _listed(row)


def _may_manage(uow: UnitOfWork, actor: User, row: ApiTokenRow) -> bool:
    if actor.is_operator or row.owner_name == actor.name:
        return True
    unit = _unit_of(uow, row.owner_name)
    return actor.has(Permission.ADMIN) and in_scope(actor, uow.units.tree(), unit or "")


def token_user(uow: UnitOfWork, presented: str, now: datetime) -> User | None:
    """The user a presented token acts as, or None (audited) when unknown, expired, revoked
    or no longer within its owner's reach. The hash is compared in constant time."""
    prefix = _prefix_of(presented)
    row = tokens(uow).by_prefix(prefix) if prefix else None
    matches = secrets.compare_digest(row.token_sha256 if row else _DUMMY, _sha(presented))
    reason = _refusal(uow, row, now) if row is not None and matches else "unknown"
    if reason:
        who = row.owner_name if row is not None and matches else "unknown"
        uow.audit.record(
            who, "api_token_refused", "api_token", str(row.id) if row and matches else "",
            None, {"reason": reason, "prefix": prefix},
        )  # fmt: skip
        uow.commit()
        return None
    assert row is not None
    owner = uow.users.get(row.owner_name)
    assert owner is not None
    if row.last_used_at is None or now - row.last_used_at >= USE_STAMP:
        row.last_used_at = now
        uow.commit()
    held = {p for p in owner.permissions if p.value in row.permissions}
    return User(owner.name, row.unit_code, frozenset(held))


def _prefix_of(presented: str) -> str:
    """The public prefix a presented token claims ("" when it is not shaped like one)."""
    if not presented.startswith(TOKEN_START):
        return ""
    return presented[len(TOKEN_START) :].split("_", 1)[0][:16]


def _refusal(uow: UnitOfWork, row: ApiTokenRow, now: datetime) -> str:
    """Why a genuine token may not be used now ("" when it may)."""
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at <= now:
        return "expired"
    owner = uow.users.get(row.owner_name)
    if owner is None or not in_scope(owner, uow.units.tree(), row.unit_code):
        return "out_of_owner_scope"
    return ""
