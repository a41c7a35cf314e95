"""Who is acting: the local operator, or a named user (`--as`)."""

from __future__ import annotations

from muster.domain.errors import NotPermitted
from muster.domain.users import OPERATOR, User
from muster.store.uow import UnitOfWork


def resolve_user(uow: UnitOfWork, name: str | None) -> User:
    """The user to act as; without a name, the local operator with full rights."""
    if name is None:
        return OPERATOR
    user = uow.users.get(name)
    if user is None and uow.users.get_any(name) is not None:
        raise NotPermitted(f"user {name!r} is disabled; an administrator may enable it again")
    if user is None:
        raise NotPermitted(f"unknown user {name!r}; an administrator must add it first")
    return user
