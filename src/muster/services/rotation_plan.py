"""Use case: plan the rotation of a call's consolidated persons from the database (`--from-db`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from muster.domain.access import (
    in_scope,
    require_headquarters,
    require_permission,
    sees_held,
    units_in_scope,
)
from muster.domain.categories import Catalogue
from muster.domain.consolidation import ConsolidatedPerson, SourceEntry, merge_cluster
from muster.domain.errors import DomainError, NotFound
from muster.domain.units import UnitKind, UnitTree
from muster.domain.users import Permission, User
from muster.planning import Move, Plan, Scenario, parse_scenario, plan, plan_from_json
from muster.planning.scenario import Host, Quarantine, Replacement, Returnee, Route, Workplace
from muster.reports.manifest import ManifestRow
from muster.services.consolidation import Linker, accepted_sources, consolidate, duckdb_linker
from muster.services.manifests import manifest_rows
from muster.store.tables import PlanRow
from muster.store.uow import UnitOfWork

SOURCES = "sources"  # beside the SPEC §6 plan in a saved plan: returnee id -> record ids


@dataclass(frozen=True)
class SavedPlan:
    """A plan computed from the database and saved as a version."""

    id: int
    scenario: Scenario
    plan: Plan
    notes: list[str]
    persons: tuple[ConsolidatedPerson, ...] = ()  # whom the returnee ids name (manifests)


def build_scenario(
    uow: UnitOfWork,
    persons: Sequence[ConsolidatedPerson],
    catalogue: Catalogue,
    *,
    start: date,
    horizon_days: int,
    include_held: bool,
) -> tuple[Scenario, list[str]]:
    """The SPEC §6 scenario from stored hosts, routes, quarantine, replacements and persons."""
    tree = uow.units.tree()
    hosts = {
        h.id: Host(h.id, "paired" if h.rotation == "paired" else "free", h.stay_policy)
        for h in uow.rotation.hosts()
    }
    quarantine = uow.rotation.quarantine()
    if quarantine is None:
        raise DomainError("quarantine capacity at home is not set; set the beds and days first")
    routes = tuple(
        Route(r.id, r.host, r.open_from, r.open_until, r.seats_home, r.seats_out)
        for r in uow.rotation.routes()
        if r.open_from is not None and r.host in hosts
    )
    workplaces, notes = _workplaces(uow, tree, hosts)
    returnees, more = _returnees(
        persons, catalogue, {w.id for w in workplaces}, start, include_held
    )
    replacements = tuple(
        Replacement(r.replacement_id, tuple(r.trades), tuple(r.hosts), r.ready)
        for r in uow.rotation.replacements()
    )
    scenario = Scenario(
        start=start,
        horizon_days=horizon_days,
        quarantine=Quarantine(quarantine.beds, quarantine.days),
        hosts=tuple(hosts.values()),
        routes=routes,
        workplaces=tuple(workplaces),
        returnees=tuple(returnees),
        replacements=replacements,
    )
    return scenario, notes + more


def _workplaces(
    uow: UnitOfWork, tree: UnitTree, hosts: dict[str, Host]
) -> tuple[list[Workplace], list[str]]:
    """Workplaces of hosts with a policy, with occupancy from the registry."""
    occupied = Counter(d.workplace_code for d in uow.people.deployments())
    out: list[Workplace] = []
    notes: list[str] = []
    for unit in tree:
        if unit.kind is not UnitKind.WORKPLACE or unit.host_country not in hosts:
            continue
        slots = unit.slots or 0
        count = occupied.get(unit.code, 0)
        if count > slots:
            notes.append(f"{unit.code}: {count} deployed but {slots} slots; planned as full")
        out.append(
            Workplace(
                unit.code,
                unit.host_country or "",
                unit.effective_trade or "other",
                slots,
                min(count, slots),
            )
        )
    return out, notes


def _returnees(
    persons: Sequence[ConsolidatedPerson],
    catalogue: Catalogue,
    workplaces: set[str],
    start: date,
    include_held: bool,
) -> tuple[list[Returnee], list[str]]:
    """Returnees from consolidated persons: consent, fitness and priority from their entries."""
    out: list[Returnee] = []
    skipped = 0
    for person in persons:
        priority = catalogue.category(person.category).priority
        if priority is None or (person.held and not include_held):
            continue
        if person.workplace not in workplaces:
            skipped += 1
            continue
        out.append(
            Returnee(
                id=person.person_id or person.cluster_id,
                workplace=person.workplace,
                priority=priority,
                ready=start,
                consent=person.wants_to_return == "yes",
                protection_hold=person.held,
                fit_to_travel=person.fit_to_travel == "yes",
            )
        )
    notes = [f"{skipped} persons at workplaces of hosts without a policy were left out"]
    return out, notes if skipped else []


def plan_from_db(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    call_id: int,
    start: date,
    horizon_days: int,
    time_limit: float,
    now: datetime,
    linker: Linker = duckdb_linker,
    manifest: bool = False,
) -> SavedPlan:
    """Consolidate the call at headquarters, plan the rotation, and save the plan as a version.

    Planning uses organisation-wide data (every host, route, workplace and replacement): it
    is headquarters' work, like writing that data.
    """
    require_headquarters(actor, uow.units.tree(), Permission.PLAN)
    headquarters = uow.units.tree().headquarters()
    root = actor.unit_code or (headquarters.code if headquarters else "")
    run = consolidate(
        uow, actor, catalogue, call_id=call_id, unit_code=root, now=now, linker=linker
    )
    include_held = actor.has(Permission.PROTECTION)
    scenario, notes = build_scenario(
        uow,
        run.persons,
        catalogue,
        start=start,
        horizon_days=horizon_days,
        include_held=include_held,
    )
    result = plan(scenario, time_limit=time_limit)
    row = PlanRow(
        call_id=call_id,
        created_at=now,
        created_by=actor.name,
        status=result.status,
        objective=result.objective,
        bound=result.bound,
        scenario=scenario_json(scenario),
        plan={**result.to_json(), SOURCES: _sources(scenario, run.persons)},
    )
    plan_id = uow.rotation.add_plan(row)
    uow.audit.record(
        actor.name,
        "plan",
        "plan",
        str(plan_id),
        None,
        {
            "call": call_id,
            "status": result.status,
            "objective": result.objective,
            "bound": result.bound,
            "moves": len(result.moves),
        },
    )
    if manifest:  # travel manifests name people: their export is a read of personal data
        uow.audit.record(actor.name, "export_manifest", "plan", str(plan_id))
    uow.commit()
    return SavedPlan(plan_id, scenario, result, notes, tuple(run.persons))


def _sources(scenario: Scenario, persons: Sequence[ConsolidatedPerson]) -> dict[str, list[str]]:
    """The list entries (record ids) behind each returnee, kept with the plan so that later
    reads name each person and hide whoever is held, or may be, by then."""
    planned = {r.id for r in scenario.returnees}
    return {
        key: [s.record_id for s in p.sources]
        for p in persons
        if (key := p.person_id or p.cluster_id) in planned
    }


def scenario_json(s: Scenario) -> dict[str, Any]:
    """The SPEC §6 JSON form of a scenario (saved with the plan, and re-plannable by file)."""

    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "start": s.start.isoformat(),
        "horizon_days": s.horizon_days,
        "priority_weights": {str(k): v for k, v in s.priority_weights.items()},
        "vacancy_weight": s.vacancy_weight,
        "quarantine": {"beds": s.quarantine.beds, "days": s.quarantine.days},
        "hosts": [{"id": h.id, "rotation": h.rotation} for h in s.hosts],
        "routes": [
            {
                "id": r.id,
                "host": r.host,
                "open_from": iso(r.open_from),
                "open_until": iso(r.open_until),
                "seats_home": r.seats_home,
                "seats_out": r.seats_out,
            }
            for r in s.routes
        ],
        "workplaces": [
            {"id": w.id, "host": w.host, "trade": w.trade, "slots": w.slots, "occupied": w.occupied}
            for w in s.workplaces
        ],
        "returnees": [
            {
                "id": r.id,
                "workplace": r.workplace,
                "priority": r.priority,
                "ready": r.ready.isoformat(),
                "consent": r.consent,
                "protection_hold": r.protection_hold,
                "fit_to_travel": r.fit_to_travel,
            }
            for r in s.returnees
        ],
        "replacements": [
            {
                "id": r.id,
                "trades": list(r.trades),
                "hosts": list(r.hosts),
                "ready": r.ready.isoformat(),
            }
            for r in s.replacements
        ],
    }


# -- reading saved plans ----------------------------------------------------------------------
#
# A saved plan is read as the viewer may see it: moves at workplaces of their subtree, never a
# person under a protection hold (or who may be one, now: holds placed after planning count)
# without `protection`, replacements eligible for their hosts. Counts are counted from what
# is shown, so nothing reveals a hidden person.


@dataclass(frozen=True)
class PlanSummary:
    """A saved plan at a glance, counted as the viewer may see it."""

    id: int
    call_id: int | None
    created_at: datetime
    created_by: str
    status: str
    objective: int
    bound: int
    homes: int
    outs: int
    not_moved: int


@dataclass(frozen=True)
class Named:
    """Who a plan names (Latin and Hangul), and where from or to."""

    person: str
    family_name: str | None = None
    given_name: str | None = None
    name_native: str | None = None
    workplace: str | None = None
    workplace_name: str | None = None


@dataclass(frozen=True)
class PlannedMove:
    """A move of a saved plan and who travels."""

    move: Move
    who: Named


@dataclass(frozen=True)
class NotMoved:
    """Someone a saved plan did not move, the planner's reason and its detail."""

    who: Named
    direction: str  # home: a returnee; out: a replacement
    reason: str
    detail: str | None


