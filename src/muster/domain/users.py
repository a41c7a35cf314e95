"""Users and their permissions (what they may do is decided in `domain.access`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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
