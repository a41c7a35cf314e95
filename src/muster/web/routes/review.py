"""One unit's list for a call: its entries, the diff to the previous version, its history;
accept or return it (with a reason), forward what a unit has accepted."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.errors import NotFound
from muster.domain.units import UnitKind
from muster.services.lists import diff_versions, forward, list_entries, review, status
from muster.services.worklist import history
from muster.web.render import render, see_other
from muster.web.security import Posted, SignedIn, muster_of

router = APIRouter()
BASE = "/calls/{call_id}/units/{unit_code}"
Text = Annotated[str, Form()]


@router.get(BASE, response_class=HTMLResponse)
def unit_page(
    request: Request, viewer: SignedIn, call_id: int, unit_code: str, done: str = ""
) -> Response:
    """The unit's list as the user may see it, with what they may do with it."""
    muster = muster_of(request)
    user = viewer.user
    with muster.uow() as uow:
        call, rows = status(uow, user, muster.catalogue, call_id=call_id)
        row = next((r for r in rows if r.unit == unit_code), None)
        if row is None:
            raise NotFound(f"no unit {unit_code!r} in your subtree for call {call_id}")
        context: dict[str, Any] = {"call": call, "row": row, "done": done}
        context["events"] = history(uow, user, call_id=call_id, unit_code=unit_code)
        context["children"] = [r for r in rows if r.parent == unit_code]
        if row.kind == UnitKind.WORKPLACE.value and context["events"]:
            context.update(_versions(uow, user, muster.catalogue, call_id, unit_code))
    return render(request, "unit.html", context)


def _versions(uow: Any, user: Any, catalogue: Any, call_id: int, unit_code: str) -> dict[str, Any]:
    """The latest version's entries and, from the second version on, the diff to the one before."""
    try:
        version, entries = list_entries(uow, user, catalogue, call_id=call_id, unit_code=unit_code)
    except NotFound:
        return {}
    found: dict[str, Any] = {"version": version, "entries": entries}
    if version.number > 1:
        found["diff"] = diff_versions(uow, user, catalogue, call_id=call_id, unit_code=unit_code)
    return found


@router.post(BASE + "/accept")
def accept_post(request: Request, viewer: Posted, call_id: int, unit_code: str) -> Response:
    """Accept a child unit's submitted list."""
    return _review(request, viewer.user, call_id, unit_code, True, None)


@router.post(BASE + "/return")
def return_post(
    request: Request, viewer: Posted, call_id: int, unit_code: str, reason: Text = ""
) -> Response:
    """Return a child unit's list with a reason it can act on."""
    return _review(request, viewer.user, call_id, unit_code, False, reason)


def _review(
    request: Request, user: Any, call_id: int, unit_code: str, accept: bool, reason: str | None
) -> Response:
    """Record the review and show the unit again."""
    muster = muster_of(request)
    with muster.uow() as uow:
        state = review(
            uow, user, call_id=call_id, unit_code=unit_code, accept=accept, reason=reason,
            now=muster.clock(),
        )  # fmt: skip
    return see_other(f"/calls/{call_id}/units/{unit_code}?done={state}")


@router.post(BASE + "/forward")
def forward_post(
    request: Request, viewer: Posted, call_id: int, unit_code: str, partial: Text = ""
) -> Response:
    """Pass everything the unit accepted up to its parent (partially, when confirmed)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        forward(
            uow, viewer.user, muster.catalogue, call_id=call_id, unit_code=unit_code,
            now=muster.clock(), partial=partial == "yes",
        )  # fmt: skip
    return see_other(f"/calls/{call_id}/units/{unit_code}?done=forwarded")
