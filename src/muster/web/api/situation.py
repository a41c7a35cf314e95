"""API: the situation board per host country — every host of the token's subtree with its
latest figures (counts only), and one host's whole board for a call on a day: people
deployed, what the lists report and the change since the previous call, permits ending
within 30, 60 and 90 days (with names: an audited read), routes over time, quarantine beds.
Counts leave out what the token may not see (held persons without `protection`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from muster.domain.situation import Change, ListFigures, Permits, RouteStatus
from muster.services.situation import (
    Beds,
    CallRef,
    PermitName,
    Situation,
    hosts_overview,
    situation,
)
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["situation"], responses=REFUSALS)
Host = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$", description="A host country")
]


class DeployedOut(BaseModel):
    """People deployed at the host's workplaces of the subtree, and the places there are."""

    people: int
    workplaces: int
    slots: int
    by_role: dict[str, int]
    by_purpose: dict[str, int]


class PermitsOut(BaseModel):
    """Permits already ended, and those ending within 30, 60 and 90 days (ended included)."""

    expired: int
    within_30: int
    within_60: int
    within_90: int


class CallRefOut(BaseModel):
    """A call whose lists a board reads."""

    id: int
    title: str
    issued_at: datetime


class FiguresOut(BaseModel):
    """What the accepted lists of a call report, by category (`asked`: what the call asked;
    a category not asked is unknown, not zero)."""

    health: dict[str, int]
    stranded: dict[str, int]
    welfare: dict[str, int]
    sick_and_injured: int
    stranded_total: int
    welfare_total: int
    stalled_workplaces: int
    workplaces_reported: int
    asked: list[str]


class ChangeOut(BaseModel):
    """A figure now and at the previous call (null: not known then)."""

    key: str
    now: int | None
    before: int | None
    delta: int | None
    direction: str = Field(description="up, down, same or unknown")


class StretchOut(BaseModel):
    """Consecutive days a route stays open, closed or severed."""

    state: str
    first: date
    last: date
    days: int


class RouteOut(BaseModel):
    """A route over the board's days: its state on the first, when it opens or closed, the
    stretches, and its seats over the open days."""

    id: str
    mode: str
    open_from: date | None
    open_until: date | None
    state: str
    opens_on: date | None
    closed_since: date | None
    stretches: list[StretchOut]
    seats_home: int
    seats_out: int


class BedsOut(BaseModel):
    """Quarantine beds in use day by day from `start` by the latest saved plan's homecomings:
    the host's and those of every host the token sees."""

    plan_id: int
    planned_at: datetime
    call_id: int | None
    start: date
    capacity: int
    days: int
    host: list[int]
    everyone: list[int]


class PermitNameOut(BaseModel):
    """Someone whose permit ends within 90 days of the board's day (or has ended)."""

    person_id: str
    family_name: str
    given_name: str
    name_native: str | None
    workplace: str
    expires: date
    days_left: int


class HostOut(BaseModel):
    """A host country's latest figures, as the token may see them (counts only)."""

    host: str
    offices: list[str]
    on: date
    rotation: str | None
    stay_policy: str | None
    deployed: DeployedOut
    held: int | None = Field(description="Deployed persons under a hold (null: not told)")
    permits: PermitsOut
    call: CallRefOut | None
    expected: int
    lists: FiguresOut | None
    headlines: list[ChangeOut]
    welfare_visible: bool
    routes: list[RouteOut]


class BoardOut(HostOut):
    """One host's whole board for a call on a day."""

    previous_call: CallRefOut | None
    calls: list[CallRefOut]
    previous: FiguresOut | None
    categories: list[ChangeOut]
    permit_names: list[PermitNameOut]
    beds: BedsOut | None


def _ref(call: CallRef | None) -> CallRefOut | None:
    return None if call is None else CallRefOut.model_validate(call, from_attributes=True)


def _figures(found: ListFigures | None) -> FiguresOut | None:
    return None if found is None else FiguresOut.model_validate(found, from_attributes=True)


def _changes(changes: tuple[Change, ...]) -> list[ChangeOut]:
    return [ChangeOut.model_validate(c, from_attributes=True) for c in changes]


def _permits(found: Permits) -> PermitsOut:
    within = found.within
    return PermitsOut(
        expired=found.expired, within_30=within[30], within_60=within[60], within_90=within[90]
    )


def _route(r: RouteStatus) -> RouteOut:
    w = r.route
    stretches = [
        StretchOut(state=s.state.value, first=s.first, last=s.last, days=s.days)
        for s in r.stretches
    ]
    return RouteOut(
        id=w.id, mode=w.mode, open_from=w.open_from, open_until=w.open_until,
        state=r.state.value, opens_on=r.opens_on, closed_since=r.closed_since,
        stretches=stretches, seats_home=r.seats_home, seats_out=r.seats_out,
    )  # fmt: skip


def _host(s: Situation) -> dict[str, object]:
    """The fields of a board the overview shows, too."""
    return {
        "host": s.host, "offices": list(s.offices), "on": s.on, "rotation": s.rotation,
        "stay_policy": s.stay_policy,
        "deployed": DeployedOut.model_validate(s.deployed, from_attributes=True),
        "held": s.held, "permits": _permits(s.permits), "call": _ref(s.call),
        "expected": s.expected, "lists": _figures(s.lists), "headlines": _changes(s.headlines),
        "welfare_visible": s.welfare_visible, "routes": [_route(r) for r in s.routes],
    }  # fmt: skip


def _beds(beds: Beds | None) -> BedsOut | None:
    return None if beds is None else BedsOut.model_validate(beds, from_attributes=True)


def _name(p: PermitName) -> PermitNameOut:
    return PermitNameOut.model_validate(p, from_attributes=True)


@router.get("/situation")
def overview(request: Request, user: Caller) -> list[HostOut]:
    """Every host country of the token's subtree with its latest call's figures."""
    muster = muster_of(request)
    with muster.uow() as uow:
        found = hosts_overview(uow, user, muster.catalogue, now=muster.clock())
    return [HostOut.model_validate(_host(s)) for s in found]


@router.get("/situation/{host}")
def board(
    request: Request,
    user: Caller,
    host: Host,
    call: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Default: the latest")
    ] = None,
    on: Annotated[
        date | None, Query(ge=date(1900, 1, 1), le=date(9000, 1, 1), description="Default: today")
    ] = None,
) -> BoardOut:
    """One host's board for a call (default the latest covering it) on a day (default
    today); it names people whose permit ends soon, so reading it is audited."""
    muster = muster_of(request)
    with muster.uow() as uow:
        s = situation(
            uow, user, muster.catalogue, host=host, call_id=call, now=muster.clock(), on=on
        )
    return BoardOut.model_validate(
        {
            **_host(s),
            "previous_call": _ref(s.previous_call),
            "calls": [_ref(c) for c in s.calls],
            "previous": _figures(s.previous),
            "categories": _changes(s.categories),
            "permit_names": [_name(p) for p in s.permit_names],
            "beds": _beds(s.beds),
        }
    )
