"""Generate the demo world: organisation tree, registry, situations, host policies, routes, pool.

Pure and deterministic: the same seed and scale give the same world, with no I/O.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from muster.demo.geography import (
    BRANDS,
    HOSTS,
    PRODUCTS,
    QUARANTINE_BEDS,
    QUARANTINE_DAYS,
    ROUTES,
    SLOTS,
    TRADES,
    HostSetup,
)
from muster.demo.model import HostPolicy, Route, UnitSpec, World
from muster.demo.people import make_people, make_replacements, make_situations

TODAY = date(2021, 7, 20)  # the day the demo call is issued
HQ_CODE = "HQ"
# Free hosts keep some places empty; the slots are sized so headcounts come out right.
FREE_OCCUPANCY = 0.92


def generate_world(seed: int = 1, scale: float = 1.0) -> World:
    """A fictional world of about `scale` x 10,000 deployed people, the same for the same seed."""
    if not 0 < scale <= 10:
        raise ValueError("scale must be in (0, 10]")
    units = tuple(make_units(random.Random(f"{seed}:units"), scale))
    stalled = _stalled(random.Random(f"{seed}:stalled"), units)
    people = tuple(make_people(random.Random(f"{seed}:people"), units, TODAY))
    situations = tuple(
        make_situations(random.Random(f"{seed}:situations"), units, people, stalled, scale, TODAY)
    )
    replacements = tuple(make_replacements(random.Random(f"{seed}:pool"), units, scale, TODAY))
    return World(
        seed=seed,
        scale=scale,
        today=TODAY,
        policies=tuple(HostPolicy(h.code, h.name, h.rotation, h.stay, h.situation) for h in HOSTS),
        routes=tuple(Route(*r) for r in ROUTES),
        quarantine_beds=QUARANTINE_BEDS,
        quarantine_days=QUARANTINE_DAYS,
        units=units,
        people=people,
        situations=situations,
        replacements=replacements,
        stalled_workplaces=stalled,
    )


def make_units(rng: random.Random, scale: float) -> Iterator[UnitSpec]:
    """HQ, then per host a mission, its consulates and their workplaces."""
    yield UnitSpec(HQ_CODE, "Headquarters: Overseas Workers Office", "headquarters")
    numbers = iter(range(1, 100_000))
    for host in HOSTS:
        mission = f"M-{host.code}"
        offices: list[tuple[UnitSpec, list[UnitSpec]]] = []
        counts = _workplaces_per_office(host, scale)
        offices.append((UnitSpec(mission, f"Embassy in {host.name}", "mission", HQ_CODE,
                                 host.code, host.capital), []))  # fmt: skip
        for region in host.consulate_regions:
            code = f"C-{host.code}-{region.replace(' ', '')[:3].upper()}"
            offices.append((UnitSpec(code, f"Consulate General in {region}", "consulate",
                                     mission, host.code, region), []))  # fmt: skip
        for (office, workplaces), count in zip(offices, counts, strict=True):
            workplaces.extend(
                _workplaces(rng, host, office.code, office.region or "", count, numbers)
            )
        factor = _slot_factor(host, scale, [w for _, ws in offices for w in ws])
        for office, workplaces in offices:
            yield office
            yield from (
                replace(w, slots=max(2, round((w.slots or 0) * factor))) for w in workplaces
            )


def _workplaces_per_office(host: HostSetup, scale: float) -> list[int]:
    """Workplaces under the mission (about 8%, at least one) and under each consulate (>= 2)."""
    total = round(host.workplaces * scale)
    direct = max(1, round(total * 0.08))
    per_consulate = max(2, round((total - direct) / len(host.consulate_regions)))
    return [direct] + [per_consulate] * len(host.consulate_regions)


def _slot_factor(host: HostSetup, scale: float, workplaces: list[UnitSpec]) -> float:
    """How much to stretch drawn slots so the host's headcount comes out near its target."""
    drawn = sum(w.slots or 0 for w in workplaces)
    occupancy = 1.0 if host.rotation == "paired" else FREE_OCCUPANCY
    return (host.people * scale) / (drawn * occupancy) if drawn else 1.0


def _workplaces(
    rng: random.Random,
    host: HostSetup,
    parent: str,
    region: str,
    count: int,
    numbers: Iterator[int],
) -> Iterator[UnitSpec]:
    """`count` workplaces of the host's type mix in one region."""
    types = [t for t, _ in host.type_mix]
    weights = [w for _, w in host.type_mix]
    for _ in range(count):
        kind = rng.choices(types, weights=weights)[0]
        trade = rng.choice(TRADES[kind])
        low, high = SLOTS[kind]
        yield UnitSpec(
            code=f"W{next(numbers):04d}",
            name=_workplace_name(rng, kind, trade, region),
            kind="workplace",
            parent_code=parent,
            host_country=host.code,
            region=region,
            workplace_type=kind,
            slots=rng.randint(low, high),
            trade=trade,
        )


def _workplace_name(rng: random.Random, kind: str, trade: str, region: str) -> str:
    """A plausible fictional name for a workplace."""
    brand = rng.choice(BRANDS)
    if kind == "restaurant":
        return f"{brand} Restaurant, {region}"
    if kind == "trading_company":
        return f"{brand} Trading Co."
    product = rng.choice(PRODUCTS[trade])
    if kind == "construction":
        return f"{region} {product} {rng.randint(1, 12)}"
    return f"{brand} {product}"


def _stalled(rng: random.Random, units: tuple[UnitSpec, ...]) -> frozenset[str]:
    """Workplaces whose business cannot operate, per the host's share (at least one per host)."""
    stalled: set[str] = set()
    for host in HOSTS:
        candidates = [
            u.code for u in units if u.kind == "workplace" and u.host_country == host.code
        ]
        rng.shuffle(candidates)
        stalled.update(candidates[: max(1, round(len(candidates) * host.stalled_share))])
    return frozenset(stalled)