@dataclass(frozen=True)
class PlanView:
    """A saved plan as the viewer may see it: routes, moves, everyone not moved, beds."""

    summary: PlanSummary
    start: date
    horizon_days: int
    beds: int
    quarantine_days: int
    routes: tuple[Route, ...]
    moves: tuple[PlannedMove, ...]
    not_moved: tuple[NotMoved, ...]
    warnings: tuple[str, ...]

    @property
    def days(self) -> list[date]:
        """Every day of the horizon."""
        return [self.start + timedelta(days=t) for t in range(self.horizon_days)]

    def beds_in_use(self) -> list[int]:
        """Quarantine beds held on each day of the horizon by the homes shown."""
        arrivals = Counter(m.move.date for m in self.moves if m.move.direction == "home")
        held = [0] * self.horizon_days
        for day, count in arrivals.items():
            first = (day - self.start).days
            for t in range(max(first, 0), min(first + self.quarantine_days, self.horizon_days)):
                held[t] += count
        return held


@dataclass(frozen=True)
class _Seen:
    """A saved plan reduced to what the viewer may see."""

    row: PlanRow
    scenario: Scenario
    plan: Plan
    persons: dict[str, ConsolidatedPerson]
    mine: set[str] | None  # host countries of the viewer's subtree; None: every host

    def summary(self) -> PlanSummary:
        homes = sum(1 for m in self.plan.moves if m.direction == "home")
        r = self.row
        return PlanSummary(
            r.id, r.call_id, r.created_at, r.created_by, r.status, r.objective, r.bound,
            homes, len(self.plan.moves) - homes, len(self.plan.unscheduled),
        )  # fmt: skip


