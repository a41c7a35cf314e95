"""API: calls for lists — list, issue, show one, and its completeness per unit (now or `at`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from muster.domain.calls import DUE_LEVELS, Call
from muster.domain.completeness import UnitStatus
from muster.domain.errors import DomainError, NotFound
from muster.domain.units import UnitKind
from muster.domain.users import User
from muster.services.calls import calls_for, issue_call
from muster.services.lists import status
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller, CallId, Code, Text
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["calls"], responses=REFUSALS)


class Due(BaseModel):
    """When each level's lists are due (an offset-less time is UTC)."""

    workplace: datetime
    consulate: datetime
    mission: datetime


class CallOut(BaseModel):
    """A call for lists."""

    id: int
    title: str
    issued_by: str
    scope: str
    categories: list[str]
    due: Due
    issued_at: datetime
    instructions: str
    issued_by_user: str


class CallIn(BaseModel):
    """A call to issue from unit `by` to the subtree `scope`."""

    by: Code
    scope: Code
    categories: Annotated[list[Code], Field(min_length=1, max_length=50)]
    due: Due
    title: Annotated[Text, Field(max_length=300)] = "Call for lists"
    instructions: Text = ""


class StatusOut(BaseModel):
    """Completeness and timeliness of every expected unit of the caller's subtree."""

    call: CallOut
    at: datetime | None
    units: list[UnitStatus] = Field(description="Entries: those the caller may see (SPEC §7)")


def call_out(call: Call) -> CallOut:
    """A call as the API shows it."""
    due = Due(**{k.value: call.due_for(k) for k in DUE_LEVELS})
    return CallOut(
        id=call.id or 0, title=call.title, issued_by=call.issued_by, scope=call.scope,
        categories=list(call.categories), due=due, issued_at=call.issued_at,
        instructions=call.instructions, issued_by_user=call.issued_by_user,
    )  # fmt: skip


def _utc(value: datetime) -> datetime:
    """A time in UTC (an offset-less one is UTC already), refusing one UTC cannot hold."""
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise DomainError(f"{value.isoformat()} lies outside the years 1 to 9999 in UTC") from None


@router.get("/calls")
def list_calls(request: Request, user: Caller) -> list[CallOut]:
    """Every call the token's subtree takes part in, newest first."""
    with muster_of(request).uow() as uow:
        return [call_out(c) for c in calls_for(uow, user)]


@router.post("/calls", status_code=201)
def create_call(request: Request, user: Caller, body: CallIn) -> CallOut:
    """Issue a call (needs `review` at the issuing unit)."""
    muster = muster_of(request)
    due = {UnitKind(k): _utc(v) for k, v in body.due.model_dump().items()}
    with muster.uow() as uow:
        call_id = issue_call(
            uow, user, muster.catalogue, by=body.by, scope=body.scope,
            categories=body.categories, due=due, title=body.title.strip() or "Call for lists",
            instructions=body.instructions, now=muster.clock(),
        )  # fmt: skip
        return call_out(uow.calls.get(call_id))


def visible_call(request: Request, user: User, call_id: int) -> Call:
    """A call the token's subtree takes part in (404 otherwise)."""
    with muster_of(request).uow() as uow:
        found = [c for c in calls_for(uow, user) if c.id == call_id]
    if not found:
        raise NotFound(f"no call {call_id}")
    return found[0]


@router.get("/calls/{call_id}")
def show_call(request: Request, user: Caller, call_id: CallId) -> CallOut:
    """One call."""
    return call_out(visible_call(request, user, call_id))


@router.get("/calls/{call_id}/status")
async def call_status(
    request: Request,
    user: Caller,
    call_id: CallId,
    at: Annotated[datetime | None, Query(description="The standing at this moment")] = None,
) -> StatusOut:
    """Completeness and timeliness of every expected unit of the token's subtree, now or `at`
    (entry counts leave out what the token may not see)."""
    muster = muster_of(request)
    moment = _utc(at) if at is not None else None

    def read() -> StatusOut:
        with muster.uow() as uow:
            call, rows = status(
                uow, user, muster.catalogue, call_id=call_id, at=moment, now=muster.clock()
            )
        return StatusOut(call=call_out(call), at=moment, units=rows)

    return await run_in_threadpool(read)
