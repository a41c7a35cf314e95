"""The rotation plan (SPEC §6 output): dated moves and the reason for everyone not moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

Direction = Literal["home", "out"]
Status = Literal["optimal", "feasible", "infeasible"]
Reason = Literal[
    "no_consent",
    "protection_hold",
    "not_fit",
    "route_closed",
    "no_replacement",
    "capacity",
    "not_ready",
]
REASONS: frozenset[str] = frozenset(Reason.__args__)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Move:
    """One person travelling on one route on one day (home for returnees, out for replacements)."""

    person: str
    direction: Direction
    route: str
    date: date
    workplace: str

    def to_json(self) -> dict[str, str]:
        """The SPEC §6 JSON form."""
        return {
            "person": self.person,
            "direction": self.direction,
            "route": self.route,
            "date": self.date.isoformat(),
            "workplace": self.workplace,
        }


@dataclass(frozen=True, slots=True)
class Unscheduled:
    """A person not moved, the binding reason, and (beyond SPEC) a human-readable detail."""

    person: str
    reason: Reason
    detail: str | None = None

    def to_json(self) -> dict[str, str]:
        """The SPEC §6 JSON form, plus `detail` when there is one."""
        out = {"person": self.person, "reason": self.reason}
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass(frozen=True, slots=True)
class Plan:
    """A rotation plan; `status` is `optimal` only when `objective == bound`.

    `infeasible` is never produced by the planner: the empty plan is always valid.
    `warnings` name inconsistent but usable input (SPEC §6), e.g. more returnees than occupied.
    """

    status: Status
    objective: int
    bound: int
    moves: tuple[Move, ...]
    unscheduled: tuple[Unscheduled, ...]
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The SPEC §6 JSON form; `warnings` only when there are some."""
        out: dict[str, Any] = {
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "moves": [m.to_json() for m in self.moves],
            "unscheduled": [u.to_json() for u in self.unscheduled],
        }
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


def plan_from_json(data: dict[str, Any]) -> Plan:
    """Read a plan back from its JSON form (for checking a plan file)."""
    moves = tuple(
        Move(
            person=m["person"],
            direction=m["direction"],
            route=m["route"],
            date=date.fromisoformat(m["date"]),
            workplace=m["workplace"],
        )
        for m in data["moves"]
    )
    unscheduled = tuple(
        Unscheduled(person=u["person"], reason=u["reason"], detail=u.get("detail"))
        for u in data["unscheduled"]
    )
    return Plan(
        status=data["status"],
        objective=int(data["objective"]),
        bound=int(data["bound"]),
        moves=moves,
        unscheduled=unscheduled,
        warnings=tuple(str(w) for w in data.get("warnings", ())),
    )
