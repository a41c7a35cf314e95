"""Use cases for rotation data: host policies, routes, quarantine capacity, the replacement pool."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from muster.domain.access import require_headquarters, require_permission, units_in_scope
from muster.domain.errors import DomainError, NotFound
from muster.domain.users import Permission, User
from muster.intake import ReplacementRecord
from muster.store.tables import ReplacementRow, RouteRow
from muster.store.uow import UnitOfWork

ROTATIONS = ("paired", "free")
ROUTE_MODES = ("bridge", "rail", "road", "flight", "sea", "other")


def _require_planner(uow: UnitOfWork, actor: User) -> None:
    """Rotation data (host policies, routes, quarantine, the pool) is organisation-wide: it is
    written by planners of headquarters only (a mission's planner reads its own hosts)."""
    require_headquarters(actor, uow.units.tree(), Permission.PLAN)


@dataclass(frozen=True)
class HostView:
    """A host country's policy and the routes of it, as a planner reads them."""

    host: str
    rotation: str
    stay_policy: str | None
    routes: tuple[str, ...]


def host_policies(uow: UnitOfWork, actor: User) -> list[HostView]:
    """Host policies and their routes, for the hosts of the actor's subtree (needs `plan`)."""
    require_permission(actor, Permission.PLAN)
    tree = uow.units.tree()
    scope = units_in_scope(actor, tree)
    mine = {u.host_country for u in tree if u.code in scope and u.host_country}
    routes = uow.rotation.routes()
    return [
        HostView(h.id, h.rotation, h.stay_policy, tuple(r.id for r in routes if r.host == h.id))
        for h in uow.rotation.hosts()
        if h.id in mine
    ]


def set_host(
    uow: UnitOfWork, actor: User, host_id: str, rotation: str, stay_policy: str | None
) -> None:
    """Set a host country's rotation (`paired` or `free`) and stay policy."""
    _require_planner(uow, actor)
    if rotation not in ROTATIONS:
        raise DomainError(f"rotation {rotation!r}: expected paired or free")
    known = {u.host_country for u in uow.units.tree() if u.host_country}
    if host_id not in known:
        raise NotFound(f"no unit has host country {host_id!r}; known: {', '.join(sorted(known))}")
    before = uow.rotation.save_host(host_id, rotation, stay_policy)
    after = {"rotation": rotation, "stay_policy": stay_policy}
    uow.audit.record(actor.name, "set_host", "host", host_id, before, after)
    uow.commit()


def add_route(
    uow: UnitOfWork,
    actor: User,
    *,
    route_id: str,
    host: str,
    mode: str,
    open_from: date | None,
    open_until: date | None,
    seats_home: int,
    seats_out: int,
) -> None:
    """Add a route for a host (its policy must be set first)."""
    _require_planner(uow, actor)
    if uow.rotation.host(host) is None:
        raise NotFound(f"host {host!r} has no policy yet; set its rotation and stay policy first")
    if uow.rotation.route(route_id) is not None:
        raise DomainError(f"route {route_id!r} already exists; open or close it instead")
    if mode not in ROUTE_MODES:
        raise DomainError(f"route mode {mode!r}: expected one of {', '.join(ROUTE_MODES)}")
    if seats_home < 0 or seats_out < 0:
        raise DomainError("seats per day cannot be negative")
    _check_window(open_from, open_until)
    row = RouteRow(
        id=route_id,
        host=host,
        mode=mode,
        open_from=open_from,
        open_until=open_until,
        seats_home=seats_home,
        seats_out=seats_out,
    )
    uow.rotation.add_route(row)
    uow.audit.record(actor.name, "add_route", "route", route_id, None, _route_values(row))
    uow.commit()


def set_route_window(
    uow: UnitOfWork, actor: User, route_id: str, open_from: date | None, open_until: date | None
) -> None:
    """Open a route from a date (optionally until a last open day), or close it (both None)."""
    _require_planner(uow, actor)
    row = uow.rotation.route(route_id)
    if row is None:
        raise NotFound(f"no route {route_id!r}")
    _check_window(open_from, open_until)
    before = _route_values(row)
    uow.rotation.set_route_dates(row, open_from, open_until)
    uow.audit.record(actor.name, "set_route_window", "route", route_id, before, _route_values(row))
    uow.commit()


def _check_window(open_from: date | None, open_until: date | None) -> None:
    """A window's last open day cannot come before its first."""
    if open_from and open_until and open_until < open_from:
        raise DomainError(f"open until {open_until} is before open from {open_from}")


def _route_values(row: RouteRow) -> dict[str, object]:
    """A route's values for the audit log."""
    return {
        "host": row.host,
        "mode": row.mode,
        "open_from": row.open_from,
        "open_until": row.open_until,
        "seats_home": row.seats_home,
        "seats_out": row.seats_out,
    }


def set_quarantine(uow: UnitOfWork, actor: User, beds: int, days: int) -> None:
    """Set quarantine capacity at home: beds, and days each arrival holds one."""
    _require_planner(uow, actor)
    if beds < 0 or days < 1:
        raise DomainError("quarantine needs beds >= 0 and days >= 1")
    before = uow.rotation.set_quarantine(beds, days)
    uow.audit.record(
        actor.name, "set_quarantine", "quarantine", "home", before, {"beds": beds, "days": days}
    )
    uow.commit()


def import_replacements(uow: UnitOfWork, actor: User, records: Sequence[ReplacementRecord]) -> int:
    """Load or update the replacement pool (all or nothing)."""
    _require_planner(uow, actor)
    for r in records:
        row = ReplacementRow(
            replacement_id=r.replacement_id,
            family_name=r.family_name,
            given_name=r.given_name,
            name_native=r.name_native,
            date_of_birth=r.date_of_birth,
            sex=r.sex,
            trades=list(r.trades),
            hosts=list(r.hosts),
            ready=r.ready,
        )
        uow.rotation.save_replacement(row)
        uow.audit.record(
            actor.name,
            "import_replacement",
            "replacement",
            r.replacement_id,
            None,
            {"trades": list(r.trades), "hosts": list(r.hosts), "ready": r.ready},
        )
    uow.commit()
    return len(records)


def set_route_seats(
    uow: UnitOfWork, actor: User, route_id: str, seats_home: int, seats_out: int
) -> None:
    """Change a route's seats per day home and out."""
    _require_planner(uow, actor)
    row = uow.rotation.route(route_id)
    if row is None:
        raise NotFound(f"no route {route_id!r}")
    if seats_home < 0 or seats_out < 0:
        raise DomainError("seats per day cannot be negative")
    before = _route_values(row)
    uow.rotation.set_route_seats(row, seats_home, seats_out)
    uow.audit.record(actor.name, "set_route_seats", "route", route_id, before, _route_values(row))
    uow.commit()


@dataclass(frozen=True)
class RouteView:
    """A route as a planner reads it."""

    id: str
    host: str
    mode: str
    open_from: date | None
    open_until: date | None
    seats_home: int
    seats_out: int

    @property
    def closed(self) -> bool:
        """A route without a first open day is closed."""
        return self.open_from is None


@dataclass(frozen=True)
class RotationSetup:
    """What a planner reads before planning: hosts (with or without a policy), routes,
    quarantine capacity and how many replacements wait in the pool, within their hosts."""

    hosts: list[HostView]
    unset: list[str]  # host countries of the subtree without a policy yet
    routes: list[RouteView]
    beds: int | None
    quarantine_days: int | None
    pool: int
    writable: bool  # the actor may change rotation data (a headquarters planner)


def _hosts_of(uow: UnitOfWork, actor: User) -> set[str]:
    """Host countries of the workplaces and offices in the actor's subtree."""
    tree = uow.units.tree()
    scope = units_in_scope(actor, tree)
    return {u.host_country for u in tree if u.code in scope and u.host_country}


def rotation_setup(uow: UnitOfWork, actor: User) -> RotationSetup:
    """Hosts, routes, quarantine and the pool's size, for the hosts of the actor's subtree
    (needs `plan`; only a headquarters planner may change them)."""
    require_permission(actor, Permission.PLAN)
    mine = _hosts_of(uow, actor)
    hosts = host_policies(uow, actor)
    routes = [
        RouteView(r.id, r.host, r.mode, r.open_from, r.open_until, r.seats_home, r.seats_out)
        for r in uow.rotation.routes()
        if r.host in mine
    ]
    quarantine = uow.rotation.quarantine()
    pool = len(_visible_pool(uow, actor))
    try:
        _require_planner(uow, actor)
        writable = True
    except DomainError:
        writable = False
    return RotationSetup(
        hosts=hosts,
        unset=sorted(mine - {h.host for h in hosts}),
        routes=routes,
        beds=quarantine.beds if quarantine else None,
        quarantine_days=quarantine.days if quarantine else None,
        pool=pool,
        writable=writable,
    )


def _visible_pool(uow: UnitOfWork, actor: User) -> list[ReplacementRow]:
    """The replacements a planner may read (no permission check, no audit: callers do both):
    headquarters reads the whole pool, others those eligible for the hosts of their subtree."""
    root = uow.units.tree().headquarters()
    if actor.is_operator or (root is not None and actor.unit_code == root.code):
        return uow.rotation.replacements()
    mine = _hosts_of(uow, actor)
    return [r for r in uow.rotation.replacements() if mine & set(r.hosts)]


@dataclass(frozen=True)
class PoolPage:
    """One page of the replacement pool."""

    total: int
    offset: int
    rows: list[ReplacementRow]


def replacement_pool(uow: UnitOfWork, actor: User, *, offset: int = 0, limit: int = 50) -> PoolPage:
    """A page of the replacement pool the actor may read (needs `plan`); names people, so the
    read is audited."""
    require_permission(actor, Permission.PLAN)
    visible = _visible_pool(uow, actor)
    offset = max(0, min(offset, max(len(visible) - 1, 0)))
    rows = visible[offset : offset + max(1, limit)]
    uow.audit.record(
        actor.name, "read_replacements", "replacement", "pool", None,
        {"offset": offset, "rows": len(rows)},
    )  # fmt: skip
    uow.commit()
    return PoolPage(len(visible), offset, rows)
