"""Use case: plan the rotation of a call's consolidated persons from the database (`--from-db`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from muster.domain.access import require_headquarters
from muster.domain.categories import Catalogue
from muster.domain.consolidation import ConsolidatedPerson
from muster.domain.errors import DomainError
from muster.domain.units import UnitKind, UnitTree
from muster.domain.users import Permission, User
from muster.planning import Plan, Scenario, plan
from muster.planning.scenario import Host, Quarantine, Replacement, Returnee, Route, Workplace
from muster.services.consolidation import Linker, consolidate, duckdb_linker
from muster.store.tables import PlanRow
from muster.store.uow import UnitOfWork


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
        plan=result.to_json(),
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
