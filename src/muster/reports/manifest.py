"""Travel manifests of a rotation plan: one XLSX sheet per route and day."""

from __future__ import annotations

import re
from collections import defaultdict

from muster.planning.result import Move, Plan
from muster.reports.cells import Cell, write_xlsx

HEADER = ("direction", "person", "workplace", "route", "date")
SUMMARY_HEADER = ("route", "date", "home", "out", "sheet")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(route: str, day: str, taken: set[str]) -> str:
    """An Excel-safe, unique sheet name (31 characters at most) for a route and day."""
    base = _BAD_SHEET_CHARS.sub("_", f"{day} {route}")[:31]
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def manifest_xlsx(plan: Plan) -> bytes:
    """A summary sheet, then per route and day who goes home and who goes out, and where."""
    groups: dict[tuple[str, str], list[Move]] = defaultdict(list)
    for move in plan.moves:
        groups[(move.date.isoformat(), move.route)].append(move)
    taken: set[str] = {"summary"}
    sheets: dict[str, tuple[tuple[str, ...], list[list[Cell]]]] = {}
    summary: list[list[Cell]] = []
    for (day, route), moves in sorted(groups.items()):
        name = sheet_name(route, day, taken)
        rows: list[list[Cell]] = [
            [m.direction, m.person, m.workplace, m.route, m.date]
            for m in sorted(moves, key=lambda m: (m.direction, m.workplace, m.person))
        ]
        sheets[name] = (HEADER, rows)
        homes = sum(1 for m in moves if m.direction == "home")
        summary.append([route, day, homes, len(moves) - homes, name])
    return write_xlsx({"Summary": (SUMMARY_HEADER, summary), **sheets})
