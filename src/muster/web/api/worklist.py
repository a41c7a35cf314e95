"""API: what waits for the token's owner — lists their unit owes (due, late, returned with
the reason) and child units' lists to review, over every call (the web's home page)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel

from muster.domain.completeness import UnitStatus
from muster.services.worklist import worklist
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["worklist"], responses=REFUSALS)


class OwedOut(BaseModel):
    """A list the token's unit owes for a call."""

    call_id: int
    title: str
    unit: UnitStatus
    due: datetime
    late: bool
    reason: str | None


class ToReviewOut(BaseModel):
    """A child unit's list waiting for review (`version` > 1: a correction)."""

    call_id: int
    title: str
    unit: UnitStatus
    version: int


class WorklistOut(BaseModel):
    """Everything waiting, every call."""

    owed: list[OwedOut]
    to_review: list[ToReviewOut]


@router.get("/worklist")
def my_worklist(request: Request, user: Caller) -> WorklistOut:
    """Lists owed (due, late, returned) and lists to review, as the token may see them."""
    muster = muster_of(request)
    with muster.uow() as uow:
        work = worklist(uow, user, muster.catalogue, muster.clock())
    owed = [
        OwedOut(call_id=o.call.id or 0, title=o.call.title, unit=o.unit, due=o.due,
                late=o.late, reason=o.reason)
        for o in work.owed
    ]  # fmt: skip
    to_review = [
        ToReviewOut(call_id=r.call.id or 0, title=r.call.title, unit=r.unit, version=r.version)
        for r in work.to_review
    ]
    return WorklistOut(owed=owed, to_review=to_review)
