"""Units: the organisation tree HQ -> mission -> consulate -> workplace, and its rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from muster.domain.errors import NotFound


class UnitKind(StrEnum):
    """The four levels of the tree."""

    HEADQUARTERS = "headquarters"
    MISSION = "mission"
    CONSULATE = "consulate"
    WORKPLACE = "workplace"


class WorkplaceType(StrEnum):
    """What kind of place people work at."""

    FACTORY = "factory"
    RESTAURANT = "restaurant"
    TRADING_COMPANY = "trading_company"
    CONSTRUCTION = "construction"
    OTHER = "other"


# Which kinds a unit of each kind may have as its parent.
ALLOWED_PARENTS: dict[UnitKind, frozenset[UnitKind]] = {
    UnitKind.HEADQUARTERS: frozenset(),
    UnitKind.MISSION: frozenset({UnitKind.HEADQUARTERS}),
    UnitKind.CONSULATE: frozenset({UnitKind.MISSION}),
    UnitKind.WORKPLACE: frozenset({UnitKind.CONSULATE, UnitKind.MISSION}),
}


@dataclass(frozen=True)
class Unit:
    """A node of the organisation tree."""

    code: str
    name: str
    kind: UnitKind
    parent_code: str | None = None
    host_country: str | None = None
    region: str | None = None
    workplace_type: WorkplaceType | None = None
    slots: int | None = None
    trade: str | None = None

    @property
    def effective_trade(self) -> str | None:
        """The skill the unit's places need; defaults to the workplace type (SPEC §5)."""
        if self.trade:
            return self.trade
        return self.workplace_type.value if self.workplace_type else None


class UnitTree:
    """A validated organisation tree with subtree queries (the scope rule lives on top of it)."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._units: dict[str, Unit] = {}
        self._children: dict[str, list[str]] = {}
        for unit in units:
            self._units[unit.code] = unit
        for unit in self._units.values():
            if unit.parent_code is not None:
                self._children.setdefault(unit.parent_code, []).append(unit.code)

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def __len__(self) -> int:
        return len(self._units)

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.values())

    def get(self, code: str) -> Unit:
        """The unit with this code, or NotFound."""
        try:
            return self._units[code]
        except KeyError:
            raise NotFound(f"unknown unit {code!r}") from None

    def children(self, code: str) -> list[Unit]:
        """The direct children of a unit."""
        return [self._units[c] for c in self._children.get(code, [])]

    def subtree(self, code: str) -> list[Unit]:
        """The unit and every unit below it, parents before children."""
        out: list[Unit] = []
        stack = [code]
        while stack:
            current = stack.pop()
            out.append(self.get(current))
            stack.extend(reversed(self._children.get(current, [])))
        return out

    def ancestors(self, code: str) -> list[Unit]:
        """The chain of parents from the unit's parent up to headquarters."""
        chain: list[Unit] = []
        parent = self.get(code).parent_code
        while parent is not None:
            unit = self.get(parent)
            chain.append(unit)
            parent = unit.parent_code
        return chain

    def is_within(self, code: str, root: str) -> bool:
        """True when `code` is `root` or below it."""
        if code == root:
            return True
        return any(a.code == root for a in self.ancestors(code))

    def headquarters(self) -> Unit | None:
        """The single headquarters unit, if the tree has one."""
        return next((u for u in self._units.values() if u.kind is UnitKind.HEADQUARTERS), None)

    def mission_of(self, code: str) -> Unit | None:
        """The mission a unit belongs to (itself if it is one)."""
        unit = self.get(code)
        if unit.kind is UnitKind.MISSION:
            return unit
        return next((a for a in self.ancestors(code) if a.kind is UnitKind.MISSION), None)


def validate_tree(units: list[Unit], existing: UnitTree | None = None) -> list[str]:
    """Every structural problem of a tree made of `existing` plus `units` (empty list = valid)."""
    problems: list[str] = []
    merged: dict[str, Unit] = {u.code: u for u in existing} if existing else {}
    seen: set[str] = set()
    for unit in units:
        if unit.code in seen:
            problems.append(f"unit code {unit.code!r} appears twice")
        seen.add(unit.code)
        merged[unit.code] = unit
    hqs = [u.code for u in merged.values() if u.kind is UnitKind.HEADQUARTERS]
    if len(hqs) != 1:
        problems.append(f"the tree needs exactly one headquarters, found {len(hqs)}")
    for unit in units:
        problems.extend(_unit_problems(unit, merged))
    return problems


def _unit_problems(unit: Unit, merged: dict[str, Unit]) -> list[str]:
    """Problems of one unit's placement and attributes."""
    allowed = ALLOWED_PARENTS[unit.kind]
    if unit.kind is UnitKind.HEADQUARTERS:
        if unit.parent_code:
            return [f"unit {unit.code!r}: headquarters has no parent"]
        return []
    if not unit.parent_code or unit.parent_code not in merged:
        return [f"unit {unit.code!r}: parent {unit.parent_code or ''!r} does not exist"]
    parent = merged[unit.parent_code]
    problems = []
    if parent.kind not in allowed:
        kinds = " or ".join(sorted(k.value for k in allowed))
        problems.append(
            f"unit {unit.code!r}: a {unit.kind.value} must be under a {kinds}, "
            f"not under {parent.kind.value} {parent.code!r}"
        )
    if unit.kind is UnitKind.WORKPLACE and (unit.workplace_type is None or unit.slots is None):
        problems.append(f"unit {unit.code!r}: a workplace needs workplace_type and slots")
    return problems
