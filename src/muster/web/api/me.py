"""API: who the token acts as — its owner, unit and the permissions it carries now."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["tokens"], responses=REFUSALS)


class MeOut(BaseModel):
    """The token's owner, the unit it acts for and its permissions (those the owner still
    holds)."""

    user: str
    unit: str | None
    permissions: list[str]


@router.get("/me")
def me(user: Caller) -> MeOut:
    """Who the token acts as."""
    return MeOut(user=user.name, unit=user.unit_code, permissions=sorted(user.permissions))
