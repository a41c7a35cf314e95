"""Travel manifests of a rotation plan: one XLSX sheet per route and day.

Each row is one traveller: who (id, names in Latin and Hangul, birth date, passport), from
or to which workplace, by which route on which day. The rows come from
`muster.services.manifests`, which leaves out what the viewer may not see; a plan computed
from a scenario file has ids only (`rows_of`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from muster.planning.result import Move, Plan
from muster.reports.cells import Cell, write_xlsx

HEADER = (
    "direction", "person", "family_name", "given_name", "name_native", "date_of_birth",
    "passport_no", "workplace", "workplace_name", "route", "date",
)  # fmt: skip
SUMMARY_HEADER = ("route", "date", "home", "out", "sheet")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class ManifestRow:
    """One traveller of a plan: the move and who travels (names empty when unknown)."""

    move: Move
    family_name: str | None = None
    given_name: str | None = None
    name_native: str | None = None
    date_of_birth: date | None = None
    passport_no: str | None = None
    workplace_name: str | None = None

    def cells(self) -> list[Cell]:
        """The row as written, in the order of HEADER."""
        m = self.move
        return [
            m.direction, m.person, self.family_name, self.given_name, self.name_native,
            self.date_of_birth, self.passport_no, m.workplace, self.workplace_name, m.route,
            m.date,
        ]  # fmt: skip


def rows_of(plan: Plan) -> list[ManifestRow]:
    """Rows of every move with ids only (a plan computed from a scenario file)."""
    return [ManifestRow(move) for move in plan.moves]


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


def manifest_xlsx(rows: Sequence[ManifestRow]) -> bytes:
    """A summary sheet, then per route and day who goes home and who goes out, and where."""
    groups: dict[tuple[str, str], list[ManifestRow]] = defaultdict(list)
    for row in rows:
        groups[(row.move.date.isoformat(), row.move.route)].append(row)
    taken: set[str] = {"summary"}
    sheets: dict[str, tuple[tuple[str, ...], list[list[Cell]]]] = {}
    summary: list[list[Cell]] = []
    for (day, route), group in sorted(groups.items()):
        name = sheet_name(route, day, taken)
        ordered = sorted(group, key=lambda r: (r.move.direction, r.move.workplace, r.move.person))
        sheets[name] = (HEADER, [r.cells() for r in ordered])
        homes = sum(1 for r in group if r.move.direction == "home")
        summary.append([route, day, homes, len(group) - homes, name])
    return write_xlsx({"Summary": (SUMMARY_HEADER, summary), **sheets})