Accepted = dict[int, dict[str, SourceEntry]]  # call id -> record id -> accepted entry


def _persons(
    uow: UnitOfWork, catalogue: Catalogue, row: PlanRow, tree: UnitTree, accepted: Accepted
) -> dict[str, ConsolidatedPerson]:
    """The returnees of a saved plan as the call's accepted lists name them now (held marks
    included), from the record ids kept with the plan; `accepted` caches each call's entries."""
    sources = row.plan.get(SOURCES)
    root = tree.headquarters()
    if not isinstance(sources, dict) or not sources or row.call_id is None or root is None:
        return {}
    if row.call_id not in accepted:
        entries = accepted_sources(uow, uow.calls.get(row.call_id), tree, root.code)
        accepted[row.call_id] = {s.record_id: s for s in entries}
    by_record = accepted[row.call_id]
    persons: dict[str, ConsolidatedPerson] = {}
    for key, records in sources.items():
        members = [by_record[r] for r in records if r in by_record]
        if members:
            persons[str(key)] = merge_cluster(str(key), members, catalogue)
    return persons


def _seen(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    row: PlanRow,
    accepted: Accepted | None = None,
) -> _Seen:
    """What of a saved plan the actor may see (the caller checked the permission)."""
    tree = uow.units.tree()
    scenario = parse_scenario(row.scenario)
    full = plan_from_json(row.plan)
    persons = _persons(uow, catalogue, row, tree, {} if accepted is None else accepted)
    hidden: set[str] = set()
    if not sees_held(actor):
        hidden = uow.holds.held() | {r.id for r in scenario.returnees if r.protection_hold}
        hidden |= {key for key, p in persons.items() if p.held}
    root = tree.headquarters()
    everything = actor.is_operator or (root is not None and actor.unit_code == root.code)
    scope = units_in_scope(actor, tree)
    mine = None if everything else {u.host_country or "" for u in tree if u.code in scope}
    workplace_of = {r.id: r.workplace for r in scenario.returnees}
    hosts_of = {r.id: set(r.hosts) for r in scenario.replacements}

    def shown(person: str, workplace: str | None) -> bool:
        if person in hidden:
            return False
        if workplace is not None:
            return in_scope(actor, tree, workplace)
        return mine is None or bool(hosts_of.get(person, set()) & mine)

    visible = Plan(
        full.status,
        full.objective,
        full.bound,
        tuple(m for m in full.moves if shown(m.person, m.workplace)),
        tuple(u for u in full.unscheduled if shown(u.person, workplace_of.get(u.person))),
        full.warnings if everything else (),
    )
    return _Seen(row, scenario, visible, persons, mine)


