"""Use case: the situation board per host country (SPEC §1, §9), read through the access policy.

A viewer sees the hosts of their unit's subtree and, of each, only the workplaces in it: a
mission's officer their host's, a consulate's its own, headquarters every host. Figures count
only what the viewer may see: deployments of held persons only with `protection`, list entries
as `entries_as_seen` shows them (held rows, welfare and protection sections left out as the
viewer's permissions say). The board names people whose permit ends soon, so reading it is
audited; the overview of hosts shows counts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from muster.domain.access import entries_as_seen, may_see_section, sees_held, units_in_scope
from muster.domain.calls import Call
from muster.domain.categories import Catalogue, Mark
from muster.domain.errors import NotFound
from muster.domain.people import Deployment
from muster.domain.situation import (
    Change,
    Deployed,
    ListFigures,
    Permits,
    RouteStatus,
    RouteWindow,
    beds_in_use,
    deployed,
    list_figures,
    permits,
    permits_due,
    route_status,
    trend,
)
from muster.domain.submissions import Entry
from muster.domain.units import Unit, UnitKind, UnitTree
from muster.domain.users import User
from muster.services.calls import calls_for
from muster.services.protection import hidden_rows
from muster.store.tables import PlanRow
from muster.store.uow import UnitOfWork

ROUTE_DAYS = 90  # the route timeline covers this many days from the board's day
NAMES_SHOWN = 500  # at most this many names of permits ending, soonest first


@dataclass(frozen=True)
class CallRef:
    """The call whose lists a board reads."""

    id: int
    title: str
    issued_at: datetime


@dataclass(frozen=True)
class PermitName:
    """A person whose permit ends soon (or has ended), as the registry names them."""

    person_id: str
    family_name: str
    given_name: str
    name_native: str | None
    workplace: str
    expires: date
    days_left: int


@dataclass(frozen=True)
class Beds:
    """Quarantine beds in use day by day over the horizon of the latest saved plan."""

    plan_id: int
    planned_at: datetime
    call_id: int | None
    start: date
    capacity: int
    days: int  # each arrival home holds a bed this many days
    host: tuple[int, ...]  # by returnees of this host the viewer may see
    everyone: tuple[int, ...]  # by every returnee the viewer may see (every host)


@dataclass(frozen=True)
class Situation:
    """One host's board as one viewer may see it."""

    host: str
    offices: tuple[str, ...]  # names of the host's topmost units the viewer sees
    on: date
    rotation: str | None
    stay_policy: str | None
    deployed: Deployed
    held: int | None  # deployed persons under a protection hold (None: viewer may not know)
    permits: Permits
    permit_names: tuple[PermitName, ...]
    call: CallRef | None
    previous_call: CallRef | None
    calls: tuple[CallRef, ...]  # every call the viewer may see that reaches the host
    expected: int  # workplaces the call asks a list of (those the viewer sees)
    lists: ListFigures | None
    previous: ListFigures | None
    headlines: tuple[Change, ...]
    categories: tuple[Change, ...]
    welfare_visible: bool
    routes: tuple[RouteStatus, ...]
    beds: Beds | None


@dataclass(frozen=True)
class _Scope:
    """What one viewer's board reads once for every host: workplaces, people, calls, plan."""

    tree: UnitTree
    hosts: dict[str, list[Unit]]  # host -> its workplaces in the viewer's subtree
    offices: dict[str, list[str]]  # host -> names of its topmost units in the subtree
    deployments: list[Deployment]  # in the subtree, held persons only for `protection`
    held: list[Deployment]  # held persons' deployments in the subtree (`protection` only)
    calls: list[Call]  # calls the viewer may see, newest first
    plan: PlanRow | None  # the latest saved rotation plan


def hosts_overview(
    uow: UnitOfWork, actor: User, catalogue: Catalogue, *, now: datetime, on: date | None = None
) -> list[Situation]:
    """Every host of the viewer's subtree with its latest call's figures, on a day (default
    today); counts only."""
    scope = _scope(uow, actor)
    day = on or now.date()
    return [
        _situation(uow, actor, catalogue, scope, host, None, day, names=False)
        for host in sorted(scope.hosts)
    ]


def situation(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    host: str,
    call_id: int | None = None,
    now: datetime,
    on: date | None = None,
) -> Situation:
    """One host's full board, for a call (default: the latest covering it) on a day (default
    today); a host outside the viewer's subtree is answered as absent. Audited: it names
    people whose permit ends soon."""
    scope = _scope(uow, actor)
    if host not in scope.hosts:
        raise NotFound(f"no host country {host!r} in your unit's subtree")
    found = _situation(uow, actor, catalogue, scope, host, call_id, on or now.date(), names=True)
    uow.audit.record(
        actor.name, "read_situation", "host", host, None,
        {"call": found.call.id if found.call else None, "names": len(found.permit_names)},
    )  # fmt: skip
    uow.commit()
    return found


