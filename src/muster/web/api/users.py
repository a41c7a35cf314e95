"""API: user administration (needs `admin`, within the token's subtree) — the users, a new
one (granting only permissions the token holds), disable (no sign-in, sessions and API
tokens stop working), enable, and a one-time password shown in the answer once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from muster.domain.errors import NotFound
from muster.domain.users import User
from muster.services.registry import add_user
from muster.services.users import (
    Account,
    disable_user,
    enable_user,
    reset_password,
    users_of_subtree,
)
from muster.store.uow import UnitOfWork
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller, Code
from muster.web.security import muster_of

router = APIRouter(
    prefix=PREFIX + "/users", route_class=ApiRoute, tags=["users"], responses=REFUSALS
)
Name = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]
NO_STORE = {"Cache-Control": "no-store"}


class UserOut(BaseModel):
    """A user as their administrator sees them."""

    name: str
    unit: str | None
    permissions: list[str]
    disabled_at: datetime | None
    has_password: bool


class UserIn(BaseModel):
    """A new user of a unit of the token's subtree, with permissions the token holds (then
    `POST /users/{name}/password` gives them a one-time password)."""

    name: Code
    unit: Code
    permissions: Annotated[list[Code], Field(max_length=20)] = []


class PasswordOut(BaseModel):
    """A one-time password, shown in this answer only: the user changes it after signing in."""

    name: str
    password: str


def _out(account: Account) -> UserOut:
    u = account.user
    return UserOut(
        name=u.name, unit=u.unit_code, permissions=sorted(p.value for p in u.permissions),
        disabled_at=account.disabled_at, has_password=account.has_password,
    )  # fmt: skip


def _account(uow: UnitOfWork, actor: User, name: str) -> UserOut:
    """One user of the subtree as listed."""
    for account in users_of_subtree(uow, actor):
        if account.user.name == name:
            return _out(account)
    raise NotFound(f"no user {name!r} in your unit's subtree")


@router.get("")
def users(request: Request, user: Caller) -> list[UserOut]:
    """Every user (disabled ones too) of a unit in the token's subtree, by name."""
    with muster_of(request).uow() as uow:
        return [_out(a) for a in users_of_subtree(uow, user)]


@router.post("", status_code=201)
def create(request: Request, user: Caller, body: UserIn) -> UserOut:
    """Create a user (audited); nobody grants a permission they do not hold."""
    name = body.name.strip()
    with muster_of(request).uow() as uow:
        add_user(uow, user, name, body.unit, body.permissions)
        return _account(uow, user, name)


@router.post("/{name}/disable")
def disable(request: Request, user: Caller, name: Name) -> UserOut:
    """Disable a user: no sign-in, every session ended, their API tokens refused."""
    muster = muster_of(request)
    with muster.uow() as uow:
        disable_user(uow, user, name, muster.clock())
        return _account(uow, user, name)


@router.post("/{name}/enable")
def enable(request: Request, user: Caller, name: Name) -> UserOut:
    """Enable a disabled user again."""
    muster = muster_of(request)
    with muster.uow() as uow:
        enable_user(uow, user, name, muster.clock())
        return _account(uow, user, name)


@router.post("/{name}/password", response_model=PasswordOut)
def password(request: Request, user: Caller, name: Name) -> JSONResponse:
    """A one-time password for a user of the subtree, in this answer only (never stored in
    clear, not cached); every session of the user ends (audited)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        secret = reset_password(uow, user, name, muster.clock())
    found = PasswordOut(name=name, password=secret)
    return JSONResponse(found.model_dump(), headers=NO_STORE)
