"""Generate the people of the demo world: the registry, their situations, the replacement pool."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from muster.demo.geography import HOSTS, ILLNESS_NOTES, INJURY_NOTES, WOMEN_SHARE, HostSetup
from muster.demo.model import PersonSpec, Replacement, Situation, UnitSpec
from muster.demo.names import random_name, random_spelling

FREE_VACANCY = (0.84, 1.0)  # share of places filled in a free-rotation host
TRIP_SHARE = 0.015  # business reps on short trips, outside trading companies
PERMIT_YEARS = 3
TRIP_DAYS = 90
WORK_ARRIVALS = (date(2017, 3, 1), date(2020, 1, 15))
TRIP_ARRIVALS = (date(2019, 12, 1), date(2020, 1, 20))
POOL_SIZE = 600
WELFARE_CASES = 10


def _day_between(rng: random.Random, first: date, last: date) -> date:
    """A random day in [first, last]."""
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _born(rng: random.Random, today: date, youngest: int, oldest: int) -> date:
    """A birth date for someone aged youngest..oldest today."""
    return today - timedelta(days=rng.randint(youngest * 365 + 10, oldest * 365 + 300))


def _host(code: str | None) -> HostSetup:
    """The setup of a host country."""
    return next(h for h in HOSTS if h.code == code)


class _Passports:
    """Unique passport numbers: a letter and seven digits."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def next(self) -> str:
        """A passport number not handed out before."""
        while True:
            number = f"{self._rng.choice('MPS')}{self._rng.randrange(1_000_000, 10_000_000)}"
            if number not in self._seen:
                self._seen.add(number)
                return number


def make_people(rng: random.Random, units: Sequence[UnitSpec], today: date) -> Iterator[PersonSpec]:
    """Everyone deployed, workplace by workplace; managers, workers and business reps."""
    passports = _Passports(rng)
    number = 0
    for unit in units:
        if unit.kind != "workplace":
            continue
        slots = unit.slots or 0
        filled = slots
        if _host(unit.host_country).rotation == "free":
            filled = max(1, round(slots * rng.uniform(*FREE_VACANCY)))
        for position in range(filled):
            number += 1
            role, purpose = _role(rng, unit, position, filled)
            yield _person(rng, f"P{number:05d}", unit, role, purpose, today, passports.next())


def _role(rng: random.Random, unit: UnitSpec, position: int, filled: int) -> tuple[str, str]:
    """Role and purpose for the n-th person of a workplace."""
    if (position == 0 and filled >= 8) or (position == 1 and filled >= 60):
        return "manager", "work"
    reps = 2 if unit.workplace_type == "trading_company" else 0
    if position < reps or rng.random() < TRIP_SHARE:
        return "business_rep", "short_trip"
    return "worker", "work"


def _person(
    rng: random.Random,
    pid: str,
    unit: UnitSpec,
    role: str,
    purpose: str,
    today: date,
    passport: str,
) -> PersonSpec:
    """One registry entry with a deployment."""
    women = WOMEN_SHARE[unit.workplace_type or "other"] if role == "worker" else 0.2
    sex = "F" if rng.random() < women else "M"
    name = random_name(rng, sex)
    family, given = random_spelling(rng, name)
    if purpose == "short_trip":
        arrived = _day_between(rng, *TRIP_ARRIVALS)
        expires = arrived + timedelta(days=TRIP_DAYS)
    else:
        arrived = _day_between(rng, *WORK_ARRIVALS)
        expires = arrived + timedelta(days=365 * PERMIT_YEARS)
    ages = (35, 58) if role == "manager" else (21, 50)
    return PersonSpec(
        person_id=pid, family_name=family, given_name=given, name_native=name.native,
        date_of_birth=_born(rng, today, *ages), sex=sex, passport_no=passport,
        workplace_code=unit.code, role=role, purpose=purpose, arrived=arrived,
        permit_expires=expires, name=name,
    )  # fmt: skip


def make_situations(
    rng: random.Random,
    units: Sequence[UnitSpec],
    people: Sequence[PersonSpec],
    stalled: frozenset[str],
    scale: float,
    today: date,
) -> Iterator[Situation]:
    """What each workplace should report: health, stranded and welfare cases, host by host."""
    host_of = {u.code: u.host_country for u in units}
    taken: set[str] = set()
    for host in HOSTS:
        here = [p for p in people if host_of[p.workplace_code] == host.code]
        for situation in _host_situations(rng, host, here, stalled, scale, today):
            taken.add(situation.person_id)
            yield situation
    free = [p for p in people if p.person_id not in taken and p.role == "worker"]
    for person in rng.sample(free, min(len(free), max(2, round(WELFARE_CASES * scale)))):
        since = today - timedelta(days=rng.randint(5, 60))
        note = f"did not come back to the dormitory on {since.isoformat()}; welfare check asked"
        yield Situation(person.person_id, "whereabouts_unknown", since, "unknown", "unknown", note)


