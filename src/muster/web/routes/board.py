"""The completeness board: the unit tree with pending / on time / late / missing, counts and
a chart per level, filters, and the board as it stood at a chosen moment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.calls import parse_datetime
from muster.domain.units import UnitKind
from muster.services.lists import status
from muster.web.board import LEVELS, TIMELINESS, levels, timeliness_of, tree_order
from muster.web.render import render
from muster.web.security import SignedIn, muster_of

router = APIRouter()


@router.get("/calls/{call_id}/board", response_class=HTMLResponse)
def board_page(
    request: Request,
    viewer: SignedIn,
    call_id: int,
    at: str = "",
    kind: str = "",
    timeliness: str = "",
) -> Response:
    """Completeness per unit now (or at `at`), filtered by level and timeliness."""
    muster = muster_of(request)
    moment = parse_datetime(at, ZoneInfo(muster.settings.time_zone)) if at else None
    with muster.uow() as uow:
        call, rows = status(uow, viewer.user, muster.catalogue, call_id=call_id, at=moment)
    when = moment or muster.clock()
    shown = [(row, timeliness_of(row, _ahead(call.due_for(UnitKind(row.kind)), when)))
             for row in rows]  # fmt: skip
    by_unit = {row.unit: t for row, t in shown}
    tree = [
        (row, depth, by_unit[row.unit])
        for row, depth in tree_order(rows)
        if kind in ("", row.kind) and timeliness in ("", by_unit[row.unit])
    ]
    context = {
        "call": call, "tree": tree, "levels": levels(shown), "at": at[:16], "kind": kind,
        "timeliness": timeliness, "level_names": LEVELS, "timeliness_names": TIMELINESS,
    }  # fmt: skip
    return render(request, "board.html", context)


def _ahead(due: datetime, when: datetime) -> bool:
    """True while the due time has not passed."""
    return when <= due
