"""The demo call's story: who submits what and when, who returns, accepts and forwards.

Pure and deterministic: a list of timed steps that `build` plays through the services.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from muster.demo.lists import ListRow, flawed, shared_rows, workplace_rows
from muster.demo.model import UnitSpec, World
from muster.demo.users import PROTECTION_OFFICER, clerk_of, reviewer_of

HOME = timezone(timedelta(hours=9), "HOME")  # HQ's time zone
ISSUED_AT = datetime(2021, 7, 20, 9, 0, tzinfo=HOME)
DUE: Mapping[str, datetime] = {
    "workplace": datetime(2021, 7, 22, 18, 0, tzinfo=HOME),
    "consulate": datetime(2021, 7, 23, 18, 0, tzinfo=HOME),
    "mission": datetime(2021, 7, 24, 9, 0, tzinfo=HOME),  # four days after the call
}
CATEGORIES = (
    "illness", "work_injury", "stranded_trip", "stalled_business", "contract_ended",
    "whereabouts_unknown",
)  # fmt: skip
TITLE = "Everyone unable to work or stranded, by 24 July"
INSTRUCTIONS = (
    "List everyone who cannot work because of illness or a workplace injury (health, with a "
    "medical note), everyone stranded after a short business trip, everyone whose business "
    "cannot operate or whose contract ended, and anyone whose whereabouts are unknown."
)
RETURN_REASON = "some entries have no passport number or since-date, and one person is missing"
HOLD_REASON = "asked for protection; fears harm if returned"
# Shares of workplaces: never submit, submit late, are returned for correction, left unreviewed.
MISSING, LATE, RETURNED, UNREVIEWED = 0.15, 0.12, 0.08, 0.05
CONSULATE_FATES = ("missing", "late", "late")  # drawn at random; the other consulates on time
MISSION_FATES = ("on_time", "missing", "late")  # Calder, Rusvald, Valeria


@dataclass(frozen=True)
class Step:
    """One action at one moment: hold, submit, accept, return or forward."""

    at: datetime
    action: str
    unit: str
    actor: str
    rows: tuple[ListRow, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class CallScript:
    """The call to issue and every step after it, in time order, with the intended outcome."""

    title: str
    instructions: str
    issued_at: datetime
    due: Mapping[str, datetime]
    categories: tuple[str, ...]
    steps: tuple[Step, ...]
    timeliness: Mapping[str, str]  # expected unit -> on_time | late | missing
    returned: frozenset[str]
    shared_people: frozenset[str]
    held: frozenset[str]


def write_script(world: World) -> CallScript:
    """The demo call's story for this world, the same for the same seed."""
    rng = random.Random(f"{world.seed}:script")
    rows = workplace_rows(rng, world)
    fates = _workplace_fates(rng, world, rows)
    shared = shared_rows(rng, world, rows, {c for c, f in fates.items() if f != "missing"})
    steps: list[Step] = list(_holds(rng, world, rows, fates))
    for workplace in world.workplaces():
        steps.extend(_workplace_steps(rng, workplace, fates[workplace.code], rows[workplace.code]))
    timeliness = {c: ("on_time" if f in ("returned", "at_due") else f) for c, f in fates.items()}
    for kind, order, shuffle in (("consulate", CONSULATE_FATES, True),
                                 ("mission", MISSION_FATES, False)):  # fmt: skip
        offices = world.units_of_kind(kind)
        office_fates = _office_fates(rng, offices, order, shuffle)
        for office in offices:
            forwarded = _forward_steps(rng, world, office, office_fates[office.code], steps, kind)
            steps.extend(forwarded)
            timeliness[office.code] = _timeliness(forwarded, DUE[kind])
    steps.sort(key=lambda s: s.at)
    return CallScript(
        title=TITLE, instructions=INSTRUCTIONS, issued_at=ISSUED_AT, due=DUE,
        categories=CATEGORIES, steps=tuple(steps), timeliness=timeliness,
        returned=frozenset(c for c, f in fates.items() if f == "returned"),
        shared_people=frozenset(shared), held=_held(steps),
    )  # fmt: skip


def _held(steps: list[Step]) -> frozenset[str]:
    """The people put under a protection hold."""
    return frozenset(s.unit for s in steps if s.action == "hold")


