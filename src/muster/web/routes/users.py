"""User administration within the admin's subtree; one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.errors import DomainError
from muster.domain.users import Permission
from muster.services.accounts import MIN_PASSWORD, set_password
from muster.services.registry import add_user
from muster.services.users import (
    change_password,
    disable_user,
    enable_user,
    reset_password,
    users_of_subtree,
)
from muster.web.render import render, see_other
from muster.web.security import Posted, SignedIn, muster_of

router = APIRouter()
Text = Annotated[str, Form()]
Many = Annotated[list[str] | None, Form()]


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, viewer: SignedIn, done: str = "") -> Response:
    """The users of the admin's subtree, and a form to add one."""
    with muster_of(request).uow() as uow:
        found = users_of_subtree(uow, viewer.user)
        units = list(uow.units.tree().subtree(viewer.user.unit_code or ""))
    grantable = [p.value for p in Permission if viewer.user.has(p)]
    context = {"users": found, "units": units, "grantable": grantable, "done": done}
    return render(request, "users.html", context)


@router.post("/users")
def add_post(
    request: Request, viewer: Posted, name: Text, unit: Text, permission: Many = None,
    password: Text = "",
) -> Response:  # fmt: skip
    """Create a user of the subtree with permissions the admin holds itself."""
    if password and len(password) < MIN_PASSWORD:  # refused before the user exists
        raise DomainError(f"a password needs at least {MIN_PASSWORD} characters")
    muster = muster_of(request)
    with muster.uow() as uow:
        add_user(uow, viewer.user, name.strip(), unit, permission or [])
        if password:
            set_password(uow, viewer.user, name.strip(), password, muster.clock())
    return see_other("/users?done=added")


@router.post("/users/{name}/disable")
def disable_post(request: Request, viewer: Posted, name: str) -> Response:
    """Disable a user: no sign-in, every session ended."""
    muster = muster_of(request)
    with muster.uow() as uow:
        disable_user(uow, viewer.user, name, muster.clock())
    return see_other("/users?done=disabled")


@router.post("/users/{name}/enable")
def enable_post(request: Request, viewer: Posted, name: str) -> Response:
    """Enable a disabled user again."""
    muster = muster_of(request)
    with muster.uow() as uow:
        enable_user(uow, viewer.user, name, muster.clock())
    return see_other("/users?done=enabled")


@router.post("/users/{name}/password", response_class=HTMLResponse)
def reset_post(request: Request, viewer: Posted, name: str, password: Text = "") -> Response:
    """A new password for a user: the admin's, or a one-time one shown on this page once."""
    muster = muster_of(request)
    with muster.uow() as uow:
        secret = reset_password(uow, viewer.user, name, muster.clock(), password or None)
    shown = None if password else secret
    return render(request, "password_reset.html", {"name": name, "secret": shown})


@router.get("/account/password", response_class=HTMLResponse)
def own_password_page(request: Request, viewer: SignedIn, done: str = "") -> Response:
    """The form to change one's own password."""
    return render(request, "password.html", {"done": done})


@router.post("/account/password")
def own_password_post(request: Request, viewer: Posted, current: Text, new: Text) -> Response:
    """Change one's own password (every session ends: sign in again)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        change_password(uow, viewer.user, current, new, muster.clock())
    return see_other("/sign-in")