def _scope(uow: UnitOfWork, actor: User) -> _Scope:
    """The viewer's hosts and workplaces, deployments and calls."""
    tree = uow.units.tree()
    mine = units_in_scope(actor, tree)
    hosts: dict[str, list[Unit]] = {}
    offices: dict[str, list[str]] = {}
    for unit in tree:
        if unit.code in mine and unit.host_country:
            found = hosts.setdefault(unit.host_country, [])
            if unit.kind is UnitKind.WORKPLACE:
                found.append(unit)
            if not _below_same_host(tree, unit, mine):
                offices.setdefault(unit.host_country, []).append(unit.name)
    held_ids = uow.holds.held()
    here = [d for d in uow.people.deployments() if d.workplace_code in mine]
    held = [d for d in here if d.person_id in held_ids]
    shown = here if sees_held(actor) else [d for d in here if d.person_id not in held_ids]
    calls = sorted(calls_for(uow, actor), key=lambda c: (c.issued_at, c.id or 0), reverse=True)
    plans = uow.rotation.plans()
    latest = plans[0] if plans else None
    return _Scope(tree, hosts, offices, shown, held if sees_held(actor) else [], calls, latest)


def _below_same_host(tree: UnitTree, unit: Unit, mine: set[str]) -> bool:
    """True when the unit's parent is of the same host and in the viewer's subtree."""
    parent = tree.get(unit.parent_code) if unit.parent_code else None
    return parent is not None and parent.code in mine and parent.host_country == unit.host_country


def _situation(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    scope: _Scope,
    host: str,
    call_id: int | None,
    on: date,
    *,
    names: bool,
) -> Situation:
    """Every figure of one host's board."""
    workplaces = scope.hosts[host]
    codes = {w.code for w in workplaces}
    people = [d for d in scope.deployments if d.workplace_code in codes]
    welfare = any(may_see_section(actor, s) for s in catalogue.marked(Mark.WELFARE))
    told = _told(uow, actor, catalogue, scope, codes, call_id, welfare)
    policy = uow.rotation.host(host)
    reaching = [c for c in scope.calls if any(scope.tree.is_within(w, c.scope) for w in codes)]
    return Situation(
        host=host,
        offices=tuple(scope.offices.get(host, ())),
        on=on,
        rotation=policy.rotation if policy else None,
        stay_policy=policy.stay_policy if policy else None,
        deployed=deployed(people, {w.code: w.slots or 0 for w in workplaces}),
        held=sum(1 for d in scope.held if d.workplace_code in codes) if sees_held(actor) else None,
        permits=permits(people, on),
        permit_names=tuple(_permit_names(uow, people, on)) if names else (),
        call=_ref(told.call),
        previous_call=_ref(told.previous),
        calls=tuple(r for c in reaching if (r := _ref(c)) is not None),
        expected=len(told.reached),
        lists=told.lists,
        previous=told.before,
        headlines=tuple(told.headlines),
        categories=tuple(told.categories),
        welfare_visible=welfare,
        routes=tuple(_routes(uow, host, on)),
        beds=_beds(scope.plan, codes, _all(scope)) if scope.plan else None,
    )


@dataclass(frozen=True)
class _Told:
    """What the lists of the board's call, and of the call before it, tell about the host."""

    call: Call | None
    previous: Call | None
    reached: set[str]  # the host's workplaces the call asks (those the viewer sees)
    lists: ListFigures | None
    before: ListFigures | None
    headlines: list[Change]
    categories: list[Change]


def _told(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    scope: _Scope,
    workplaces: set[str],
    call_id: int | None,
    welfare: bool,
) -> _Told:
    """The call's figures and the previous call's, both over the workplaces the call asks
    (a consulate's call to part of a host is compared on that part only)."""
    call, previous = _calls(scope, workplaces, call_id)
    if call is None:
        return _Told(None, None, set(), None, None, [], [])
    reached = {w for w in workplaces if scope.tree.is_within(w, call.scope)}
    lists = _figures(uow, actor, catalogue, scope.tree, call, reached)
    before = _figures(uow, actor, catalogue, scope.tree, previous, reached) if previous else None
    headlines, categories = trend(lists, before, welfare=welfare)
    return _Told(call, previous, reached, lists, before, headlines, categories)


