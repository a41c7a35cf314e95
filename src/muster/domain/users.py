"""Users, permissions and the scope rule: a user acts only within their unit's subtree."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from muster.domain.errors import NotPermitted
from muster.domain.units import UnitTree


class Permission(StrEnum):
    """What a user may do or see."""

    SUBMIT = "submit"
    REVIEW = "review"
    PLAN = "plan"
    ADMIN = "admin"
    MEDICAL = "medical"
    WELFARE = "welfare"
    PROTECTION = "protection"


@dataclass(frozen=True)
class User:
    """A person using Muster, attached to one unit. `unit_code` None = the local operator."""

    name: str
    unit_code: str | None
    permissions: frozenset[Permission] = field(default_factory=frozenset)

    @property
    def is_operator(self) -> bool:
        """The local operator (no `--as`) has full rights over the whole tree."""
        return self.unit_code is None

    def has(self, permission: Permission) -> bool:
        """True when the user holds the permission (the operator holds all)."""
        return self.is_operator or permission in self.permissions


OPERATOR = User(name="operator", unit_code=None, permissions=frozenset(Permission))


def in_scope(user: User, tree: UnitTree, unit_code: str) -> bool:
    """True when `unit_code` lies in the user's unit subtree."""
    if user.is_operator:
        return True
    assert user.unit_code is not None
    return unit_code in tree and tree.is_within(unit_code, user.unit_code)


def require_scope(user: User, tree: UnitTree, unit_code: str) -> None:
    """Refuse when the unit lies outside the user's subtree."""
    if not in_scope(user, tree, unit_code):
        raise NotPermitted(
            f"user {user.name!r} of unit {user.unit_code!r} may not act for unit "
            f"{unit_code!r}: it is outside their unit's subtree"
        )


def require_permission(user: User, permission: Permission) -> None:
    """Refuse when the user lacks a permission."""
    if not user.has(permission):
        raise NotPermitted(f"user {user.name!r} lacks the {permission.value!r} permission")
