"""API: the audit log (needs `admin`, within the token's subtree) — filtered by who, what,
unit and days, a page of fifty at a time, or every matching event as CSV. Events that would
tell of a protection hold need `protection` too. Reading and exporting are audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from muster.services.audit import PAGE_SIZE, AuditFilter, PlacedEvent, audit_csv, audit_log
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["audit"], responses=REFUSALS)
Word = Annotated[str, Query(max_length=200, pattern=r"^[^\x00]*$")]
Day = Annotated[date | None, Query(ge=date(1900, 1, 1), le=date(9000, 1, 1))]


class AuditEventOut(BaseModel):
    """One audit event with the units it concerns."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    units: list[str]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPageOut(BaseModel):
    """One page of matching events, newest first; how many match in all; every action name."""

    events: list[AuditEventOut]
    total: int
    page: int
    pages: int
    page_size: int
    actions: list[str]


def _filter(
    actor: str, action: str, unit: str, since: date | None, until: date | None
) -> AuditFilter:
    """The filter: days are whole UTC days, `until` included."""
    return AuditFilter(
        actor=actor.strip(), action=action.strip(), unit=unit.strip(),
        since=datetime.combine(since, time(), UTC) if since else None,
        until=datetime.combine(until, time(), UTC) + timedelta(days=1) if until else None,
    )  # fmt: skip


def _event(placed: PlacedEvent) -> AuditEventOut:
    e = placed.event
    return AuditEventOut(
        id=e.id or 0, at=e.at, actor=e.actor, action=e.action, entity=e.entity,
        entity_id=e.entity_id, units=list(placed.units),
        before=dict(e.before) if e.before is not None else None,
        after=dict(e.after) if e.after is not None else None,
    )  # fmt: skip


@router.get("/audit")
def audit(
    request: Request,
    user: Caller,
    actor: Word = "",
    action: Word = "",
    unit: Word = "",
    since: Day = None,
    until: Day = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> AuditPageOut:
    """A page of the events the token may read (`since` and `until` are whole UTC days,
    both included; `unit` narrows to the events about a unit and those below it)."""
    muster = muster_of(request)
    wanted = _filter(actor, action, unit, since, until)
    with muster.uow() as uow:
        found = audit_log(uow, user, wanted, muster.clock(), page=page)
    return AuditPageOut(
        events=[_event(p) for p in found.events], total=found.total, page=found.page,
        pages=found.pages, page_size=PAGE_SIZE, actions=found.actions,
    )  # fmt: skip


CSV_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Every matching event, formula-safe CSV with a header row",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.get("/audit.csv", response_class=Response, responses=CSV_ANSWER)
def audit_export(
    request: Request,
    user: Caller,
    actor: Word = "",
    action: Word = "",
    unit: Word = "",
    since: Day = None,
    until: Day = None,
) -> Response:
    """Every event of the filter the token may read, as CSV (an audited read)."""
    muster = muster_of(request)
    wanted = _filter(actor, action, unit, since, until)
    with muster.uow() as uow:
        data = audit_csv(uow, user, wanted, muster.clock())
    headers = {"Content-Disposition": 'attachment; filename="audit.csv"'}
    return Response(data, media_type="text/csv; charset=utf-8", headers=headers)
