"""API: the token owner's API tokens — list them (never a secret) and revoke one. Making a
token is not offered through the API: a token is made by its owner signed in (the /tokens
page) or on the command line, so that a leaked token cannot make itself a successor."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel

from muster.services.tokens import ApiToken, revoke_token, tokens_of
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["tokens"], responses=REFUSALS)
TokenId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A token's id")]


class TokenOut(BaseModel):
    """An API token as listed: its public prefix, never its secret."""

    id: int
    prefix: str
    owner: str
    unit: str
    permissions: list[str]
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    state: str


def _out(token: ApiToken, now: datetime) -> TokenOut:
    return TokenOut(
        id=token.id, prefix=token.prefix, owner=token.owner, unit=token.unit_code,
        permissions=list(token.permissions), label=token.label, created_at=token.created_at,
        expires_at=token.expires_at, revoked_at=token.revoked_at,
        last_used_at=token.last_used_at, state=token.state(now),
    )  # fmt: skip


@router.get("/tokens")
def tokens(request: Request, user: Caller) -> list[TokenOut]:
    """The token owner's tokens (active, expired and revoked), newest first."""
    muster = muster_of(request)
    with muster.uow() as uow:
        return [_out(t, muster.clock()) for t in tokens_of(uow, user)]


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, user: Caller, token_id: TokenId) -> TokenOut:
    """Revoke one of the owner's tokens at once (this one, too, if named); audited."""
    muster = muster_of(request)
    with muster.uow() as uow:
        found = revoke_token(uow, user, token_id, muster.clock())
    return _out(found, muster.clock())
