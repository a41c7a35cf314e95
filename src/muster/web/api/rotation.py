"""API: rotation — host policies, routes (open dates, seats per day), quarantine capacity,
the replacement pool (a page at a time, or a file to load), running the planner as a
background job, saved plans, one plan as a calendar, two plans compared, and manifests.

Who may: services.rotation and services.rotation_plan decide (`plan` to read, within the
hosts of the token's subtree; headquarters planners to write); nothing is filtered here.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from muster.domain.errors import NotFound
from muster.domain.users import User
from muster.reports.manifest import manifest_xlsx
from muster.services.jobs import job_status
from muster.services.rotation import (
    HostView,
    RouteView,
    add_route,
    replacement_pool,
    rotation_setup,
    set_host,
    set_quarantine,
    set_route_seats,
    set_route_window,
)
from muster.services.rotation_plan import (
    Named,
    PlannedMove,
    PlanSummary,
    compare_plans,
    plan_manifest,
    plan_view,
    saved_plans,
)
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller, Code, Id, Problem, Text
from muster.web.api.idempotency import Answer, answer_once, fingerprint, key_header
from muster.web.api.jobs import JobOut, job_out, start_job
from muster.web.background import queue_import
from muster.web.rotation import calendar
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["rotation"], responses=REFUSALS)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HostCode = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]
RouteId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]
PlanId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A saved plan's id")]
Seats = Annotated[int, Field(ge=0, le=100_000)]


class HostOut(BaseModel):
    """A host country's rotation rule and stay policy, and its routes."""

    host: str
    rotation: str
    stay_policy: str | None
    routes: list[str]


class HostsOut(BaseModel):
    """The hosts of the token's subtree: with a policy, and without one yet."""

    hosts: list[HostOut]
    unset: list[str]
    writable: bool = Field(description="The token may change rotation data (headquarters)")


class HostIn(BaseModel):
    """A host's rotation rule (`paired`: a replacement must arrive before the returnee
    leaves; `free`) and stay policy."""

    rotation: Literal["paired", "free"]
    stay_policy: Annotated[Text, Field(max_length=500)] | None = None


class RouteOut(BaseModel):
    """A route: host, mode, open dates (no first day: closed) and seats per day."""

    id: str
    host: str
    mode: str
    open_from: date | None
    open_until: date | None
    seats_home: int
    seats_out: int
    closed: bool


class RouteIn(BaseModel):
    """A new route for a host whose policy is set."""

    id: Code
    host: Code
    mode: Literal["bridge", "rail", "road", "flight", "sea", "other"] = "other"
    open_from: date | None = None
    open_until: date | None = None
    seats_home: Seats
    seats_out: Seats


class WindowIn(BaseModel):
    """Open a route from a day (until a last day, or open-ended); no `open_from`: closed."""

    open_from: date | None = None
    open_until: date | None = None


class SeatsIn(BaseModel):
    """Seats per day home and out."""

    seats_home: Seats
    seats_out: Seats


class QuarantineOut(BaseModel):
    """Quarantine beds at home and the days each arrival holds one (null: not set yet)."""

    beds: int | None
    days: int | None


class QuarantineIn(BaseModel):
    """Quarantine beds at home and the days each arrival holds one."""

    beds: Annotated[int, Field(ge=0, le=10_000_000)]
    days: Annotated[int, Field(ge=1, le=365)]


class ReplacementOut(BaseModel):
    """A selected and trained replacement waiting at home."""

    replacement_id: str
    family_name: str
    given_name: str
    name_native: str | None
    date_of_birth: date | None
    sex: str | None
    trades: list[str]
    hosts: list[str]
    ready: date


class PoolOut(BaseModel):
    """A page of the replacement pool the token may read."""

    total: int
    offset: int
    replacements: list[ReplacementOut]


class PlanIn(BaseModel):
    """Plan the rotation of a call from a day over a horizon, within a time limit."""

    call_id: Id
    start: date
    horizon_days: Annotated[int, Field(ge=1, le=366)] = 60
    time_limit: Annotated[int, Field(ge=1, le=300, description="Seconds")] = 30


class TravellerOut(BaseModel):
    """Who a plan names (Latin and Hangul), and the workplace they come from or go to."""

    person: str
    family_name: str | None
    given_name: str | None
    name_native: str | None
    workplace: str | None
    workplace_name: str | None


