"""From aggregated counts to named moves: people, workplaces and routes.

Within a pool, the earliest-ready returnees go first; a cohort's replacements are shared
out to place types, and each place type sends its earliest-ready ones first (readiness
stocks never negative make this always possible). A home in a paired host gets one of the
day's outs at its own workplace; the other outs go to workplaces with a free place.
Routes of one host are interchangeable, so seats are taken route by route.
Every move is checked against the ledger before it is added.
"""

from __future__ import annotations

from collections import defaultdict, deque

from muster.planning.facts import Facts, FloatArray
from muster.planning.ledger import Ledger
from muster.planning.model import AggregateModel

DayMap = dict[int, list[int]]


def materialize(ledger: Ledger, model: AggregateModel, values: FloatArray) -> None:
    """Add the named moves of an aggregated solution to an empty ledger."""
    f = ledger.facts
    homes = _named_homes(f, model, values)
    outs = _named_outs(f, model, values)
    for place in range(len(f.types)):
        if place in homes or place in outs:
            _place_moves(ledger, place, homes.get(place, {}), outs.get(place, {}))


def _count(values: FloatArray, col: int) -> int:
    return max(0, round(float(values[col])))


def _named_homes(f: Facts, model: AggregateModel, values: FloatArray) -> dict[int, DayMap]:
    homes: dict[int, DayMap] = defaultdict(lambda: defaultdict(list))
    per_pool: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (index, day), col in model.home.items():
        per_pool[index].append((day, _count(values, col)))
    for index, counts in per_pool.items():
        pool, pos = model.pools[index], 0
        for day, count in sorted(counts):
            for i in pool.members[pos : pos + count]:
                if f.ret_ready[i] <= day:
                    homes[pool.place][day].append(i)
            pos += count
    return homes


def _named_outs(f: Facts, model: AggregateModel, values: FloatArray) -> dict[int, DayMap]:
    given: dict[int, list[int]] = defaultdict(list)
    per_cohort: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (c, place), col in model.alloc.items():
        per_cohort[c].append((place, _count(values, col)))
    for c, shares in per_cohort.items():
        members, pos = model.cohorts[c].members, 0
        for place, count in shares:
            given[place].extend(members[pos : pos + count])
            pos += count
    counts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (place, day), col in model.out.items():
        counts[place].append((day, _count(values, col)))
    outs: dict[int, DayMap] = defaultdict(lambda: defaultdict(list))
    for place, day_counts in counts.items():
        queue = deque(sorted(given[place], key=lambda j: (f.rep_ready[j], j)))
        for day, count in sorted(day_counts):
            while count > 0 and queue and f.rep_ready[queue[0]] <= day:
                outs[place][day].append(queue.popleft())
                count -= 1
    return outs


def _place_moves(ledger: Ledger, place: int, homes: DayMap, outs: DayMap) -> None:
    """Named moves of one place type, day by day, into workplaces with room."""
    f = ledger.facts
    ptype = f.types[place]
    room = {w: int(f.wp_slots[w] - f.wp_occupied[w]) for w in ptype.workplaces}
    free = deque(w for w in ptype.workplaces if room[w] > 0)
    for day in sorted(set(homes) | set(outs)):
        leaving, arriving = homes.get(day, []), list(outs.get(day, []))
        for i in leaving:
            wp = int(f.ret_wp[i])
            if ptype.paired:
                if not arriving or not _pair_fits(ledger, i, wp, day):
                    continue
                ledger.add_home(i, day)
                ledger.add_out(arriving.pop(), wp, day)
            elif ledger.fits_home(i, day):
                ledger.add_home(i, day)
                room[wp] += 1
                if room[wp] == 1:
                    free.append(wp)
        for j in arriving:
            while free and room[free[0]] <= 0:
                free.popleft()
            if not free or not ledger.fits_out(free[0], day):
                continue
            ledger.add_out(j, free[0], day)
            room[free[0]] -= 1


def _pair_fits(ledger: Ledger, returnee: int, workplace: int, day: int) -> bool:
    host = int(ledger.facts.wp_host[workplace])
    return ledger.fits_home(returnee, day) and bool(ledger.out_left[host, day] > 0)
