"""API: the token owner's notices (lists returned, due soon, late, corrections received)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from muster.services import notices
from muster.store.accounts import Notice
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["notices"], responses=REFUSALS)


class MarkedOut(BaseModel):
    """Every notice is now read."""

    unread: int


@router.get("/notices")
def list_notices(request: Request, user: Caller) -> list[Notice]:
    """The inbox, newest first: what the loop's state calls for is added first (as on the
    home page), never e-mailed from here."""
    muster = muster_of(request)
    with muster.uow() as uow:
        notices.refresh(uow, user, muster.catalogue, muster.clock())
        found = notices.inbox(uow, user)
    return found


@router.post("/notices/read")
def read_notices(request: Request, user: Caller) -> MarkedOut:
    """Mark every notice read."""
    muster = muster_of(request)
    with muster.uow() as uow:
        notices.mark_read(uow, user, muster.clock())
    return MarkedOut(unread=0)