def _all(scope: _Scope) -> set[str]:
    """Every workplace of the viewer's subtree, of every host."""
    return {w.code for found in scope.hosts.values() for w in found}


def _calls(
    scope: _Scope, workplaces: set[str], call_id: int | None
) -> tuple[Call | None, Call | None]:
    """The board's call and the latest one before it that asked at least its workplaces.

    By default the latest call covering every workplace of the host the viewer sees (a
    consulate's own call to part of a host would make a mission's figures drop); a call
    chosen by id must be one the viewer may see and reach the host.
    """
    tree = scope.tree
    covering = [c for c in scope.calls if all(tree.is_within(w, c.scope) for w in workplaces)]
    if call_id is None:
        return (
            (covering[0], covering[1] if len(covering) > 1 else None) if covering else (None, None)
        )
    chosen = next((c for c in scope.calls if c.id == call_id), None)
    reached = [w for w in workplaces if chosen and tree.is_within(w, chosen.scope)]
    if chosen is None or not reached:
        raise NotFound(f"no call {call_id} for this host")
    key = (chosen.issued_at, chosen.id or 0)
    earlier = [
        c
        for c in scope.calls
        if (c.issued_at, c.id or 0) < key and all(tree.is_within(w, c.scope) for w in reached)
    ]
    return chosen, earlier[0] if earlier else None


def _ref(call: Call | None) -> CallRef | None:
    """A call's id, title and issue time."""
    return CallRef(call.id or 0, call.title, call.issued_at) if call else None


def _figures(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    tree: UnitTree,
    call: Call,
    workplaces: set[str],
) -> ListFigures:
    """The figures of a call's accepted lists at these workplaces, as the viewer sees them."""
    assert call.id is not None
    asked = sorted(w for w in workplaces if tree.is_within(w, call.scope))
    accepted = uow.submissions.accepted_entries(call.id, asked)
    hidden = hidden_rows(uow, actor, [vid for _v, vid, _e in accepted.values()])
    seen: dict[str, list[Entry]] = {
        code: entries_as_seen(entries, catalogue, actor, hidden.get(vid, set()))
        for code, (_version, vid, entries) in accepted.items()
    }
    categories = [
        c
        for c in call.categories
        if c in catalogue.codes() and may_see_section(actor, catalogue.section_of(c))
    ]
    return list_figures(seen, catalogue, categories)


def _permit_names(uow: UnitOfWork, people: list[Deployment], on: date) -> list[PermitName]:
    """The people whose permit ends within 90 days of the day (or has ended), soonest first
    (the first `NAMES_SHOWN` of them)."""
    due = [(d, d.permit_expires) for d in permits_due(people, on) if d.permit_expires]
    due = due[:NAMES_SHOWN]
    registry = {p.person_id: p for p in uow.people.get_many({d.person_id for d, _ in due})}
    return [
        PermitName(
            d.person_id,
            person.family_name,
            person.given_name,
            person.name_native,
            d.workplace_code,
            expires,
            (expires - on).days,
        )
        for d, expires in due
        if (person := registry.get(d.person_id)) is not None
    ]


def _routes(uow: UnitOfWork, host: str, on: date) -> list[RouteStatus]:
    """The host's routes over the timeline's days."""
    return [
        route_status(
            RouteWindow(r.id, r.host, r.mode, r.open_from, r.open_until, r.seats_home, r.seats_out),
            on,
            ROUTE_DAYS,
        )
        for r in uow.rotation.routes()
        if r.host == host
    ]


def _beds(latest: PlanRow, host: set[str], everyone: set[str]) -> Beds:
    """Beds in use by the homecomings of a saved plan: the host's, and all the viewer may see
    (a plan never schedules a held person)."""
    scenario: dict[str, Any] = dict(latest.scenario)
    start = date.fromisoformat(str(scenario["start"]))
    horizon = int(scenario["horizon_days"])
    capacity, days = int(scenario["quarantine"]["beds"]), int(scenario["quarantine"]["days"])
    moves: list[dict[str, Any]] = list(latest.plan.get("moves", []))  # type: ignore[call-overload]
    home = [m for m in moves if m.get("direction") == "home"]

    def arrivals(at: set[str]) -> list[date]:
        return [date.fromisoformat(m["date"]) for m in home if m.get("workplace") in at]

    return Beds(
        plan_id=latest.id,
        planned_at=latest.created_at,
        call_id=latest.call_id,
        start=start,
        capacity=capacity,
        days=days,
        host=tuple(beds_in_use(arrivals(host), start, horizon, days)),
        everyone=tuple(beds_in_use(arrivals(everyone), start, horizon, days)),
    )
