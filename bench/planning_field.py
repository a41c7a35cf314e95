"""A second, independent planning scenario generator: a crisis as a field agency faces it.

    .venv/bin/python bench/planning_field.py --size small --out /tmp/field-small.json
    .venv/bin/python bench/planning_field.py --size spec --seed 3 --out field-spec.json

Writes a SPEC §6 scenario file (the JSON people exchange, not Python objects), so that it
goes through `muster plan FILE` exactly as a file from outside would. Written from field
conventions rather than from bench/planning.py:

- hosts of very different sizes: one host holds about two thirds of the people; capped
  (`paired`) hosts next to `free` ones; one host is cut off (its routes never open);
- workplaces with skewed sizes: a few factories with hundreds of workers, construction
  sites with dozens, many restaurants and trading companies with a handful; one trade each;
- returnees reported by category (illness and workplace injury first), clustered in
  workplaces in trouble; consent collected well in some workplaces and not at all in
  others (`unknown` and `no` are both "no consent" in the file); the ill are often not fit
  to travel; a few under protection hold; contracts ending during and after the horizon;
- replacements from training cohorts graduating every other Monday, each trained for one
  or two trades and holding visas for one or two hosts; the last cohorts graduate after
  the horizon (never ready);
- routes as a timetable: a rail bridge closed for four weeks and reopening (two route
  entries, one per open period), charter flights on fixed weekdays (one entry per flight,
  `open_from` = `open_until`), flights kept in the timetable with zero seats (cancelled),
  a land crossing with a few seats a day, an out-only charter, a host whose only flight
  carries people home but none out while its places are capped;
- quarantine beds at home that bind while the bridge is open and not while it is shut;
- what a field officer's file contains: a workplace whose returnees all refused, more
  returnees listed than `occupied`, a closed restaurant with no places, ids that differ
  only by case, spacing or a suffix, Hangul workplace names, a visa for a host spelled in
  lower case, trades no workplace needs, people ready before the start.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

START = date(2022, 3, 7)  # a Monday
DAYS = 90
MONDAY, TUESDAY, THURSDAY, FRIDAY, SUNDAY = 0, 1, 3, 4, 6


@dataclass(frozen=True)
class FieldSize:
    """Headcounts of one field scenario."""

    name: str
    deployed: int
    returnees: int
    replacements: int
    workplaces: int


FIELD_SIZES = {
    s.name: s
    for s in (
        FieldSize("tiny", 1_200, 150, 90, 60),
        FieldSize("small", 10_000, 1_000, 600, 500),
        FieldSize("medium", 30_000, 3_000, 1_800, 1_500),
        FieldSize("spec", 100_000, 10_000, 6_000, 5_000),
    )
}

# host: (rotation, share of workplaces, kinds of workplace found there)
HOST_PROFILE: dict[str, tuple[str, float]] = {
    "CN": ("paired", 0.64),
    "RU": ("free", 0.15),
    "AE": ("paired", 0.05),
    "KW": ("paired", 0.04),
    "MN": ("free", 0.04),
    "LA": ("paired", 0.03),
    "NP": ("free", 0.03),
    "MM": ("paired", 0.02),  # cut off
}

# kind: (share of workplaces, trades, size range), sizes drawn log-uniformly in the range
KINDS: dict[str, tuple[float, tuple[str, ...], tuple[int, int]]] = {
    "factory": (0.02, ("sewing", "electronics", "fish_processing"), (120, 900)),
    "construction": (0.08, ("masonry", "welding"), (15, 150)),
    "restaurant": (0.45, ("cooking",), (3, 30)),
    "trading_company": (0.30, ("trading",), (1, 8)),
    "other": (0.15, ("software", "nursing", "painting"), (3, 25)),
}
# where each kind is found (Gulf hosts: construction; the cut-off host: restaurants)
KIND_HOSTS: dict[str, tuple[str, ...]] = {
    "factory": ("CN", "CN", "CN", "CN", "RU"),
    "construction": ("RU", "RU", "AE", "KW", "KW", "CN", "MN"),
    "restaurant": ("CN", "CN", "CN", "RU", "LA", "NP", "MM", "AE"),
    "trading_company": ("CN", "CN", "CN", "CN", "RU", "MN", "LA"),
    "other": ("CN", "CN", "RU", "MN", "NP", "LA", "MM"),
}

# category: (share, priority, share fit to travel, ready days (low, high))
CATEGORIES: dict[str, tuple[float, int, float, tuple[int, int]]] = {
    "illness": (0.09, 1, 0.6, (-10, 21)),
    "work_injury": (0.05, 1, 0.7, (0, 35)),
    "stranded_trip": (0.12, 2, 0.99, (-40, 0)),
    "stalled_business": (0.42, 3, 0.98, (-30, 10)),
    "contract_ended": (0.30, 3, 0.98, (-20, 130)),
    "family": (0.02, 4, 0.97, (0, 60)),
}
# how well a workplace collected consent: (share of workplaces, P(yes), P(unknown))
CONSENT_PROFILES = ((0.50, 0.92, 0.05), (0.35, 0.55, 0.30), (0.15, 0.0, 0.85))


def _day(d: int) -> str:
    return (START + timedelta(days=d)).isoformat()


def _weekdays(weekday: int, first: int = 0, last: int = DAYS - 1, every: int = 1) -> list[int]:
    """Day indices in [first, last] falling on a weekday, every `every` weeks."""
    offset = (weekday - START.weekday()) % 7
    days = list(range(offset, last + 1, 7 * every))
    return [d for d in days if d >= first]


def _seats(base: int, scale: float) -> int:
    return max(1, round(base * scale))


def _route(
    rid: str, host: str, first: int, last: int | None, home: int, out: int
) -> dict[str, Any]:
    return {"id": rid, "host": host, "open_from": _day(first),
            "open_until": None if last is None else _day(last),
            "seats_home": home, "seats_out": out}  # fmt: skip


def _routes(scale: float) -> list[dict[str, Any]]:
    """The timetable of one crisis, seats scaled to the number of returnees."""
    r: list[dict[str, Any]] = []
    # CN: rail bridge (closed days 21..48, reopens) and charters on Tuesdays and Fridays.
    rail = _seats(55, scale)
    r.append(_route("CN-rail-Dandong", "CN", -200, 20, rail, rail))
    r.append(_route("CN-rail-Dandong-reopened", "CN", 49, None, rail, rail))
    for d in _weekdays(TUESDAY) + _weekdays(FRIDAY):
        seats = 0 if d in (29, 32) else _seats(170, scale)  # two flights cancelled
        r.append(_route(f"CN-air-{_day(d)}", "CN", d, d, seats, _seats(150, scale)))
    # RU: weekly charter on Thursdays (more seats home than out) and a rail crossing
    # with a few seats a day.
    for d in _weekdays(THURSDAY):
        r.append(_route(f"RU-air-{_day(d)}", "RU", d, d, _seats(220, scale), _seats(90, scale)))
    r.append(_route("RU-rail-Khasan", "RU", 0, None, 4, 3))
    # AE: a charter every other Sunday from day 14; an out-only charter once.
    for d in _weekdays(SUNDAY, first=14, every=2):
        r.append(_route(f"AE-air-{_day(d)}", "AE", d, d, _seats(90, scale), _seats(80, scale)))
    r.append(_route("AE-air-outbound-only", "AE", 40, 40, 0, _seats(60, scale)))
    # KW: capped places, a flight home every Monday but no seat out in the horizon:
    # replacements are waiting, returnees cannot leave a capped place.
    for d in _weekdays(MONDAY):
        r.append(_route(f"KW-air-{_day(d)}", "KW", d, d, _seats(60, scale), 0))
    # MN: a land crossing with a few seats; a second crossing open only in the last weeks.
    r.append(_route("MN-road-Zamyn-Uud", "MN", 0, None, 2, 2))
    r.append(_route("MN-road-Altanbulag", "MN", 70, 200, 3, 1))
    # LA: a charter every Monday; the first four were cancelled (zero seats).
    for k, d in enumerate(_weekdays(MONDAY)):
        seats = 0 if k < 4 else _seats(70, scale)
        r.append(_route(f"LA-air-{_day(d)}", "LA", d, d, seats, seats))
    # NP: closed until day 60, then daily.
    r.append(_route("NP-air", "NP", 60, None, _seats(12, scale), _seats(12, scale)))
    # MM: cut off. One route closed before the start, one whose window is inverted.
    r.append(_route("MM-air", "MM", -60, -5, 50, 50))
    r.append(_route("MM-land", "MM", 30, 10, 20, 20))
    return r


def _sizes(rng: random.Random, kinds: list[str], deployed: int) -> list[int]:
    """Workplace headcounts, log-uniform within each kind, rescaled to `deployed` in total."""
    raw = []
    for kind in kinds:
        low, high = KINDS[kind][2]
        raw.append(math.exp(rng.uniform(math.log(low), math.log(high + 1))))
    factor = deployed / sum(raw)
    sizes = [max(1, int(x * factor)) for x in raw]
    # hand the rounding remainder to the largest workplaces
    for k in sorted(range(len(sizes)), key=lambda k: -sizes[k])[: max(0, deployed - sum(sizes))]:
        sizes[k] += 1
    return sizes


def _workplaces(rng: random.Random, size: FieldSize) -> list[dict[str, Any]]:
    names = list(KINDS)
    kinds = rng.choices(names, weights=[KINDS[k][0] for k in names], k=size.workplaces)
    kinds[: max(2, size.workplaces // 100)] = ["factory"] * max(2, size.workplaces // 100)
    sizes = _sizes(rng, kinds, size.deployed)
    wps = []
    for w, (kind, occupied) in enumerate(zip(kinds, sizes, strict=True)):
        host = rng.choice(KIND_HOSTS[kind])
        trade = rng.choice(KINDS[kind][1])
        if HOST_PROFILE[host][0] == "paired":
            vacancy = 0 if rng.random() < 0.8 else rng.randint(1, 3)
        else:  # free hosts: places left by those already gone home
            vacancy = rng.randint(0, max(1, occupied // 10))
        wps.append({"id": f"{host}-{kind[:4].upper()}-{w:05d}", "host": host, "trade": trade,
                    "slots": occupied + vacancy, "occupied": occupied})  # fmt: skip
    return wps


def _consent(rng: random.Random, profile: tuple[float, float, float]) -> str:
    _, yes, unknown = profile
    x = rng.random()
    return "yes" if x < yes else ("unknown" if x < yes + unknown else "no")


def _returnees(rng: random.Random, size: FieldSize, wps: list[dict[str, Any]]) -> list[Any]:
    """Returnees clustered in workplaces in trouble (a stalled factory sends many)."""
    trouble = [w["occupied"] * rng.lognormvariate(0, 1.2) for w in wps]
    profiles = rng.choices(CONSENT_PROFILES, weights=[p[0] for p in CONSENT_PROFILES], k=len(wps))
    room = [w["occupied"] for w in wps]
    cats = list(CATEGORIES)
    out: list[dict[str, Any]] = []
    picks = rng.choices(range(len(wps)), weights=trouble, k=size.returnees * 3)
    for w in picks:
        if len(out) == size.returnees:
            break
        if room[w] == 0:
            continue
        room[w] -= 1
        cat = rng.choices(cats, weights=[CATEGORIES[c][0] for c in cats])[0]
        _, priority, fit, (low, high) = CATEGORIES[cat]
        consent = _consent(rng, profiles[w])
        out.append({"id": f"P{len(out) + 1:06d}", "workplace": wps[w]["id"],
                    "priority": priority, "ready": _day(rng.randint(low, high)),
                    "consent": consent == "yes", "protection_hold": rng.random() < 0.015,
                    "fit_to_travel": rng.random() < fit})  # fmt: skip
    return out


def _replacements(rng: random.Random, size: FieldSize, wps: list[dict[str, Any]]) -> list[Any]:
    """Training cohorts graduating every other Monday from two weeks before the start."""
    # Schools train for the trades most asked for, not in exact proportion.
    demand: dict[str, float] = {}
    for w in wps:
        demand[w["trade"]] = demand.get(w["trade"], 0) + w["occupied"] ** 0.75
    demand["tailoring"] = 0.02 * sum(demand.values())  # a trade no workplace needs
    trades, weights = list(demand), list(demand.values())
    visas = (("CN",), ("CN",), ("CN",), ("CN",), ("CN", "RU"), ("RU",), ("RU",), ("AE", "KW"),
             ("KW",), ("LA",), ("MN", "RU"), ("NP",), ("MM",), ("cn",))  # fmt: skip
    graduations = [d for d in _weekdays(MONDAY, first=-14, last=DAYS + 30, every=2)]
    out = []
    for j in range(size.replacements):
        chosen = rng.choices(trades, weights=weights, k=rng.choice((1, 1, 1, 2)))
        ready = rng.choice(graduations)
        out.append({"id": f"R{j + 1:06d}", "trades": sorted(set(chosen)),
                    "hosts": list(rng.choice(visas)), "ready": _day(ready)})  # fmt: skip
    return out


def _field_quirks(data: dict[str, Any]) -> None:
    """What a field officer's file contains besides the regular rows."""
    wps, rets, reps = data["workplaces"], data["returnees"], data["replacements"]
    # Ids that differ only by case, spacing or a suffix; Hangul names.
    wps += [
        {"id": "평양식당", "host": "CN", "trade": "cooking", "slots": 12, "occupied": 12},
        {"id": "평양 식당", "host": "CN", "trade": "cooking", "slots": 9, "occupied": 9},
        {"id": "평양식당 (2)", "host": "RU", "trade": "cooking", "slots": 8, "occupied": 6},
        {"id": "CN-REST-closed", "host": "CN", "trade": "cooking", "slots": 0, "occupied": 0},
        {"id": "cn-rest-closed", "host": "CN", "trade": "cooking", "slots": 2, "occupied": 2},
        {"id": "RU-TRAD-refused", "host": "RU", "trade": "trading", "slots": 5, "occupied": 5},
        # more returnees listed than `occupied`: a stale roster
        {"id": "LA-REST-stale", "host": "LA", "trade": "cooking", "slots": 3, "occupied": 2},
    ]
    extra = [
        ("평양식당", 1, 0, True, True), ("평양식당", 3, -3, True, True),
        ("평양 식당", 1, 2, True, False), ("평양 식당", 2, 0, True, True),
        ("평양식당 (2)", 2, 0, True, True), ("cn-rest-closed", 3, 0, True, True),
        # every returnee of this workplace refused or did not answer
        ("RU-TRAD-refused", 1, 0, False, True), ("RU-TRAD-refused", 3, 0, False, True),
        ("RU-TRAD-refused", 3, 5, False, True),
        ("LA-REST-stale", 3, 0, True, True), ("LA-REST-stale", 3, 0, True, True),
        ("LA-REST-stale", 2, 0, True, True),
        # ready after the horizon
        ("평양식당", 3, DAYS + 10, True, True),
    ]  # fmt: skip
    for k, (wp, priority, ready, consent, fit) in enumerate(extra):
        rets.append({"id": f"P{k:06d}-dup" if k % 2 else f"p{k + 1:06d}", "workplace": wp,
                     "priority": priority, "ready": _day(ready), "consent": consent,
                     "protection_hold": False, "fit_to_travel": fit})  # fmt: skip
    reps += [
        {"id": "R000001 ", "trades": ["cooking"], "hosts": ["CN"], "ready": _day(0)},
        {"id": "r000001", "trades": ["cooking"], "hosts": ["RU"], "ready": _day(0)},
        {"id": "R-never", "trades": ["cooking"], "hosts": ["CN"], "ready": _day(DAYS)},
        {"id": "R-KW-waiting", "trades": ["masonry", "welding"], "hosts": ["KW"],
         "ready": _day(-7)},
    ]  # fmt: skip


