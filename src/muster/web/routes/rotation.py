"""Rotation: hosts, routes, quarantine, the replacement pool, running the planner, the plan
as a calendar, manifests, and earlier plans compared.

Headquarters planners write (services.rotation and services.rotation_plan decide who may);
planners read within their subtree, as the services let them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from muster.bootstrap import Muster
from muster.domain.errors import DomainError
from muster.domain.users import User
from muster.reports.manifest import manifest_xlsx
from muster.services.calls import calls_for
from muster.services.jobs import enqueue
from muster.services.rotation import (
    ROTATIONS,
    ROUTE_MODES,
    add_route,
    replacement_pool,
    rotation_setup,
    set_host,
    set_quarantine,
    set_route_seats,
    set_route_window,
)
from muster.services.rotation_plan import (
    compare_plans,
    plan_manifest,
    plan_view,
    saved_plans,
)
from muster.web.background import queue_import
from muster.web.i18n import N_
from muster.web.render import render, see_other
from muster.web.rotation import REASONS, beds_chart, calendar
from muster.web.security import Posted, SignedIn, muster_of

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 50
DONE = {
    "host": N_("Host policy saved."),
    "route": N_("Route added."),
    "window": N_("Route dates saved."),
    "seats": N_("Seats per day saved."),
    "quarantine": N_("Quarantine capacity saved."),
}
MAX_HORIZON = 366
MAX_TIME_LIMIT = 300


class FormError(DomainError):
    """A form value that cannot be read (shown on the form's page)."""


def _date(text: str, field: str) -> date | None:
    """An ISO date from a form field, None when empty."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormError(f"{field} {text!r}: expected a date YYYY-MM-DD") from None


def _int(text: str, field: str, low: int, high: int) -> int:
    """A whole number within bounds from a form field."""
    try:
        value = int(text.strip())
    except ValueError:
        raise FormError(f"{field} {text!r}: expected a whole number") from None
    if not low <= value <= high:
        raise FormError(f"{field} {value}: expected {low} to {high}")
    return value


async def _fields(request: Request) -> dict[str, str]:
    """The text fields of a posted form."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _setup_page(
    request: Request, template: str, extra: dict[str, Any] | None = None, code: int = 200
) -> Response:
    """A rotation data page (hosts, routes, quarantine, overview) with its data."""
    muster = muster_of(request)
    user: User = request.state.viewer.user
    with muster.uow() as uow:
        setup = rotation_setup(uow, user)
    done = DONE.get(request.query_params.get("done", ""))
    context = {"setup": setup, "rotations": ROTATIONS, "modes": ROUTE_MODES, "done": done}
    return render(request, template, {**context, **(extra or {})}, status_code=code)


async def _write(
    request: Request, template: str, back: str, change: Callable[[Muster, User], None]
) -> Response:
    """Run a change in a worker thread; back to the page, or the page with the reason."""
    muster = muster_of(request)
    user: User = request.state.viewer.user
    try:
        await run_in_threadpool(change, muster, user)
    except DomainError as error:
        if type(error) not in (DomainError, FormError):
            raise
        extra = {"refusal": str(error)}
        return await run_in_threadpool(_setup_page, request, template, extra, 400)
    return see_other(back)


@router.get("/rotation", response_class=HTMLResponse)
def overview(request: Request, viewer: SignedIn) -> Response:
    """What rotation planning rests on, and links to each part."""
    return _setup_page(request, "rotation.html")


@router.get("/rotation/hosts", response_class=HTMLResponse)
def hosts_page(request: Request, viewer: SignedIn) -> Response:
    """Host countries: rotation rule (paired or free) and stay policy."""
    return _setup_page(request, "rotation_hosts.html")


@router.post("/rotation/hosts")
async def hosts_post(request: Request, viewer: Posted) -> Response:
    """Set one host's rotation rule and stay policy."""
    fields = await _fields(request)

    def change(muster: Muster, user: User) -> None:
        stay = fields.get("stay_policy", "").strip() or None
        with muster.uow() as uow:
            set_host(uow, user, fields.get("host", ""), fields.get("rotation", ""), stay)

    return await _write(request, "rotation_hosts.html", "/rotation/hosts?done=host", change)


@router.get("/rotation/routes", response_class=HTMLResponse)
def routes_page(request: Request, viewer: SignedIn) -> Response:
    """Routes with their open dates and seats per day, and the forms to change them."""
    return _setup_page(request, "rotation_routes.html")