def _workplace_fates(
    rng: random.Random, world: World, rows: Mapping[str, list[ListRow]]
) -> dict[str, str]:
    """missing, late, returned (on time, then corrected), at_due or on_time (at least one each)."""
    codes = [w.code for w in world.workplaces()]
    rng.shuffle(codes)
    counts = [max(1, round(len(codes) * share)) for share in (MISSING, LATE)]
    fates = dict.fromkeys(codes[: counts[0]], "missing")
    fates.update(dict.fromkeys(codes[counts[0] : counts[0] + counts[1]], "late"))
    rest = [c for c in codes if c not in fates]
    with_rows = [c for c in rest if rows[c]]
    fates.update(dict.fromkeys(with_rows[: max(1, round(len(codes) * RETURNED))], "returned"))
    on_time = [c for c in rest if c not in fates]
    fates.update(dict.fromkeys(on_time, "on_time"))
    fates[on_time[0]] = "at_due"  # one list arrives exactly at the due time: still on time
    return fates


def _holds(
    rng: random.Random, world: World, rows: Mapping[str, list[ListRow]], fates: Mapping[str, str]
) -> Iterator[Step]:
    """A few protection holds, placed before the call, on people who do not want to return."""
    candidates = sorted(
        r.person_id
        for code, listed in rows.items()
        if fates[code] != "missing"
        for r in listed
        if r.person_id and r.wants_to_return == "no"
    )
    for person_id in rng.sample(candidates, min(len(candidates), max(1, round(5 * world.scale)))):
        at = ISSUED_AT - timedelta(days=rng.randint(1, 5), minutes=rng.randint(0, 600))
        yield Step(at, "hold", person_id, PROTECTION_OFFICER, reason=HOLD_REASON)


def _workplace_steps(
    rng: random.Random, workplace: UnitSpec, fate: str, rows: list[ListRow]
) -> Iterator[Step]:
    """Submit (maybe late, maybe returned and corrected), then usually accepted by the parent."""
    if fate == "missing":
        return
    due = DUE["workplace"]
    window = int((due - ISSUED_AT).total_seconds() // 60)
    at = ISSUED_AT + _minutes(rng, 90, window)
    if fate == "late":
        at = due + _minutes(rng, 10, 40 * 60)
    elif fate == "at_due":
        at = due
    clerk, reviewer = clerk_of(workplace.code), reviewer_of(workplace.parent_code or "")
    if fate == "returned":
        yield Step(at, "submit", workplace.code, clerk, tuple(flawed(rng, rows)))
        at += _minutes(rng, 60, 8 * 60)
        yield Step(at, "return", workplace.code, reviewer, reason=RETURN_REASON)
        at += _minutes(rng, 120, 20 * 60)
    yield Step(at, "submit", workplace.code, clerk, tuple(rows))
    if rng.random() >= UNREVIEWED:
        yield Step(at + _minutes(rng, 30, 10 * 60), "accept", workplace.code, reviewer)


def _office_fates(
    rng: random.Random, offices: list[UnitSpec], order: tuple[str, ...], shuffle: bool
) -> dict[str, str]:
    """Fates in `order` for the first offices (shuffled or not); the rest on time."""
    codes = [o.code for o in offices]
    if shuffle:
        rng.shuffle(codes)
    return {c: order[i] if i < len(order) else "on_time" for i, c in enumerate(codes)}


def _forward_steps(
    rng: random.Random, world: World, office: UnitSpec, fate: str, steps: list[Step], kind: str
) -> list[Step]:
    """An office's forward, once at least one child list is accepted, and its parent's review."""
    if fate == "missing":
        return []
    due = DUE[kind]
    at = due + _minutes(rng, 120, 24 * 60) if fate == "late" else due - _minutes(rng, 60, 12 * 60)
    children = {u.code for u in world.units if u.parent_code == office.code}
    accepted = sorted(s.at for s in steps if s.action == "accept" and s.unit in children)
    if not accepted:
        return []
    at = max(at, accepted[0] + _minutes(rng, 10, 60))
    out = [Step(at, "forward", office.code, reviewer_of(office.code))]
    if office.parent_code and kind == "consulate":
        out.append(Step(at + _minutes(rng, 30, 5 * 60), "accept", office.code,
                        reviewer_of(office.parent_code)))  # fmt: skip
    return out


def _timeliness(forwarded: list[Step], due: datetime) -> str:
    """What status should say of an office after these steps."""
    forwards = [s.at for s in forwarded if s.action == "forward"]
    if not forwards:
        return "missing"
    return "on_time" if forwards[0] <= due else "late"


def _minutes(rng: random.Random, low: int, high: int) -> timedelta:
    """A random whole number of minutes in [low, high]."""
    return timedelta(minutes=rng.randint(low, high))


def as_utc(moment: datetime) -> datetime:
    """The same moment in UTC (the services store UTC)."""
    return moment.astimezone(UTC)