def _host_situations(
    rng: random.Random,
    host: HostSetup,
    people: list[PersonSpec],
    stalled: frozenset[str],
    scale: float,
    today: date,
) -> Iterator[Situation]:
    """Health cases, stranded trips, stalled businesses and ended contracts in one host."""
    stay = "; the host permits the stay" if host.stay == "may_stay" else ""
    workers = [p for p in people if p.purpose == "work"]
    health = rng.sample(workers, min(len(workers), round(len(people) * host.health_share)))
    yield from (_health(rng, p, today) for p in health)
    taken = {p.person_id for p in health}
    stranded = 0
    for person in people:
        if person.person_id in taken:
            continue
        if person.purpose == "short_trip":
            note = f"short business trip from {person.arrived.isoformat()}; cannot return{stay}"
            yield Situation(person.person_id, "stranded_trip", person.permit_expires, "yes",
                            _wants(rng, 0.9), note)  # fmt: skip
        elif person.workplace_code in stalled:
            since = today - timedelta(days=rng.randint(30, 400))
            yield Situation(person.person_id, "stalled_business", since, "yes", _wants(rng, 0.6),
                            f"no orders, workplace closed{stay}" if stay else None)  # fmt: skip
        else:
            continue
        taken.add(person.person_id)
        stranded += 1
    ended = [p for p in people if p.person_id not in taken and p.permit_expires < today]
    quota = max(round(len(people) * 0.01), round(host.stranded_target * scale) - stranded)
    for person in rng.sample(ended, min(len(ended), quota)):
        note = f"permit expired {person.permit_expires.isoformat()}{stay}"
        yield Situation(person.person_id, "contract_ended", person.permit_expires, "yes",
                        _wants(rng, 0.75), note)  # fmt: skip


def _health(rng: random.Random, person: PersonSpec, today: date) -> Situation:
    """An illness or a workplace injury, with a medical note."""
    injury = rng.random() < 0.35
    note = rng.choice(INJURY_NOTES if injury else ILLNESS_NOTES)
    fit = rng.choices(("no", "unknown", "yes"), weights=(45, 25, 30))[0]
    since = today - timedelta(days=rng.randint(3, 120))
    category = "work_injury" if injury else "illness"
    return Situation(person.person_id, category, since, fit, _wants(rng, 0.85), note)


def _wants(rng: random.Random, yes_share: float) -> str:
    """wants_to_return: mostly the given share of yes, the rest split between no and unknown."""
    draw = rng.random()
    if draw < yes_share:
        return "yes"
    return "no" if draw < yes_share + (1 - yes_share) / 2 else "unknown"


def make_replacements(
    rng: random.Random, units: Sequence[UnitSpec], scale: float, today: date
) -> Iterator[Replacement]:
    """The pool of trained replacements, with trades needed where places are (SPEC §3)."""
    workplaces = [u for u in units if u.kind == "workplace"]
    hosts = [h.code for h in HOSTS]
    host_weights = [60 if h.rotation == "paired" else 20 for h in HOSTS]
    for number in range(1, max(30, round(POOL_SIZE * scale)) + 1):
        first = rng.choices(hosts, weights=host_weights)[0]
        chosen = [first] + (
            [rng.choice([h for h in hosts if h != first])] if rng.random() < 0.25 else []
        )
        here = [w for w in workplaces if w.host_country == first]
        trades = sorted(
            {rng.choice(here).trade or "other" for _ in range(rng.choice((1, 1, 1, 2)))}
        )
        sex = "F" if trades[0] in ("sewing", "cooking") and rng.random() < 0.7 else "M"
        name = random_name(rng, sex)
        family, given = random_spelling(rng, name)
        yield Replacement(
            replacement_id=f"R{number:04d}", family_name=family, given_name=given,
            name_native=name.native, date_of_birth=_born(rng, today, 22, 45), sex=sex,
            trades=tuple(trades), hosts=tuple(sorted(chosen)),
            ready=today + timedelta(days=rng.randint(3, 70)),
        )  # fmt: skip