class CellOut(BaseModel):
    """One route on one day: seats (none when closed), seats used, who goes home and out."""

    route: str
    open: bool
    seats_home: int
    seats_out: int
    seats_home_used: int
    seats_out_used: int
    homes: list[TravellerOut]
    outs: list[TravellerOut]


class DayOut(BaseModel):
    """One day of the plan: a cell per route and quarantine beds in use."""

    day: date
    beds_in_use: int
    routes: list[CellOut]


class NotMovedOut(BaseModel):
    """Someone the plan did not move, the planner's reason and its detail."""

    who: TravellerOut
    direction: Literal["home", "out"]
    reason: str
    detail: str | None


class PlanRouteOut(BaseModel):
    """A route as the plan used it."""

    id: str
    host: str
    open_from: date
    open_until: date | None
    seats_home: int
    seats_out: int


class PlanOut(BaseModel):
    """A saved plan as the token may see it: every day with its routes, everyone not moved."""

    summary: PlanSummary
    start: date
    horizon_days: int
    beds: int = Field(description="Quarantine beds at home")
    quarantine_days: int
    routes: list[PlanRouteOut]
    days: list[DayOut]
    not_moved: list[NotMovedOut]
    warnings: list[str]


class CompareCellOut(BaseModel):
    """Moves of one route on one day in each plan."""

    day: date
    route: str
    first_homes: int
    first_outs: int
    second_homes: int
    second_outs: int


class ChangedOut(BaseModel):
    """Someone moved by one plan only, and the direction."""

    who: TravellerOut
    direction: str


class CompareOut(BaseModel):
    """Two saved plans side by side, as the token may see them."""

    first: PlanSummary
    second: PlanSummary
    objective_change: int
    cells: list[CompareCellOut]
    added: list[ChangedOut] = Field(description="Moved by the second plan only")
    removed: list[ChangedOut] = Field(description="Moved by the first plan only")


def _host(h: HostView) -> HostOut:
    routes = list(h.routes)
    return HostOut(host=h.host, rotation=h.rotation, stay_policy=h.stay_policy, routes=routes)


def _route(r: RouteView) -> RouteOut:
    return RouteOut(
        id=r.id, host=r.host, mode=r.mode, open_from=r.open_from, open_until=r.open_until,
        seats_home=r.seats_home, seats_out=r.seats_out, closed=r.closed,
    )  # fmt: skip


def _who(n: Named) -> TravellerOut:
    return TravellerOut.model_validate(n, from_attributes=True)


def _travellers(moves: list[PlannedMove]) -> list[TravellerOut]:
    return [_who(m.who) for m in moves]


# -- hosts, routes, quarantine ---------------------------------------------------------------


@router.get("/rotation/hosts")
def list_hosts(request: Request, user: Caller) -> HostsOut:
    """Host countries of the token's subtree, with and without a policy (needs `plan`)."""
    with muster_of(request).uow() as uow:
        setup = rotation_setup(uow, user)
    return HostsOut(hosts=[_host(h) for h in setup.hosts], unset=setup.unset,
                    writable=setup.writable)  # fmt: skip


@router.put("/rotation/hosts/{host}")
def put_host(request: Request, user: Caller, host: HostCode, body: HostIn) -> HostOut:
    """Set a host's rotation rule and stay policy (headquarters planners)."""
    with muster_of(request).uow() as uow:
        set_host(uow, user, host, body.rotation, (body.stay_policy or "").strip() or None)
    return _read_host(request, user, host)


def _read_host(request: Request, user: User, host: str) -> HostOut:
    with muster_of(request).uow() as uow:
        found = [h for h in rotation_setup(uow, user).hosts if h.host == host]
    if not found:
        raise NotFound(f"no host {host!r}")
    return _host(found[0])


def _read_route(request: Request, user: User, route_id: str) -> RouteOut:
    with muster_of(request).uow() as uow:
        found = [r for r in rotation_setup(uow, user).routes if r.id == route_id]
    if not found:
        raise NotFound(f"no route {route_id!r}")
    return _route(found[0])