@router.post("/rotation/routes")
async def routes_post(request: Request, viewer: Posted) -> Response:
    """Add a route."""
    f = await _fields(request)

    def change(muster: Muster, user: User) -> None:
        route_id = f.get("route_id", "").strip()
        if not route_id:
            raise FormError("a route needs an id")
        open_from = _date(f.get("open_from", ""), "open from")
        open_until = _date(f.get("open_until", ""), "open until")
        home, out = _seats(f)
        with muster.uow() as uow:
            add_route(
                uow, user, route_id=route_id, host=f.get("host", ""), mode=f.get("mode", "other"),
                open_from=open_from, open_until=open_until, seats_home=home, seats_out=out,
            )  # fmt: skip

    return await _write(request, "rotation_routes.html", "/rotation/routes?done=route", change)


def _seats(f: dict[str, str]) -> tuple[int, int]:
    """A route form's seats per day home and out."""
    return (_int(f.get("seats_home", ""), "seats home", 0, 100_000),
            _int(f.get("seats_out", ""), "seats out", 0, 100_000))  # fmt: skip


@router.post("/rotation/routes/{route_id}/window")
async def window_post(request: Request, viewer: Posted, route_id: str) -> Response:
    """Open a route from a day (until a last day), or close it (`close`)."""
    f = await _fields(request)

    def change(muster: Muster, user: User) -> None:
        closing = "close" in f
        start = None if closing else _date(f.get("open_from", ""), "open from")
        until = None if closing else _date(f.get("open_until", ""), "open until")
        if not closing and start is None:
            raise FormError("open from: give the first open day (or close the route)")
        with muster.uow() as uow:
            set_route_window(uow, user, route_id, start, until)

    return await _write(request, "rotation_routes.html", "/rotation/routes?done=window", change)


@router.post("/rotation/routes/{route_id}/seats")
async def seats_post(request: Request, viewer: Posted, route_id: str) -> Response:
    """Change a route's seats per day home and out."""
    f = await _fields(request)

    def change(muster: Muster, user: User) -> None:
        home, out = _seats(f)
        with muster.uow() as uow:
            set_route_seats(uow, user, route_id, home, out)

    return await _write(request, "rotation_routes.html", "/rotation/routes?done=seats", change)


@router.get("/rotation/quarantine", response_class=HTMLResponse)
def quarantine_page(request: Request, viewer: SignedIn) -> Response:
    """Quarantine beds at home and the days each arrival holds one."""
    return _setup_page(request, "rotation_quarantine.html")


@router.post("/rotation/quarantine")
async def quarantine_post(request: Request, viewer: Posted) -> Response:
    """Set the quarantine capacity."""
    f = await _fields(request)

    def change(muster: Muster, user: User) -> None:
        beds = _int(f.get("beds", ""), "beds", 0, 10_000_000)
        days = _int(f.get("days", ""), "days", 1, 365)
        with muster.uow() as uow:
            set_quarantine(uow, user, beds, days)

    back = "/rotation/quarantine?done=quarantine"
    return await _write(request, "rotation_quarantine.html", back, change)