def _saved(uow: UnitOfWork, actor: User, plan_id: int) -> PlanRow:
    """A saved plan the actor may read (`plan`), or NotFound."""
    require_permission(actor, Permission.PLAN)
    row = uow.rotation.plan(plan_id)
    if row is None:
        raise NotFound(f"no plan {plan_id}")
    return row


def saved_plans(uow: UnitOfWork, actor: User, catalogue: Catalogue) -> list[PlanSummary]:
    """Every saved plan, newest first, counted as the actor may see it (needs `plan`)."""
    require_permission(actor, Permission.PLAN)
    accepted: Accepted = {}
    return [_seen(uow, actor, catalogue, row, accepted).summary() for row in uow.rotation.plans()]


def _named(
    uow: UnitOfWork, seen: _Seen, people: Sequence[tuple[str, str, str | None]]
) -> dict[str, Named]:
    """Names of (person, direction, workplace): returnees from the registry or their lists,
    replacements from the pool."""
    tree = uow.units.tree()
    ids = {p for p, direction, _w in people if direction == "home"}
    linked = {seen.persons[p].person_id or p if p in seen.persons else p for p in ids}
    registry = {p.person_id: p for p in uow.people.get_many(linked)}
    outs = {p for p, direction, _w in people if direction == "out"}
    pool = {r.replacement_id: r for r in uow.rotation.replacements() if r.replacement_id in outs}
    found: dict[str, Named] = {}
    for person, direction, workplace in people:
        place = tree.get(workplace).name if workplace and workplace in tree else None
        who: Any = None
        if direction == "out":
            who = pool.get(person)
        else:
            consolidated = seen.persons.get(person)
            who = registry.get(consolidated.person_id or person if consolidated else person)
            if who is None and consolidated is not None:
                who = consolidated.entry
        if who is None:
            found[person] = Named(person, workplace=workplace, workplace_name=place)
            continue
        found[person] = Named(
            person, who.family_name, who.given_name, who.name_native, workplace, place
        )
    return found