def generate(size: FieldSize | str, seed: int = 1, strict: bool = False) -> dict[str, Any]:
    """A reproducible field scenario as the SPEC §6 JSON object.

    `strict`: the home country's strict quarantine policy, 30 days and 300 beds per 10,000
    returnees, so that beds bind for most of the horizon instead of part of it.
    """
    size = FIELD_SIZES[size] if isinstance(size, str) else size
    rng = random.Random(f"field-{seed}")
    scale = size.returnees / 10_000
    wps = _workplaces(rng, size)
    data: dict[str, Any] = {
        "start": START.isoformat(),
        "horizon_days": DAYS,
        "priority_weights": {"1": 8, "2": 4, "3": 2, "4": 1},
        "vacancy_weight": 1,
        "quarantine": {"beds": max(25, round(800 * scale)), "days": 21}
        if not strict
        else {"beds": max(10, round(300 * scale)), "days": 30},
        "hosts": [{"id": h, "rotation": rot} for h, (rot, _) in HOST_PROFILE.items()],
        "routes": _routes(scale),
        "workplaces": wps,
        "returnees": _returnees(rng, size, wps),
        "replacements": _replacements(rng, size, wps),
    }
    _field_quirks(data)
    return data


def write(data: dict[str, Any], path: str | Path) -> Path:
    """Write a scenario file as a field office would send it (UTF-8, Hangul as written)."""
    path = Path(path)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def main() -> None:
    """Write one field scenario file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(FIELD_SIZES), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--strict", action="store_true", help="30 days' quarantine, few beds")
    parser.add_argument("--out", help="scenario file to write (default: stdout)")
    args = parser.parse_args()
    data = generate(args.size, args.seed, args.strict)
    if args.out:
        write(data, args.out)
        counts = {k: len(data[k]) for k in ("routes", "workplaces", "returnees", "replacements")}
        print(f"wrote {args.out}: {counts}", file=sys.stderr)
    else:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