@router.get("/rotation/routes")
def list_routes(request: Request, user: Caller) -> list[RouteOut]:
    """Routes of the hosts of the token's subtree (needs `plan`)."""
    with muster_of(request).uow() as uow:
        return [_route(r) for r in rotation_setup(uow, user).routes]


@router.post("/rotation/routes", status_code=201)
def post_route(request: Request, user: Caller, body: RouteIn) -> RouteOut:
    """Add a route for a host whose policy is set (headquarters planners). A route id is
    added once: sending it again answers 400 and changes nothing."""
    muster = muster_of(request)
    with muster.uow() as uow:
        add_route(
            uow, user, route_id=body.id, host=body.host, mode=body.mode,
            open_from=body.open_from, open_until=body.open_until, seats_home=body.seats_home,
            seats_out=body.seats_out,
        )  # fmt: skip
    return _read_route(request, user, body.id)


@router.put("/rotation/routes/{route_id}/window")
def put_window(request: Request, user: Caller, route_id: RouteId, body: WindowIn) -> RouteOut:
    """Open a route from a day (until a last day), or close it (no `open_from`)."""
    with muster_of(request).uow() as uow:
        set_route_window(uow, user, route_id, body.open_from, body.open_until)
    return _read_route(request, user, route_id)


@router.put("/rotation/routes/{route_id}/seats")
def put_seats(request: Request, user: Caller, route_id: RouteId, body: SeatsIn) -> RouteOut:
    """Change a route's seats per day home and out (headquarters planners)."""
    with muster_of(request).uow() as uow:
        set_route_seats(uow, user, route_id, body.seats_home, body.seats_out)
    return _read_route(request, user, route_id)


@router.get("/rotation/quarantine")
def get_quarantine(request: Request, user: Caller) -> QuarantineOut:
    """Quarantine beds at home and the days each arrival holds one (needs `plan`)."""
    with muster_of(request).uow() as uow:
        setup = rotation_setup(uow, user)
    return QuarantineOut(beds=setup.beds, days=setup.quarantine_days)


@router.put("/rotation/quarantine")
def put_quarantine(request: Request, user: Caller, body: QuarantineIn) -> QuarantineOut:
    """Set the quarantine capacity (headquarters planners)."""
    with muster_of(request).uow() as uow:
        set_quarantine(uow, user, body.beds, body.days)
    return get_quarantine(request, user)


# -- the replacement pool ---------------------------------------------------------------------


