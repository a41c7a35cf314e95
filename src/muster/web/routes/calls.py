"""Calls for lists: the list, issuing one (headquarters, missions), one call's units."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.calls import DUE_LEVELS, parse_datetime
from muster.domain.errors import DomainError
from muster.domain.units import UnitKind
from muster.services.calls import calls_for, issue_call
from muster.services.lists import status
from muster.services.worklist import scope_units
from muster.web.render import render, see_other
from muster.web.security import Posted, SignedIn, muster_of

router = APIRouter()
Text = Annotated[str, Form()]
ISSUERS = {UnitKind.HEADQUARTERS, UnitKind.MISSION, UnitKind.CONSULATE}


@router.get("/calls", response_class=HTMLResponse)
def calls_page(request: Request, viewer: SignedIn) -> Response:
    """Every call the user's subtree takes part in, newest first."""
    with muster_of(request).uow() as uow:
        found = calls_for(uow, viewer.user)
    return render(request, "calls.html", {"calls": found, "levels": DUE_LEVELS})


@router.get("/calls/new", response_class=HTMLResponse)
def new_call_page(request: Request, viewer: SignedIn) -> Response:
    """The form to issue a call to a subtree."""
    return _new_call_form(request, viewer.user.unit_code or "", {}, "")


def _new_call_form(
    request: Request, viewer_unit: str, values: dict[str, Any], error: str, status_code: int = 200
) -> Response:
    """The issue form with the user's units and the catalogue's categories."""
    muster = muster_of(request)
    with muster.uow() as uow:
        units = scope_units(uow, request.state.viewer.user, ISSUERS)
    context = {
        "units": units,
        "categories": muster.catalogue.categories,
        "levels": DUE_LEVELS,
        "values": {"by": viewer_unit, "scope": viewer_unit, **values},
        "error": error,
    }
    return render(request, "call_new.html", context, status_code=status_code)


@router.post("/calls")
async def issue_call_post(request: Request, viewer: Posted) -> Response:
    """Issue the call; the form again with the reason when refused."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    categories = [c for c in form.getlist("categories") if isinstance(c, str)]
    muster = muster_of(request)
    try:
        zone = ZoneInfo(muster.settings.time_zone)
        due = {k: parse_datetime(values.get(f"due_{k.value}", ""), zone) for k in DUE_LEVELS}
        with muster.uow() as uow:
            call_id = issue_call(
                uow, viewer.user, muster.catalogue, by=values.get("by", ""),
                scope=values.get("scope", ""), categories=categories, due=due,
                title=values.get("title", "").strip() or "Call for lists",
                instructions=values.get("instructions", ""), now=muster.clock(),
            )  # fmt: skip
    except DomainError as error:
        values["categories"] = ",".join(categories)
        return _new_call_form(request, viewer.user.unit_code or "", values, str(error), 400)
    return see_other(f"/calls/{call_id}")


@router.get("/calls/{call_id}", response_class=HTMLResponse)
def call_page(request: Request, viewer: SignedIn, call_id: int) -> Response:
    """One call: due times per level, the user's own unit and its direct children."""
    with muster_of(request).uow() as uow:
        call, rows = status(uow, viewer.user, muster_of(request).catalogue, call_id=call_id)
    own = viewer.user.unit_code
    mine = [r for r in rows if r.unit == own or r.parent == own]
    context = {"call": call, "rows": mine, "levels": DUE_LEVELS, "kinds": UnitKind}
    return render(request, "call.html", context)


@router.get("/api/calls/{call_id}/status")
def call_status_json(request: Request, viewer: SignedIn, call_id: int) -> list[dict[str, object]]:
    """SPEC §7 status JSON of one call, as the signed-in user may see it."""
    with muster_of(request).uow() as uow:
        _call, rows = status(uow, viewer.user, muster_of(request).catalogue, call_id=call_id)
    return [row.as_json() for row in rows]