def plan_view(uow: UnitOfWork, actor: User, catalogue: Catalogue, plan_id: int) -> PlanView:
    """A saved plan as the actor may see it, naming travellers (needs `plan`; audited)."""
    seen = _seen(uow, actor, catalogue, _saved(uow, actor, plan_id))
    workplace_of = {r.id: r.workplace for r in seen.scenario.returnees}
    people: list[tuple[str, str, str | None]] = [
        (m.person, m.direction, m.workplace) for m in seen.plan.moves
    ]
    returnees = set(workplace_of)
    people += [
        (u.person, "home" if u.person in returnees else "out", workplace_of.get(u.person))
        for u in seen.plan.unscheduled
    ]
    names = _named(uow, seen, people)
    moves = tuple(PlannedMove(m, names[m.person]) for m in seen.plan.moves)
    not_moved = tuple(
        NotMoved(names[u.person], "home" if u.person in returnees else "out", u.reason, u.detail)
        for u in seen.plan.unscheduled
    )
    uow.audit.record(
        actor.name, "read_plan", "plan", str(plan_id), None,
        {"moves": len(moves), "not_moved": len(not_moved)},
    )  # fmt: skip
    uow.commit()
    s = seen.scenario
    routes = tuple(r for r in s.routes if seen.mine is None or r.host in seen.mine)
    return PlanView(
        seen.summary(), s.start, s.horizon_days, s.quarantine.beds, s.quarantine.days,
        routes, moves, not_moved, seen.plan.warnings,
    )  # fmt: skip


def plan_manifest(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    plan_id: int,
    *,
    route: str | None = None,
    day: date | None = None,
) -> list[ManifestRow]:
    """The travel manifest of a saved plan (one route and day, or all), as the actor may see
    it (needs `plan`; every export is audited)."""
    seen = _seen(uow, actor, catalogue, _saved(uow, actor, plan_id))
    moves = tuple(
        m
        for m in seen.plan.moves
        if (route is None or m.route == route) and (day is None or m.date == day)
    )
    chosen = Plan(seen.plan.status, seen.plan.objective, seen.plan.bound, moves, ())
    persons = tuple(seen.persons.values())
    return manifest_rows(uow, actor, chosen, plan_id=plan_id, persons=persons)


@dataclass(frozen=True)
class PlanComparison:
    """Two saved plans side by side: moves per day and route, who was added or removed."""

    first: PlanSummary
    second: PlanSummary
    cells: list[tuple[date, str, tuple[int, int], tuple[int, int]]]  # (homes, outs) each
    added: list[tuple[Named, str]]  # moved by the second plan only, with the direction
    removed: list[tuple[Named, str]]  # moved by the first plan only

    @property
    def objective_change(self) -> int:
        """The second plan's objective less the first's."""
        return self.second.objective - self.first.objective


def compare_plans(
    uow: UnitOfWork, actor: User, catalogue: Catalogue, first: int, second: int
) -> PlanComparison:
    """Compare two saved plans as the actor may see them (needs `plan`; names people, so the
    read is audited)."""
    accepted: Accepted = {}
    a = _seen(uow, actor, catalogue, _saved(uow, actor, first), accepted)
    b = _seen(uow, actor, catalogue, _saved(uow, actor, second), accepted)
    counts: dict[tuple[date, str], list[int]] = {}
    for index, seen in enumerate((a, b)):
        for m in seen.plan.moves:
            cell = counts.setdefault((m.date, m.route), [0, 0, 0, 0])
            cell[2 * index + (0 if m.direction == "home" else 1)] += 1
    cells = [(d, r, (c[0], c[1]), (c[2], c[3])) for (d, r), c in sorted(counts.items())]
    moved_a = {m.person: m for m in a.plan.moves}
    moved_b = {m.person: m for m in b.plan.moves}
    added = [moved_b[p] for p in sorted(set(moved_b) - set(moved_a))]
    removed = [moved_a[p] for p in sorted(set(moved_a) - set(moved_b))]
    names = _named(uow, b, [(m.person, m.direction, m.workplace) for m in added])
    names |= _named(uow, a, [(m.person, m.direction, m.workplace) for m in removed])
    uow.audit.record(
        actor.name, "compare_plans", "plan", f"{first}~{second}", None,
        {"added": len(added), "removed": len(removed)},
    )  # fmt: skip
    uow.commit()
    return PlanComparison(
        a.summary(), b.summary(), cells,
        [(names[m.person], m.direction) for m in added],
        [(names[m.person], m.direction) for m in removed],
    )  # fmt: skip