def _pool_page(request: Request, page: int, extra: dict[str, Any], code: int = 200) -> Response:
    """One page of the replacement pool, with the upload form."""
    muster = muster_of(request)
    with muster.uow() as uow:
        found = replacement_pool(
            uow, request.state.viewer.user, offset=(max(page, 1) - 1) * PER_PAGE, limit=PER_PAGE
        )
    pages = max(1, -(-found.total // PER_PAGE))
    context = {
        "pool": found, "page": found.offset // PER_PAGE + 1, "pages": pages,
        "max_bytes": muster.settings.max_upload_bytes, **extra,
    }  # fmt: skip
    return render(request, "rotation_pool.html", context, status_code=code)


@router.get("/rotation/pool", response_class=HTMLResponse)
def pool_page(request: Request, viewer: SignedIn, page: int = 1) -> Response:
    """The replacement pool, a page at a time."""
    return _pool_page(request, page, {})


@router.post("/rotation/pool")
async def pool_upload(
    request: Request, viewer: Posted, file: Annotated[UploadFile, File()]
) -> Response:
    """Receive a replacements file (CSV or XLSX): kept at once, then loaded all or nothing by
    a background job; its page follows it, then shows what was loaded or every row error."""
    muster = muster_of(request)
    data = await file.read(muster.settings.max_upload_bytes + 1)
    name = file.filename or "replacements"
    try:
        job_id = await run_in_threadpool(
            queue_import, muster, viewer.user, "replacements", data, name
        )
    except DomainError as error:
        if type(error) is not DomainError:
            raise
        return await run_in_threadpool(_pool_page, request, 1, {"refusal": str(error)}, 400)
    return _to_job(request, job_id)


def _to_job(request: Request, job_id: int) -> Response:
    """To the page of a job just queued (HTMX follows the header, a browser the redirect)."""
    target = f"/jobs/{job_id}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return see_other(target)


# -- plans ------------------------------------------------------------------------------------


def _plans_page(request: Request, extra: dict[str, Any], code: int = 200) -> Response:
    """Saved plans, the form to run the planner and the form to compare two plans."""
    muster = muster_of(request)
    user: User = request.state.viewer.user
    with muster.uow() as uow:
        plans = saved_plans(uow, user, muster.catalogue)
        calls = calls_for(uow, user)
        setup = rotation_setup(uow, user)
    values = {"start": muster.clock().date().isoformat(), "horizon": "60", "time_limit": "30"}
    context = {"plans": plans, "calls": calls, "setup": setup, "values": values, **extra}
    return render(request, "rotation_plans.html", context, status_code=code)


@router.get("/rotation/plans", response_class=HTMLResponse)
def plans_page(request: Request, viewer: SignedIn) -> Response:
    """Earlier plans, running a new one, comparing two."""
    return _plans_page(request, {})


def start_plan(
    muster: Muster, user: User, *, call_id: int, start: date, horizon_days: int, time_limit: float
) -> int:
    """Queue the planning of a call as a background job (refused now if the user may not
    plan it); returns the job's id. The job's page follows it and links to the saved plan."""
    params = {"call_id": call_id, "start": start.isoformat(), "horizon_days": horizon_days,
              "time_limit": time_limit}  # fmt: skip
    with muster.uow() as uow:
        return enqueue(uow, user, "plan", params, muster.clock())


@router.post("/rotation/plans")
async def plans_post(request: Request, viewer: Posted) -> Response:
    """Run the planner with the form's call, start, horizon and time limit; the result page."""
    f = await _fields(request)
    muster = muster_of(request)
    try:
        call_id = _int(f.get("call", ""), "call", 1, 2**31)
        start = _date(f.get("start", ""), "start") or muster.clock().date()
        horizon = _int(f.get("horizon", ""), "horizon", 1, MAX_HORIZON)
        limit = _int(f.get("time_limit", ""), "time limit", 1, MAX_TIME_LIMIT)
        job_id = await run_in_threadpool(
            start_plan, muster, viewer.user, call_id=call_id, start=start,
            horizon_days=horizon, time_limit=float(limit),
        )  # fmt: skip
    except DomainError as error:
        if type(error) not in (DomainError, FormError):
            raise
        extra = {"refusal": str(error), "posted": f}
        return await run_in_threadpool(_plans_page, request, extra, 400)
    return _to_job(request, job_id)


@router.get("/rotation/plans/compare", response_class=HTMLResponse)
def compare_page(request: Request, viewer: SignedIn, a: int, b: int) -> Response:
    """Two saved plans side by side."""
    muster = muster_of(request)
    with muster.uow() as uow:
        found = compare_plans(uow, viewer.user, muster.catalogue, a, b)
    return render(request, "rotation_compare.html", {"cmp": found})


@router.get("/rotation/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, viewer: SignedIn, plan_id: int) -> Response:
    """A saved plan: the calendar by route and day, beds over the horizon, everyone not moved."""
    muster = muster_of(request)
    with muster.uow() as uow:
        view = plan_view(uow, viewer.user, muster.catalogue, plan_id)
    context = {
        "view": view, "days": calendar(view), "chart": beds_chart(view), "reasons": REASONS,
    }  # fmt: skip
    return render(request, "rotation_plan.html", context)


@router.get("/rotation/plans/{plan_id}/manifest.xlsx")
def manifest(
    request: Request,
    viewer: SignedIn,
    plan_id: int,
    route: str | None = None,
    day: str | None = None,
) -> Response:
    """The travel manifest (XLSX) of the plan, or of one route and day."""
    muster = muster_of(request)
    when = _date(day or "", "day")
    with muster.uow() as uow:
        rows = plan_manifest(uow, viewer.user, muster.catalogue, plan_id, route=route, day=when)
    suffix = "".join(f"-{p}" for p in (route, day) if p)
    name = f"manifest-plan{plan_id}{suffix}.xlsx"
    disposition = f'attachment; filename="{_safe(name)}"'
    return Response(
        manifest_xlsx(rows), media_type=XLSX, headers={"Content-Disposition": disposition}
    )


def _safe(name: str) -> str:
    """A file name without quotes or path separators."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