@router.get("/rotation/pool")
def list_pool(
    request: Request,
    user: Caller,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> PoolOut:
    """A page of the replacement pool the token may read (needs `plan`; audited)."""
    with muster_of(request).uow() as uow:
        found = replacement_pool(uow, user, offset=offset, limit=limit)
    rows = [ReplacementOut.model_validate(r, from_attributes=True) for r in found.rows]
    return PoolOut(total=found.total, offset=found.offset, replacements=rows)


POOL_ANSWERS: dict[int | str, dict[str, Any]] = {
    202: {"model": JobOut, "description": "The file is kept; its import is queued as a job"},
    409: {"model": Problem, "description": "The first request with this key is still running"},
}


@router.post("/rotation/pool", status_code=202, response_model=JobOut, responses=POOL_ANSWERS)
async def upload_pool(
    request: Request,
    user: Caller,
    file: Annotated[UploadFile, File(description="Replacements: CSV or XLSX")],
    idempotency_key: Annotated[str | None, key_header("loads the file twice")] = None,
) -> JSONResponse:
    """Load a replacements file (headquarters planners): kept as received at once, then loaded
    all or nothing by a background job. Answers 202 with the job (`Location`: the job to
    poll); once done its result counts the replacements loaded (`records`), and a refused
    file fails it with every error (row, column, value, expected) as its result."""
    muster = muster_of(request)
    data = await file.read(muster.settings.max_upload_bytes + 1)
    name = (file.filename or "replacements")[:200].replace("\x00", "")

    def act() -> Answer:
        job_id = queue_import(muster, user, "replacements", data, name)
        with muster.uow() as uow:
            queued = job_out(job_status(uow, user, job_id))
        return Answer(202, queued.model_dump(mode="json"))

    print_ = fingerprint("replacements", name, data)
    answer = await run_in_threadpool(answer_once, muster, user.name, idempotency_key, print_, act)
    if answer.status_code == 202:
        answer.headers["Location"] = f"{PREFIX}/jobs/{json.loads(bytes(answer.body))['id']}"
    return answer


# -- plans ------------------------------------------------------------------------------------


@router.post("/rotation/plans", status_code=201)
def run_plan(request: Request, user: Caller, body: PlanIn) -> JobOut:
    """Plan a call's rotation as a background job (headquarters planners): poll `/jobs/{id}`;
    its result names the saved plan. A retry while the job waits or runs answers that job."""
    muster = muster_of(request)
    params: dict[str, Any] = {
        "call_id": body.call_id, "start": body.start.isoformat(),
        "horizon_days": body.horizon_days, "time_limit": body.time_limit,
    }  # fmt: skip
    with muster.uow() as uow:
        return start_job(uow, user, "plan", params, muster.clock())


@router.get("/rotation/plans")
def list_plans(request: Request, user: Caller) -> list[PlanSummary]:
    """Every saved plan, newest first, counted as the token may see it (needs `plan`)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        return saved_plans(uow, user, muster.catalogue)


@router.get("/rotation/plans/compare")
def compare(
    request: Request,
    user: Caller,
    a: Annotated[int, Query(ge=1, le=2**31 - 1, description="The first plan")],
    b: Annotated[int, Query(ge=1, le=2**31 - 1, description="The second plan")],
) -> CompareOut:
    """Two saved plans side by side: moves per day and route, who was added or removed."""
    muster = muster_of(request)
    with muster.uow() as uow:
        found = compare_plans(uow, user, muster.catalogue, a, b)
    cells = [
        CompareCellOut(day=d, route=r, first_homes=x[0], first_outs=x[1], second_homes=y[0],
                       second_outs=y[1])
        for d, r, x, y in found.cells
    ]  # fmt: skip
    return CompareOut(
        first=found.first, second=found.second,
        objective_change=found.objective_change, cells=cells,
        added=[ChangedOut(who=_who(n), direction=d) for n, d in found.added],
        removed=[ChangedOut(who=_who(n), direction=d) for n, d in found.removed],
    )  # fmt: skip


@router.get("/rotation/plans/{plan_id}")
def show_plan(request: Request, user: Caller, plan_id: PlanId) -> PlanOut:
    """A saved plan as the token may see it (needs `plan`; audited): per day and route who
    goes home and out with the seats, quarantine beds in use, everyone not moved and why."""
    muster = muster_of(request)
    with muster.uow() as uow:
        view = plan_view(uow, user, muster.catalogue, plan_id)
    days = [
        DayOut(day=d.day, beds_in_use=d.beds, routes=[
            CellOut(route=c.route.id, open=c.open, seats_home=c.seats_home,
                    seats_out=c.seats_out, seats_home_used=len(c.homes),
                    seats_out_used=len(c.outs), homes=_travellers(c.homes),
                    outs=_travellers(c.outs))
            for c in d.cells
        ])
        for d in calendar(view)
    ]  # fmt: skip
    not_moved = [
        NotMovedOut(who=_who(n.who), direction="home" if n.direction == "home" else "out",
                    reason=n.reason, detail=n.detail)
        for n in view.not_moved
    ]  # fmt: skip
    return PlanOut(
        summary=view.summary, start=view.start, horizon_days=view.horizon_days,
        beds=view.beds, quarantine_days=view.quarantine_days,
        routes=[PlanRouteOut.model_validate(r, from_attributes=True) for r in view.routes],
        days=days, not_moved=not_moved, warnings=list(view.warnings),
    )  # fmt: skip


MANIFEST: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {}}, "description": "The manifest as an XLSX workbook"}
}


@router.get("/rotation/plans/{plan_id}/manifest.xlsx", response_class=Response, responses=MANIFEST)
def manifest(
    request: Request,
    user: Caller,
    plan_id: PlanId,
    route: Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[^\x00]+$")] = None,
    day: date | None = None,
) -> Response:
    """The travel manifest of a saved plan, or of one route and day, as the token may see it
    (needs `plan`; every export is audited)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        rows = plan_manifest(uow, user, muster.catalogue, plan_id, route=route, day=day)
    name = f"manifest-plan{plan_id}.xlsx"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(manifest_xlsx(rows), media_type=XLSX, headers=headers)
