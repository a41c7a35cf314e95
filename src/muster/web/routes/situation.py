"""The situation board per host country: every host of the viewer's subtree as a card, and
one host's full board (figures, routes over time, beds in use, permits, trend)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.errors import DomainError, NotFound
from muster.services.situation import ROUTE_DAYS, hosts_overview, situation
from muster.web.i18n import Formats
from muster.web.render import language_of, render
from muster.web.security import SignedIn, muster_of
from muster.web.situation import bars, beds_chart, permit_bars, timeline

router = APIRouter()


@router.get("/situation", response_class=HTMLResponse)
def overview_page(request: Request, viewer: SignedIn, on: str = "") -> Response:
    """A card per host country of the viewer's subtree, on a day (default today)."""
    muster = muster_of(request)
    day = _day(on)
    with muster.uow() as uow:
        hosts = hosts_overview(uow, viewer.user, muster.catalogue, now=muster.clock(), on=day)
    context = {
        "hosts": hosts,
        "on": day or muster.clock().date(),
        "chosen": f"?on={day.isoformat()}" if day else "",
        "timelines": {s.host: timeline(s.routes, s.on, ROUTE_DAYS) for s in hosts},
        "route_days": ROUTE_DAYS,
        **_helpers(request),
    }
    return render(request, "situation.html", context)


@router.get("/situation/{host}", response_class=HTMLResponse)
def host_page(
    request: Request, viewer: SignedIn, host: str, call: str = "", on: str = ""
) -> Response:
    """One host's board for a call (default the latest) on a day (default today)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        found = situation(
            uow, viewer.user, muster.catalogue, host=host, call_id=_call_id(call),
            now=muster.clock(), on=_day(on),
        )  # fmt: skip
    lists = found.lists
    context = {
        "s": found,
        "timeline": timeline(found.routes, found.on, ROUTE_DAYS),
        "beds": beds_chart(found.beds) if found.beds else None,
        "health_bars": bars(lists.health.items()) if lists else (),
        "stranded_bars": bars(lists.stranded.items()) if lists else (),
        "permit_bars": permit_bars(found.permits),
        "route_days": ROUTE_DAYS,
        "by_category": {c.key: c for c in found.categories},
        **_helpers(request),
    }
    return render(request, "situation_host.html", context)


def _call_id(text: str) -> int | None:
    """The chosen call's id (none: the latest); anything but digits names no call."""
    if not text:
        return None
    if not text.isdigit():
        raise NotFound(f"no call {text!r}")
    return int(text)


def _day(text: str) -> date | None:
    """The board's day, YYYY-MM-DD (none: today)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"{text!r} is not a date; expected YYYY-MM-DD") from None


def _helpers(request: Request) -> dict[str, object]:
    """A short date (month and day) in the reader's language, for chart axes."""
    locale = Formats(language_of(request, getattr(request.state, "viewer", None))).locale

    def short(day: date) -> str:
        return format_skeleton("MMMd", day, locale=locale)

    return {"short": short}
