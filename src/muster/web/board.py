"""The completeness board's shape: rows in tree order with depth, counts and bars per level.

Presentation only: the rows come from `services.lists.status`, as the viewer may see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from muster.domain.completeness import UnitStatus
from muster.domain.units import UnitKind

LEVELS = (UnitKind.MISSION.value, UnitKind.CONSULATE.value, UnitKind.WORKPLACE.value)
TIMELINESS = ("pending", "on_time", "late", "missing")
COLOURS = {"pending": "#8a8f98", "on_time": "#1b7f3b", "late": "#b35c00", "missing": "#b3261e"}
BAR_WIDTH = 420


@dataclass(frozen=True)
class Segment:
    """One coloured part of a level's bar."""

    timeliness: str
    count: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Level:
    """Counts by timeliness for one level, and its bar."""

    kind: str
    counts: dict[str, int]
    total: int
    segments: list[Segment]


def tree_order(rows: Sequence[UnitStatus]) -> list[tuple[UnitStatus, int]]:
    """Rows depth-first from the top of what the viewer sees, each with its depth."""
    by_parent: dict[str | None, list[UnitStatus]] = {}
    codes = {r.unit for r in rows}
    for row in rows:
        parent = row.parent if row.parent in codes else None
        by_parent.setdefault(parent, []).append(row)
    ordered: list[tuple[UnitStatus, int]] = []
    stack = [(r, 0) for r in reversed(by_parent.get(None, []))]
    while stack:
        row, depth = stack.pop()
        ordered.append((row, depth))
        stack.extend((c, depth + 1) for c in reversed(by_parent.get(row.unit, [])))
    return ordered


def timeliness_of(row: UnitStatus, pending: bool) -> str:
    """on_time, late or missing; `pending` when nothing came yet and the due time is ahead."""
    value = row.timeliness.value
    return "pending" if value == "missing" and pending else value


def levels(rows: Sequence[tuple[UnitStatus, str]]) -> list[Level]:
    """Counts and bar segments per level, from rows with their shown timeliness."""
    found: list[Level] = []
    for kind in LEVELS:
        counts = {t: 0 for t in TIMELINESS}
        for row, shown in rows:
            if row.kind == kind:
                counts[shown] += 1
        total = sum(counts.values())
        found.append(Level(kind, counts, total, _segments(counts, total)))
    return [level for level in found if level.total]


def _segments(counts: dict[str, int], total: int) -> list[Segment]:
    """The bar of one level: a segment per timeliness, widths proportional to counts."""
    x = 0.0
    segments: list[Segment] = []
    for name in TIMELINESS:
        width = BAR_WIDTH * counts[name] / total if total else 0.0
        segments.append(Segment(name, counts[name], x, width, COLOURS[name]))
        x += width
    return segments
