"""The demo world's rotation data, loaded through the rotation services, and a first plan.

HQ's administrator (a planner of headquarters) sets the host policies (Calder paired,
Rusvald and Valeria free), the routes (Valeria's flight open, Calder's bridge opening on
2021-08-10, Rusvald's rail severed and a charter in September), the quarantine beds, and
imports the replacement pool as a planner hands in replacements.csv; then plans the
rotation of the call, so the demo has a saved plan and `muster plan --from-db` works on it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from muster.bootstrap import Muster
from muster.demo.files import replacements_csv
from muster.demo.model import World
from muster.demo.users import HQ_ADMIN
from muster.services.actors import resolve_user
from muster.services.imports import import_file
from muster.services.rotation import add_route, set_host, set_quarantine
from muster.services.rotation_plan import SavedPlan, plan_from_db

STAY = {
    "may_stay": "may stay until further notice",
    "permit_required": "may stay while the residence permit is valid",
}
PLAN_START = date(2021, 8, 1)
PLAN_HORIZON = 60
PLAN_SECONDS = 20.0


def load_rotation(muster: Muster, world: World, now: datetime) -> None:
    """Host policies, routes, quarantine and the pool, each through its service as HQ."""
    for policy in world.policies:
        with muster.uow() as uow:
            stay = f"{STAY.get(policy.stay, policy.stay)}. {policy.situation}"
            set_host(uow, resolve_user(uow, HQ_ADMIN), policy.host, policy.rotation, stay)
    for route in world.routes:
        with muster.uow() as uow:
            add_route(
                uow, resolve_user(uow, HQ_ADMIN), route_id=route.id, host=route.host,
                mode=route.mode, open_from=route.open_from, open_until=route.open_until,
                seats_home=route.seats_home, seats_out=route.seats_out,
            )  # fmt: skip
    with muster.uow() as uow:
        set_quarantine(
            uow, resolve_user(uow, HQ_ADMIN), world.quarantine_beds, world.quarantine_days
        )
    with muster.uow() as uow:
        import_file(
            uow, resolve_user(uow, HQ_ADMIN), muster.archive, kind="replacements",
            data=replacements_csv(world), filename="replacements.csv", limits=muster.limits(),
            now=now,
        )  # fmt: skip


def plan_rotation(muster: Muster, call_id: int, now: datetime) -> SavedPlan:
    """HQ's first rotation plan for the call, saved as plan 1."""
    with muster.uow() as uow:
        return plan_from_db(
            uow, resolve_user(uow, HQ_ADMIN), muster.catalogue, call_id=call_id,
            start=PLAN_START, horizon_days=PLAN_HORIZON, time_limit=PLAN_SECONDS,
            now=now + timedelta(minutes=5),
        )  # fmt: skip
