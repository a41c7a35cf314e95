"""Helpers of the API tests: tokens made through the service, bearer headers."""

from __future__ import annotations

from muster.bootstrap import Muster
from muster.services.actors import resolve_user
from muster.services.tokens import create_token


def token_for(app: Muster, name: str, unit: str, permissions: list[str], days: int = 90) -> str:
    """A new token of user `name` for `unit` with `permissions`; its secret."""
    with app.uow() as uow:
        owner = resolve_user(uow, name)
        _token, secret = create_token(
            uow, owner, unit_code=unit, permissions=permissions, now=app.clock(),
            expires_days=days,
        )  # fmt: skip
    return secret


def bearer(secret: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {secret}"}
