"""Why each person was not moved: the binding reason (SPEC §6) and a detail naming the limit.

Explanations read the final ledger after the greedy pass, so for an eligible person every
candidate day is blocked by something: a full route (which one, which days), full
quarantine beds, no replacement left for the workplace, or no vacancy. A replacement whose
trades and hosts match no workplace at all has no place to fill: SPEC §6 has no reason for
that, so the reason stays `capacity` (the output keeps SPEC's vocabulary, which other tools
check) and the detail says the truth: "no workplace of trade ... in host ..." — never a
full route or a full workplace.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np

from muster.planning.facts import BoolArray
from muster.planning.ledger import Ledger
from muster.planning.result import Reason, Unscheduled
from muster.planning.scenario import ineligibility

MAX_RUNS = 3
NO_REPLACEMENT = "no replacement left"
UNUSED = "not reached within the time limit"


def explain(ledger: Ledger) -> list[Unscheduled]:
    """One `Unscheduled` for every person without a move, returnees first, in input order."""
    ctx = _Context(ledger)
    out: list[Unscheduled] = []
    for i, ret in enumerate(ledger.facts.scenario.returnees):
        if i not in ledger.home:
            why = ineligibility(ret)
            if why is not None:
                out.append(Unscheduled(ret.id, why))
            else:
                out.append(Unscheduled(ret.id, *ctx.returnee(i)))
    for j, rep in enumerate(ledger.facts.scenario.replacements):
        if j not in ledger.out:
            out.append(Unscheduled(rep.id, *ctx.replacement(j)))
    return out


class _Context:
    """What is full on which day, computed once from the final ledger."""

    def __init__(self, ledger: Ledger) -> None:
        f = ledger.facts
        self.ledger, self.facts = ledger, f
        self.quarantine_full = ~ledger.quarantine_ok()
        self.pool = np.zeros(len(f.types), dtype=np.int64)
        self.left_from = np.full(len(f.types), f.days, dtype=np.int64)
        for j, places in enumerate(f.rep_types):
            for place in places:
                self.pool[place] += 1
                if j not in ledger.out:
                    self.left_from[place] = min(self.left_from[place], f.rep_ready[j])
        self.cache: dict[tuple[object, ...], tuple[Reason, str]] = {}

    def date(self, day: int) -> date:
        return self.facts.scenario.date_of(day)

    def returnee(self, i: int) -> tuple[Reason, str]:
        """Reason and detail for an eligible returnee not moved."""
        key = ("r", self.facts.ret_type(i), int(self.facts.ret_ready[i]))
        if key not in self.cache:
            self.cache[key] = self._returnee(self.facts.ret_type(i), int(self.facts.ret_ready[i]))
        return self.cache[key]

    def replacement(self, j: int) -> tuple[Reason, str]:
        """Reason and detail for a replacement not moved."""
        places = self.facts.rep_types[j]
        # Without any place type the detail names the person's own trades and hosts.
        key: tuple[object, ...] = ("p", places, int(self.facts.rep_ready[j]), places or j)
        if key not in self.cache:
            self.cache[key] = self._replacement(j)
        return self.cache[key]

    def _timing(self, open_days: BoolArray, ready: int, what: str) -> tuple[Reason, str] | None:
        """`not_ready` or `route_closed` when no open day follows the ready day."""
        f = self.facts
        if ready >= f.days:
            last = self.date(f.days - 1).isoformat()
            return "not_ready", f"ready {self.date(ready).isoformat()}, after the horizon ({last})"
        days = np.flatnonzero(open_days)
        if len(days) == 0:
            return "route_closed", f"no route {what} is open within the horizon"
        if days[-1] < ready:
            last_open = self.date(int(days[-1])).isoformat()
            when = self.date(ready).isoformat()
            return "not_ready", f"ready {when}, after the last day {what} is open ({last_open})"
        return None

    def _returnee(self, place: int, ready: int) -> tuple[Reason, str]:
        f = self.facts
        ptype = f.types[place]
        host_id = f.host_ids[ptype.host]
        both = " both ways" if ptype.paired else " home"
        timing = self._timing(f.open_days(place, "home"), ready, f"of host {host_id}{both}")
        if timing is not None:
            return timing
        trade = f"trade '{ptype.trade}' for host '{host_id}'"
        if ptype.paired and self.pool[place] == 0:
            return "no_replacement", f"no replacement has {trade}"
        days = [d for d in np.flatnonzero(f.open_days(place, "home")) if d >= ready]
        blocks = [self._home_blocks(place, int(d)) for d in days]
        if ptype.paired and all(NO_REPLACEMENT in b for b in blocks):
            return "no_replacement", (
                f"all {self.pool[place]} replacements with {trade} are scheduled or ready too late"
            )
        return "capacity", self._summary([int(d) for d in days], blocks)

    def _home_blocks(self, place: int, day: int) -> list[str]:
        f, ledger = self.facts, self.ledger
        host = f.types[place].host
        blocks = []
        if ledger.home_left[host, day] <= 0:
            blocks.append(f"home seats full ({self._routes(host, day)})")
        if self.quarantine_full[day]:
            blocks.append("quarantine beds full")
        if f.paired[host]:
            if ledger.out_left[host, day] <= 0:
                blocks.append(f"out seats full ({self._routes(host, day)})")
            if day < self.left_from[place]:
                blocks.append(NO_REPLACEMENT)
        return blocks or [UNUSED]

    def _replacement(self, j: int) -> tuple[Reason, str]:
        f = self.facts
        rep, places = f.scenario.replacements[j], f.rep_types[j]
        if not places:  # not a full route or workplace: no place this person could fill
            trades, hosts = "/".join(rep.trades), "/".join(rep.hosts)
            return "capacity", f"no workplace of trade {trades} in host {hosts}"
        open_days = np.zeros(f.days, dtype=np.bool_)
        for place in places:
            open_days |= f.open_days(place, "out")
        timing = self._timing(open_days, int(f.rep_ready[j]), "out to its hosts")
        if timing is not None:
            return timing
        days = [int(d) for d in np.flatnonzero(open_days) if d >= f.rep_ready[j]]
        return "capacity", self._summary(days, [self._out_blocks(places, d) for d in days])

    def _out_blocks(self, places: tuple[int, ...], day: int) -> list[str]:
        f, ledger = self.facts, self.ledger
        blocks: set[str] = set()
        for place in places:
            host = f.types[place].host
            if f.out_cap[host, day] <= 0:
                continue
            if ledger.out_left[host, day] <= 0:
                blocks.add(f"out seats full ({self._routes(host, day)})")
            elif not (ledger.headroom(place)[:, day] > 0).any():
                blocks.add(f"no vacancy for trade '{f.types[place].trade}' in {f.host_ids[host]}")
        return sorted(blocks) or [UNUSED]

    def _routes(self, host: int, day: int) -> str:
        f = self.facts
        names = [f.scenario.routes[r].id for r in f.routes_of_host[host] if f.route_open[r, day]]
        return "route " + ", ".join(names)

    def _span(self, first: int, last: int) -> str:
        start = self.date(first).isoformat()
        return start if first == last else f"{start}..{self.date(last).isoformat()}"

    def _summary(self, days: list[int], blocks: list[list[str]]) -> str:
        """Each limit with the periods of candidate days it blocked, most frequent first."""
        by_cause: dict[str, list[int]] = {}
        for day, causes in zip(days, blocks, strict=True):
            for cause in causes:
                by_cause.setdefault(cause, []).append(day)
        parts = []
        for cause, hit in sorted(by_cause.items(), key=lambda item: -len(item[1])):
            spans = [self._span(a, b) for a, b in _periods(hit, days)]
            more = f" and {len(spans) - MAX_RUNS} more periods" if len(spans) > MAX_RUNS else ""
            parts.append(f"{cause} {', '.join(spans[:MAX_RUNS])}{more}")
        return "; ".join(parts)


def _periods(hit: list[int], days: list[int]) -> Iterator[tuple[int, int]]:
    """Runs of `hit` days that are consecutive among the candidate `days`."""
    position = {day: k for k, day in enumerate(days)}
    start = 0
    for k in range(1, len(hit) + 1):
        if k == len(hit) or position[hit[k]] != position[hit[k - 1]] + 1:
            yield hit[start], hit[k - 1]
            start = k
